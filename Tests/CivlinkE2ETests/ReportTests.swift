import Foundation
import CivlinkCore
import CivlinkTestSupport
import XCTest

/// `civlink report` over the ledger of `ReportFlows`: every figure is worked out by hand below.
final class ReportTests: XCTestCase {
    /// Four dossiers, now = Friday 2026-11-20 09:30 (+07:00):
    /// - A, birth, Mon 2026-10-05 09:00, commune 17986: everything returned; residence one day late.
    /// - B, birth, Tue 2026-10-20 09:00, commune 17986: ID in 24h10m; residence rejected; card stuck, never sent.
    /// - C, birth, Mon 2026-11-16 09:00, commune 17987: nothing done since registration.
    /// - D, death, Mon 2026-10-26 09:00, commune 17986: residence deleted; funeral allowance accepted, no result.
    private func flows() throws -> (Sandbox, a: String, b: String, c: String, d: String) {
        let box = try Sandbox()
        let flows = try ReportFlows(ledger: LedgerFixture(path: box.ledgerPath))
        return (box, flows.a, flows.b, flows.c, flows.d)
    }

    private typealias Figures = [String: Int?]
    private static let names = ["planned", "received", "processed", "pending", "returned", "refused", "cancelled", "overdue", "rejected",
                                "stuck", "late", "on_time"]
    private func figures(_ row: [String: Any]) -> Figures {
        var result: Figures = [:]
        for name in ReportTests.names { result[name] = row[name] as? Int }
        return result
    }
    /// The figures in civlink-report(1)'s order; returned, refused, cancelled and late are 0 in these flows.
    private func f(_ planned: Int?, _ received: Int?, _ processed: Int?, _ pending: Int?, _ overdue: Int?, _ rejected: Int?, _ stuck: Int?,
                   _ onTime: Int?) -> Figures {
        ["planned": planned, "received": received, "processed": processed, "pending": pending, "returned": 0, "refused": 0, "cancelled": 0,
         "overdue": overdue, "rejected": rejected, "stuck": stuck, "late": 0, "on_time": onTime]
    }

    func testEveryFigureBySystem() throws {
        let (box, _, _, _, _) = try flows()
        let json = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--format", "json").json()
        XCTAssertEqual(json["format"] as? String, "civlink.report/1")
        XCTAssertEqual(json["period"] as? [String: String], ["from": "2026-10-01", "to": "2026-11-30"])
        let rows = json["rows"] as! [[String: Any]]
        XCTAssertEqual(rows.map { $0["system"] as! String }, ["civil-status", "population", "residence", "social-insurance", "social-affairs"])
        XCTAssertEqual(json["units"] as? [String: String], ["rows": "procedures", "totals": "records"])
        // Civil status counts one record per dossier (its registration; the signed copy is a step of
        // it). Overdue records are charged to whoever holds the late procedure: civil status holds
        // C's unsigned copy, C's ID number it never sent, C's residence and card waiting on those,
        // B's rejected residence and B's card that never left (stuck): 2 records. The agencies only
        // what they received.
        XCTAssertEqual(figures(rows[0]), f(4, 4, 4, 0, 2, 0, 0, 4))
        XCTAssertEqual(figures(rows[1]), f(3, 2, 2, 0, 0, 0, 0, 2))   // C's ID number was never sent: not population's
        XCTAssertEqual(figures(rows[2]), f(4, 3, 2, 0, 0, 1, 0, 1))   // A late (8 Oct > 7 Oct); B rejected, back with the officer
        XCTAssertEqual(figures(rows[3]), f(4, 2, 1, 1, 1, 0, 1, 1))   // B stuck unsent; D accepted, due 2 Nov: social insurance's
        XCTAssertEqual(figures(rows[4]), f(0, 0, 0, 0, 0, 0, 0, 0))
        // The total counts records: 4 dossiers, of which only A has every result; B, C, D overdue.
        XCTAssertEqual(figures(json["totals"] as! [String: Any]), f(4, 4, 1, 3, 3, 1, 1, 0))
        XCTAssertEqual(rows[2]["on_time_share"] as? Double, 0.5)
        XCTAssertTrue(rows[4]["on_time_share"] is NSNull)

        let timings = (json["timings"] as! [[String: Any]]).map { t -> [String] in
            ["\(t["metric"]!)", "\(t["agency"]!)", "\(t["count"]!)", "\(t["median_seconds"]!)", "\(t["p90_seconds"]!)"]
        }
        XCTAssertEqual(timings, [
            ["personal-id-return", "<null>", "2", "18000", "87000"],     // 5h (A), 24h10m (B)
            ["registration-to-signed-copy", "<null>", "3", "3600", "3600"],   // A, B, D signed an hour after registration
            ["answer", "population", "2", "14400", "86400"],
            ["answer", "residence", "3", "10800", "86400"],              // 2h, 3h, 24h
            ["answer", "social-insurance", "2", "7200", "86400"],
            ["answer", "social-affairs", "0", "<null>", "<null>"],
            ["declaration-to-last-result", "<null>", "1", "259200", "259200"],  // A: 5 Oct 09:00 -> 8 Oct 09:00
        ])
    }

