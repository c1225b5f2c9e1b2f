import Foundation
import CivlinkTestSupport
import XCTest

/// `civlink config` through the real binary: no sqlite3 needed to change a time limit, the base
/// salary, the holidays or an agency's name, and reference tables loaded from files.
final class ConfigTests: XCTestCase {
    let data = Sandbox.repositoryRoot.appendingPathComponent("data")

    func testSettingsAreSetListedAndRefusedWithTheFieldAndTheRule() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        XCTAssertEqual(try box.ok("config", "get", "deadline.residence-registration").stdout, "2\n")
        XCTAssertEqual(try box.ok("config", "set", "deadline.residence-registration", "4").stdout, "deadline.residence-registration = 4\n")
        let json = try box.ok("config", "get", "deadline.residence-registration", "--format", "json").json()
        XCTAssertEqual(json["format"] as? String, "civlink.setting/1")
        XCTAssertEqual(json["value"] as? String, "4")
        XCTAssertEqual(json["source"] as? String, "ledger")
        let dossier = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()
        let residence = (dossier["procedures"] as! [[String: Any]]).first { $0["code"] as? String == "residence-registration" }!
        XCTAssertEqual(residence["deadline_days"] as? Int, 4)

        try box.ok("config", "set", "deadline.survivor-benefit", "12")
        try box.ok("config", "set", "base-salary.2026-07-01", "2530000")
        try box.ok("config", "set", "holiday.2026-12-24", "Christmas Eve (province)")
        try box.ok("config", "set", "workday.2026-12-26", "worked for 24 December")
        try box.ok("config", "set", "agency.social-affairs.name", "Sở Y tế (bảo trợ xã hội)")
        let listed = try box.ok("config", "list", "--format", "json").jsonLines()
        func value(_ key: String) -> String? { listed.first { $0["key"] as? String == key }?["value"] as? String }
        XCTAssertEqual(value("deadline.survivor-benefit"), "12")
        XCTAssertEqual(value("deadline.personal-id"), "1")
        XCTAssertEqual(value("base-salary.2026-07-01"), "2530000")
        XCTAssertEqual(value("base-salary.2024-07-01"), "2340000")
        XCTAssertEqual(value("holiday.2026-12-24"), "Christmas Eve (province)")
        XCTAssertEqual(value("workday.2026-12-26"), "worked for 24 December")
        XCTAssertEqual(value("agency.social-affairs.name"), "Sở Y tế (bảo trợ xã hội)")
        XCTAssertTrue(try box.ok("config", "list").stdout.contains("agency.social-affairs.name"))
        XCTAssertTrue(try box.ok("config", "get", "base-salary").stdout.contains("2026-07-01\t2530000\n"))
        // The name is what people see for the agency.
        try box.ok("agency", "add", "social-affairs", "--spool", box.path("spool/social-affairs"))
        XCTAssertTrue(try box.ok("agency", "list").stdout.contains("Sở Y tế (bảo trợ xã hội)"))
        var support = setting(Declarations.death(pensioner: false), "entitlement", ["social_assistance": true])
        support = setting(support, "death.date", "2026-11-19")
        let supportID = try box.ok("register-death", stdin: Declarations.text(support)).json()["id"] as! String
        XCTAssertTrue(try box.ok("status", supportID).stdout.contains("Sở Y tế (bảo trợ xã hội)"))
        // The base salary row is used: 10 x 2,530,000 for a death in November 2026.
        let allowance = try box.ok("register-death", stdin: Declarations.text(Declarations.death(personalID: "040058000999"))).json()
        XCTAssertEqual((allowance["benefit"] as? [String: Any])?["amount_vnd"] as? Int, 25_300_000)

