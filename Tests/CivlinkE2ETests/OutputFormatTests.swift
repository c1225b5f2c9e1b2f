import CivlinkTestSupport
import Foundation
import XCTest

/// Every command that prints records takes --format table|json|csv, every JSON object and JSON
/// Lines record starts with `format: civlink.<kind>/<n>`, and every kind is documented in a
/// section-5 page.
final class OutputFormatTests: XCTestCase {
    let root = Sandbox.repositoryRoot

    /// The section-5 pages' text.
    private func sectionFive() throws -> String {
        let folder = root.appendingPathComponent("man")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".5") }
            .map { try String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
    }

    /// A ledger where every kind of record exists: dossiers, a signed and a revoked copy, a stuck
    /// procedure, a quarantined receipt, agencies, a backup.
    private func scene() throws -> (Sandbox, birth: String, death: String) {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let birth = try box.registerBirth()
        let death = try box.register("death", Declarations.death(), at: "2026-11-19T09:00:00+07:00")
        try box.signCopy(death)
        for agency in ["residence", "social-insurance"] { try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)")) }
        try box.ok("agency", "add", "population", "--spool", box.path("population"))
        try FileManager.default.removeItem(atPath: box.path("population"))
        FileManager.default.createFile(atPath: box.path("population"), contents: Data())
        try box.ok("transfer", "--max-attempts", "1")
        _ = try box.write("spool/residence/inbox/bad.json", "{\"format\": \"civlink.receipt/1\", \"message_id\": \"nope\"}")
        try box.ok("transfer")
        return (box, birth, death)
    }

    func testEveryJSONRecordNamesItsFormatAndEveryFormatIsDocumented() throws {
        let (box, birth, death) = try scene()
        let (key, cert) = (box.path("officer.key"), box.path("officer.pem"))
        try box.ok("copy", death, "--out", "copy.json")
        let lines: [[String]] = [
            ["init", "--ledger", box.path("second.db")],
            ["register-birth", "-"],
            ["register-birth", "--batch", "-"],
            ["status", birth], ["status", "--list"], ["status", "--stuck"],
            ["keygen", "--out", box.path("k2.key")],
            ["ca", "init", "--dir", box.path("ca2"), "--name", "CA 2"],
            ["ca", "issue", "--dir", box.path("ca"), "--csr", box.path("officer.csr"), "--officer", "Phạm Thị Lan", "--commune", "17986",
             "--role", "civil-status officer", "--out", box.path("issued.pem")],
            ["ca", "import", cert],
            ["sign", "--pending", "--key", key, "--cert", cert],
            ["verify", box.path("copy.json"), "--trust", box.path("ca/ca.pem")],
            ["audit", "verify"],
            ["transfer", "--dry-run"], ["transfer"], ["transfer", "--quarantine"],
            ["agency", "add", "social-affairs", "--spool", box.path("spool/social-affairs")], ["agency", "list"], ["agency", "check", "residence"],
            ["agency", "simulate", "--spool", box.path("spool/residence")],
            ["report"], ["report", "--overdue"],
            ["backup", box.path("backup.db")],
            ["doctor"],
            ["revoke", death, "--reason", "correction"],
        ]
        var kinds: Set<String> = []
        for (n, words) in lines.enumerated() {
            let stdin = words.contains("-") ? Data(Declarations.text(Declarations.birth(childName: "Trẻ \(n)", certificate: "GCS-F-\(n)")).utf8) : nil
            // Overdue needs a later day.
            let later = words == ["report", "--overdue"] ? ["CIVLINK_NOW": "2026-12-20T09:30:00+07:00"] : [:]
            let result = try box.run(words + ["--format", "json"], stdin: stdin, environment: later)
            XCTAssertTrue([0, 1, 2, 69, 78].contains(result.status), "\(words): \(result.stderr)")
            let records = result.stdout.split(separator: "\n")
            XCTAssertFalse(records.isEmpty, "\(words) printed no record")
            for record in records {
                let match = record.range(of: #"^\{"format":"civlink\.([a-z-]+/[0-9]+)""#, options: .regularExpression)
                XCTAssertNotNil(match, "\(words): \(record.prefix(80))")
                if let match { kinds.insert(String(record[match].dropFirst(19).dropLast())) }
                XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(record.utf8)), "\(words): not JSON")
            }
        }
        XCTAssertEqual(kinds, ["ledger/1", "dossier/1", "status/1", "dossier-summary/1", "attention/1", "key/1", "ca/1", "certificate/1",
                               "chain-import/1", "signing/1", "verification/1", "audit/1", "transfer/1", "transfer-plan/1", "quarantine/1",
                               "agency/1", "agency-check/1", "simulation/1", "report/1", "overdue/1", "backup/1", "doctor-finding/1",
                               "revocation/1"].reduce(into: Set()) { $0.insert($1) })
        let pages = try sectionFive()
        for kind in kinds { XCTAssertTrue(pages.contains("civlink.\(kind)"), "civlink.\(kind) is not documented in a section-5 page") }
    }

    /// Every format civlink's sources name is documented in a section-5 page.
    func testEveryFormatInTheSourcesIsDocumented() throws {
        let pages = try sectionFive()
        let sources = root.appendingPathComponent("Sources")
        var found: Set<String> = []
        for case let url as URL in FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)! where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            let regex = try NSRegularExpression(pattern: #""(civlink\.[a-z-]+/[0-9]+)""#)
            for m in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) { found.insert(String(text[Range(m.range(at: 1), in: text)!])) }
        }
        XCTAssertGreaterThan(found.count, 20)
        for format in found.sorted() { XCTAssertTrue(pages.contains(format), "\(format) is not documented in man/*.5") }
    }

    func testTablesAndCSVForTheSameRecords() throws {
        let (box, _, _) = try scene()
        // agency add prints a table, not JSON, unless asked.
        let added = try box.ok("agency", "add", "social-affairs", "--spool", box.path("spool/social-affairs")).stdout
        XCTAssertTrue(added.hasPrefix("AGENCY          TRANSPORT  TARGET"), added)
        XCTAssertFalse(added.contains("{"))
        for words in [["status", "--list"], ["status", "--stuck"], ["agency", "list"], ["agency", "check"], ["transfer", "--quarantine"],
                      ["transfer", "--dry-run"], ["report", "--overdue"], ["doctor"], ["backup", box.path("b2.db")], ["audit", "verify"]] {
            let csv = try box.run(words + ["--format", "csv"])
            XCTAssertTrue([0, 1, 2, 69].contains(csv.status), "\(words): \(csv.stderr)")
            let header = csv.stdout.components(separatedBy: "\r\n").first ?? ""
            XCTAssertTrue(header.range(of: #"^[a-z_0-9]+(,[a-z_0-9]+)*$"#, options: .regularExpression) != nil, "\(words) CSV header: \(header)")
            XCTAssertTrue(csv.stdout.hasSuffix("\r\n"), "\(words): CRLF")
        }
        // --bom and --spreadsheet go with CSV only.
        XCTAssertEqual(try box.run("status", "--list", "--bom").status, 64)
        XCTAssertEqual(try box.run("status", "--list", "--spreadsheet", "vi").stderr, "civlink: --spreadsheet goes with --format csv\n")
        // register-birth takes --format (it used to say "unknown option").
        let table = try box.run(["register-birth", "--format", "table"], stdin: Data(Declarations.text(Declarations.birth(childName: "Lê Văn Tâm", certificate: "GCS-T")).utf8))
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.hasPrefix("ID             GROUP   COMMUNE"), table.stdout)
    }
}
