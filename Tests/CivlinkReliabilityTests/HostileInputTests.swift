import Foundation
import CivlinkTestSupport
import XCTest

/// Generated hostile declarations are all refused field by field; awkward valid ones are stored
/// exactly, normalised, never interpreted.
final class HostileInputTests: XCTestCase {
    let generator = Sandbox.fixtures.appendingPathComponent("hostile.py").path

    func testTenThousandHostileDeclarationsAreRefusedAndTheLedgerIsUntouched() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Có Sẵn", motherID: "001195000001", certificate: "SEED")))
        let count = 10_000
        let bad = try Process.captureData("/usr/bin/env", ["python3", generator, "bad", "\(count)", "7"])
        let before = try box.ledgerBytes()
        let result = try box.run(["register-birth", "--batch"], stdin: bad)
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(result.stdout, "")
        let errors = result.stderr.split(separator: "\n")
        XCTAssertEqual(errors.count, count)
        for (i, line) in errors.enumerated() {
            XCTAssertTrue(line.hasPrefix("civlink: line \(i + 1): "), String(line))
        }
        XCTAssertFalse(result.stderr.contains("040195000123"), "an ID number leaked into an error")
        XCTAssertFalse(result.stderr.contains("Trần Thị Bình"), "a name leaked into an error")
        XCTAssertFalse(result.stderr.contains("internal error"))
        XCTAssertEqual(try box.ledgerBytes(), before)

        // The same inputs one by one, as single declarations: each one line, exit 65.
        for line in bad.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(60) {
            let single = try box.run(["register-birth", "-"], stdin: Data(line))
            XCTAssertEqual(single.status, 65, single.stderr)
            XCTAssertEqual(single.stderr.filter { $0 == "\n" }.count, 1, single.stderr)
        }
        XCTAssertEqual(try box.ledgerBytes(), before)
    }

    func testAwkwardButValidDeclarationsAreStoredAsNormalisedText() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let awkward = try Process.capture("/usr/bin/env", ["python3", generator, "awkward"])
        let result = try box.run(["register-birth", "--batch"], stdin: Data(awkward.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        let dossiers = try result.jsonLines()
        let inputs = awkward.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(dossiers.count, inputs.count)
        for (dossier, input) in zip(dossiers, inputs) {
            let sent = (input["child"] as! [String: Any])["full_name"] as! String
            let stored = ((dossier["declaration"] as! [String: Any])["child"] as! [String: Any])["full_name"] as! String
            XCTAssertEqual(Array(stored.unicodeScalars), Array(sent.precomposedStringWithCanonicalMapping.unicodeScalars))
            // And the ledger holds exactly that text.
            let id = dossier["id"] as! String
            let fromLedger = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "SELECT json_extract(declaration, '$.child.full_name') FROM dossiers WHERE id = '\(id)';"])
            XCTAssertEqual(fromLedger, stored + "\n")
        }
        XCTAssertEqual(try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "SELECT count(*) FROM dossiers;"]), "\(inputs.count)\n")
    }
}

final class HostileReceiptTests: XCTestCase {
    func testTenThousandHostileReceiptsAreQuarantinedAndChangeNothing() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        for agency in ["population", "residence", "social-insurance", "social-affairs"] {
            try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)"))
        }
        let id = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        try box.ok("transfer")
        let messageID = "\(id).personal-id.1"
        XCTAssertTrue(FileManager.default.fileExists(atPath: box.path("spool/population/outbox/\(messageID).json")))
        let generator = Sandbox.fixtures.appendingPathComponent("hostile.py").path
        _ = try Process.capture("/usr/bin/env", ["python3", generator, "receipts", box.path("spool/population/inbox"), "10000", messageID])
        let procedures = "SELECT code, state, result, attempts, answered_at FROM procedures ORDER BY dossier_id, position;"
        let before = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, procedures])

        let result = try box.run("transfer", "--format", "json")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stderr.contains("internal error"), result.stderr)
        XCTAssertEqual(try result.json()["quarantined"] as? Int, 10_000)
        XCTAssertEqual(try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, procedures]), before, "a hostile receipt changed a procedure")
        let quarantined = try box.ok("transfer", "--quarantine", "--format", "json").stdout
        XCTAssertFalse(quarantined.contains("040195000123"), "personal data in the quarantine list")
        // The inbox is drained, and a real answer still goes through.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: box.path("spool/population/inbox")).filter { $0.hasSuffix(".json") }, [])
        try box.ok("agency", "simulate", "--spool", box.path("spool/population"))
        try box.ok("transfer")
        let states = try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
        XCTAssertEqual(states.first { $0["code"] as? String == "personal-id" }?["state"] as? String, "completed")
    }
}
