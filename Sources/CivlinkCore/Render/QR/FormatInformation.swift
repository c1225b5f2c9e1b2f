/// The 15-bit format information (ISO/IEC 18004 §7.9): two bits of error-correction level,
/// three of mask pattern, ten of BCH(15,5) check bits, XOR-ed with 101010000010010 so that no
/// combination is all light. Placed twice: around the top-left finder, and split between the
/// top-right and bottom-left ones.
enum FormatInformation {
    /// BCH generator G(x) = x¹⁰ + x⁸ + x⁵ + x⁴ + x² + x + 1.
    static let generator = 0b101_0011_0111
    static let xorMask = 0b101_0100_0001_0010

    /// The 15 format bits, bit 14 the most significant.
    static func bits(level: QRCode.ErrorCorrection, mask: Int) -> Int {
        let data = level.formatBits << 3 | mask
        return (data << 10 | BCH.remainder(data << 10, generator: generator)) ^ xorMask
    }

    /// The level and mask whose format bits are nearest to `read` (up to 3 errors corrected),
    /// or nil when none is that near.
    static func decode(_ read: Int) -> (level: QRCode.ErrorCorrection, mask: Int)? {
        var best: (distance: Int, data: Int) = (Int.max, 0)
        for data in 0..<32 {
            let candidate = bits(level: QRCode.ErrorCorrection(formatBits: data >> 3), mask: data & 7)
            let distance = (candidate ^ read).nonzeroBitCount
            if distance < best.distance { best = (distance, data) }
        }
        guard best.distance <= 3 else { return nil }
        return (QRCode.ErrorCorrection(formatBits: best.data >> 3), best.data & 7)
    }

    /// Where bit i (0 = least significant) of each copy goes, as (x, y) = (column, row).
    static func positions(size: Int) -> [(first: (x: Int, y: Int), second: (x: Int, y: Int))] {
        (0..<15).map { i in
            let first: (x: Int, y: Int) =
                switch i {
                case 0...5: (8, i)
                case 6: (8, 7)
                case 7: (8, 8)
                case 8: (7, 8)
                default: (14 - i, 8)
                }
            let second: (x: Int, y: Int) = i < 8 ? (size - 1 - i, 8) : (8, size - 15 + i)
            return (first, second)
        }
    }
}
