/// A 16:9 SVG chart for slides: received versus processed and returned per month, one small panel
/// per system in a 2-3 column grid, in the caller's language.
///
/// Why it is laid out this way: a slide is landscape and read from the back of a room, so the
/// panels share the width instead of stacking, the type is large, and every label is measured
/// (`TextWidth`) before it is placed: titles shrink then wrap, the footnote wraps, system names
/// and legend entries shrink then get "…", month labels are thinned (every 2nd, 3rd, 6th or 12th
/// month, years only where they change) instead of overlapping, and value labels are drawn only
/// when they fit over their bars. Nothing is drawn outside the view box or outside its panel.
/// A suppressed value is drawn as a hatched, dashed-outline stub with the suppressed mark above
/// it, never as an empty slot that would read as zero; a zero is a flat line with "0".
public struct SlideChart: Sendable {
    /// One month of one system; nil means suppressed.
    public struct Point: Sendable, Equatable {
        public var received: Int?
        public var processed: Int?
        public init(received: Int?, processed: Int?) {
            self.received = received
            self.processed = processed
        }
    }

    public struct Series: Sendable {
        /// The system's name as the audience knows it ("Hộ tịch", "Civil status").
        public var label: String
        /// One point per month, in the order of `months` (missing points count as 0).
        public var points: [Point]
        public init(label: String, points: [Point]) {
            self.label = label
            self.points = points
        }
    }

    public var title: String
    public var subtitle: String
    public var footnote: String
    /// YYYY-MM, in order.
    public var months: [String]
    public var series: [Series]
    public var labels: ChartLabels
    public var width = 1600.0
    public var height = 900.0

    public init(title: String, subtitle: String, footnote: String, months: [String], series: [Series], labels: ChartLabels) {
        self.title = title
        self.subtitle = subtitle
        self.footnote = footnote
        self.months = months
        self.series = series
        self.labels = labels
    }

    static let receivedColour = "#1f6fb2"
    static let processedColour = "#e07b00"
    static let fontFamily = "DejaVu Sans, Verdana, Arial, sans-serif"