    func testOverdueIsComputedAtReportTime() throws {
        let (box, _, _, _, _) = try flows()
        // On 21 October A is finished (its late residence step is closed, so not overdue).
        let early = try box.run(["report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json"],
                                environment: ["CIVLINK_NOW": "2026-10-21T08:00:00+07:00"]).json()
        // B's card (stuck) and residence (rejected) were due 22 Oct: not yet overdue on 21 Oct; D's allowance due 2 Nov.
        XCTAssertEqual(figures(early["totals"] as! [String: Any])["overdue"], 0)
        // Two days later the same ledger shows B's two open steps overdue, charged to civil status
        // (a rejection and a delivery that gave up are the commune's to act on): one record.
        // Nothing was stored in between.
        let later = try box.run(["report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json"],
                                environment: ["CIVLINK_NOW": "2026-10-23T08:00:00+07:00"]).json()
        XCTAssertEqual(figures(later["totals"] as! [String: Any])["overdue"], 1)
        XCTAssertEqual((later["rows"] as! [[String: Any]]).map { $0["overdue"] as! Int }, [1, 0, 0, 0, 0])
    }

    func testGroupingByProcedureCommuneAndMonth() throws {
        let (box, _, _, _, _) = try flows()
        let json = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--by", "commune,month", "--format", "json").json()
        // Without system or procedure, rows count whole records: 3 dossiers in October (B and D
        // overdue), 1 in November (C).
        XCTAssertEqual(json["units"] as? [String: String], ["rows": "records", "totals": "records"])
        let rows = (json["rows"] as! [[String: Any]]).map { ["\($0["commune"]!)", "\($0["month"]!)", "\($0["planned"]!)", "\($0["overdue"]!)"] }
        XCTAssertEqual(rows, [["17986", "2026-10", "3", "2"], ["17987", "2026-11", "1", "1"]])

        let byProcedure = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--by", "system,procedure", "--format", "json").json()
        let procedures = (byProcedure["rows"] as! [[String: Any]]).map {
            "\($0["system"]!)/\($0["procedure"]!)=\($0["received"]!)/\($0["processed"]!)/\($0["overdue"]!)"
        }
        // C's unsigned copy counts against its registration; the agencies' procedures civil status
        // holds are charged to civil status under their own code, with their overdue count only.
        XCTAssertEqual(procedures, [
            "civil-status/birth-registration=3/3/1", "civil-status/death-registration=1/1/0",
            "civil-status/health-insurance-card=0/0/2", "civil-status/personal-id=0/0/1", "civil-status/residence-registration=0/0/2",
            "population/personal-id=2/2/0", "residence/residence-deletion=1/1/0", "residence/residence-registration=2/1/0",
            "social-insurance/funeral-allowance=1/0/1", "social-insurance/health-insurance-card=1/1/0",
        ])

        // Scope: one commune, one month: C alone, received and registered, waiting on its copy.
        let scoped = try box.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--commune", "17987", "--format", "json").json()
        XCTAssertEqual(figures(scoped["totals"] as! [String: Any]), f(1, 1, 0, 1, 1, 0, 0, 0))
        let otherProvince = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--province", "01", "--format", "json").json()
        XCTAssertEqual(figures(otherProvince["totals"] as! [String: Any]), f(0, 0, 0, 0, 0, 0, 0, 0))
        // The default period is this month (November 2026): only C.
        let month = try box.ok("report", "--format", "json").json()
        XCTAssertEqual(month["period"] as? [String: String], ["from": "2026-11-01", "to": "2026-11-30"])
        XCTAssertEqual(figures(month["totals"] as! [String: Any])["planned"], 1)
    }

