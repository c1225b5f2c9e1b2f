extension QRCode {
    /// A plain (ASCII, "P1") PBM image: 1 is black, 0 white, `moduleSize` pixels per module and
    /// a `quietZone`-module white border. Lines stay within the format's 70 characters.
    public func pbm(moduleSize: Int = 1, quietZone: Int = 4) -> String {
        let raster = Raster(self, moduleSize: moduleSize, quietZone: quietZone)
        let side = raster.pixelsWide
        var out = "P1\n\(side) \(side)\n"
        out.reserveCapacity(out.utf8.count + side * side + side * 2)
        for y in 0..<side {
            var column = 0
            for x in 0..<side {
                if column == 70 {
                    out += "\n"
                    column = 0
                }
                out += raster.isDark(pixelX: x, pixelY: y) ? "1" : "0"
                column += 1
            }
            out += "\n"
        }
        return out
    }
}