    /// The standalone SVG document (UTF-8 text).
    public func render() -> String {
        var svg = SVGWriter()
        let margin = 40.0, top = 30.0, bottom = 22.0
        let contentWidth = width - 2 * margin
        svg.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>")
        svg.raw("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(NumberFormat.svg(width))\" height=\"\(NumberFormat.svg(height))\" "
                + "viewBox=\"0 0 \(NumberFormat.svg(width)) \(NumberFormat.svg(height))\" xml:lang=\"\(SVGWriter.escape(labels.language))\" "
                + "font-family=\"\(SlideChart.fontFamily)\">")
        svg.raw("<title>\(SVGWriter.escape(title))</title>")
        svg.raw("<desc>\(SVGWriter.escape(subtitle))</desc>")
        svg.raw("<defs>")
        // Hatching on a pale tint of the series colour: readable down to bars a few pixels wide.
        for (id, colour, tint) in [("hatch-received", SlideChart.receivedColour, "#dce9f5"), ("hatch-processed", SlideChart.processedColour, "#fbe6cc"),
                                   ("hatch-legend", "#666666", "#eeeeee")] {
            svg.raw("<pattern id=\"\(id)\" patternUnits=\"userSpaceOnUse\" width=\"5\" height=\"5\" patternTransform=\"rotate(45)\">"
                    + "<rect width=\"5\" height=\"5\" fill=\"\(tint)\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"5\" stroke=\"\(colour)\" stroke-width=\"2\"/></pattern>")
        }
        svg.raw("</defs>")
        svg.element("rect", [("x", .number(0)), ("y", .number(0)), ("width", .number(width)), ("height", .number(height)), ("fill", "#ffffff")])

        // Title: shrink to 26, then wrap to two lines.
        var y = top
        let titleFit = TextWidth.fit(title, fontSize: 36, minSize: 26, maxWidth: contentWidth, bold: true)
        let titleLines = TextWidth.width(title, fontSize: titleFit.fontSize, bold: true) <= contentWidth
            ? [titleFit.text] : TextWidth.wrap(title, fontSize: 26, maxWidth: contentWidth, maxLines: 2, bold: true)
        for line in titleLines where !line.isEmpty {
            svg.text(line, x: margin, y: y + titleFit.fontSize * TextWidth.ascent, size: titleFit.fontSize, bold: true, fill: "#1a1a1a")
            y += titleFit.fontSize * 1.22
        }
        // Subtitle: up to two lines.
        let subtitleSize = 20.0
        for line in TextWidth.wrap(subtitle, fontSize: subtitleSize, maxWidth: contentWidth, maxLines: 2) {
            svg.text(line, x: margin, y: y + subtitleSize * TextWidth.ascent, size: subtitleSize, fill: "#4d4d4d")
            y += subtitleSize * 1.25
        }
        y += 10
        // Legend: swatch + label per entry, wrapping onto another row when needed.
        let legendSize = 18.0, swatch = 20.0
        let entries: [(String, String)] = [(labels.received, SlideChart.receivedColour), (labels.processed, SlideChart.processedColour),
                                           (labels.suppressed, "url(#hatch-legend)")]
        var x = margin
        var rowHeight = 0.0
        for (text, fill) in entries where !text.isEmpty {
            let label = TextWidth.truncate(text, fontSize: legendSize, maxWidth: contentWidth - swatch - 8)
            let entryWidth = swatch + 8 + TextWidth.width(label, fontSize: legendSize) + 32
            if x > margin && x + entryWidth - 32 > margin + contentWidth { x = margin; y += legendSize * 1.5 }
            let dashed = fill.hasPrefix("url") ? [("stroke", SVGValue.string("#666666")), ("stroke-width", .number(1.5)), ("stroke-dasharray", "4 2")] : []
            svg.element("rect", [("x", .number(x)), ("y", .number(y + 1)), ("width", .number(swatch)), ("height", .number(swatch)), ("fill", .string(fill))] + dashed)
            svg.text(label, x: x + swatch + 8, y: y + 1 + swatch / 2 + legendSize * 0.35, size: legendSize, fill: "#222222")
            x += entryWidth
            rowHeight = max(rowHeight, swatch + 2)
        }
        y += rowHeight + 18

        // Footnote: wrapped, up to three lines, anchored to the bottom.
        let footSize = 15.0
        let footLines = TextWidth.wrap(footnote, fontSize: footSize, maxWidth: contentWidth, maxLines: 3)
        let footTop = height - bottom - Double(footLines.count) * footSize * 1.3
        for (i, line) in footLines.enumerated() {
            svg.text(line, x: margin, y: footTop + Double(i) * footSize * 1.3 + footSize * TextWidth.ascent, size: footSize, fill: "#5c5c5c")
        }

        // Panels.
        let plotTop = y, plotBottom = footTop - (footLines.isEmpty ? 0 : 14)
        let n = series.count
        guard n > 0 else {
            svg.text(TextWidth.truncate(labels.noData, fontSize: 20, maxWidth: contentWidth), x: width / 2, y: (plotTop + plotBottom) / 2,
                     size: 20, anchor: "middle", fill: "#777777")
            svg.raw("</svg>")
            return svg.document
        }
        let columns = n == 1 ? 1 : (n == 2 || n == 4) ? 2 : 3
        let rows = (n + columns - 1) / columns
        let gapX = 36.0, gapY = 22.0
        let panelWidth = (contentWidth - Double(columns - 1) * gapX) / Double(columns)
        let panelHeight = max(60, (plotBottom - plotTop - Double(rows - 1) * gapY) / Double(rows))
        for (index, s) in series.enumerated() {
            let row = index / columns, column = index % columns
            let inRow = row == rows - 1 ? n - row * columns : columns
            // A short last row is centred.
            let rowOffset = (contentWidth - (Double(inRow) * panelWidth + Double(inRow - 1) * gapX)) / 2
            let px = margin + rowOffset + Double(column) * (panelWidth + gapX)
            let py = plotTop + Double(row) * (panelHeight + gapY)
            panel(&svg, s, index: index, x: px, y: py, width: panelWidth, height: panelHeight)
        }
        svg.raw("</svg>")
        return svg.document
    }

