extension QRCode {
    /// An `<svg>` element (no XML declaration, so it embeds inline in HTML as well as standing
    /// alone in a .svg file): a light background square covering the quiet zone and one `<path>`
    /// holding every dark module, each row's dark runs merged into rectangles. The viewBox is in
    /// modules and `shape-rendering="crispEdges"` keeps module edges sharp; `width` and `height`
    /// are `moduleSize` pixels per module. `dark` and `light` are CSS colours; `light: nil`
    /// leaves the background transparent (then the page behind must be light). The payload is
    /// not written into the SVG as text.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, dark: String = "#000", light: String? = "#fff") -> String {
        let raster = Raster(self, moduleSize: moduleSize, quietZone: quietZone)
        let side = raster.modulesWide, pixels = raster.pixelsWide, q = raster.quietZone
        var path = ""
        path.reserveCapacity(size * size * 3)
        for y in 0..<size {
            var x = 0
            while x < size {
                guard self[x, y] else {
                    x += 1
                    continue
                }
                var run = 1
                while self[x + run, y] { run += 1 }
                path += "M\(x + q) \(y + q)h\(run)v1h-\(run)z"
                x += run
            }
        }
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(pixels)\" height=\"\(pixels)\""
        svg += " viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\" role=\"img\">"
        if let light {
            svg += "<rect width=\"\(side)\" height=\"\(side)\" fill=\"\(Self.attributeEscaped(light))\"/>"
        }
        svg += "<path fill=\"\(Self.attributeEscaped(dark))\" d=\"\(path)\"/></svg>"
        return svg
    }

    static func attributeEscaped(_ value: String) -> String {
        var out = ""
        for c in value {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
