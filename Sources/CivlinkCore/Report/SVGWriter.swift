/// A minimal SVG builder: escapes text and attribute values for XML, so a system name or a
/// footnote with "<", "&" or quotes cannot break the document, and writes numbers with at most one
/// decimal (no Foundation). Characters XML 1.0 forbids (most C0 controls) become spaces.
struct SVGWriter {
    private(set) var lines: [String] = []

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars {
            switch s {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out += " "
            default:
                if s.value < 0x20 || (0xFFFE...0xFFFF).contains(s.value) { out += " " } else { out.unicodeScalars.append(s) }
            }
        }
        return out
    }

    /// `name="value"` pairs; numbers go through `NumberFormat.svg`.
    static func attributes(_ pairs: [(String, SVGValue)]) -> String {
        pairs.map { " \($0.0)=\"\($0.1.text)\"" }.joined()
    }

    mutating func raw(_ line: String) { lines.append(line) }

    mutating func element(_ name: String, _ pairs: [(String, SVGValue)], content: String? = nil) {
        if let content {
            lines.append("<\(name)\(SVGWriter.attributes(pairs))>\(content)</\(name)>")
        } else {
            lines.append("<\(name)\(SVGWriter.attributes(pairs))/>")
        }
    }

    /// A text element; `text` is escaped here.
    mutating func text(_ text: String, x: Double, y: Double, size: Double, anchor: String = "start",
                       bold: Bool = false, fill: String = "#222222", extra: [(String, SVGValue)] = []) {
        var pairs: [(String, SVGValue)] = [("x", .number(x)), ("y", .number(y)), ("font-size", .number(size)), ("text-anchor", .string(anchor))]
        if bold { pairs.append(("font-weight", .string("bold"))) }
        pairs.append(("fill", .string(fill)))
        element("text", pairs + extra, content: SVGWriter.escape(text))
    }

    var document: String { lines.joined(separator: "\n") + "\n" }
}

enum SVGValue: ExpressibleByStringLiteral {
    case string(String)
    case number(Double)
    init(stringLiteral value: String) { self = .string(value) }
    var text: String {
        switch self {
        case .string(let s): return SVGWriter.escape(s)
        case .number(let x): return NumberFormat.svg(x)
        }
    }
}
