import Foundation
import CivlinkTestSupport
import XCTest

/// `civlink audit verify` finds events changed by hand with the sqlite3 CLI.
final class AuditTests: XCTestCase {
    /// A ledger with 8 events: two registrations, two signatures, and three procedures released.
    private func ledger() throws -> Sandbox {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let birth = try box.registerBirth()
        let death = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        let (key, cert) = try box.officer()
        try box.ok("sign", birth, "--key", key, "--cert", cert)
        try box.ok("sign", death, "--key", key, "--cert", cert)
        let report = try box.ok("audit", "verify", "--format", "json").json()
        XCTAssertEqual(report["valid"] as? Bool, true)
        XCTAssertGreaterThanOrEqual(report["events"] as! Int, 6)
        return box
    }

    private func tamper(_ sql: String) throws -> (problem: String?, seq: Int?, stderr: String) {
        let box = try ledger()
        let edit = try tool(["sqlite3", box.ledgerPath, sql], in: box)
        XCTAssertEqual(edit.status, 0, edit.stderr)
        let r = try box.run("audit", "verify", "--format", "json")
        XCTAssertEqual(r.status, 1, r.stdout)
        let finding = try r.json()["finding"] as? [String: Any]
        return (finding?["problem"] as? String, finding?["seq"] as? Int, r.stderr)
    }

    func testIntactChain() throws {
        let box = try ledger()
        XCTAssertTrue(try box.ok("audit", "verify").stdout.hasPrefix("chain intact: "))
        XCTAssertEqual(try box.run("audit").status, 64)
    }

    func testModifiedEvent() throws {
        let r = try tamper("UPDATE events SET actor = 'mallory' WHERE seq = 3")
        XCTAssertEqual(r.problem, "modified")
        XCTAssertEqual(r.seq, 3)
        XCTAssertTrue(r.stderr.contains("event 3 modified"), r.stderr)
    }

    func testModifiedDetailAndHashTogether() throws {
        // Recomputing this event's own hash is not enough: the next event still links to the old one.
        let r = try tamper("UPDATE events SET detail = '{}', hash = 'f00' WHERE seq = 2")
        XCTAssertEqual(r.problem, "modified")
        XCTAssertEqual(r.seq, 2)
    }

    func testDeletedEvent() throws {
        let r = try tamper("DELETE FROM events WHERE seq = 4")
        XCTAssertEqual(r.problem, "deleted")
        XCTAssertEqual(r.seq, 4)
    }

    func testDeletedLastEventIsSeenThroughTheRecordedHead() throws {
        let box = try ledger()
        let last = Int(try tool(["sqlite3", box.ledgerPath, "SELECT MAX(seq) FROM events"], in: box).stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
        _ = try tool(["sqlite3", box.ledgerPath, "DELETE FROM events WHERE seq = \(last)"], in: box)
        let r = try box.run("audit", "verify", "--format", "json")
        XCTAssertEqual(r.status, 1)
        let finding = try r.json()["finding"] as! [String: Any]
        XCTAssertEqual(finding["problem"] as? String, "deleted")
        XCTAssertEqual(finding["seq"] as? Int, last)
    }

    func testInsertedEventInTheMiddle() throws {
        let r = try tamper("""
            UPDATE events SET seq = seq + 1000 WHERE seq >= 3;
            UPDATE events SET seq = seq - 999 WHERE seq >= 1003;
            INSERT INTO events(seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash)
              SELECT 3, dossier_id, at, 'mallory', kind, procedure, detail, hash, hash FROM events WHERE seq = 2;
            """)
        XCTAssertEqual(r.problem, "inserted")
        XCTAssertEqual(r.seq, 3)
    }

    func testInsertedEventAtTheEnd() throws {
        let r = try tamper("""
            INSERT INTO events(seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash)
              SELECT seq + 1, dossier_id, at, 'mallory', kind, procedure, detail, hash, hash FROM events ORDER BY seq DESC LIMIT 1;
            """)
        XCTAssertEqual(r.problem, "inserted")
    }

    func testReorderedEvents() throws {
        let r = try tamper("""
            UPDATE events SET seq = -1 WHERE seq = 2;
            UPDATE events SET seq = 2 WHERE seq = 3;
            UPDATE events SET seq = 3 WHERE seq = -1;
            """)
        XCTAssertEqual(r.problem, "reordered")
        XCTAssertEqual(r.seq, 2)
    }
}
