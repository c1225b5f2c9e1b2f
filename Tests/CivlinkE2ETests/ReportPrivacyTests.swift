@testable import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// `report --suppress-below` against a reader who tries to work the hidden counts out: the model
/// below is built from the published JSON and the relations civlink-report(1) documents, not
/// from civlink's own suppression model, and Tests/Fixtures/attacker.py (exact linear algebra,
/// interval bounds, brute force) tries to solve every hidden cell.
final class ReportPrivacyTests: XCTestCase {
    static let figures = ["planned", "received", "processed", "pending", "returned", "refused", "cancelled", "overdue", "rejected", "stuck",
                          "late", "on_time"]

    /// A month of dossiers over twelve communes with small counts everywhere: registered, mostly
    /// signed, sent to spool agencies (one of them down for a while, so some procedures are stuck),
    /// answered by the agency simulator with rejections. Seeded; the seed is printed.
    static func ledger(seed: UInt64) throws -> LedgerFixture {
        print("report privacy ledger, seed \(seed)")
        var random = SeededRandom(seed: seed)
        let fixture = try LedgerFixture()
        try fixture.useSpools(now: "2026-09-01T00:00:00+07:00")
        try fixture.reach("social-insurance", spool: "/dev/null/down", at: "2026-09-01T00:00:00+07:00")
        var n = 0
        for commune in 0..<12 {
            let births = Int(random.next() % 9), deaths = Int(random.next() % 4)
            for i in 0..<(births + deaths) {
                n += 1
                let day = 1 + Int(random.next() % 27)
                let at = "2026-10-\(day < 10 ? "0\(day)" : "\(day)")T09:00:00+07:00"
                let communeCode = String(17980 + commune)
                let id: String
                if i < births {
                    var d = Declarations.birth(childName: "Trẻ Số \(n)", motherID: "0401950" + String(format: "%05d", n), certificate: "GCS-P-\(n)",
                                               born: "2026-09-\(10 + Int(random.next() % 15))")
                    d = setting(d, "commune", communeCode)
                    if random.next() % 4 == 0 { d = setting(d, "health_insurance", nil) }
                    id = try fixture.register(.birth, d, at: at)
                } else {
                    var d = Declarations.death(personalID: "0400580" + String(format: "%05d", n), pensioner: random.next() % 3 != 0)
                    d = setting(d, "commune", communeCode)
                    d = setting(d, "death.date", "2026-09-2\(Int(random.next() % 8))")
                    id = try fixture.register(.death, d, at: at)
                }
                if random.next() % 5 != 0 { try fixture.sign(id, at: at.replacingOccurrences(of: "09:00", with: "10:00")) }
            }
        }
        try fixture.transfer(at: "2026-10-28T11:00:00+07:00", maxAttempts: 1)
        try fixture.useSpools(now: "2026-10-28T12:00:00+07:00")
        for round in 0..<2 {
            try fixture.transfer(at: "2026-10-29T0\(round + 8):00:00+07:00")
            for agency in Agency.sendable {
                var options = AgencySimulator.Options()
                options.rejectionRate = 0.2
                options.seed = seed &+ UInt64(round * 7 + agency.rawValue.count)
                var simulator = AgencySimulator(directory: fixture.spool(agency.rawValue), options: options)
                _ = try simulator.runOnce()
            }
            try fixture.transfer(at: "2026-10-29T1\(round):00:00+07:00")
        }
        return fixture
    }

    /// What a reader of one published `civlink.report/1` object knows, as a suppression problem:
    /// the published cells, hidden ones as unknowns, the documented relations.
    final class Reader {
        var problem = SuppressionProblem(values: [], threshold: 0)
        var hidden: [Bool] = []
        /// Cells by (dimension values, figure), shared between reports a reader combines.
        var cells: [String: Int] = [:]

        func cell(_ key: String, _ value: Int?) -> Int {
            if let existing = cells[key] {
                if value != nil, hidden[existing] { hidden[existing] = false; problem.values[existing] = value! }
                return existing
            }
            let c = problem.addCell(value: value ?? 0)
            hidden.append(value == nil)
            cells[key] = c
            return c
        }

        /// One row's twelve cells and the relations civlink-report(1) states within it. `unit` is
        /// what the row counts: a system's procedures, civil status's records, or whole records.
        enum Unit { case agency, civilStatus, records }

