import Foundation
@testable import CivlinkCore
import CivlinkTestSupport
import XCTest

/// Secondary cell suppression against an independent attacker (Tests/Fixtures/attacker.py: exact
/// linear algebra with fractions, interval bounds, brute force). Tables are random, seeded, the
/// seed printed. Sizes are checked, never times (bench/ measures those).
final class SuppressionTests: XCTestCase {
    /// Checks a result without trusting the library: every suppressed cell is in a certificate,
    /// and each certificate is an alternative non-negative integer table equal on the published
    /// cells that satisfies every relation.
    func assertProtected(_ p: SuppressionProblem, _ r: SuppressionResult, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        var covered = [Bool](repeating: false, count: p.cellCount)
        var eqOf = [[Int]](repeating: [], count: p.cellCount), inOf = [[Int]](repeating: [], count: p.cellCount)
        for (k, e) in p.equations.enumerated() { for t in e.terms { eqOf[t.cell].append(k) } }
        for (k, e) in p.inequalities.enumerated() { for t in e.terms { inOf[t.cell].append(k) } }
        for cert in r.certificates {
            var alt = p.values
            for t in cert.delta {
                XCTAssertTrue(r.suppressed[t.cell], "\(name): certificate moves published cell \(t.cell)", file: file, line: line)
                XCTAssertNotEqual(t.coefficient, 0, file: file, line: line)
                alt[t.cell] += t.coefficient
                XCTAssertGreaterThanOrEqual(alt[t.cell], 0, "\(name): negative alternative", file: file, line: line)
                covered[t.cell] = true
            }
            for k in Set(cert.delta.flatMap { eqOf[$0.cell] }) {
                XCTAssertEqual(p.equations[k].terms.reduce(0) { $0 + $1.coefficient * alt[$1.cell] }, 0, "\(name): equation \(k)", file: file, line: line)
            }
            for k in Set(cert.delta.flatMap { inOf[$0.cell] }) {
                XCTAssertGreaterThanOrEqual(p.inequalities[k].terms.reduce(0) { $0 + $1.coefficient * alt[$1.cell] }, 0, "\(name): inequality \(k)", file: file, line: line)
            }
        }
        for c in 0..<p.cellCount where r.suppressed[c] && !r.unprotected.contains(c) {
            XCTAssertTrue(covered[c], "\(name): cell \(c) has no certificate", file: file, line: line)
        }
        for c in r.primary { XCTAssertTrue(r.suppressed[c], file: file, line: line) }
        for c in 0..<p.cellCount where p.values[c] > 0 && p.values[c] < p.threshold {
            XCTAssertTrue(r.suppressed[c], "\(name): small count \(c) published", file: file, line: line)
        }
    }

    // MARK: the issue's example

    func testIssueExampleNeedsASecondSuppression() throws {
        // 24 = 10 + 5 + 5 + 4 with --suppress-below 5
        var p = SuppressionProblem(values: [24, 10, 5, 5, 4], threshold: 5, levels: [1, 0, 0, 0, 0])
        p.addSum(total: 0, parts: [1, 2, 3, 4])
        let primaryOnly = try p.suppress(options: { var o = SuppressionOptions(); o.complementary = false; return o }())
        XCTAssertEqual(primaryOnly.primary, [4])
        let broken = try Attacker.run([.init(name: "issue primary only", problem: p, suppressed: primaryOnly.suppressed)])
        XCTAssertEqual(broken[0], [.init(cell: 4, value: 4, attack: "linear")], "the total gives the 4 away")
        XCTAssertEqual(try p.determinedCells(suppressed: primaryOnly.suppressed), [4])

        let r = try p.suppress()
        assertProtected(p, r, "issue")
        XCTAssertGreaterThanOrEqual(r.suppressed.filter { $0 }.count, 2)
        XCTAssertFalse(r.suppressed[0], "the total stays published")
        XCTAssertEqual(r.complementary.count, 1)
        XCTAssertTrue(r.complementary == [2] || r.complementary == [3], "a 5, the smallest other count: \(r.complementary)")
        XCTAssertEqual(try p.determinedCells(suppressed: r.suppressed), [])
        XCTAssertEqual(try Attacker.run([.init(name: "issue", problem: p, suppressed: r.suppressed)])[0], [])
    }

