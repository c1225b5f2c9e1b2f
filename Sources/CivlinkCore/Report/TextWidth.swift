/// Text width estimates for SVG, which cannot measure text itself: the chart has to know how wide
/// a label will be to wrap it, shrink it or cut it so that nothing runs off the slide.
///
/// The advance widths are DejaVu Sans's (Book and Bold, 2048 units per em, read from the font
/// files by Tests/ReportKitTests/Scripts/fontmetrics.py), the font the chart names first and the
/// one librsvg and most Linux systems render with. Vietnamese letters with diacritics have the
/// widths of their base letters in DejaVu Sans (checked by that script), except the capital
/// horned Ơ and Ư, which are wider, and Đ: those have their own entries. Kerning only narrows
/// text, so the estimate errs on the wide (safe) side; an unknown character counts as 1 em.
public enum TextWidth {
    /// Advances of U+0020...U+007E, DejaVu Sans Book.
    static let regular: [UInt16] = [
        651, 821, 942, 1716, 1303, 1946, 1597, 563, 799, 799, 1024, 1716, 651, 739, 651, 690,
        1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 1303, 690, 690, 1716, 1716, 1716, 1087,
        2048, 1401, 1405, 1430, 1577, 1294, 1178, 1587, 1540, 604, 604, 1343, 1141, 1767, 1532, 1612,
        1235, 1612, 1423, 1300, 1251, 1499, 1401, 2025, 1403, 1251, 1403, 799, 690, 799, 1716, 1024,
        1024, 1255, 1300, 1126, 1300, 1260, 721, 1300, 1298, 569, 569, 1186, 569, 1995, 1298, 1253,
        1300, 1300, 842, 1067, 803, 1298, 1212, 1675, 1212, 1212, 1075, 1303, 690, 1303, 1716,
    ]
    /// Advances of U+0020...U+007E, DejaVu Sans Bold.
    static let bold: [UInt16] = [
        713, 934, 1067, 1716, 1425, 2052, 1786, 627, 936, 936, 1071, 1716, 778, 850, 778, 748,
        1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 1425, 819, 819, 1716, 1716, 1716, 1188,
        2048, 1585, 1561, 1503, 1700, 1399, 1399, 1681, 1714, 762, 762, 1587, 1305, 2038, 1714, 1741,
        1501, 1741, 1577, 1475, 1397, 1663, 1585, 2259, 1579, 1483, 1485, 936, 748, 936, 1716, 1024,
        1024, 1382, 1466, 1214, 1466, 1389, 891, 1466, 1458, 702, 702, 1362, 702, 2134, 1458, 1407,
        1466, 1466, 1010, 1219, 979, 1458, 1335, 1892, 1321, 1335, 1192, 1458, 748, 1458, 1716,
    ]
    /// Characters outside ASCII with their own advances: (regular, bold).
    static let special: [Unicode.Scalar: (UInt16, UInt16)] = {
        var table: [Unicode.Scalar: (UInt16, UInt16)] = [
            "\u{2026}": (2048, 2048), "\u{2013}": (1024, 1024), "\u{2014}": (2048, 2048), "\u{00B7}": (651, 778),
            "\u{00D7}": (1716, 1716), "\u{2019}": (651, 778), "\u{2018}": (651, 778), "\u{201C}": (1061, 1346),
            "\u{201D}": (1061, 1346), "\u{00B0}": (1024, 1024), "\u{2212}": (1716, 1716), "\u{00A0}": (651, 713),
            "\u{202F}": (651, 713), "\u{2264}": (1716, 1716), "\u{2265}": (1716, 1716),
            "Đ": (1587, 1716), "đ": (1300, 1466),
        ]
        for c in "ƠỜỚỞỠỢ".unicodeScalars { table[c] = (1870, 1789) }
        for c in "ƯỪỨỬỮỰ".unicodeScalars { table[c] = (1757, 1711) }
        return table
    }()
    /// Letters with diacritics (Vietnamese and common Latin-1) → their base letter.
    static let baseLetter: [Unicode.Scalar: Unicode.Scalar] = {
        let groups: [(Unicode.Scalar, String)] = [
            ("a", "àáảãạăằắẳẵặâầấẩẫậäå"), ("e", "èéẻẽẹêềếểễệë"), ("i", "ìíỉĩịîï"),
            ("o", "òóỏõọôồốổỗộơờớởỡợöø"), ("u", "ùúủũụưừứửữựûü"), ("y", "ỳýỷỹỵÿ"), ("c", "ç"), ("n", "ñ"),
            ("A", "ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÄÅ"), ("E", "ÈÉẺẼẸÊỀẾỂỄỆË"), ("I", "ÌÍỈĨỊÎÏ"),
            ("O", "ÒÓỎÕỌÔỒỐỔỖỘÖØ"), ("U", "ÙÚỦŨỤÛÜ"), ("Y", "ỲÝỶỸỴ"), ("C", "Ç"), ("N", "Ñ"),
        ]
        var table: [Unicode.Scalar: Unicode.Scalar] = [:]
        for (base, letters) in groups { for l in letters.unicodeScalars { table[l] = base } }
        return table
    }()