        func row(_ key: String, _ object: [String: Any], unit: Unit) -> [Int] {
            let c = ReportPrivacyTests.figures.map { cell(key + "|" + $0, object[$0] as? Int) }
            let (p, r, f, w, ret, ref, can, o, j, s, l, t) = (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11])
            problem.addInequality([(f, 1), (t, -1)])
            switch unit {
            case .agency:
                // Received once sent: processed, pending or rejected (stuck may never have been sent),
                // or cancelled after sending; planned holds every final and running state once.
                problem.addInequality([(r, 1), (f, -1), (w, -1), (j, -1)])
                problem.addInequality([(f, 1), (w, 1), (j, 1), (s, 1), (can, 1), (r, -1)])
                problem.addInequality([(p, 1), (f, -1), (w, -1), (j, -1), (s, -1), (can, -1)])
                problem.addInequality([(p, 1), (r, -1)])
                problem.addInequality([(p, 1), (f, -1), (o, -1)])
                for cell in [ret, ref, l] { problem.addEquation([(cell, 1)]) }
            case .civilStatus, .records:
                // Every record is received, and ends in exactly one of these.
                problem.addEquation([(r, 1), (p, -1)])
                problem.addEquation([(r, 1), (f, -1), (w, -1), (ret, -1), (ref, -1), (can, -1)])
                if unit == .civilStatus { for cell in [j, s] { problem.addEquation([(cell, 1)]) } }
            }
            return c
        }

        /// A whole report: its rows, its total row (records: the rows' sum when they count records
        /// too, else the sum of civil status's rows for what a record shares with its registration),
        /// and its timing counts.
        func read(_ report: [String: Any]) {
            let by = report["by"] as! [String]
            let units = report["units"] as! [String: String]
            let rows = report["rows"] as! [[String: Any]]
            var rowCells: [[Int]] = []
            var civilStatusCells: [[Int]] = []
            for object in rows {
                let key = by.map { "\($0)=\(object[$0] as! String)" }.sorted().joined(separator: ",")
                let unit: Unit
                if units["rows"] == "records" {
                    unit = .records
                } else {
                    let system = object["system"] as? String ?? (object["procedure"] as? String).flatMap { ProcedureKind.named($0)?.agency.rawValue }
                    unit = system == "civil-status" ? .civilStatus : .agency
                }
                let cells = row(key, object, unit: unit)
                rowCells.append(cells)
                if unit == .civilStatus { civilStatusCells.append(cells) }
            }
            let totals = row("", report["totals"] as! [String: Any], unit: .records)
            if units["rows"] == "records" {
                for f in 0..<12 { problem.addSum(total: totals[f], parts: rowCells.map { $0[f] }) }
            } else if by.contains("system") {
                // planned, received, returned, refused, cancelled and late: a record's are its registration's.
                for f in [0, 1, 4, 5, 6, 10] { problem.addSum(total: totals[f], parts: civilStatusCells.map { $0[f] }) }
            }
            for timing in report["timings"] as! [[String: Any]] {
                let metric = timing["metric"] as! String, agency = timing["agency"] as? String
                let c = cell("timing:\(metric):\(agency ?? "")", timing["count"] as? Int)
                if metric == "personal-id-return", by == ["system"], let population = cells["system=population|processed"] {
                    problem.addEquation([(c, 1), (population, -1)])
                }
                if metric == "answer", let agency, by == ["system"], let f = cells["system=\(agency)|processed"],
                   let j = cells["system=\(agency)|rejected"], let r = cells["system=\(agency)|received"] {
                    problem.addInequality([(c, 1), (f, -1), (j, -1)])
                    problem.addInequality([(r, 1), (c, -1)])
                }
            }
        }

