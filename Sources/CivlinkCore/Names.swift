import Foundation

/// Rules for personal names and other free text in declarations.
public enum TextRules {
    /// NFC-normalises `value`, refuses control characters and enforces a length in characters.
    public static func normalise(_ value: String, field: String, maxLength: Int, allowNewlines: Bool = false) throws -> String {
        let nfc = value.precomposedStringWithCanonicalMapping
        for scalar in nfc.unicodeScalars {
            let isNewline = scalar == "\n"
            if (scalar.properties.generalCategory == .control && !(allowNewlines && isNewline))
                || scalar.properties.generalCategory == .format && scalar != "\u{200D}"
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator
                || scalar.properties.generalCategory == .unassigned || scalar.properties.generalCategory == .privateUse
                || scalar.properties.generalCategory == .surrogate {
                throw ValidationError(field, "must not contain control or invisible characters")
            }
        }
        let trimmed = nfc.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty { throw ValidationError(field, "must not be empty") }
        if trimmed.count > maxLength { throw ValidationError(field, "must be at most \(maxLength) characters") }
        return trimmed
    }

    /// A key for comparing names: no diacritics, no case, single spaces. "Nguyễn Thị Ánh" and
    /// "NGUYEN THI ANH" compare equal; đ counts as d.
    public static func comparisonKey(_ name: String) -> String {
        let decomposed = name.decomposedStringWithCanonicalMapping
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
