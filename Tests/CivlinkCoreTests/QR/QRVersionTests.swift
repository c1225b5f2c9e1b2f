import XCTest

@testable import CivlinkCore

final class QRVersionTests: XCTestCase {
    /// Table 1: total codewords and remainder bits of every version.
    func testCodewordsAndRemainderBits() {
        let total = [26, 44, 70, 100, 134, 172, 196, 242, 292, 346, 404, 466, 532, 581, 655, 733, 815, 901, 991, 1085,
                     1156, 1258, 1364, 1474, 1588, 1706, 1828, 1921, 2051, 2185, 2323, 2465, 2611, 2761, 2876, 3034,
                     3196, 3362, 3532, 3706]
        for v in 1...40 {
            let version = QRVersion(v)!
            XCTAssertEqual(version.totalCodewords, total[v - 1], "version \(v)")
            let remainder = switch v { case 1: 0; case 2...6: 7; case 7...13: 0; case 14...20: 3; case 21...27: 4; case 28...34: 3; default: 0 }
            XCTAssertEqual(version.remainderBits, remainder, "version \(v)")
            XCTAssertEqual(version.size, 17 + 4 * v)
        }
        XCTAssertNil(QRVersion(0))
        XCTAssertNil(QRVersion(41))
    }

    /// The capacity formula counts what the drawing leaves: both must agree for every version.
    func testRawDataModulesEqualTheUndrawnModules() {
        for v in 1...40 {
            let version = QRVersion(v)!
            let matrix = QRMatrix(version: version)
            var free = 0
            for y in 0..<matrix.size { for x in 0..<matrix.size where !matrix.isFunction(x: x, y: y) { free += 1 } }
            XCTAssertEqual(free, version.rawDataModules, "version \(v)")
            XCTAssertEqual(matrix.dataModulePositions().count, free)
        }
    }

    /// Table 7: byte-mode capacity at M for every version, and at every level for 1 and 40.
    func testByteCapacities() {
        let medium = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213, 251, 287, 331, 362, 412, 450, 504, 560, 624, 666,
                      711, 779, 857, 911, 997, 1059, 1125, 1190, 1264, 1370, 1452, 1538, 1628, 1722, 1809, 1911, 1989,
                      2099, 2213, 2331]
        for v in 1...40 { XCTAssertEqual(QRCode.byteCapacity(version: v, level: .medium), medium[v - 1], "version \(v)") }
        XCTAssertEqual(QRCode.ErrorCorrection.allCases.map { QRCode.byteCapacity(version: 1, level: $0)! }, [17, 14, 11, 7])
        XCTAssertEqual(QRCode.ErrorCorrection.allCases.map { QRCode.byteCapacity(version: 40, level: $0)! }, [2953, 2331, 1663, 1273])
    }

    /// Table 9 read two ways: the blocks of each version hold all its codewords, with at most one
    /// data codeword of difference between them; spot checks against the printed rows.
    func testBlockStructure() {
        for level in QRCode.ErrorCorrection.allCases {
            for v in 1...40 {
                let version = QRVersion(v)!
                let blocks = version.blockCount(level), ecc = version.errorCorrectionCodewordsPerBlock(level)
                XCTAssertGreaterThan(version.dataCodewords(level), 0)
                XCTAssertGreaterThanOrEqual(version.totalCodewords / blocks - ecc, 1)
                XCTAssertLessThan(version.totalCodewords % blocks, blocks)
            }
        }
        // 5-Q: 2 blocks (33,15) and 2 blocks (34,16); 40-H: 20 blocks (45,15) and 61 blocks (46,16).
        let v5 = QRVersion(5)!, v40 = QRVersion(40)!
        XCTAssertEqual([v5.blockCount(.quartile), v5.errorCorrectionCodewordsPerBlock(.quartile), v5.dataCodewords(.quartile)], [4, 18, 62])
        XCTAssertEqual([v40.blockCount(.high), v40.errorCorrectionCodewordsPerBlock(.high), v40.dataCodewords(.high)], [81, 30, 1276])
        XCTAssertEqual(v40.totalCodewords % 81, 61)
    }

    /// Annex E's table against the rule it follows: centres evenly spaced by an even step from
    /// the last one (size − 7) back towards 6, version 32 the one exception (step 26).
    func testAlignmentTableFollowsItsRule() {
        for v in 2...40 {
            let count = v / 7 + 2
            let size = 17 + 4 * v
            let step = v == 32 ? 26 : (v * 4 + count * 2 + 1) / (count * 2 - 2) * 2
            let expected = [6] + (0..<(count - 1)).map { size - 7 - $0 * step }.reversed()
            XCTAssertEqual(QRVersion(v)!.alignmentPatternCenters, expected, "version \(v)")
        }
        XCTAssertEqual(QRVersion(1)!.alignmentPatternCenters, [])
    }
}
