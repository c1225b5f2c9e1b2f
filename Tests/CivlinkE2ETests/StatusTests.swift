import Foundation
import CivlinkTestSupport
import XCTest

final class StatusTests: XCTestCase {
    private func registeredBox() throws -> (Sandbox, String, String) {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let birth = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        let death = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        return (box, birth, death)
    }

    func testStatusShowsProceduresDeadlinesAndTimeline() throws {
        let (box, birth, _) = try registeredBox()
        let table = try box.ok("status", birth).stdout
        XCTAssertTrue(table.contains("personal-id             population        ready"), table)
        XCTAssertTrue(table.contains("registered"), table)
        XCTAssertFalse(table.contains("040195000123"), "personal data in status output")
        XCTAssertFalse(table.contains("Ánh"), "personal data in status output")

        let json = try box.ok("status", birth.lowercased(), "--format", "json").json()
        XCTAssertEqual(json["format"] as? String, "civlink.status/1")
        XCTAssertEqual(json["id"] as? String, birth)
        let procedures = json["procedures"] as! [[String: Any]]
        XCTAssertEqual(procedures.map { $0["overdue"] as! Bool }, [false, false, false, false, false])
        let timeline = json["timeline"] as! [[String: Any]]
        XCTAssertEqual(timeline.map { $0["event"] as! String }, ["registered"])
        XCTAssertEqual(timeline.first?["actor"] as? String, "officer-test")
        XCTAssertNil(json["declaration"], "status must not carry the declaration")
    }

    func testOverdueIsComputedFromTheClock() throws {
        let (box, birth, death) = try registeredBox()
        // Tuesday 24 November has passed the copy's (Friday 20) and the ID number's (Monday 23) deadlines.
        box.environment["CIVLINK_NOW"] = "2026-11-24T10:00:00+07:00"
        let procedures = try box.ok("status", birth, "--format", "json").json()["procedures"] as! [[String: Any]]
        XCTAssertEqual(procedures.map { $0["overdue"] as! Bool }, [false, true, true, false, false])
        let overdue = try box.ok("status", "--list", "--overdue", "--format", "json").jsonLines()
        XCTAssertEqual(overdue.map { $0["id"] as! String }, [birth, death])
        XCTAssertEqual(overdue.first?["overdue"] as? [String], ["certificate-copy", "personal-id"])
        box.environment["CIVLINK_NOW"] = "2026-11-20T16:00:00+07:00"
        XCTAssertEqual(try box.ok("status", "--list", "--overdue", "--format", "json").stdout, "")
    }

    func testListFilters() throws {
        let (box, birth, death) = try registeredBox()
        XCTAssertEqual(try box.ok("status", "--list", "--format", "json").jsonLines().map { $0["id"] as! String }, [birth, death])
        XCTAssertEqual(try box.ok("status", "--list", "--group", "death", "--format", "json").jsonLines().map { $0["id"] as! String }, [death])
        XCTAssertEqual(try box.ok("status", "--list", "--state", "waiting", "--group", "birth", "--format", "json").jsonLines().map { $0["id"] as! String }, [birth])
        XCTAssertEqual(try box.ok("status", "--list", "--state", "completed", "--format", "json").stdout, "")
        XCTAssertEqual(try box.ok("status", "--list", "--commune", "00001", "--format", "json").stdout, "")
        let table = try box.ok("status", "--list").stdout
        XCTAssertTrue(table.hasPrefix("ID "), table)
        XCTAssertEqual(table.split(separator: "\n").count, 3)
        XCTAssertEqual(try box.run("status", "--list", "--state", "lost").status, 64)
    }

    func testUnknownAndMalformedIDs() throws {
        let (box, _, _) = try registeredBox()
        let unknown = try box.run("status", "B26-0000-0000")
        XCTAssertEqual(unknown.status, 66)
        XCTAssertEqual(unknown.stderr, "civlink: no dossier B26-0000-0000 in this ledger\n")
        let malformed = try box.run("status", "../../etc/passwd")
        XCTAssertEqual(malformed.status, 65)
        XCTAssertTrue(malformed.stderr.contains("dossier id: must look like"), malformed.stderr)
    }

    func testUsageErrorsAndHelp() throws {
        let box = try Sandbox()
        XCTAssertEqual(try box.run("frobnicate").status, 64)
        XCTAssertEqual(try box.run("status", "--bogus").status, 64)
        let help = try box.ok("status", "--help").stdout
        XCTAssertTrue(help.contains("--overdue"), help)
        XCTAssertTrue(try box.ok("--version").stdout.hasPrefix("civlink "))
    }
}
