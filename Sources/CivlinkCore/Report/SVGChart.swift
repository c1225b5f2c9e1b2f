/// A standalone SVG: one panel per system, received vs processed per month as paired bars, each
/// panel on its own scale, labelled so it reads on a slide without the command line.
public struct SVGChart {
    public struct Series: Sendable {
        public let system: String
        /// Per month (same order as `months`): received, processed; nil when suppressed.
        public let values: [(received: Int?, processed: Int?)]
        public init(system: String, values: [(received: Int?, processed: Int?)]) {
            self.system = system
            self.values = values
        }
    }

    public let title: String
    public let subtitle: String
    public let months: [String]
    public let series: [Series]
    public let footnote: String

    public init(title: String, subtitle: String, months: [String], series: [Series], footnote: String) {
        self.title = title
        self.subtitle = subtitle
        self.months = months
        self.series = series
        self.footnote = footnote
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A round axis maximum (1, 2 or 5 times a power of ten) at or above `value`.
    static func niceMaximum(_ value: Int) -> Int {
        guard value > 2 else { return 2 }
        var step = 1
        while true {
            for m in [1, 2, 5] where m * step >= value { return m * step }
            step *= 10
        }
    }

    public var svg: String {
        let receivedColour = "#1f6fb2", processedColour = "#f08c1a"
        let left = 70.0, right = 30.0, panelHeight = 130.0, gap = 56.0, top = 120.0
        let plotWidth = max(620.0, 28.0 * Double(months.count))
        let slot = plotWidth / Double(max(1, months.count))
        let width = left + plotWidth + right
        let height = top + Double(series.count) * (panelHeight + gap) + 30
        var out: [String] = []
        func fmt(_ x: Double) -> String { fixed(x, decimals: 1) }
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\" font-family=\"DejaVu Sans, Arial, sans-serif\">")
        out.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>")
        out.append("<text x=\"\(fmt(left))\" y=\"28\" font-size=\"17\" font-weight=\"bold\" fill=\"#222\">\(SVGChart.escape(title))</text>")
        out.append("<text x=\"\(fmt(left))\" y=\"48\" font-size=\"12\" fill=\"#555\">\(SVGChart.escape(subtitle))</text>")
        out.append("<rect x=\"\(fmt(left))\" y=\"60\" width=\"12\" height=\"12\" fill=\"\(receivedColour)\"/>")
        out.append("<text x=\"\(fmt(left + 17))\" y=\"70\" font-size=\"12\" fill=\"#222\">received</text>")
        out.append("<rect x=\"\(fmt(left + 90))\" y=\"60\" width=\"12\" height=\"12\" fill=\"\(processedColour)\"/>")
        out.append("<text x=\"\(fmt(left + 107))\" y=\"70\" font-size=\"12\" fill=\"#222\">processed and returned</text>")
        for (index, s) in series.enumerated() {
            let y0 = top + Double(index) * (panelHeight + gap)
            let base = y0 + panelHeight
            let peak = SVGChart.niceMaximum(s.values.map { max($0.received ?? 0, $0.processed ?? 0) }.max() ?? 0)
            out.append("<g class=\"panel\" id=\"panel-\(SVGChart.escape(s.system))\">")
            out.append("<text x=\"\(fmt(left))\" y=\"\(fmt(y0 - 8))\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">\(SVGChart.escape(s.system))</text>")
            for tick in 0...2 {
                let half = Double(peak * tick) / 2
                let value = half == half.rounded() ? String(Int(half)) : fixed(half, decimals: 1)
                let y = base - panelHeight * Double(tick) / 2
                out.append("<line x1=\"\(fmt(left))\" y1=\"\(fmt(y))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(y))\" stroke=\"#ddd\"/>")
                out.append("<text x=\"\(fmt(left - 6))\" y=\"\(fmt(y + 4))\" font-size=\"11\" text-anchor=\"end\" fill=\"#555\">\(value)</text>")
            }
            for (m, month) in months.enumerated() {
                let x = left + slot * Double(m)
                let bar = slot * 0.36
                let pair = m < s.values.count ? s.values[m] : (received: 0, processed: 0)
                for (k, value) in [pair.received, pair.processed].enumerated() {
                    let h = panelHeight * Double(value ?? 0) / Double(peak)
                    let bx = x + slot * 0.12 + Double(k) * bar
                    out.append("<rect x=\"\(fmt(bx))\" y=\"\(fmt(base - h))\" width=\"\(fmt(bar))\" height=\"\(fmt(h))\" fill=\"\(k == 0 ? receivedColour : processedColour)\"><title>\(SVGChart.escape(s.system)) \(month) \(k == 0 ? "received" : "processed") \(value.map(String.init) ?? "suppressed")</title></rect>")
                }
                out.append("<text x=\"\(fmt(x + slot / 2))\" y=\"\(fmt(base + 14))\" font-size=\"10\" text-anchor=\"middle\" fill=\"#555\">\(month)</text>")
            }
            out.append("<line x1=\"\(fmt(left))\" y1=\"\(fmt(base))\" x2=\"\(fmt(left + plotWidth))\" y2=\"\(fmt(base))\" stroke=\"#888\"/>")
            out.append("</g>")
        }
        out.append("<text x=\"\(fmt(left))\" y=\"\(fmt(height - 10))\" font-size=\"10\" fill=\"#777\">\(SVGChart.escape(footnote))</text>")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
