import FoundationEssentials

/// A self-contained, print-ready HTML page: UTF-8, no external resources (images are inline
/// SVG), a paper size for `@page` and screen styles that show the sheet as it will print.
public struct HTMLPage: Sendable {
    public enum Paper: String, Sendable, CaseIterable {
        case a4, a5
        /// Width and height in millimetres, portrait.
        var millimetres: (width: Int, height: Int) { self == .a4 ? (210, 297) : (148, 210) }
    }

    public let title: String
    public let language: String
    public let paper: Paper
    public let style: String
    public let body: String

    public init(title: String, language: String, paper: Paper, style: String, body: String) {
        self.title = title
        self.language = language
        self.paper = paper
        self.style = style
        self.body = body
    }

    /// The whole document. The sheet is a box of the paper's size less its margins; on screen it
    /// is drawn as a page, in print it is the page.
    public var html: String {
        let (width, height) = paper.millimetres
        let margin = paper == .a4 ? 15 : 10
        return """
        <!DOCTYPE html>
        <html lang="\(HTMLPage.escape(language))">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTMLPage.escape(title))</title>
        <style>
        @page { size: \(paper.rawValue.uppercased()) portrait; margin: \(margin)mm; }
        * { box-sizing: border-box; }
        html, body { margin: 0; padding: 0; background: #fff; color: #000; }
        body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", "Noto Serif", serif; font-size: \(paper == .a4 ? 12 : 9)pt; line-height: \(paper == .a4 ? 1.35 : 1.25); }
        .sheet { width: \(width - 2 * margin)mm; min-height: \(height - 2 * margin)mm; margin: 0 auto; overflow-wrap: anywhere; }
        @media screen { body { background: #ddd; padding: 8mm 0; } .sheet { background: #fff; padding: \(margin)mm; width: \(width)mm; min-height: \(height)mm; box-shadow: 0 0 3mm #999; } }
        @media print { .sheet { page-break-after: avoid; break-inside: avoid; } }
        table { border-collapse: collapse; width: 100%; }
        th, td { border: 0.3mm solid #000; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
        th { font-weight: bold; }
        .center { text-align: center; }
        .qr svg { display: block; width: 100%; height: auto; }
        \(style)
        </style>
        </head>
        <body>
        <div class="sheet">
        \(body)
        </div>
        </body>
        </html>

        """
    }

    /// Text for HTML content and attribute values.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// An inline SVG QR code of `text` at level M, as tall and wide as its container.
    public static func qrCode(_ text: String, label: String) throws -> String {
        let code: QRCode
        do { code = try QRCode.encode(text, level: .medium) } catch {
            throw Failure(.internalError, "cannot encode a QR code: \(Phrase(verbatim: error.description))")
        }
        return code.svg(moduleSize: 4).replacingFirst("role=\"img\"", with: "role=\"img\" aria-label=\"\(escape(label))\"")
    }

    /// d/m/yyyy, as Vietnamese forms write dates.
    public static func vietnameseDate(_ date: CivilDate) -> String {
        let parts = date.description.split(separator: "-").map { String(Int($0) ?? 0) }
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : date.description
    }
}

extension String {
    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }
}