    /// total = a + b + c with a, b hidden and c = total: linearly a + b = 0 leaves a free, but
    /// with a, b ≥ 0 both are 0. The exact linear test passes; the attacker's bounds do not;
    /// the algorithm's certificates account for non-negativity and protect them.
    func testIntervalDisclosureIsCaught() throws {
        var p = SuppressionProblem(values: [4, 0, 0, 4], threshold: 2, levels: [1, 0, 0, 0])
        p.addSum(total: 0, parts: [1, 2, 3])
        p.alsoSuppress = [1, 2]
        var pattern = [false, true, true, false]
        XCTAssertEqual(try p.determinedCells(suppressed: pattern), [], "not determined linearly")
        XCTAssertEqual(try Attacker.run([.init(name: "interval", problem: p, suppressed: pattern)])[0].map(\.attack), ["bounds", "bounds"])
        let r = try p.suppress()
        assertProtected(p, r, "interval")
        pattern = r.suppressed
        XCTAssertEqual(try Attacker.run([.init(name: "interval protected", problem: p, suppressed: pattern)])[0], [])
        XCTAssertEqual(r.unprotected, [])
    }

    func testTotalsAreHiddenOnlyWhenNothingElseWorks() throws {
        var p = SuppressionProblem(values: [113, 3, 50, 60], threshold: 5, levels: [1, 0, 0, 0])
        p.addSum(total: 0, parts: [1, 2, 3])
        var r = try p.suppress()
        XCTAssertEqual(r.complementary, [2], "the smaller other part, not the total")
        // A subtotal with a single child: only the subtotal (and a sibling upward) can cover it.
        var h = SuppressionProblem(values: [40, 3, 3, 37, 37], threshold: 5, levels: [2, 1, 0, 1, 0])
        h.addSum(total: 0, parts: [1, 3])
        h.addSum(total: 1, parts: [2])
        h.addSum(total: 3, parts: [4])
        r = try h.suppress()
        assertProtected(h, r, "single child")
        XCTAssertFalse(r.suppressed[0], "the grand total stays published")
        XCTAssertEqual(r.complementary, [3, 4], "1 and 2 are both primary")
    }

    func testZerosAreAvoidedWhenACountWillDo() throws {
        var p = SuppressionProblem(values: [20, 3, 0, 17], threshold: 5, levels: [1, 0, 0, 0])
        p.addSum(total: 0, parts: [1, 2, 3])
        let r = try p.suppress()
        XCTAssertEqual(r.complementary, [3])
    }

    // MARK: random tables against the attacker

    static func randomCases(seed: UInt64) -> [(String, SuppressionProblem)] {
        var rng = SeededRandom(seed: seed)
        var cases: [(String, SuppressionProblem)] = []
        for k in 0..<12 { cases.append(("1-D \(k)", Tables.oneD(&rng, parts: 1 + k % 9))) }
        for k in 0..<14 {
            let rows = 1 + Int(rng.next() % 7), columns = 1 + Int(rng.next() % 6)
            cases.append(("2-D \(rows)x\(columns) #\(k)", Tables.twoD(&rng, rows: rows, columns: columns, threshold: 3 + k % 4)))
        }
        for k in 0..<10 {
            cases.append(("hierarchy \(k)", Tables.hierarchy(&rng, systems: 1 + k % 5, maxProcedures: 1 + k % 6, subtotals: k % 2 == 0)))
        }
        for k in 0..<8 { cases.append(("civlink rows \(k)", Tables.civlink(&rng, groups: 1, rowsPerGroup: 1 + k * 2))) }
        for k in 0..<6 { cases.append(("civlink 3-level \(k)", Tables.civlink(&rng, groups: 2 + k % 3, rowsPerGroup: 1 + k % 5))) }
        for k in 0..<4 { cases.append(("cube \(k)", Tables.cube(&rng, communes: 1 + k, systems: 2 + k % 4))) }
        for k in 0..<10 { cases.append(("general \(k)", Tables.general(&rng, cells: 4 + k, equations: 1 + k / 2))) }
        return cases
    }

    func testRandomTablesResistTheAttacker() throws {
        var totalSuppressed = 0, totalCells = 0, wider = 0, lastResorts = 0
        for seed in [UInt64(20_261_123), 7, 42] {
            print("suppression random tables, seed \(seed)")
            let cases = Self.randomCases(seed: seed)
            var attackCases: [Attacker.Case] = []
            for (name, p) in cases {
                var o = SuppressionOptions()
                o.audit = true   // the library's own exact linear test must agree
                let r = try p.suppress(options: o)
                assertProtected(p, r, "\(name) seed \(seed)")
                XCTAssertEqual(r.unprotected, [], name)
                totalSuppressed += r.suppressed.filter { $0 }.count
                totalCells += p.cellCount
                wider += r.widerSearches
                lastResorts += r.lastResorts
                if r.lastResorts > 0 || r.widerSearches > 0 { print("  \(name): \(p.cellCount) cells, \(r.widerSearches) wider, \(r.lastResorts) last resorts") }
                attackCases.append(.init(name: name, problem: p, suppressed: r.suppressed))
            }
            for (c, solved) in zip(attackCases, try Attacker.run(attackCases)) {
                XCTAssertEqual(solved, [], "seed \(seed) \(c.name): attacker solved \(solved)")
            }
        }
        print("suppression random tables: \(totalSuppressed) of \(totalCells) cells suppressed, \(wider) wider searches, \(lastResorts) last resorts")
        XCTAssertEqual(lastResorts, 0)
    }

