import XCTest

@testable import CivlinkCore

final class QRPenaltyTests: XCTestCase {
    /// A square from text rows, `#` dark.
    static func grid(_ rows: [String]) -> (modules: [Bool], size: Int) {
        precondition(rows.allSatisfy { $0.count == rows.count })
        return (rows.flatMap { $0.map { $0 == "#" } }, rows.count)
    }

    /// One row pattern at the top of an otherwise light square as wide as it.
    static func rowPattern(_ row: String) -> Penalty {
        let rows = [row] + Array(repeating: String(repeating: ".", count: row.count), count: row.count - 1)
        let g = grid(rows)
        return Penalty(evaluating: g.modules, size: g.size)
    }

    func testAllLight() {
        let g = Self.grid(Array(repeating: ".....", count: 5))
        let p = Penalty(evaluating: g.modules, size: g.size)
        XCTAssertEqual(p.n1, 10 * 3, "ten lines of 5")
        XCTAssertEqual(p.n2, 16 * 3)
        XCTAssertEqual(p.n3, 0)
        XCTAssertEqual(p.n4, 100, "0 % dark: k = 10")
    }

    func testRunsScoreThreePlusExcess() {
        let g = Self.grid(["#######", ".#.#.#.", "#.#.#.#", ".#.#.#.", "#.#.#.#", ".#.#.#.", "#.#.#.#"])
        let p = Penalty(evaluating: g.modules, size: g.size)
        XCTAssertEqual(p.n1, 3 + 2, "one run of 7")
        XCTAssertEqual(p.n2, 0)
    }

    func testTwoByTwoBlocks() {
        // A 3×3 dark block in a checkerboard: four 2×2 blocks.
        let g = Self.grid(["###.#.", "####.#", "###.#.", ".#.#.#", "#.#.#.", ".#.#.#"])
        let p = Penalty(evaluating: g.modules, size: g.size)
        XCTAssertEqual(p.n2, 4 * 3)
    }

    func testFinderLikePatterns() {
        XCTAssertEqual(Self.rowPattern("#.###.#").n3, 40, "both ends at the edge: the quiet zone is light")
        XCTAssertEqual(Self.rowPattern("#...#.###.#...#").n3, 0, "three light modules on each side are not enough")
        XCTAssertEqual(Self.rowPattern("#....#.###.#.#").n3, 40, "four light modules before")
        XCTAssertEqual(Self.rowPattern("#.#.###.#....#").n3, 40, "four light modules after")
        XCTAssertEqual(Self.rowPattern("#....#.###.#....#").n3, 40, "light on both sides counts once")
        XCTAssertEqual(Self.rowPattern("##..######..##").n3, 40, "the ratio scaled by 2, edges light")
        XCTAssertEqual(Self.rowPattern("#......##..######..##.#").n3, 0, "scaled by 2 needs 8 light modules")
        XCTAssertEqual(Self.rowPattern("#.##.#.#").n3, 0, "1:1:2:1:1 is not the ratio")
        XCTAssertEqual(Self.rowPattern("#.###.#.###.#").n3, 80, "two patterns sharing a dark run")
        // Columns count as rows do: the transpose of a row pattern.
        let row = "#.###.#"
        let rows = (0..<7).map { y in String((0..<7).map { x in x == 0 && row[row.index(row.startIndex, offsetBy: y)] == "#" ? "#" : "." }) }
        let g = Self.grid(rows)
        XCTAssertEqual(Penalty(evaluating: g.modules, size: g.size).n3, 40)
    }

    /// N4: 10 points for each full 5 % step away from 50 % dark.
    func testDarkProportion() {
        func n4(dark: Int) -> Int {
            Penalty(evaluating: (0..<100).map { $0 < dark }, size: 10).n4
        }
        XCTAssertEqual(n4(dark: 50), 0)
        XCTAssertEqual(n4(dark: 54), 0)
        XCTAssertEqual(n4(dark: 46), 0)
        XCTAssertEqual(n4(dark: 55), 10)
        XCTAssertEqual(n4(dark: 45), 10)
        XCTAssertEqual(n4(dark: 61), 20)
        XCTAssertEqual(n4(dark: 0), 100)
        XCTAssertEqual(n4(dark: 100), 100)
        // 54.88 %: the standard says k = 0 (libqrencode rounds to 55 % and says 1).
        XCTAssertEqual(Penalty(evaluating: (0..<441).map { $0 < 242 }, size: 21).n4, 0)
    }
}
