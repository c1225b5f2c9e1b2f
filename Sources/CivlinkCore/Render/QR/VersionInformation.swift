/// The 18-bit version information of versions 7 and up (ISO/IEC 18004 §7.10): six bits of
/// version number, twelve of BCH(18,6) check bits, placed as two 6×3 blocks beside the top-right
/// and bottom-left finders.
enum VersionInformation {
    /// BCH generator G(x) = x¹² + x¹¹ + x¹⁰ + x⁹ + x⁸ + x⁵ + x² + 1.
    static let generator = 0b1_1111_0010_0101

    static func bits(version: Int) -> Int {
        precondition(version >= 7 && version <= 40)
        return version << 12 | BCH.remainder(version << 12, generator: generator)
    }

    /// Where bit i (0 = least significant) of each copy goes, as (x, y) = (column, row): the
    /// copy above the bottom-left finder and its transpose left of the top-right one.
    static func positions(size: Int) -> [(bottomLeft: (x: Int, y: Int), topRight: (x: Int, y: Int))] {
        (0..<18).map { i in
            let a = size - 11 + i % 3, b = i / 3
            return ((b, a), (a, b))
        }
    }
}