        // Bad keys and values: exit 65, the field and the rule, nothing changed.
        let before = try box.ledgerBytes()
        for (arguments, expected) in [
            (["set", "deadline.personal-id", "-1"], "civlink: deadline.personal-id: must be a whole number of working days from 0 to 60\n"),
            (["set", "deadline.personal-id", "61"], "civlink: deadline.personal-id: must be a whole number of working days from 0 to 60\n"),
            (["set", "deadline.police", "2"], "civlink: key: deadline.police: unknown procedure"),
            (["set", "base-salary.2026-07-01", "2.53M"], "civlink: base-salary.2026-07-01: must be a whole number of VND"),
            (["set", "base-salary.2026-02-30", "1"], "civlink: key: base-salary.2026-02-30: must end with a real date YYYY-MM-DD\n"),
            (["set", "workday.2026-12-28", "x"], "civlink: workday.2026-12-28: must be a Saturday or Sunday"),
            (["set", "agency.social-affairs.name", "a\u{07}b"], "civlink: agency.social-affairs.name: must not contain control"),
            (["set", "colour", "blue"], "civlink: key: unknown setting 'colour'"),
        ] {
            let result = try box.run(["config"] + arguments)
            XCTAssertEqual(result.status, 65, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix(expected), "\(arguments): \(result.stderr)")
        }
        XCTAssertEqual(try box.run("config", "set", "provinces", "x").status, 64)
        XCTAssertEqual(try box.ledgerBytes(), before)

