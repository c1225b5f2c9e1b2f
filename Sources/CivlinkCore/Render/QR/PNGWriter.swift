/// A minimal PNG encoder for black-and-white images: 1-bit greyscale, no filtering, the zlib
/// stream made of stored (uncompressed) deflate blocks. Simple and exact rather than small;
/// at one bit a pixel a version 40 code at 4 pixels a module is about 69 kB.
enum PNGWriter {
    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A `width × height` PNG whose pixel (x, y) is black where `isBlack(x, y)`.
    static func blackAndWhite(width: Int, height: Int, isBlack: (Int, Int) -> Bool) -> [UInt8] {
        precondition(width > 0 && height > 0)
        let rowBytes = (width + 7) / 8
        var raw: [UInt8] = []
        raw.reserveCapacity((rowBytes + 1) * height)
        for y in 0..<height {
            raw.append(0)  // filter type None
            var byte: UInt8 = 0
            for x in 0..<width {
                // In 1-bit greyscale 0 is black and 1 white; pad bits are left white.
                if !isBlack(x, y) { byte |= 0x80 >> UInt8(x % 8) }
                if x % 8 == 7 {
                    raw.append(byte)
                    byte = 0
                }
            }
            if width % 8 != 0 { raw.append(byte | (0xFF >> UInt8(width % 8))) }
        }

        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        header += [1, 0, 0, 0, 0]  // bit depth 1, greyscale, deflate, adaptive filtering, no interlace

        var png = signature
        png += chunk("IHDR", header)
        png += chunk("IDAT", zlibStored(raw))
        png += chunk("IEND", [])
        return png
    }

    /// A zlib stream (RFC 1950) of stored deflate blocks (RFC 1951 §3.2.4), 65535 bytes at most each.
    static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]  // deflate, 32 K window; (0x78 << 8 | 0x01) % 31 == 0
        out.reserveCapacity(data.count + data.count / 65535 * 5 + 11)
        var start = 0
        repeat {
            let end = min(start + 65535, data.count)
            let length = UInt16(end - start)
            out.append(end == data.count ? 1 : 0)  // BFINAL, BTYPE 00
            out += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
            out += data[start..<end]
            start = end
        } while start < data.count
        out += bigEndian(Checksum.adler32(data))
        return out
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        precondition(typeBytes.count == 4)
        var out = bigEndian(UInt32(data.count))
        out += typeBytes
        out += data
        out += bigEndian(Checksum.crc32(data, continuing: Checksum.crc32(typeBytes)))
        return out
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

extension QRCode {
    /// A PNG image of the code: black modules `moduleSize` pixels square on white, with a
    /// `quietZone`-module white border. 1-bit greyscale, uncompressed.
    public func png(moduleSize: Int = 4, quietZone: Int = 4) -> [UInt8] {
        let raster = Raster(self, moduleSize: moduleSize, quietZone: quietZone)
        let side = raster.pixelsWide
        return PNGWriter.blackAndWhite(width: side, height: side) { raster.isDark(pixelX: $0, pixelY: $1) }
    }
}