        var attack: Attacker.Case { Attacker.Case(name: "reader", problem: problem, suppressed: hidden) }
    }

    func report(_ fixture: LedgerFixture, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let box = try Sandbox(now: "2026-11-20T09:30:00+07:00")
        box.environment["CIVLINK_LEDGER"] = fixture.ledger.path
        let result = try box.run(["report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return try result.json()
    }

    /// Cells a report hides that are 1...threshold-1 in truth must be hidden, and what it publishes must be true.
    func assertTruthful(_ published: [String: Any], _ truth: [String: Any], threshold: Int, file: StaticString = #filePath, line: UInt = #line) {
        let shownRows = (published["rows"] as! [[String: Any]]) + [published["totals"] as! [String: Any]]
        let trueRows = (truth["rows"] as! [[String: Any]]) + [truth["totals"] as! [String: Any]]
        XCTAssertEqual(shownRows.count, trueRows.count, file: file, line: line)
        for (shown, real) in zip(shownRows, trueRows) {
            for name in ReportPrivacyTests.figures {
                let value = real[name] as! Int
                if let v = shown[name] as? Int { XCTAssertEqual(v, value, name, file: file, line: line) }
                if value > 0 && value < threshold { XCTAssertTrue(shown[name] is NSNull, "\(name) = \(value) published", file: file, line: line) }
            }
        }
    }

    func testNoHiddenCountCanBeWorkedOutFromTheReport() throws {
        let fixture = try Self.ledger(seed: 20_261_201)
        var cases: [Attacker.Case] = []
        var primaryOnly: [Attacker.Case] = []
        for by in ["system", "commune", "system,procedure", "commune,system", "commune,system,procedure"] {
            let truth = try report(fixture, ["--by", by])
            let published = try report(fixture, ["--by", by, "--suppress-below", "5"])
            assertTruthful(published, truth, threshold: 5)
            let reader = Reader()
            reader.read(published)
            let hiddenCount = reader.hidden.filter { $0 }.count
            print("report --by \(by): \(reader.hidden.count) cells, \(hiddenCount) hidden")
            XCTAssertGreaterThan(hiddenCount, 0, "the data must have small counts for the test to mean anything")
            cases.append(Attacker.Case(name: "--by \(by)", problem: reader.problem, suppressed: reader.hidden))
            // The same table with only the small counts hidden, as before secondary suppression.
            let naive = Reader()
            naive.read(truth)
            let small = naive.problem.values.indices.map { naive.problem.values[$0] > 0 && naive.problem.values[$0] < 5 }
            primaryOnly.append(Attacker.Case(name: "--by \(by), small counts only", problem: naive.problem, suppressed: small))
        }
        for (c, solved) in zip(cases, try Attacker.run(cases)) {
            XCTAssertEqual(solved, [], "\(c.name): the attacker worked out hidden cells")
        }
        // The attack is real: with only the small counts hidden it recovers some of them.
        let broken = try Attacker.run(primaryOnly).filter { !$0.isEmpty }.count
        XCTAssertGreaterThan(broken, 0, "the attacker should break primary-only suppression")
    }

    /// The issue's case: 24 = 10 + 5 + 5 + 4 with --suppress-below 5; the 4 must not follow from the total.
    func testTheIssueExampleTotalNoLongerGivesTheSmallCountAway() throws {
        let fixture = try LedgerFixture()
        var n = 0
        for (commune, births) in [("17981", 10), ("17982", 5), ("17983", 5), ("17984", 4)] {
            for _ in 0..<births {
                n += 1
                try fixture.register(.birth, setting(Declarations.birth(childName: "Trẻ \(n)", motherID: "0401950" + String(format: "%05d", n),
                                                                        certificate: "GCS-I-\(n)", born: "2026-10-01"),
                                             "commune", commune),
                                     at: "2026-10-05T09:00:00+07:00")
            }
        }
        // Received (the births registered: records by commune): 10, 5, 5 and 4, total 24.
        let truth = try report(fixture, ["--by", "commune"])
        XCTAssertEqual((truth["rows"] as! [[String: Any]]).map { $0["received"] as! Int }, [10, 5, 5, 4])
        let published = try report(fixture, ["--by", "commune", "--suppress-below", "5"])
        assertTruthful(published, truth, threshold: 5)
        let received = (published["rows"] as! [[String: Any]]).map { $0["received"] as? Int }
        XCTAssertNil(received[3], "the 4 is hidden")
        XCTAssertGreaterThanOrEqual(received.filter { $0 == nil }.count, 2, "and another commune's count with it: \(received)")
        XCTAssertEqual((published["totals"] as! [String: Any])["received"] as? Int, 24, "the total stays published")
        let reader = Reader()
        reader.read(published)
        XCTAssertEqual(try Attacker.run([reader.attack])[0], [])
    }
}