    func testSmallCountsSuppressed() throws {
        let (box, _, _, _, _) = try flows()
        let json = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--suppress-below", "3", "--format", "json").json()
        XCTAssertEqual(json["suppress_below"] as? Int, 3)
        // The true figures (testEveryFigureBySystem): every published figure is true, every count of
        // 1 or 2 is hidden, and more is hidden with them (the totals would give them away).
        let truth = [f(4, 4, 4, 0, 2, 0, 0, 4), f(3, 2, 2, 0, 0, 0, 0, 2), f(4, 3, 2, 0, 0, 1, 0, 1), f(4, 2, 1, 1, 1, 0, 1, 1),
                     f(0, 0, 0, 0, 0, 0, 0, 0), f(4, 4, 1, 3, 3, 1, 1, 0)]
        let published = (json["rows"] as! [[String: Any]]).map(figures) + [figures(json["totals"] as! [String: Any])]
        var hidden = 0
        for (row, (shown, real)) in zip(published, truth).enumerated() {
            for (name, value) in real {
                let count = value!
                if (1...2).contains(count) { XCTAssertNil(shown[name]!, "row \(row) \(name) = \(count) is published") }
                if let v = shown[name]! { XCTAssertEqual(v, count, "row \(row) \(name)") } else { hidden += 1 }
            }
        }
        let small = truth.flatMap { $0.values.compactMap { $0 } }.filter { (1...2).contains($0) }.count
        XCTAssertGreaterThanOrEqual(hidden, small)
        // Whatever else had to be hidden with them: nothing hidden follows from what is published.
        let reader = ReportPrivacyTests.Reader()
        reader.read(json)
        XCTAssertEqual(try Attacker.run([reader.attack])[0], [], "a hidden count can be worked out")
        let rows = json["rows"] as! [[String: Any]]
        XCTAssertEqual(figures(rows[2]), f(4, 3, nil, 0, 0, nil, 0, nil))
        XCTAssertTrue(rows[2]["on_time_share"] is NSNull, "a share whose parts are hidden is hidden")
        let timings = json["timings"] as! [[String: Any]]
        XCTAssertTrue(timings[0]["median_seconds"] is NSNull, "a timing over 2 dossiers must be suppressed below 3")
        XCTAssertTrue(timings[0]["count"] is NSNull)
        XCTAssertEqual(timings[3]["median_seconds"] as? Int, 10800)   // residence answers, over 3
        // The table marks every hidden figure the same way, whatever its value, and says what x means.
        let table = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--suppress-below", "3").stdout
        let residence = table.split(separator: "\n").first { $0.hasPrefix("residence ") }.map { $0.split(separator: " ").map(String.init) }
        // planned, received, processed, pending, returned, refused, cancelled, overdue, rejected, stuck, late, on time, share:
        // the share of suppressed parts is suppressed too.
        XCTAssertEqual(residence, ["residence", "4", "3", "x", "0", "0", "0", "0", "0", "x", "0", "0", "x", "x"])
        XCTAssertFalse(table.contains("<3"), "hidden counts are not told apart by size")
        XCTAssertTrue(table.contains("x: hidden, a count from 1 to 2 or a figure it could be worked out from"), table)
    }

