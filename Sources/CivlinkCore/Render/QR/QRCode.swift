/// A QR code (Model 2, ISO/IEC 18004) holding one byte-mode segment: the finished module matrix
/// and how it was made.
///
///     let code = try QRCode.encode(Array("https://example.org/r/42".utf8))
///     let html = code.svg(moduleSize: 4)
///
/// The payload bytes are stored as they are, with no ECI header: readers take them as UTF-8
/// (most do for byte mode) or as ISO 8859-1.
public struct QRCode: Sendable, Equatable {
    /// 1...40; the symbol is 17 + 4 × version modules wide.
    public let version: Int
    public let errorCorrection: ErrorCorrection
    /// The mask pattern reference, 0...7 (Table 10).
    public let mask: Int
    /// Modules per side.
    public let size: Int
    /// Row-major, `size × size`, true = dark; module (x, y) is `modules[y * size + x]`.
    public let modules: [Bool]

    /// `code[x, y]`: whether module (x, y) (x the column, y the row, from the top-left) is dark.
    /// Coordinates outside the symbol are light, as the quiet zone is, so renderers need no
    /// bounds checks.
    public subscript(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < size, y < size else { return false }
        return modules[y * size + x]
    }

    /// The matrix as rows of modules, true = dark.
    public var rows: [[Bool]] {
        (0..<size).map { y in Array(modules[(y * size)..<((y + 1) * size)]) }
    }

    /// Encodes `bytes` as one byte-mode segment in the smallest version at or above
    /// `minimumVersion` that holds them at `level`. `mask` forces a mask pattern (0...7); by
    /// default the one with the lowest penalty (§7.8.3) is used.
    public static func encode(
        _ bytes: [UInt8], level: ErrorCorrection = .medium, minimumVersion: Int = 1, mask: Int? = nil
    ) throws(QRCodeError) -> QRCode {
        if let mask, !MaskPattern.all.contains(mask) { throw .invalidMask(mask) }
        let matrix = try unmaskedMatrix(bytes, level: level, minimumVersion: minimumVersion)
        let maskUsed = mask ?? MaskPattern.select(matrix, level: level).mask
        let final = MaskPattern.masked(matrix, mask: maskUsed, level: level)
        return QRCode(version: (final.size - 17) / 4, errorCorrection: level, mask: maskUsed, size: final.size, modules: final.modules)
    }

    /// Everything but the mask: the version chosen, codewords placed, format information reserved.
    static func unmaskedMatrix(_ bytes: [UInt8], level: ErrorCorrection, minimumVersion: Int) throws(QRCodeError) -> QRMatrix {
        guard QRVersion(minimumVersion) != nil else { throw .invalidVersion(minimumVersion) }
        guard let version = (minimumVersion...QRVersion.range.upperBound).lazy.compactMap(QRVersion.init)
            .first(where: { bytes.count <= $0.byteCapacity(level) })
        else {
            throw .payloadTooLarge(byteCount: bytes.count, capacity: QRVersion.maximum.byteCapacity(level), level: level)
        }
        let data = BitStream.dataCodewords(for: bytes, version: version, level: level)
        let codewords = BlockInterleaver.finalCodewords(data: data, version: version, level: level)
        var matrix = QRMatrix(version: version)
        matrix.placeCodewords(codewords)
        return matrix
    }

    /// Encodes the UTF-8 bytes of `text`; see `encode(_:level:minimumVersion:mask:)`.
    public static func encode(
        _ text: String, level: ErrorCorrection = .medium, minimumVersion: Int = 1, mask: Int? = nil
    ) throws(QRCodeError) -> QRCode {
        try encode(Array(text.utf8), level: level, minimumVersion: minimumVersion, mask: mask)
    }

    /// The most payload bytes `version` holds at `level`, or nil for a version outside 1...40.
    public static func byteCapacity(version: Int, level: ErrorCorrection) -> Int? {
        QRVersion(version)?.byteCapacity(level)
    }

    private init(version: Int, errorCorrection: ErrorCorrection, mask: Int, size: Int, modules: [Bool]) {
        self.version = version
        self.errorCorrection = errorCorrection
        self.mask = mask
        self.size = size
        self.modules = modules
    }
}
