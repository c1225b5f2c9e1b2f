
/// Rules for personal names and other free text in declarations.
public enum TextRules {
    /// NFC-normalises `value`, refuses control characters and enforces a length in characters.
    public static func normalise(_ value: String, field: String, maxLength: Int, allowNewlines: Bool = false) throws -> String {
        // Printable ASCII is already NFC and has nothing to refuse: most addresses and codes.
        if value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            let trimmed = trimSpaces(value)
            if trimmed.isEmpty { throw ValidationError(field, "must not be empty") }
            if trimmed.utf8.count > maxLength { throw ValidationError(field, "must be at most \(maxLength) characters") }
            return trimmed
        }
        // Latin letters with Vietnamese diacritics, precomposed, are already NFC; only other text
        // (combining marks, other scripts) goes through the normaliser.
        let nfc = value.unicodeScalars.allSatisfy(isPrecomposedLatin) ? value : UnicodeNormalization.nfc(value)
        // Letters of the Latin blocks need no look-up; U+00A0-U+00BF holds the soft hyphen.
        for scalar in nfc.unicodeScalars where !(0x20...0x7E).contains(scalar.value) && !(0xC0...0x24F).contains(scalar.value)
            && !(0x1E00...0x1EFF).contains(scalar.value) {
            let isNewline = scalar == "\n"
            if (scalar.properties.generalCategory == .control && !(allowNewlines && isNewline))
                || scalar.properties.generalCategory == .format && scalar != "\u{200D}"
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator
                || scalar.properties.generalCategory == .unassigned || scalar.properties.generalCategory == .privateUse
                || scalar.properties.generalCategory == .surrogate {
                throw ValidationError(field, "must not contain control or invisible characters")
            }
        }
        let trimmed = trimSpaces(nfc)
        if trimmed.isEmpty { throw ValidationError(field, "must not be empty") }
        if trimmed.count > maxLength { throw ValidationError(field, "must be at most \(maxLength) characters") }
        return trimmed
    }

    /// Base letters of the precomposed Latin letters, built once from Unicode's decompositions.
    private static let latinBase: [UInt32: UInt8] = {
        var table: [UInt32: UInt8] = [:]
        for value in Array(UInt32(0xC0)...0x24F) + Array(UInt32(0x1E00)...0x1EFF) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let base = UnicodeNormalization.nfd(String(scalar)).unicodeScalars.first!
            if base == "đ" || base == "Đ" { table[value] = UInt8(ascii: "d"); continue }
            if base.isASCII, base.properties.isAlphabetic {
                table[value] = UInt8(ascii: Character(base).lowercased().unicodeScalars.first!)
            }
        }
        return table
    }()

    /// The comparison key without the normaliser when every letter is ASCII or precomposed Latin.
    private static func foldLatin(_ name: String) -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(name.utf8.count)
        var lastWasSpace = true
        for scalar in name.unicodeScalars {
            let v = scalar.value
            if v == 0x20 || v == 0x09 || v == 0xA0 {
                if !lastWasSpace { out.append(0x20) }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            if v < 0x80 {
                out.append((0x41...0x5A).contains(v) ? UInt8(v + 0x20) : UInt8(v))
            } else if let base = latinBase[v] {
                out.append(base)
            } else {
                return nil
            }
        }
        if out.last == 0x20 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    /// Drops leading and trailing white space .
    static func trimSpaces(_ value: String) -> String {
        let scalars = value.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        if first == scalars.startIndex && last == scalars.index(before: scalars.endIndex) { return value }
        return String(scalars[first...last])
    }

    private static func isPrecomposedLatin(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x20...0x7E, 0xA0...0x24F, 0x1E00...0x1EFF: return true
        default: return false
        }
    }

    /// A key for comparing names: no diacritics, no case, single spaces. "Nguyễn Thị Ánh" and
    /// "NGUYEN THI ANH" compare equal; đ counts as d.
    public static func comparisonKey(_ name: String) -> String {
        if let folded = foldLatin(name) { return folded }
        let decomposed = UnicodeNormalization.nfd(name)
        var out = String.UnicodeScalarView()
        var lastWasSpace = true
        for scalar in decomposed.unicodeScalars {
            if scalar.properties.generalCategory == .nonspacingMark { continue }
            if scalar.properties.isWhitespace {
                if !lastWasSpace { out.append(" ") }
                lastWasSpace = true
                continue
            }
            lastWasSpace = false
            switch scalar {
            case "đ", "Đ": out.append("d")
            default: out.append(contentsOf: String(scalar).lowercased().unicodeScalars)
            }
        }
        var result = String(out)
        if result.hasSuffix(" ") { result.removeLast() }
        return result
    }
}
