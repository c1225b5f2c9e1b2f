/// One of the forty symbol versions and what ISO/IEC 18004 tabulates for it: size (§5.3),
/// alignment pattern centres (Annex E), error-correction blocks (Table 9) and capacity.
struct QRVersion: Sendable, Equatable, Comparable {
    static let range = 1...40
    static let minimum = QRVersion(unchecked: 1)
    static let maximum = QRVersion(unchecked: 40)

    let number: Int

    init?(_ number: Int) {
        guard QRVersion.range.contains(number) else { return nil }
        self.number = number
    }

    private init(unchecked number: Int) { self.number = number }

    static func < (a: QRVersion, b: QRVersion) -> Bool { a.number < b.number }

    /// Modules per side: 21 for version 1, four more per version.
    var size: Int { 17 + 4 * number }

    /// Row and column coordinates of the alignment pattern centres (Annex E, Table E.1). The
    /// patterns sit at every pairing of these except the three that would cover a finder.
    var alignmentPatternCenters: [Int] { QRVersion.alignmentTable[number - 1] }

    /// Modules left for codewords and remainder bits once the function patterns, format and
    /// version information are placed (the "data modules" column of Table 1).
    var rawDataModules: Int {
        var modules = size * size
        modules -= 3 * 64  // finders with their separators
        modules -= 2 * (size - 16)  // timing patterns between the separators
        modules -= 31  // format information, both copies, and the dark module
        let centers = alignmentPatternCenters.count
        if centers > 0 {
            // Alignment patterns: all pairings but three; those on the timing lines each
            // cover 5 timing modules that were already counted.
            modules -= 25 * (centers * centers - 3)
            modules += 2 * 5 * (centers - 2)
        }
        if number >= 7 { modules -= 36 }  // version information, both copies
        return modules
    }

    /// All codewords, data and error correction (Table 1).
    var totalCodewords: Int { rawDataModules / 8 }

    /// Modules left over after the last codeword, left light before masking (Table 1).
    var remainderBits: Int { rawDataModules % 8 }

    /// Bits of the byte-mode character count indicator (Table 3).
    var characterCountBits: Int { number < 10 ? 8 : 16 }

    func errorCorrectionCodewordsPerBlock(_ level: QRCode.ErrorCorrection) -> Int {
        QRVersion.eccPerBlock[level.rawValue][number - 1]
    }

    func blockCount(_ level: QRCode.ErrorCorrection) -> Int {
        QRVersion.blocks[level.rawValue][number - 1]
    }

    func dataCodewords(_ level: QRCode.ErrorCorrection) -> Int {
        totalCodewords - errorCorrectionCodewordsPerBlock(level) * blockCount(level)
    }

    /// The most bytes one byte-mode segment holds at this version and level (Table 7).
    func byteCapacity(_ level: QRCode.ErrorCorrection) -> Int {
        let bits = dataCodewords(level) * 8 - 4 - characterCountBits
        return min(bits / 8, (1 << characterCountBits) - 1)
    }

    // MARK: - The standard's tables

    /// Annex E, Table E.1: row/column coordinates of alignment pattern centres, versions 1-40.
    static let alignmentTable: [[Int]] = [
        [], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34],
        [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50], [6, 30, 54], [6, 32, 58], [6, 34, 62],
        [6, 26, 46, 66], [6, 26, 48, 70], [6, 26, 50, 74], [6, 30, 54, 78], [6, 30, 56, 82],
        [6, 30, 58, 86], [6, 34, 62, 90],
        [6, 28, 50, 72, 94], [6, 26, 50, 74, 98], [6, 30, 54, 78, 102], [6, 28, 54, 80, 106],
        [6, 32, 58, 84, 110], [6, 30, 58, 86, 114], [6, 34, 62, 90, 118],
        [6, 26, 50, 74, 98, 122], [6, 30, 54, 78, 102, 126], [6, 26, 52, 78, 104, 130],
        [6, 30, 56, 82, 108, 134], [6, 34, 60, 86, 112, 138], [6, 30, 58, 86, 114, 142],
        [6, 34, 62, 90, 118, 146],
        [6, 30, 54, 78, 102, 126, 150], [6, 24, 50, 76, 102, 128, 154],
        [6, 28, 54, 80, 106, 132, 158], [6, 32, 58, 84, 110, 136, 162],
        [6, 26, 54, 82, 110, 138, 166], [6, 30, 58, 86, 114, 142, 170],
    ]

    /// Table 9: error-correction codewords per block, by level (L, M, Q, H) then version 1-40.
    /// Within a version every block has the same number of error-correction codewords.
    static let eccPerBlock: [[Int]] = [
        [7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
         28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
         26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28],
        [13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
         28, 30, 30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
        [17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
         30, 24, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30],
    ]

    /// Table 9: number of error-correction blocks, by level (L, M, Q, H) then version 1-40.
    /// When the codewords do not divide evenly, the last blocks hold one data codeword more.
    static let blocks: [[Int]] = [
        [1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
         8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25],
        [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
         17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49],
        [1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
         23, 23, 25, 27, 29, 34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68],
        [1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
         25, 34, 30, 32, 35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81],
    ]
}
