import Foundation
import CivlinkTestSupport
import XCTest

/// Seed 001's table, the Government Office's national figures of 5 September 2023, rebuilt at a
/// hundredth of the scale through the command line only: intake at the desk and online,
/// registration, returns, refusals (by the officer and by the clock), a cancellation, signing,
/// transfers to the four systems and their answers. Then every figure of the table is read back
/// from `civlink report`.
///
/// National (seed 001)                                   here (1/100, rounded; the smallest kept at 1)
///   records received               104,659               1,047
///   civil status processed          78,767 = 72,175 births + 6,592 deaths     788 = 722 + 66
///   residence received / processed  78,767 / 51,239 = 47,994 reg. + 3,245 del.  788 / 512 = 480 + 32
///   social insurance rec. / proc.   73,409 / 64,974 = 64,953 cards + 21 funeral 734 / 651 = 650 + 1
///   social affairs rec. / proc.      5,358 / 45                                  54 / 1
/// The national figures are consistent: every registered dossier went to residence, every birth
/// got a card request, every death one benefit (73,409 - 72,175 = 1,234 allowances to social
/// insurance and 5,358 supports: 6,592 deaths). The scaled flow keeps that: 722 cards + 12
/// allowances = 734; 12 + 54 = 66 deaths.
final class NationalTableTests: XCTestCase {
    static let agencies = ["population", "residence", "social-insurance", "social-affairs"]

    private var serial = 0

    private func births(_ count: Int, receivedAt: String = "2026-11-20T09:00:00+07:00", born: String = "2026-11-15") -> String {
        (0..<count).map { _ in
            serial += 1
            var d = Declarations.birth(childName: "Trẻ Số \(serial)", motherID: String(format: "040195%06d", serial), certificate: "GCS-N-\(serial)", born: born)
            d = setting(d, "received_at", receivedAt)
            return Declarations.text(d)
        }.joined(separator: "\n") + "\n"
    }

    private func deaths(_ count: Int, support: Bool, died: String = "2026-11-18") -> String {
        (0..<count).map { _ in
            serial += 1
            var d = Declarations.death(personalID: String(format: "040058%06d", serial), pensioner: !support)
            if support { d = setting(d, "entitlement", ["social_assistance": true]) }
            d = setting(setting(d, "received_at", "2026-11-20T09:00:00+07:00"), "death.date", died)
            return Declarations.text(d)
        }.joined(separator: "\n") + "\n"
    }

