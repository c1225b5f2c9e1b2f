/// The eight data mask patterns of ISO/IEC 18004 §7.8.2, Table 10. A mask inverts the data
/// modules where its condition holds; i is the row (y) and j the column (x).
enum MaskPattern {
    static let all = 0..<8

    @inline(__always)
    static func inverts(_ mask: Int, x j: Int, y i: Int) -> Bool {
        switch mask {
        case 0: (i + j) % 2 == 0
        case 1: i % 2 == 0
        case 2: j % 3 == 0
        case 3: (i + j) % 3 == 0
        case 4: (i / 2 + j / 3) % 2 == 0
        case 5: (i * j) % 2 + (i * j) % 3 == 0
        case 6: ((i * j) % 2 + (i * j) % 3) % 2 == 0
        case 7: ((i + j) % 2 + (i * j) % 3) % 2 == 0
        default: preconditionFailure("mask \(mask) is not 0...7")
        }
    }

    /// The mask with the lowest penalty (§7.8.3) over the complete symbol each would give (its
    /// own format information drawn), the lower reference winning a tie; with every mask's score.
    static func select(_ unmasked: QRMatrix, level: QRCode.ErrorCorrection) -> (mask: Int, penalties: [Penalty]) {
        var penalties: [Penalty] = []
        var best = 0
        for mask in all {
            let candidate = masked(unmasked, mask: mask, level: level)
            let penalty = Penalty(evaluating: candidate.modules, size: candidate.size)
            penalties.append(penalty)
            if penalty.total < penalties[best].total { best = mask }
        }
        return (best, penalties)
    }

    /// `unmasked` with the mask applied and the matching format information drawn.
    static func masked(_ unmasked: QRMatrix, mask: Int, level: QRCode.ErrorCorrection) -> QRMatrix {
        var matrix = unmasked
        matrix.applyMask(mask)
        matrix.drawFormatInformation(level: level, mask: mask)
        return matrix
    }
}
