import XCTest

@testable import CivlinkCore

final class QRMatrixTests: XCTestCase {
    func testFunctionPatternsOfVersion1() {
        let m = QRMatrix(version: QRVersion(1)!)
        let finder = ["#######", "#.....#", "#.###.#", "#.###.#", "#.###.#", "#.....#", "#######"]
        for (dy, row) in finder.enumerated() {
            for (dx, c) in row.enumerated() {
                XCTAssertEqual(m[dx, dy], c == "#")  // top-left
                XCTAssertEqual(m[14 + dx, dy], c == "#")  // top-right
                XCTAssertEqual(m[dx, 14 + dy], c == "#")  // bottom-left
            }
        }
        for i in 0..<8 {  // separators
            XCTAssertFalse(m[7, i]); XCTAssertFalse(m[i, 7]); XCTAssertFalse(m[13, i]); XCTAssertFalse(m[20 - i, 7])
            XCTAssertFalse(m[i, 13]); XCTAssertFalse(m[7, 20 - i])
        }
        for i in 8...12 {  // timing
            XCTAssertEqual(m[i, 6], i % 2 == 0); XCTAssertEqual(m[6, i], i % 2 == 0)
            XCTAssertTrue(m.isFunction(x: i, y: 6)); XCTAssertTrue(m.isFunction(x: 6, y: i))
        }
        XCTAssertTrue(m[8, 13] && m.isFunction(x: 8, y: 13), "dark module")
        XCTAssertTrue(m.isFunction(x: 8, y: 0) && m.isFunction(x: 0, y: 8) && m.isFunction(x: 20, y: 8) && m.isFunction(x: 8, y: 20))
        XCTAssertFalse(m.isFunction(x: 9, y: 9))
    }

    func testAlignmentPatternsOfVersion7() {
        let m = QRMatrix(version: QRVersion(7)!)  // centres 6, 22, 38
        for (cx, cy) in [(22, 22), (38, 38), (22, 6), (6, 22), (22, 38), (38, 22)] {
            for dy in -2...2 {
                for dx in -2...2 {
                    XCTAssertEqual(m[cx + dx, cy + dy], max(abs(dx), abs(dy)) != 1, "(\(cx + dx), \(cy + dy))")
                    XCTAssertTrue(m.isFunction(x: cx + dx, y: cy + dy))
                }
            }
        }
        XCTAssertFalse(m.isFunction(x: 30, y: 30))
    }

    /// §7.7.3: placement starts at the bottom-right corner going up, two modules wide, right one first.
    func testPlacementOrder() {
        let m = QRMatrix(version: QRVersion(1)!)
        let positions = m.dataModulePositions()
        XCTAssertEqual(positions.prefix(6).map { [$0.x, $0.y] }, [[20, 20], [19, 20], [20, 19], [19, 19], [20, 18], [19, 18]])
        // The first column pair goes up to row 9 (format information above), then turns down.
        XCTAssertEqual([positions[23].x, positions[23].y], [19, 9])
        XCTAssertEqual([positions[24].x, positions[24].y], [18, 9])
        // Column 6 (timing) is skipped: after column pair 8/7 comes 5/4.
        let columns = positions.map(\.x)
        XCTAssertFalse(columns.contains(6))
        XCTAssertEqual(Set(positions.map { $0.y * 21 + $0.x }).count, positions.count, "no module twice")
        XCTAssertEqual(positions.count, 208)
    }

    /// Masks invert data modules only, and twice is none.
    func testMaskingLeavesFunctionPatterns() throws {
        let unmasked = try QRCode.unmaskedMatrix([1, 2, 3], level: .medium, minimumVersion: 2)
        for mask in 0..<8 {
            var m = unmasked
            m.applyMask(mask)
            var inverted = 0
            for y in 0..<m.size {
                for x in 0..<m.size {
                    if m.isFunction(x: x, y: y) {
                        XCTAssertEqual(m[x, y], unmasked[x, y])
                    } else {
                        XCTAssertEqual(m[x, y] != unmasked[x, y], MaskPattern.inverts(mask, x: x, y: y))
                        if m[x, y] != unmasked[x, y] { inverted += 1 }
                    }
                }
            }
            XCTAssertGreaterThan(inverted, 50)
            m.applyMask(mask)
            XCTAssertEqual(m, unmasked)
        }
    }

    /// Table 10's conditions at a few modules, i the row and j the column.
    func testMaskConditions() {
        XCTAssertTrue(MaskPattern.inverts(0, x: 1, y: 1)); XCTAssertFalse(MaskPattern.inverts(0, x: 1, y: 0))
        XCTAssertTrue(MaskPattern.inverts(1, x: 5, y: 2)); XCTAssertFalse(MaskPattern.inverts(1, x: 2, y: 5))
        XCTAssertTrue(MaskPattern.inverts(2, x: 3, y: 1)); XCTAssertFalse(MaskPattern.inverts(2, x: 1, y: 3))
        XCTAssertTrue(MaskPattern.inverts(3, x: 1, y: 2)); XCTAssertFalse(MaskPattern.inverts(3, x: 1, y: 1))
        XCTAssertTrue(MaskPattern.inverts(4, x: 3, y: 2)); XCTAssertFalse(MaskPattern.inverts(4, x: 3, y: 0))
        XCTAssertTrue(MaskPattern.inverts(5, x: 6, y: 1)); XCTAssertFalse(MaskPattern.inverts(5, x: 2, y: 1))
        XCTAssertTrue(MaskPattern.inverts(6, x: 1, y: 1)); XCTAssertFalse(MaskPattern.inverts(6, x: 2, y: 2))  // 1+1 even; 0+1 odd
        XCTAssertTrue(MaskPattern.inverts(7, x: 0, y: 0)); XCTAssertFalse(MaskPattern.inverts(7, x: 1, y: 0))  // 0+0 even; 1+0 odd
    }
}