    /// One system's panel, everything inside (x, y, width, height).
    private func panel(_ svg: inout SVGWriter, _ s: Series, index: Int, x px: Double, y py: Double, width pw: Double, height ph: Double) {
        svg.raw("<g class=\"panel\" id=\"panel-\(index)\" data-x=\"\(NumberFormat.svg(px))\" data-y=\"\(NumberFormat.svg(py))\" "
                + "data-width=\"\(NumberFormat.svg(pw))\" data-height=\"\(NumberFormat.svg(ph))\">")
        defer { svg.raw("</g>") }
        let name = TextWidth.fit(s.label, fontSize: 21, minSize: 15, maxWidth: pw, bold: true)
        svg.text(name.text, x: px, y: py + name.fontSize * TextWidth.ascent, size: name.fontSize, bold: true, fill: "#1a1a1a")
        let headerHeight = name.fontSize * 1.25 + 4

        let count = months.count
        let points = (0..<count).map { $0 < s.points.count ? s.points[$0] : Point(received: 0, processed: 0) }
        let published = points.flatMap { [$0.received, $0.processed] }.compactMap { $0 }
        let maximum = max(0, published.max() ?? 0)
        let hasData = !published.isEmpty && count > 0

        // Month labels: the font and the thinning step come first, they set the bottom band.
        let monthSize = ph < 180 ? 12.0 : 14.0
        let parsed = months.map { labels.month($0) }
        let nameWidth = parsed.map { TextWidth.width($0?.name ?? "", fontSize: monthSize) }.max() ?? 0
        let yearWidth = parsed.map { TextWidth.width($0?.year ?? "", fontSize: monthSize) }.max() ?? 0
        let rawWidth = months.map { TextWidth.width($0, fontSize: monthSize) }.max() ?? 0
        let labelWidth = max(nameWidth, yearWidth, parsed.contains { $0 == nil } ? rawWidth : 0)
        let twoLines = parsed.contains { $0 != nil }
        let bottomBand = 8 + monthSize * (twoLines ? 2.35 : 1.2)

        // Y axis: ticks at least ~36 px apart; the axis labels set the left band.
        let axisSize = 14.0
        let valueSize = 13.0
        let valueHeadroom = valueSize * 1.3 + 2
        let plotTop = py + headerHeight + valueHeadroom
        let plotBottom = py + ph - bottomBand
        let plotHeight = max(10, plotBottom - plotTop)
        let (step, topTick) = NiceAxis.ticks(maximum: maximum, maxTicks: max(1, min(6, Int(plotHeight / 36))))
        let tickValues = hasData && maximum > 0 ? Array(stride(from: 0, through: topTick, by: step)) : [0]
        let tickTexts = tickValues.map { NumberFormat.grouped($0, separator: labels.thousandsSeparator) }
        let axisWidth = (tickTexts.map { TextWidth.width($0, fontSize: axisSize) }.max() ?? 0) + 8
        let plotLeft = px + axisWidth, plotRight = px + pw - 2
        let plotWidth = max(10, plotRight - plotLeft)
        func yOf(_ v: Int) -> Double { plotBottom - plotHeight * Double(v) / Double(max(1, topTick)) }

        for (value, text) in zip(tickValues, tickTexts) {
            let ty = yOf(value)
            svg.element("line", [("x1", .number(plotLeft)), ("y1", .number(ty)), ("x2", .number(plotRight)), ("y2", .number(ty)),
                                 ("stroke", .string(value == 0 ? "#8c8c8c" : "#e3e3e3")), ("stroke-width", .number(1))])
            svg.text(text, x: plotLeft - 6, y: ty + axisSize * 0.35, size: axisSize, anchor: "end", fill: "#555555")
        }

        guard count > 0 else {
            svg.text(TextWidth.truncate(labels.noData, fontSize: 15, maxWidth: plotWidth), x: plotLeft + plotWidth / 2,
                     y: plotTop + plotHeight / 2, size: 15, anchor: "middle", fill: "#777777")
            return
        }
        let slot = plotWidth / Double(count)
        let gap = min(4, slot * 0.06)
        let barWidth = max(1, min(64, (slot * 0.8 - gap) / 2))
        // Value labels: one size for the panel, only if every label fits over its bar.
        // The suppressed mark is shown only if it fits too, but does not stop the numbers.
        let valueTexts = points.flatMap { [$0.received, $0.processed] }.compactMap { $0.map { NumberFormat.grouped($0, separator: labels.thousandsSeparator) } }
        let room = barWidth + gap - 3   // neighbouring labels keep 3 px apart
        var labelSize: Double? = nil
        for size in stride(from: valueSize, through: 10, by: -0.5) where valueTexts.allSatisfy({ TextWidth.width($0, fontSize: size) <= room }) {
            labelSize = size
            break
        }
        let markSize = [labelSize ?? valueSize, 11, 10].first { TextWidth.width(labels.suppressedMark, fontSize: $0) <= room }
        // A suppressed bar is a short marker, not a height: tall enough to see and to carry its
        // hatching, short enough not to read as a value on the axis.
        let stub = min(16, max(9, plotHeight * 0.06))

        for (m, point) in points.enumerated() {
            let centre = plotLeft + slot * (Double(m) + 0.5)
            let pairLeft = centre - barWidth - gap / 2
            for (k, value) in [point.received, point.processed].enumerated() {
                let bx = pairLeft + Double(k) * (barWidth + gap)
                let colour = k == 0 ? SlideChart.receivedColour : SlideChart.processedColour
                let what = k == 0 ? labels.received : labels.processed
                let tip = SVGWriter.escape("\(s.label), \(labels.monthLabel(months[m])), \(what): "
                                           + (value.map { NumberFormat.grouped($0, separator: labels.thousandsSeparator) } ?? labels.suppressed))
                var labelTop: Double
                if let v = value {
                    let top = v > 0 ? min(yOf(v), plotBottom - 1) : plotBottom - 1.5
                    svg.raw("<rect x=\"\(NumberFormat.svg(bx))\" y=\"\(NumberFormat.svg(top))\" width=\"\(NumberFormat.svg(barWidth))\" "
                            + "height=\"\(NumberFormat.svg(plotBottom - top))\" fill=\"\(colour)\"><title>\(tip)</title></rect>")
                    labelTop = top
                } else {
                    let top = plotBottom - stub
                    svg.raw("<rect x=\"\(NumberFormat.svg(bx + 0.75))\" y=\"\(NumberFormat.svg(top))\" width=\"\(NumberFormat.svg(max(0.5, barWidth - 1.5)))\" "
                            + "height=\"\(NumberFormat.svg(stub - 0.75))\" fill=\"url(#hatch-\(k == 0 ? "received" : "processed"))\" stroke=\"\(colour)\" "
                            + "stroke-width=\"1.5\"\(barWidth >= 10 ? " stroke-dasharray=\"4 2\"" : "") class=\"suppressed\"><title>\(tip)</title></rect>")
                    labelTop = top
                }
                if let v = value, let size = labelSize {
                    svg.text(NumberFormat.grouped(v, separator: labels.thousandsSeparator), x: bx + barWidth / 2, y: labelTop - 4, size: size,
                             anchor: "middle", fill: "#333333")
                } else if value == nil, let size = markSize, !labels.suppressedMark.isEmpty {
                    svg.text(labels.suppressedMark, x: bx + barWidth / 2, y: labelTop - 4, size: size, anchor: "middle", fill: "#555555")
                }
            }
        }
        if !hasData {
            svg.text(TextWidth.truncate(labels.noData, fontSize: 15, maxWidth: plotWidth - 8), x: plotLeft + plotWidth / 2,
                     y: plotTop + plotHeight * 0.4, size: 15, anchor: "middle", fill: "#777777")
        }