    /// Advance of one scalar in 1/2048 em.
    static func advance(_ s: Unicode.Scalar, bold isBold: Bool) -> Int {
        let table = isBold ? bold : regular
        if s.value >= 0x20 && s.value <= 0x7E { return Int(table[Int(s.value) - 0x20]) }
        if (0x0300...0x036F).contains(s.value) { return 0 }   // combining marks (decomposed text)
        if let w = special[s] { return Int(isBold ? w.1 : w.0) }
        if let b = baseLetter[s] { return Int(table[Int(b.value) - 0x20]) }
        return 2048
    }

    /// Estimated width of `text` in user units at `fontSize`.
    public static func width(_ text: String, fontSize: Double, bold: Bool = false) -> Double {
        var units = 0
        for s in text.unicodeScalars { units += advance(s, bold: bold) }
        return Double(units) * fontSize / 2048
    }

    /// How far glyphs reach above the baseline and below it, in em (DejaVu Sans: ascent 1901,
    /// descent 483 of 2048; stacked Vietnamese capitals such as Ấ stay within the ascent).
    public static let ascent = 0.93
    public static let descent = 0.24

    /// `text` cut to fit `maxWidth`, ending in "…" when cut (empty when not even "…" fits).
    public static func truncate(_ text: String, fontSize: Double, maxWidth: Double, bold: Bool = false) -> String {
        if width(text, fontSize: fontSize, bold: bold) <= maxWidth { return text }
        let ellipsis = width("\u{2026}", fontSize: fontSize, bold: bold)
        var kept = ""
        var used = 0.0
        for ch in text {
            let w = width(String(ch), fontSize: fontSize, bold: bold)
            if used + w + ellipsis > maxWidth { break }
            kept.append(ch)
            used += w
        }
        while kept.last == " " { kept.removeLast() }
        return ellipsis <= maxWidth ? kept + "\u{2026}" : ""
    }

    /// `text` broken at spaces into lines no wider than `maxWidth` (a word wider than a line is
    /// cut), at most `maxLines` lines, the last ending in "…" when text was left out.
    public static func wrap(_ text: String, fontSize: Double, maxWidth: Double, maxLines: Int = .max, bold: Bool = false) -> [String] {
        var lines: [String] = []
        var current = ""
        var overflow = false
        for word in text.split(separator: " ", omittingEmptySubsequences: true).map(String.init) {
            let candidate = current.isEmpty ? word : current + " " + word
            if width(candidate, fontSize: fontSize, bold: bold) <= maxWidth {
                current = candidate
                continue
            }
            if !current.isEmpty {
                lines.append(current)
                current = ""
            }
            if lines.count == maxLines { overflow = true; break }
            current = width(word, fontSize: fontSize, bold: bold) <= maxWidth ? word : truncate(word, fontSize: fontSize, maxWidth: maxWidth, bold: bold)
        }
        if !overflow && !current.isEmpty {
            if lines.count < maxLines { lines.append(current) } else { overflow = true }
        }
        if overflow, let last = lines.last {
            // "last …" when it fits, else cut: truncate always ends a cut line in "…".
            lines[lines.count - 1] = truncate(last + " \u{2026}", fontSize: fontSize, maxWidth: maxWidth, bold: bold)
        }
        return lines
    }

    /// The largest font size from `fontSize` down to `minSize` (steps of 0.5) at which `text`
    /// fits `maxWidth` on one line, and the text (cut with "…" at `minSize` if it still does not fit).
    public static func fit(_ text: String, fontSize: Double, minSize: Double, maxWidth: Double, bold: Bool = false) -> (text: String, fontSize: Double) {
        var size = fontSize
        while size > minSize && width(text, fontSize: size, bold: bold) > maxWidth { size -= 0.5 }
        size = max(size, minSize)
        return (truncate(text, fontSize: size, maxWidth: maxWidth, bold: bold), size)
    }
}
