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
    private func figures(_ row: [String: Any]) -> Figures {
        var result: Figures = [:]
        for name in ["planned", "received", "processed", "pending", "overdue", "rejected", "stuck", "on_time"] {
            result[name] = row[name] as? Int
        }
        return result
    }
    private func f(_ planned: Int?, _ received: Int?, _ processed: Int?, _ pending: Int?, _ overdue: Int?, _ rejected: Int?, _ stuck: Int?,
                   _ onTime: Int?) -> Figures {
        ["planned": planned, "received": received, "processed": processed, "pending": pending, "overdue": overdue,
         "rejected": rejected, "stuck": stuck, "on_time": onTime]
    }

    func testEveryFigureBySystem() throws {
        let (box, _, _, _, _) = try flows()
        let json = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--format", "json").json()
        XCTAssertEqual(json["format"] as? String, "civlink.report/1")
        XCTAssertEqual(json["period"] as? [String: String], ["from": "2026-10-01", "to": "2026-11-30"])
        let rows = json["rows"] as! [[String: Any]]
        XCTAssertEqual(rows.map { $0["system"] as! String }, ["civil-status", "population", "residence", "social-insurance", "social-affairs"])
        XCTAssertEqual(figures(rows[0]), f(8, 8, 7, 1, 1, 0, 0, 7))   // C's copy is not signed: pending and overdue
        XCTAssertEqual(figures(rows[1]), f(3, 2, 2, 0, 1, 0, 0, 2))   // C's ID number overdue since 17 Nov
        XCTAssertEqual(figures(rows[2]), f(4, 3, 2, 0, 2, 1, 0, 1))   // A late (8 Oct > 7 Oct); B rejected; C waiting
        XCTAssertEqual(figures(rows[3]), f(4, 2, 1, 1, 3, 0, 1, 1))   // B stuck unsent; D accepted, due 2 Nov
        XCTAssertEqual(figures(rows[4]), f(0, 0, 0, 0, 0, 0, 0, 0))
        XCTAssertEqual(figures(json["totals"] as! [String: Any]), f(19, 15, 12, 2, 7, 1, 1, 11))
        XCTAssertEqual(rows[2]["on_time_share"] as? Double, 0.5)
        XCTAssertTrue(rows[4]["on_time_share"] is NSNull)

        let timings = (json["timings"] as! [[String: Any]]).map { t -> [String] in
            ["\(t["metric"]!)", "\(t["agency"]!)", "\(t["count"]!)", "\(t["median_seconds"]!)", "\(t["p90_seconds"]!)"]
        }
        XCTAssertEqual(timings, [
            ["personal-id-return", "<null>", "2", "18000", "87000"],     // 5h (A), 24h10m (B)
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
        // Two days later the same ledger shows B's two open steps overdue: nothing was stored in between.
        let later = try box.run(["report", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json"],
                                environment: ["CIVLINK_NOW": "2026-10-23T08:00:00+07:00"]).json()
        XCTAssertEqual(figures(later["totals"] as! [String: Any])["overdue"], 2)
    }

    func testGroupingByProcedureCommuneAndMonth() throws {
        let (box, _, _, _, _) = try flows()
        let json = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--by", "commune,month", "--format", "json").json()
        let rows = (json["rows"] as! [[String: Any]]).map { ["\($0["commune"]!)", "\($0["month"]!)", "\($0["planned"]!)", "\($0["overdue"]!)"] }
        XCTAssertEqual(rows, [["17986", "2026-10", "14", "3"], ["17987", "2026-11", "5", "4"]])

        let byProcedure = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--by", "system,procedure", "--format", "json").json()
        let procedures = (byProcedure["rows"] as! [[String: Any]]).map { "\($0["system"]!)/\($0["procedure"]!)=\($0["received"]!)/\($0["processed"]!)" }
        XCTAssertEqual(procedures, [
            "civil-status/birth-registration=3/3", "civil-status/certificate-copy=4/3", "civil-status/death-registration=1/1",
            "population/personal-id=2/2", "residence/residence-deletion=1/1", "residence/residence-registration=2/1",
            "social-insurance/funeral-allowance=1/0", "social-insurance/health-insurance-card=1/1",
        ])

        // Scope: one commune, one month.
        let scoped = try box.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--commune", "17987", "--format", "json").json()
        XCTAssertEqual(figures(scoped["totals"] as! [String: Any]), f(5, 2, 1, 1, 4, 0, 0, 1))
        let otherProvince = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--province", "01", "--format", "json").json()
        XCTAssertEqual(figures(otherProvince["totals"] as! [String: Any]), f(0, 0, 0, 0, 0, 0, 0, 0))
        // The default period is this month (November 2026): only C.
        let month = try box.ok("report", "--format", "json").json()
        XCTAssertEqual(month["period"] as? [String: String], ["from": "2026-11-01", "to": "2026-11-30"])
        XCTAssertEqual(figures(month["totals"] as! [String: Any])["planned"], 5)
    }

    func testSmallCountsSuppressed() throws {
        let (box, _, _, _, _) = try flows()
        let json = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--suppress-below", "3", "--format", "json").json()
        let rows = json["rows"] as! [[String: Any]]
        XCTAssertEqual(figures(rows[2]), f(4, 3, nil, 0, nil, nil, 0, nil))
        XCTAssertTrue(rows[2]["on_time_share"] is NSNull)
        let timings = json["timings"] as! [[String: Any]]
        XCTAssertTrue(timings[0]["median_seconds"] is NSNull, "a timing over 2 dossiers must be suppressed below 3")
        XCTAssertEqual(timings[2]["median_seconds"] as? Int, 10800)
        let table = try box.ok("report", "--from", "2026-10-01", "--to", "2026-11-30", "--suppress-below", "3").stdout
        XCTAssertTrue(table.contains("<3"), table)
        let residence = table.split(separator: "\n").first { $0.hasPrefix("residence ") }.map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(residence, ["residence", "4", "3", "<3", "0", "<3", "<3", "0", "<3", "<3"])   // the share of suppressed parts too
        let total = table.split(separator: "\n").first { $0.hasPrefix("total ") }.map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(total, ["total", "19", "15", "12", "<3", "7", "<3", "<3", "11", "91.7%"])
    }

    func testOverdueListByCommuneAndAgency() throws {
        let (box, _, b, c, d) = try flows()
        let lines = try box.ok("report", "--overdue", "--format", "json").jsonLines()
        let listed = lines.map { "\($0["commune"]!) \($0["agency"]!) \($0["procedure"]!) \($0["dossier"]!) \($0["state"]!) \($0["deadline"]!) \($0["working_days_late"]!)" }
        XCTAssertEqual(listed, [
            "17986 residence residence-registration \(b) rejected 2026-10-22 21",
            "17986 social-insurance health-insurance-card \(b) stuck 2026-10-22 21",
            "17986 social-insurance funeral-allowance \(d) accepted 2026-11-02 14",
            "17987 civil-status certificate-copy \(c) ready 2026-11-16 4",
            "17987 population personal-id \(c) ready 2026-11-17 3",
            "17987 residence residence-registration \(c) waiting 2026-11-18 2",
            "17987 social-insurance health-insurance-card \(c) waiting 2026-11-18 2",
        ])
        XCTAssertEqual(Set(lines.flatMap { $0.keys }), ["commune", "agency", "procedure", "dossier", "state", "deadline", "working_days_late"])
        let csv = try box.ok("report", "--overdue", "--format", "csv", "--province", "40").stdout
        XCTAssertEqual(csv.components(separatedBy: "\r\n").first, "commune,agency,procedure,dossier,state,deadline,working_days_late")
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
        XCTAssertEqual(rows[0], ["system", "procedure", "month", "planned", "received", "processed", "pending", "overdue", "rejected",
                                 "stuck", "on_time", "on_time_share"])
        XCTAssertTrue(rows.contains(["residence", "residence-registration", "2026-10", "2", "2", "1", "0", "1", "1", "0", "0", "0.0000"]), "\(rows)")
        XCTAssertTrue(rows.contains(["population", "personal-id", "2026-11", "1", "0", "0", "0", "1", "0", "0", "0", ""]), "\(rows)")
        XCTAssertEqual(rows.last, ["total", "", "", "19", "15", "12", "2", "7", "1", "1", "11", "0.9167"])
        XCTAssertEqual(Set(rows.map(\.count)), [12])
        let plain = try box.ok("report", "--format", "csv").stdoutData
        XCTAssertFalse(plain.starts(with: [0xEF, 0xBB, 0xBF]), "BOM without --bom")
    }

    func testChartIsWellFormedSVG() throws {
        let (box, _, _, _, _) = try flows()
        let path = box.path("chart.svg")
        try box.ok("report", "--from", "2026-09-01", "--to", "2026-11-30", "--chart", path)
        let summary = try python("""
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            ns = '{http://www.w3.org/2000/svg}'
            assert root.tag == ns + 'svg', root.tag
            panels = [g.get('id') for g in root.iter(ns + 'g')]
            bars = [r.find(ns + 'title').text for r in root.iter(ns + 'rect') if r.find(ns + 'title') is not None]
            print(','.join(panels))
            print(len(bars))
            print([b for b in bars if b.startswith('residence 2026-10')])
            """, [path])
        let lines = summary.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "panel-civil-status,panel-population,panel-residence,panel-social-insurance,panel-social-affairs")
        XCTAssertEqual(lines[1], "30")   // 5 systems x 3 months x 2 bars
        XCTAssertEqual(lines[2], "['residence 2026-10 received 3', 'residence 2026-10 processed 2']")
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
        try box.ok("init", "--training")
        // A ledger made before migration 4: no report index, user_version 3.
        _ = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "DROP INDEX dossiers_report; PRAGMA user_version = 3;"])
        let readOnly = try box.run("report")
        XCTAssertEqual(readOnly.status, 78, "report opens the ledger read-only and must not migrate it")
        XCTAssertTrue(readOnly.stderr.contains("needs a schema migration"), readOnly.stderr)
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth()))
        let indexes = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "SELECT name FROM sqlite_master WHERE name = 'dossiers_report'; PRAGMA user_version;"])
        XCTAssertEqual(indexes, "dossiers_report\n10\n", "migrated to the latest version")
        XCTAssertEqual(try box.ok("report", "--format", "json").json()["totals"].flatMap { ($0 as? [String: Any])?["planned"] as? Int }, 5)
    }
}
