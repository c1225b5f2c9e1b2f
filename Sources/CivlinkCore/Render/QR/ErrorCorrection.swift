extension QRCode {
    /// The four error-correction levels of ISO/IEC 18004 §5.5: the share of codewords that can be
    /// restored is about 7 % (L), 15 % (M), 25 % (Q) and 30 % (H).
    public enum ErrorCorrection: Int, Sendable, CaseIterable, CustomStringConvertible {
        case low = 0, medium, quartile, high

        /// The two bits the format information gives the level (Table 12): L 01, M 00, Q 11, H 10.
        var formatBits: Int {
            switch self {
            case .low: 0b01
            case .medium: 0b00
            case .quartile: 0b11
            case .high: 0b10
            }
        }

        /// The level whose format bits these are.
        init(formatBits: Int) {
            switch formatBits & 0b11 {
            case 0b01: self = .low
            case 0b00: self = .medium
            case 0b11: self = .quartile
            default: self = .high
            }
        }

        /// The standard's letter: L, M, Q or H.
        public var description: String {
            switch self {
            case .low: "L"
            case .medium: "M"
            case .quartile: "Q"
            case .high: "H"
            }
        }
    }
}
