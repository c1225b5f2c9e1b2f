
/// A receipt code a citizen can read out over the phone: group letter, two-digit year, then eight
/// Crockford base-32 characters in two groups, e.g. `B26-7K3M-9QXD`. Random, so codes do not
/// reveal how many dossiers a commune has; the alphabet has no I, L, O or U to misread.
public struct DossierID: Hashable, Sendable, CustomStringConvertible {
    public let text: String
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public static func random(group: ProcedureGroup, year: Int) -> DossierID {
        // One draw of 40 bits gives all eight characters (32 = 2^5, so no bias).
        var bits = UInt64.random(in: 0..<(1 << 40))
        let chars = (0..<8).map { _ -> Character in
            defer { bits >>= 5 }
            return alphabet[Int(bits & 31)]
        }
        let prefix = (group == .birth ? "B" : "D") + pad(year % 100, 2)
        return DossierID(text: "\(prefix)-\(String(chars[0..<4]))-\(String(chars[4..<8]))")
    }

    private init(text: String) { self.text = text }

    /// Accepts what a person types: any case, I/L read as 1, O as 0, with or without dashes.
    /// Refuses anything else (so no path or SQL fragment ever reaches a lookup).
    public init(parsing input: String) throws {
        var cleaned = ""
        for ch in input.uppercased() where ch != "-" {
            switch ch {
            case "I", "L": cleaned.append("1")
            case "O": cleaned.append("0")
            default: cleaned.append(ch)
            }
        }
        let chars = Array(cleaned)
        guard chars.count == 11, chars[0] == "B" || chars[0] == "D", chars[1].isASCII, chars[1].isNumber,
              chars[2].isASCII, chars[2].isNumber, chars[3...].allSatisfy({ DossierID.alphabet.contains($0) }) else {
            throw ValidationError("dossier id", "must look like B26-7K3M-9QXD (B or D, two digits, eight letters or digits)")
        }
        text = "\(String(chars[0..<3]))-\(String(chars[3..<7]))-\(String(chars[7..<11]))"
    }

    public var description: String { text }
}