        // Month labels, thinned so that they never touch: every k-th month.
        let needed = labelWidth + 10
        let stepK = [1, 2, 3, 4, 6, 12, 24, 36, 60].first { Double($0) * slot >= needed } ?? max(1, count)
        var lastYear: String? = nil
        for m in stride(from: 0, to: count, by: stepK) {
            let centre = plotLeft + slot * (Double(m) + 0.5)
            svg.element("line", [("x1", .number(centre)), ("y1", .number(plotBottom)), ("x2", .number(centre)), ("y2", .number(plotBottom + 5)),
                                 ("stroke", "#8c8c8c"), ("stroke-width", .number(1))])
            let (first, second): (String, String?) = parsed[m].map { ($0.name, $0.year != lastYear ? $0.year : nil) } ?? (months[m], nil)
            if let p = parsed[m] { lastYear = p.year }
            let lx = min(max(centre, px + labelWidth / 2), px + pw - labelWidth / 2)
            svg.text(TextWidth.truncate(first, fontSize: monthSize, maxWidth: max(labelWidth, 1)), x: lx, y: plotBottom + 7 + monthSize * TextWidth.ascent,
                     size: monthSize, anchor: "middle", fill: "#444444")
            if let second {
                svg.text(second, x: lx, y: plotBottom + 7 + monthSize * (1.15 + TextWidth.ascent), size: monthSize, anchor: "middle", fill: "#777777")
            }
        }
    }
}