    private func batch(_ box: Sandbox, _ command: String, _ lines: String, _ extra: [String] = []) throws -> [String] {
        let result = try box.run([command, "--batch", "-"] + extra, stdin: Data(lines.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.jsonLines().map { $0["id"] as! String }
    }

    private func register(_ box: Sandbox, _ ids: [String]) throws {
        let result = try box.run(["register", "-"], stdin: Data((ids.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try result.jsonLines().count, ids.count)
    }

    private func spools(_ box: Sandbox, _ phase: [String: String]) throws {
        for (agency, directory) in phase { try box.ok("agency", "add", agency, "--spool", box.path("spool/\(directory)")) }
    }

    private func simulate(_ box: Sandbox, _ directories: [String]) throws {
        for directory in directories { try box.ok("agency", "simulate", "--spool", box.path("spool/\(directory)")) }
    }

    private func sign(_ box: Sandbox) throws {
        try box.ok("sign", "--pending", "--key", box.path("officer.key"), "--cert", box.path("officer.pem"))
    }

    func testTheGovernmentOfficeTableComesOutFigureByFigure() throws {
        let box = try Sandbox(now: "2026-11-03T10:00:00+07:00")
        try box.ok("init", "--training")
        _ = try box.officer()
        try spools(box, ["population": "population", "residence": "residence-1", "social-insurance": "social-insurance-1",
                         "social-affairs": "social-affairs-1"])

        // Early in the month: 5 files returned for completion and never completed (7 working days
        // from 3 November: due 12 November).
        let expired = try batch(box, "receive-birth", births(5, receivedAt: "2026-11-02T09:00:00+07:00", born: "2026-10-30"))
        for id in expired { try box.ok("return", id, "--missing", "the marriage certificate") }

        box.environment["CIVLINK_NOW"] = "2026-11-30T10:00:00+07:00"
        // Phase 1, everything answered: 480 births (25 registered late, more than 60 days after
        // the birth), a death with the funeral allowance (late: 19 days), one with funeral support.
        let p1 = try batch(box, "receive-birth", births(455)) + batch(box, "receive-birth", births(25, born: "2026-08-01"), ["--channel", "online"])
        let d1 = try batch(box, "receive-death", deaths(1, support: false, died: "2026-11-01"))
        let d2 = try batch(box, "receive-death", deaths(1, support: true))
        try register(box, p1 + d1 + d2)
        try sign(box)
        for _ in 0..<3 {
            try box.ok("transfer")
            try simulate(box, ["population", "residence-1", "social-insurance-1", "social-affairs-1"])
        }
        try box.ok("transfer")

        // Phase 2: 30 deaths with funeral support; residence deletes, social affairs does not answer.
        try spools(box, ["social-affairs": "social-affairs-2"])
        let d3 = try batch(box, "receive-death", deaths(30, support: true))
        try register(box, d3)
        try sign(box)
        try box.ok("transfer")
        try simulate(box, ["residence-1"])
        try box.ok("transfer")

        // Phase 3: 170 births whose card is issued, residence registration pending.
        try spools(box, ["residence": "residence-2"])
        let p2 = try batch(box, "receive-birth", births(170))
        try register(box, p2)
        try sign(box)
        try box.ok("transfer")
        try simulate(box, ["population"])
        try box.ok("transfer")
        try simulate(box, ["social-insurance-1"])
        try box.ok("transfer")

        // Phase 4: 72 births and 34 deaths (11 allowances, 23 supports) sent, nothing answered but
        // the ID numbers.
        try spools(box, ["social-insurance": "social-insurance-2"])
        let p3 = try batch(box, "receive-birth", births(72))
        let d4 = try batch(box, "receive-death", deaths(11, support: false)) + batch(box, "receive-death", deaths(23, support: true))
        try register(box, p3 + d4)
        try sign(box)
        try box.ok("transfer")
        try simulate(box, ["population"])
        try box.ok("transfer")

        // Not registered: 200 births (3 of them late) and 14 deaths received, awaiting the officer
        // (50 births online); 20 returned, still in time; 10 refused; 10 registered in error and
        // cancelled before anything was sent.
        _ = try batch(box, "receive-birth", births(147)) + batch(box, "receive-birth", births(3, born: "2026-08-01"))
        _ = try batch(box, "receive-birth", births(50), ["--channel", "online"])
        _ = try batch(box, "receive-death", deaths(14, support: true))
        for id in try batch(box, "receive-birth", births(20, receivedAt: "2026-11-27T09:00:00+07:00")) {
            try box.ok("return", id, "--missing", "the medical birth certificate")
        }
        for id in try batch(box, "receive-birth", births(10)) { try box.ok("refuse", id, "--reason", "not this commune's") }
        let mistaken = try batch(box, "receive-birth", births(10))
        try register(box, mistaken)
        let cancelled = try box.run(["cancel", "-", "--reason", "registered in error"], stdin: Data((mistaken.joined(separator: "\n") + "\n").utf8))
        XCTAssertEqual(cancelled.status, 0, cancelled.stderr)
        XCTAssertEqual(serial, 1047)

        // The Government Office's table.
        let period = ["--from", "2026-11-01", "--to", "2026-11-30", "--format", "json"]
        let bySystem = try box.ok(["report", "--by", "system"] + period).json()
        var system: [String: [String: Int]] = [:]
        for row in bySystem["rows"] as! [[String: Any]] {
            system[row["system"] as! String] = ["received": row["received"] as! Int, "processed": row["processed"] as! Int]
        }
        let totals = bySystem["totals"] as! [String: Any]
        XCTAssertEqual(totals["received"] as? Int, 1047, "records received through the interconnected software")
        XCTAssertEqual(system["civil-status"], ["received": 1047, "processed": 788])
        XCTAssertEqual(system["residence"], ["received": 788, "processed": 512])
        XCTAssertEqual(system["social-insurance"], ["received": 734, "processed": 651])
        XCTAssertEqual(system["social-affairs"], ["received": 54, "processed": 1])
        XCTAssertEqual(system["population"], ["received": 722, "processed": 722])

        let byProcedure = try box.ok(["report", "--by", "system,procedure"] + period).json()
        var processed: [String: Int] = [:]
        var received: [String: Int] = [:]
        for row in byProcedure["rows"] as! [[String: Any]] where (row["planned"] as! Int) > 0 {
            processed["\(row["system"]!)/\(row["procedure"]!)"] = row["processed"] as? Int
            received["\(row["system"]!)/\(row["procedure"]!)"] = row["received"] as? Int
        }
        XCTAssertEqual(processed, [
            "civil-status/birth-registration": 722, "civil-status/death-registration": 66,
            "population/personal-id": 722,
            "residence/residence-registration": 480, "residence/residence-deletion": 32,
            "social-insurance/health-insurance-card": 650, "social-insurance/funeral-allowance": 1,
            "social-affairs/funeral-support": 1,
        ])
        XCTAssertEqual(received["social-insurance/health-insurance-card"], 722)
        XCTAssertEqual(received["social-insurance/funeral-allowance"], 12)
        XCTAssertEqual(received["social-affairs/funeral-support"], 54)
        // Each system's processed records are the sum of its procedures', as in the table.
        for (name, figures) in system {
            XCTAssertEqual(processed.filter { $0.key.hasPrefix(name + "/") }.values.reduce(0, +), figures["processed"], name)
        }

        // Civil status per record: 1,047 = 788 processed + 214 pending + 20 returned + 15 refused
        // (5 by the clock, written by the first command run after their limit) + 10 cancelled.
        XCTAssertEqual(totals["processed"] as? Int, 480 + 1 + 1, "whole records with every result: phase 1")
        let civil = (bySystem["rows"] as! [[String: Any]]).first { $0["system"] as? String == "civil-status" }!
        XCTAssertEqual(["pending", "returned", "refused", "cancelled", "late"].map { civil[$0] as! Int }, [214, 20, 15, 10, 26])
        XCTAssertEqual(["pending", "returned", "refused", "cancelled", "late"].map { totals[$0] as! Int }, [214 + 722 + 66 - 482, 20, 15, 10, 26])
        // By group: births and deaths, records and systems.
        let byGroup = try box.ok(["report", "--by", "group"] + period).json()
        XCTAssertEqual((byGroup["rows"] as! [[String: Any]]).map { "\($0["group"]!)=\($0["received"]!)/\($0["processed"]!)" },
                       ["birth=967/480", "death=80/2"])
        let groupSystem = try box.ok(["report", "--by", "group,system"] + period).json()
        let civilDeaths = (groupSystem["rows"] as! [[String: Any]]).first { $0["group"] as? String == "death" && $0["system"] as? String == "civil-status" }!
        XCTAssertEqual([civilDeaths["received"] as! Int, civilDeaths["processed"] as! Int, civilDeaths["late"] as! Int], [80, 66, 1])

        // An agency's overdue counts only what it received, on 30 November: the population database
        // answered everything; residence holds 170 + 72 + 34 unanswered (due 24 November), social
        // insurance 72 cards and 11 allowances, social affairs 30 + 23 supports (due 27 November);
        // civil status the 214 files it has not decided (due the day they arrived).
        let overdue = (bySystem["rows"] as! [[String: Any]]).reduce(into: [String: Int]()) { $0[$1["system"] as! String] = $1["overdue"] as? Int }
        XCTAssertEqual(overdue, ["civil-status": 214, "population": 0, "residence": 276, "social-insurance": 83, "social-affairs": 53])
        // The clock's refusals were written once each, by the first write after the limit.
        let refusals = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "SELECT count(*), count(DISTINCT dossier_id) FROM events WHERE kind = 'refused' AND actor = 'civlink';"])
        XCTAssertEqual(refusals.trimmingCharacters(in: .whitespacesAndNewlines), "5|5")
        XCTAssertEqual(try box.ok("status", "--list", "--dossier-state", "refused", "--format", "json").jsonLines().count, 15)
    }
}