    /// Shows the tests can fail: without the complementary step the same attacker recovers hidden
    /// cells in most tables, and its linear attack finds exactly what ReportKit's linear test finds.
    func testWithoutComplementsTheAttackerWins() throws {
        let seed: UInt64 = 20_261_123
        print("primary-only random tables, seed \(seed)")
        var o = SuppressionOptions()
        o.complementary = false
        let cases = Self.randomCases(seed: seed).map { name, p in Attacker.Case(name: name, problem: p, suppressed: try! p.suppress(options: o).suppressed) }
        let results = try Attacker.run(cases)
        var broken = 0
        for (c, solved) in zip(cases, results) {
            if !solved.isEmpty { broken += 1 }
            for s in solved { XCTAssertEqual(s.value, c.problem.values[s.cell], "the attacker's answers are right") }
            XCTAssertEqual(try c.problem.determinedCells(suppressed: c.suppressed), solved.filter { $0.attack == "linear" }.map(\.cell), c.name)
        }
        print("primary only: attacker recovered cells in \(broken) of \(cases.count) tables")
        XCTAssertGreaterThan(broken, cases.count / 2)
    }

    func testDeterministic() throws {
        var rng = SeededRandom(seed: 99)
        let p = Tables.civlink(&rng, groups: 6, rowsPerGroup: 5)
        let a = try p.suppress(), b = try p.suppress()
        XCTAssertEqual(a.suppressed, b.suppressed)
        XCTAssertEqual(a.certificates, b.certificates)
    }

    // MARK: size

    func testThreeThousandCellTableIsFast() throws {
        var rng = SeededRandom(seed: 3000)
        // 60 communes × 5 systems × 9 figures with commune, system and grand totals: 3,294 cells.
        let cube = Tables.cube(&rng, communes: 60, systems: 5)
        // civlink --by commune,system: 375 rows × 8 figures + total rows = 3,008 cells.
        let rows = Tables.civlink(&rng, groups: 1, rowsPerGroup: 375)
        // The brief's full size: 300 communes × 5 systems × 9 figures plus totals: 16,254 cells
        // (release builds only: a debug build is some 20 times slower).
        let big = Tables.cube(&rng, communes: 300, systems: 5)
        var tables = [("cube 60x5x9", cube), ("rows 375x8", rows)]
        #if !DEBUG
        tables.append(("cube 300x5x9", big))
        #endif
        for (name, p) in tables {
            let start = DispatchTime.now()
            let r = try p.suppress()
            let ms = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6
            print("suppression \(name): \(p.cellCount) cells, \(p.equations.count) equations, \(r.primary.count) primary, "
                  + "\(r.complementary.count) complementary (\(r.complementary.filter { p.levels[$0] > 0 }.count) totals), "
                  + "\(r.widerSearches) wider, \(r.lastResorts) last resorts, \(String(format: "%.1f", ms)) ms")
            assertProtected(p, r, name)
            XCTAssertEqual(r.lastResorts, 0, name)
            if p.cellCount < 4000 {
                let start = DispatchTime.now()
                XCTAssertEqual(try p.determinedCells(suppressed: r.suppressed), [], name)
                print("  exact linear test of \(name): \(String(format: "%.1f", Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e6)) ms")
            }
        }
    }

    func testLargeTablesAgainstTheAttacker() throws {
        var rng = SeededRandom(seed: 3001)
        print("large tables, seed 3001")
        let tables = [("rows 120x8", Tables.civlink(&rng, groups: 1, rowsPerGroup: 120)),
                      ("cube 12x5x9", Tables.cube(&rng, communes: 12, systems: 5)),
                      ("2-D 30x12", Tables.twoD(&rng, rows: 30, columns: 12))]
        let cases = try tables.map { name, p in
            let r = try p.suppress()
            assertProtected(p, r, name)
            return Attacker.Case(name: name, problem: p, suppressed: r.suppressed)
        }
        for (c, solved) in zip(cases, try Attacker.run(cases)) { XCTAssertEqual(solved, [], c.name) }
    }
}
