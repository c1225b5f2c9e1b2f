import Foundation
import XCTest

@testable import CivlinkCore

/// Every symbol is rendered to an image and read back by zbarimg (ZBar); the bytes it returns
/// must be the payload's, byte for byte.
final class QRZbarDecodeTests: XCTestCase {
    override class func tearDown() { QRTools.removeDirectory() }

    enum ImageFormat: String { case png, pbm, svg }

    struct Case {
        let label: String
        let bytes: [UInt8]
        var level: QRCode.ErrorCorrection = .medium
        var minimumVersion = 1
        var mask: Int? = nil
        var format = ImageFormat.png
        var moduleSize = 4
    }

    /// The corpus: every version 1-40 at M (length drawn from the version's own range, so it is
    /// the smallest that fits) and at L, Q and H; every mask forced, small and large; random
    /// lengths up to version 40-M's 2331 bytes; the Vietnamese sentence; PBM and SVG output.
    static func corpus(seed: UInt64) -> [Case] {
        var rng = QRSeededGenerator(seed: seed)
        var cases: [Case] = []
        var n = 0
        func payload(_ count: Int) -> (name: String, bytes: [UInt8]) {
            defer { n += 1 }
            return QRPayload.kind(n, count: count, using: &rng)
        }
        for level in QRCode.ErrorCorrection.allCases {
            for version in 1...40 {
                let low = version == 1 ? 1 : QRCode.byteCapacity(version: version - 1, level: level)! + 1
                let high = QRCode.byteCapacity(version: version, level: level)!
                let p = payload(Int.random(in: low...high, using: &rng))
                cases.append(Case(label: "\(version)-\(level) \(p.name) \(p.bytes.count)B", bytes: p.bytes, level: level,
                                  moduleSize: version > 30 ? 3 : 4))
            }
        }
        for mask in 0..<8 {
            for count in [10, 150, 900] {
                let p = payload(count)
                cases.append(Case(label: "mask \(mask) \(p.name) \(count)B", bytes: p.bytes, mask: mask))
            }
        }
        for count in [1, 2, 2331] + (0..<25).map({ _ in Int.random(in: 1...2331, using: &rng) }) {
            let p = payload(count)
            cases.append(Case(label: "random \(p.name) \(count)B", bytes: p.bytes, moduleSize: 3))
        }
        let sentence = Array(QRPayload.vietnamese.utf8)
        cases.append(Case(label: "Vietnamese sentence", bytes: sentence))
        for level in QRCode.ErrorCorrection.allCases {
            cases.append(Case(label: "Vietnamese sentence \(level) v7", bytes: sentence, level: level, minimumVersion: 7))
        }
        for (i, count) in [5, 60, 300, 1200].enumerated() {
            let p = payload(count)
            cases.append(Case(label: "pbm \(p.name) \(count)B", bytes: p.bytes, format: .pbm, moduleSize: 2 + i % 2))
            let q = payload(count)
            cases.append(Case(label: "svg \(q.name) \(count)B", bytes: q.bytes, format: .svg))
        }
        return cases
    }

    func testZbarReadsBackEveryPayload() throws {
        let seed = QRTestSeed.value
        let cases = Self.corpus(seed: seed)
        var images: [URL] = []
        var svgs: [(index: Int, svg: URL, png: URL)] = []
        var masks = Set<Int>(), versions = Set<Int>()
        for (i, test) in cases.enumerated() {
            let code = try QRCode.encode(test.bytes, level: test.level, minimumVersion: test.minimumVersion, mask: test.mask)
            if let mask = test.mask { XCTAssertEqual(code.mask, mask) }
            masks.insert(code.mask)
            if test.level == .medium { versions.insert(code.version) }
            switch test.format {
            case .png:
                images.append(try QRTools.write(code.png(moduleSize: test.moduleSize), name: "zbar-\(i).png"))
            case .pbm:
                images.append(try QRTools.write(Array(code.pbm(moduleSize: test.moduleSize).utf8), name: "zbar-\(i).pbm"))
            case .svg:
                let svg = try QRTools.write(Array(code.svg(moduleSize: test.moduleSize).utf8), name: "zbar-\(i).svg")
                let png = QRTools.directory.appendingPathComponent("zbar-\(i)-svg.png")
                svgs.append((i, svg, png))
                images.append(png)
            }
        }
        // SVGs are rasterised by librsvg (rsvg-convert) at their own pixel size.
        let rsvg = try QRTools.require("rsvg-convert")
        for (result, job) in zip(try QRTools.run(svgs.map { [rsvg, "-o", $0.png.path, $0.svg.path] }), svgs) {
            XCTAssertEqual(result.status, 0, "rsvg-convert failed: \(cases[job.index].label), seed \(seed)")
        }

        let results = try QRTools.zbarDecode(images)
        var decoded = 0
        for (test, result) in zip(cases, results) {
            if result.status == 0 && Array(result.output) == test.bytes {
                decoded += 1
            } else {
                XCTFail("zbarimg read \(result.output.count) bytes (status \(result.status)), not the \(test.bytes.count) encoded: \(test.label), seed \(seed)")
            }
        }
        XCTAssertEqual(versions, Set(1...40), "every version at M, seed \(seed)")
        XCTAssertEqual(masks, Set(0...7), "every mask, seed \(seed)")
        print("zbarimg decoded \(decoded) of \(cases.count) payloads, seed \(seed)")
    }

    /// The check can fail: one flipped data module per codeword is beyond what M corrects
    /// (15 % of codewords), and zbarimg must then read nothing rather than other bytes.
    func testCorruptedSymbolIsNotReadAsThePayload() throws {
        let bytes = Array("https://civlink.example/r/2026-000123".utf8)
        let code = try QRCode.encode(bytes, level: .low)
        var rows = code.rows
        let unmasked = try QRCode.unmaskedMatrix(bytes, level: .low, minimumVersion: 1)
        for (i, place) in unmasked.dataModulePositions().enumerated() where i % 8 == 0 {
            rows[place.y][place.x].toggle()
        }
        let png = PNGWriter.blackAndWhite(width: (code.size + 8) * 4, height: (code.size + 8) * 4) { x, y in
            let mx = x / 4 - 4, my = y / 4 - 4
            return mx >= 0 && my >= 0 && mx < code.size && my < code.size && rows[my][mx]
        }
        let result = try QRTools.zbarDecode([try QRTools.write(png, name: "corrupted.png")])[0]
        XCTAssertNotEqual(Array(result.output), bytes)
        XCTAssertNotEqual(result.status, 0)
    }
}