        // Unset: the default again; a row that is not there is not found.
        XCTAssertEqual(try box.ok("config", "unset", "deadline.residence-registration").stdout, "deadline.residence-registration = 2 (default)\n")
        try box.ok("config", "unset", "holiday.2026-12-24")
        XCTAssertEqual(try box.run("config", "get", "holiday.2026-12-24").status, 66)
        XCTAssertEqual(try box.run("config", "unset", "holiday.2026-12-24").status, 66)
        try box.ok("config", "unset", "base-salary")
        XCTAssertEqual(try box.ok("config", "get", "base-salary", "--format", "json").json()["source"] as? String, "shipped")
    }

    func testReferenceTablesLoadFromFilesAndCommunesAreChecked() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        XCTAssertEqual(try box.run("config", "get", "communes").status, 66, "no commune table until one is loaded")
        let sample = data.appendingPathComponent("communes-sample.tsv").path
        XCTAssertTrue(try String(contentsOfFile: sample, encoding: .utf8).contains("SAMPLE"), "the sample must say it is one")
        XCTAssertTrue(try box.ok("config", "load", "communes", sample).stdout.hasPrefix("loaded communes from"))
        // A commune must be in the table for the day; one of another province is refused.
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth()))
        let unknown = try box.run(["register-birth"], stdin: Data(Declarations.text(setting(Declarations.birth(), "commune", "17999")).utf8))
        XCTAssertEqual(unknown.status, 65)
        XCTAssertTrue(unknown.stderr.contains("commune: must be a commune in force on 2026-11-20 in the commune table"), unknown.stderr)
        // ca issue refuses a commune that is not a real one.
        try box.ok("ca", "init", "--dir", "ca", "--name", "Nghệ An Province CA", "--province", "40")
        try box.ok("keygen", "--out", "o.key", "--csr", "o.csr", "--officer", "Phạm Thị Lan")
        for (commune, expected) in [("1798", "--commune: must be a 5-digit commune code"), ("17999", "--commune: must be a commune in force on")] {
            let issued = try box.run("ca", "issue", "--dir", "ca", "--csr", "o.csr", "--officer", "Phạm Thị Lan", "--commune", commune,
                                     "--role", "civil-status officer", "--out", "o.pem")
            XCTAssertEqual(issued.status, 65, issued.stderr)
            XCTAssertTrue(issued.stderr.contains(expected), issued.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: box.path("o.pem")))
        }
        try box.ok("ca", "issue", "--dir", "ca", "--csr", "o.csr", "--officer", "Phạm Thị Lan", "--commune", "17986",
                   "--role", "civil-status officer", "--out", "o.pem")

        // A bad table is refused with its line; the one loaded stays.
        let bad = try box.write("bad.tsv", "code\tname\tprovince\tvalid_from\tvalid_until\n1798\tX\t40\t\t\n")
        let refused = try box.run("config", "load", "communes", bad)
        XCTAssertEqual(refused.status, 65)
        XCTAssertTrue(refused.stderr.contains("bad.tsv line 2: code must be 5 digits"), refused.stderr)
        XCTAssertTrue(try box.ok("config", "get", "communes").stdout.contains("17986"))
        let binary = try box.write("binary.tsv", "")
        try Data([0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: binary))
        let notText = try box.run("config", "load", "communes", binary)
        XCTAssertEqual(notText.status, 65, notText.stderr)
        XCTAssertTrue(notText.stderr.contains("communes: "), notText.stderr)

        // The province table loads from a file too (here the shipped one with a name changed).
        var provinces = try String(contentsOf: data.appendingPathComponent("provinces.tsv"), encoding: .utf8)
        provinces = provinces.replacingOccurrences(of: "040\tNghệ An\t40\tNghệ An", with: "040\tNghệ An\t40\tTỉnh Nghệ An")
        try box.ok("config", "load", "provinces", try box.write("provinces.tsv", provinces))
        XCTAssertTrue(try box.ok("config", "get", "provinces").stdout.contains("Tỉnh Nghệ An"))
        try box.ok("config", "unset", "communes")
        try box.ok("register-birth", stdin: Declarations.text(setting(Declarations.birth(childName: "Khác", motherID: "040195000900", certificate: "K1"), "commune", "17999")))
    }

    /// Records from before the 1 July 2025 reorganisation are counted in the provinces of their day
    /// or today's.
    func testReportsUseTheUnitsOfTheRecordsDayOrToday() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        func birth(_ n: Int, province: String, commune: String, at: String) -> [String: Any] {
            var d = Declarations.birth(childName: "Con \(n)", motherID: String(format: "040195%06d", n), certificate: "U\(n)", born: String(at.prefix(10)))
            d = setting(setting(setting(d, "province", province), "commune", commune), "received_at", at)
            return setting(d, "health_insurance", nil)
        }
        // Hà Giang (02) and Tuyên Quang (08) before; Tuyên Quang (08) after: both are Tuyên Quang today.
        try box.ok("register-birth", stdin: Declarations.text(birth(1, province: "02", commune: "00700", at: "2025-03-03T09:00:00+07:00")))
        try box.ok("register-birth", stdin: Declarations.text(birth(2, province: "08", commune: "02200", at: "2025-04-01T09:00:00+07:00")))
        try box.ok("register-birth", stdin: Declarations.text(birth(3, province: "08", commune: "02300", at: "2025-08-01T09:00:00+07:00")))
        // Before the reorganisation "02" was Hà Giang; after it is not a province.
        let gone = try box.run(["register-birth"], stdin: Data(Declarations.text(birth(4, province: "02", commune: "00700", at: "2025-08-01T09:00:00+07:00")).utf8))
        XCTAssertEqual(gone.status, 65)
        XCTAssertTrue(gone.stderr.contains("province: must be a 2025 province code"), gone.stderr)

        func rows(_ extra: [String]) throws -> [[String: Any]] {
            let result = try box.run(["report", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "province", "--format", "json"] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            return try result.json()["rows"] as! [[String: Any]]
        }
        func cells(_ rows: [[String: Any]]) -> [String] {
            rows.map { "\($0["province"]!) \($0["province_name"]!) \($0["planned"]!) \($0["processed"]!)" }
        }
        // Rows by province count whole records: three dossiers, none processed (no copy signed).
        XCTAssertEqual(cells(try rows([])), ["08 Tuyên Quang 3 0"])
        XCTAssertEqual(cells(try rows(["--units", "current"])), ["08 Tuyên Quang 3 0"])
        // Of the day: Hà Giang on its own; the Tuyên Quang of before and of after share code and name.
        XCTAssertEqual(cells(try rows(["--units", "as-of"])), ["02 Hà Giang 1 0", "08 Tuyên Quang 2 0"])
        // A province of today covers its former provinces; of the day, only its own code then.
        XCTAssertEqual(cells(try rows(["--province", "08"])), ["08 Tuyên Quang 3 0"])
        XCTAssertEqual(cells(try rows(["--province", "02", "--units", "as-of"])), ["02 Hà Giang 1 0"])
        XCTAssertEqual(cells(try rows(["--province", "02"])), [])
        let csv = try box.ok("report", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "province,month", "--units", "as-of", "--format", "csv").stdout
        XCTAssertTrue(csv.hasPrefix("province,province_name,month,planned,"), csv)
        XCTAssertTrue(csv.contains("\r\n02,Hà Giang,2025-03,1,"), csv)
        let table = try box.ok("report", "--from", "2025-01-01", "--to", "2025-12-31", "--by", "province").stdout
        XCTAssertTrue(table.contains("Tuyên Quang"), table)
    }
}
