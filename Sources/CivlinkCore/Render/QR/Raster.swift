/// The symbol as a bitmap: each module `moduleSize` pixels square, inside a light quiet zone
/// `quietZone` modules wide (the standard asks for at least 4, §6.3.8). Shared by the renderers.
struct Raster: Sendable {
    let code: QRCode
    let moduleSize: Int
    let quietZone: Int

    init(_ code: QRCode, moduleSize: Int, quietZone: Int) {
        self.code = code
        self.moduleSize = max(1, moduleSize)
        self.quietZone = max(0, quietZone)
    }

    /// Modules per side, quiet zone included.
    var modulesWide: Int { code.size + 2 * quietZone }

    /// Pixels per side.
    var pixelsWide: Int { modulesWide * moduleSize }

    /// Whether pixel (x, y) from the image's top-left corner is dark.
    func isDark(pixelX x: Int, pixelY y: Int) -> Bool {
        code[x / moduleSize - quietZone, y / moduleSize - quietZone]
    }
}