    func testOverdueListByCommuneAndAgency() throws {
        let (box, _, b, c, d) = try flows()
        let lines = try box.ok("report", "--overdue", "--format", "json").jsonLines()
        let listed = lines.map {
            "\($0["commune"]!) \($0["agency"]!) \($0["procedure"]!) \($0["dossier"]!) \($0["state"]!) \($0["deadline"]!) \($0["working_days_late"]!) \($0["held_by"]!)"
        }
        XCTAssertEqual(listed, [
            "17986 residence residence-registration \(b) rejected 2026-10-22 21 civil-status",
            "17986 social-insurance health-insurance-card \(b) stuck 2026-10-22 21 civil-status",
            "17986 social-insurance funeral-allowance \(d) accepted 2026-11-02 14 social-insurance",
            "17987 civil-status certificate-copy \(c) ready 2026-11-16 4 civil-status",
            "17987 population personal-id \(c) ready 2026-11-17 3 civil-status",
            "17987 residence residence-registration \(c) waiting 2026-11-18 2 civil-status",
            "17987 social-insurance health-insurance-card \(c) waiting 2026-11-18 2 civil-status",
        ])
        XCTAssertEqual(Set(lines.flatMap { $0.keys }), ["format", "commune", "agency", "procedure", "dossier", "state", "deadline", "working_days_late", "held_by"])
        XCTAssertEqual(Set(lines.map { $0["format"] as! String }), ["civlink.overdue/1"])
        let csv = try box.ok("report", "--overdue", "--format", "csv", "--province", "40").stdout
        XCTAssertEqual(csv.components(separatedBy: "\r\n").first, "commune,agency,procedure,dossier,state,deadline,working_days_late,held_by")
        XCTAssertEqual(csv.components(separatedBy: "\r\n").count, 9, csv)   // header, 7 procedures, empty after the last CRLF
        // --from/--to narrow the list to dossiers received in the period.
        XCTAssertEqual(try box.ok("report", "--overdue", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json").jsonLines().count, 4)
        let table = try box.ok("report", "--overdue", "--commune", "17987").stdout
        XCTAssertEqual(table.split(separator: "\n").count, 5, table)
        XCTAssertFalse(table.contains("Nguyễn"), "personal data in the overdue list")
    }

    func testWorkingDaysAcrossTetAndWeekends() throws {
        let box = try Sandbox(now: "2026-02-26T09:00:00+07:00")
        try box.ok("init", "--training")
        // Friday 13 Feb 2026 before 15:00: counts from that day; Tet is 16-20 Feb, then a weekend.
        let before = try box.register("birth", Declarations.birth(childName: "Trần Văn Tết", certificate: "GCS-T1", born: "2026-02-10"),
                                      at: "2026-02-13T14:00:00+07:00")
        // The same Friday after 15:00: counts from the next working day, Monday 23 Feb.
        let after = try box.register("birth", Declarations.birth(childName: "Trần Thị Xuân", certificate: "GCS-T2", born: "2026-02-10"),
                                     at: "2026-02-13T15:30:00+07:00")
        let deadlines = { (id: String) -> [String] in
            (try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]).map { "\($0["code"]!)=\($0["deadline"]!)" }
        }
        XCTAssertEqual(try deadlines(before), ["birth-registration=2026-02-13", "certificate-copy=2026-02-13", "personal-id=2026-02-23",
                                               "residence-registration=2026-02-24", "health-insurance-card=2026-02-24"])
        XCTAssertEqual(try deadlines(after), ["birth-registration=2026-02-23", "certificate-copy=2026-02-23", "personal-id=2026-02-24",
                                              "residence-registration=2026-02-25", "health-insurance-card=2026-02-25"])
        let late = try box.ok("report", "--overdue", "--format", "json").jsonLines()
            .map { "\($0["dossier"]!) \($0["procedure"]!) \($0["working_days_late"]!)" }
        XCTAssertEqual(late, [
            "\(before) certificate-copy 4",       // due 13 Feb; on 26 Feb: 23, 24, 25, 26 (Tet and weekends skipped)
            "\(after) certificate-copy 3",
            "\(before) personal-id 3",
            "\(after) personal-id 2",
            "\(before) residence-registration 2",
            "\(after) residence-registration 1",
            "\(before) health-insurance-card 2",
            "\(after) health-insurance-card 1",
        ])
        // An ID number returned on the deadline day Tet pushed to (Monday 23 Feb) is on time.
        let ledger = try LedgerFixture(path: box.ledgerPath, existing: true)
        try ledger.useSpools()
        try ledger.transfer(at: "2026-02-13T14:30:00+07:00")
        try ledger.answer(before, "personal-id", .completed, at: "2026-02-23T16:00:00+07:00", result: ["personal_id": "040326000003"])
        let json = try box.ok("report", "--from", "2026-02-01", "--to", "2026-02-28", "--by", "procedure", "--format", "json").json()
        let personal = (json["rows"] as! [[String: Any]]).first { $0["procedure"] as? String == "personal-id" }!
        XCTAssertEqual(personal["on_time"] as? Int, 1)
    }

    func testCSVReadBackByPythonAndBOM() throws {
        let (box, _, _, _, _) = try flows()
        let csv = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--by", "system,procedure,month", "--format", "csv", "--bom")
        XCTAssertTrue(csv.stdoutData.starts(with: [0xEF, 0xBB, 0xBF]), "no BOM")
        XCTAssertTrue(csv.stdout.contains("\r\n"), "RFC 4180 lines end in CRLF")
        let path = try box.write("report.csv", csv.stdout)
        let parsed = try python("""
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
                rows = list(csv.reader(f))
            print(json.dumps(rows))
            """, [path])
        let rows = try JSONSerialization.jsonObject(with: Data(parsed.utf8)) as! [[String]]
        XCTAssertEqual(rows[0], ["system", "procedure", "month", "planned", "received", "processed", "pending", "returned", "refused",
                                 "cancelled", "overdue", "rejected", "stuck", "late", "on_time", "on_time_share"])
        XCTAssertTrue(rows.contains(["residence", "residence-registration", "2026-10", "2", "2", "1", "0", "0", "0", "0", "0", "1", "0", "0", "0",
                                     "0.0000"]), "\(rows)")
        XCTAssertTrue(rows.contains(["population", "personal-id", "2026-11", "1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", ""]), "\(rows)")
        XCTAssertTrue(rows.contains(["civil-status", "personal-id", "2026-11", "0", "0", "0", "0", "0", "0", "0", "1", "0", "0", "0", "0", ""]), "\(rows)")
        XCTAssertEqual(rows.last, ["total", "", "", "4", "4", "1", "3", "0", "0", "0", "3", "1", "1", "0", "0", "0.0000"])
        XCTAssertEqual(Set(rows.map(\.count)), [16])
        let plain = try box.ok("report", "--format", "csv").stdoutData
        XCTAssertFalse(plain.starts(with: [0xEF, 0xBB, 0xBF]), "BOM without --bom")
    }

    func testUsageErrors() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        for (arguments, fragment) in [
            (["--by", "system,galaxy"], "--by"), (["--from", "2026-13-01"], "--from"), (["--to", "yesterday"], "--to"),
            (["--from", "2026-11-02", "--to", "2026-11-01"], "--from"), (["--format", "xml"], "--format"),
            (["--bom"], "--bom"), (["--suppress-below", "-1"], "--suppress-below"), (["--province", "1"], "--province"),
            (["--commune", "abcde"], "--commune"), (["--overdue", "--by", "system"], "--by"), (["--chart", "x.png"], "--chart"),
        ] {
            let result = try box.run(["report"] + arguments)
            XCTAssertEqual(result.status, 64, "\(arguments)")
            XCTAssertTrue(result.stderr.hasPrefix("civlink: ") && result.stderr.contains(fragment), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
        }
        XCTAssertTrue(try box.ok("report", "--help").stdout.contains("--suppress-below"))
    }

    func testLedgerFromBeforeTheReportMigrationGainsItsIndex() throws {
        let box = try Sandbox()
        // A ledger made before migration 4: no report index, user_version 3.
        try OldLedger.make(at: box.ledgerPath, version: 3)
        let readOnly = try box.run("report")
        XCTAssertEqual(readOnly.status, 78, "report opens the ledger read-only and must not migrate it")
        XCTAssertTrue(readOnly.stderr.contains("needs a schema migration"), readOnly.stderr)
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth()))
        let indexes = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "SELECT name FROM sqlite_master WHERE name = 'dossiers_report'; PRAGMA user_version;"])
        XCTAssertEqual(indexes, "dossiers_report\n\(OldLedger.latest)\n", "migrated to the latest version")
        XCTAssertEqual(try box.ok("report", "--format", "json").json()["totals"].flatMap { ($0 as? [String: Any])?["planned"] as? Int }, 1)
    }
}
