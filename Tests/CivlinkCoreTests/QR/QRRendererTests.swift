import Foundation
import XCTest

@testable import CivlinkCore

final class QRRendererTests: XCTestCase {
    override class func tearDown() { QRTools.removeDirectory() }

    let code = try! QRCode.encode(QRPayload.vietnamese, level: .quartile)

    /// The path read back (`M x y h n v1 h-n z` per run) gives exactly the dark modules.
    func testSVGHasOnePathOfTheDarkModules() throws {
        let svg = code.svg(moduleSize: 5)
        let side = code.size + 8
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(side * 5)\" height=\"\(side * 5)\" viewBox=\"0 0 \(side) \(side)\""))
        XCTAssertTrue(svg.contains("shape-rendering=\"crispEdges\""))
        XCTAssertTrue(svg.hasSuffix("</svg>"))
        XCTAssertEqual(svg.components(separatedBy: "<path").count, 2, "one path")
        XCTAssertTrue(svg.contains("<rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"))
        XCTAssertFalse(svg.contains("<?xml"), "inline in HTML: no XML declaration")
        XCTAssertFalse(svg.contains("Nguy"), "the payload is not written as text")

        let d = try XCTUnwrap(svg.components(separatedBy: " d=\"").last?.components(separatedBy: "\"").first)
        var dark = [Bool](repeating: false, count: side * side)
        let scanner = Scanner(string: d)
        while !scanner.isAtEnd {
            XCTAssertNotNil(scanner.scanString("M"))
            let x = try XCTUnwrap(scanner.scanInt()), y = try XCTUnwrap(scanner.scanInt())
            XCTAssertNotNil(scanner.scanString("h"))
            let run = try XCTUnwrap(scanner.scanInt())
            XCTAssertNotNil(scanner.scanString("v1h-\(run)z"))
            for i in 0..<run { dark[y * side + x + i] = true }
        }
        for y in 0..<side { for x in 0..<side { XCTAssertEqual(dark[y * side + x], code[x - 4, y - 4], "(\(x), \(y))") } }
    }

    func testSVGColoursAndQuietZone() {
        let svg = code.svg(moduleSize: 1, quietZone: 0, dark: "rgb(0,0,80)", light: nil)
        XCTAssertTrue(svg.contains("viewBox=\"0 0 \(code.size) \(code.size)\""))
        XCTAssertFalse(svg.contains("<rect"))
        XCTAssertTrue(svg.contains("fill=\"rgb(0,0,80)\""))
        XCTAssertTrue(code.svg(dark: "\"><script>").contains("fill=\"&quot;&gt;&lt;script&gt;\""))
        XCTAssertTrue(svg.contains("d=\"M0 0h7v1h-7z"), "top-left finder row at the origin")
    }

    func testPBM() {
        let pbm = code.pbm(moduleSize: 2, quietZone: 4)
        let side = (code.size + 8) * 2
        var lines = pbm.split(separator: "\n")
        XCTAssertEqual(lines.removeFirst(), "P1")
        XCTAssertEqual(lines.removeFirst(), "\(side) \(side)")
        XCTAssertTrue(lines.allSatisfy { $0.count <= 70 })
        let pixels = lines.joined().map { $0 == "1" }
        XCTAssertEqual(pixels.count, side * side)
        for y in 0..<side { for x in 0..<side { XCTAssertEqual(pixels[y * side + x], code[x / 2 - 4, y / 2 - 4]) } }
    }

    func testChecksumsKnownValues() {
        XCTAssertEqual(Checksum.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(Checksum.crc32(Array("IEND".utf8)), 0xAE42_6082)
        XCTAssertEqual(Checksum.crc32(Array("56789".utf8), continuing: Checksum.crc32(Array("1234".utf8))), 0xCBF4_3926)
        XCTAssertEqual(Checksum.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(Checksum.adler32([]), 1)
        // Long input: the sums are reduced before they overflow.
        let long = [UInt8](repeating: 0xFF, count: 100_000)
        var a = 1, b = 0
        for byte in long { a = (a + Int(byte)) % 65521; b = (b + a) % 65521 }
        XCTAssertEqual(Checksum.adler32(long), UInt32(b << 16 | a))
    }

    /// Reads the PNG back: chunk layout and CRCs, the zlib header and Adler-32, the stored deflate
    /// blocks (several, for a large image) and every pixel.
    func testPNGReadsBack() throws {
        let big = try QRCode.encode([UInt8](repeating: 0x5A, count: 2331))
        for (qr, moduleSize) in [(code, 3), (big, 12)] {
            let png = qr.png(moduleSize: moduleSize)
            let side = (qr.size + 8) * moduleSize
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            var offset = 8
            var chunks: [(type: String, data: [UInt8])] = []
            func u32(_ at: Int) -> Int { Int(png[at]) << 24 | Int(png[at + 1]) << 16 | Int(png[at + 2]) << 8 | Int(png[at + 3]) }
            while offset < png.count {
                let length = u32(offset)
                let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
                let data = Array(png[(offset + 8)..<(offset + 8 + length)])
                XCTAssertEqual(UInt32(u32(offset + 8 + length)), Checksum.crc32(png[(offset + 4)..<(offset + 8 + length)]), type)
                chunks.append((type, data))
                offset += 12 + length
            }
            XCTAssertEqual(chunks.map(\.type), ["IHDR", "IDAT", "IEND"])
            XCTAssertEqual(chunks[0].data, PNGWriter.bigEndian(UInt32(side)) + PNGWriter.bigEndian(UInt32(side)) + [1, 0, 0, 0, 0])
            let z = chunks[1].data
            XCTAssertEqual(Array(z.prefix(2)), [0x78, 0x01])
            var raw: [UInt8] = []
            var at = 2, blocks = 0
            while true {
                let final = z[at] & 1 == 1
                XCTAssertEqual(z[at] >> 1, 0, "stored block")
                let length = Int(z[at + 1]) | Int(z[at + 2]) << 8
                XCTAssertEqual(Int(z[at + 3]) | Int(z[at + 4]) << 8, length ^ 0xFFFF)
                raw += z[(at + 5)..<(at + 5 + length)]
                at += 5 + length
                blocks += 1
                if final { break }
            }
            XCTAssertEqual(Array(z[at...]), PNGWriter.bigEndian(Checksum.adler32(raw)))
            XCTAssertEqual(blocks, (raw.count + 65534) / 65535)
            let rowBytes = (side + 7) / 8
            XCTAssertEqual(raw.count, (rowBytes + 1) * side)
            for y in 0..<side {
                XCTAssertEqual(raw[y * (rowBytes + 1)], 0, "filter None")
                for x in 0..<side {
                    let white = raw[y * (rowBytes + 1) + 1 + x / 8] & (0x80 >> UInt8(x % 8)) != 0
                    XCTAssertEqual(!white, qr[x / moduleSize - 4, y / moduleSize - 4])
                }
            }
        }
        // And an outside decoder reads the multi-block one.
        let url = try QRTools.write(big.png(moduleSize: 12), name: "big.png")
        XCTAssertEqual(Array(try QRTools.zbarDecode([url])[0].output), [UInt8](repeating: 0x5A, count: 2331))
    }
}
