@testable import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// `civlink find` on the command line, and the views of a dossier that carry no personal data:
/// `status --public` and `status --redact`, checked against the declaration's own values.
final class FindAndViewsTests: XCTestCase {
    private let birthDeclaration = Declarations.birth()

    /// A birth whose every procedure has its result (the child's personal ID number, the
    /// residence confirmation, the health-insurance card), and a death, made by real transitions.
    private func completedLedger() throws -> (Sandbox, birth: String, death: String, results: [String]) {
        let box = try Sandbox()
        let fixture = try LedgerFixture(path: box.ledgerPath)
        let birth = try fixture.register(.birth, birthDeclaration, at: "2026-11-23T09:00:00+07:00")
        let death = try fixture.register(.death, Declarations.death(), at: "2026-11-23T09:10:00+07:00")
        try fixture.sign(birth, at: "2026-11-23T09:20:00+07:00")
        try fixture.useSpools()
        try fixture.transfer(at: "2026-11-23T09:30:00+07:00")
        let results = ["040326004321", "TE1401234567890", "Đã đăng ký thường trú tại Khối 13", "2026-11-15", "2032-11-14"]
        XCTAssertEqual(try fixture.answer(birth, "personal-id", .completed, at: "2026-11-23T10:00:00+07:00",
                                          result: ["personal_id": results[0]]), .applied("completed"))
        try fixture.transfer(at: "2026-11-23T10:10:00+07:00")
        XCTAssertEqual(try fixture.answer(birth, "health-insurance-card", .completed, at: "2026-11-23T11:00:00+07:00",
                                          result: ["card_number": results[1], "valid_from": results[3], "valid_until": results[4]]), .applied("completed"))
        XCTAssertEqual(try fixture.answer(birth, "residence-registration", .completed, at: "2026-11-23T11:10:00+07:00",
                                          result: ["confirmation": results[2]]), .applied("completed"))
        box.environment["CIVLINK_NOW"] = "2026-11-23T12:00:00+07:00"
        return (box, birth, death, results)
    }

    /// Every value the declaration holds about a person (names, ID numbers, dates of birth,
    /// places, addresses, document numbers), from the declaration as registered.
    private func personalValues(_ declaration: [String: Any]) -> [String] {
        var out: [String] = []
        func walk(_ value: Any, key: String) {
            if let object = value as? [String: Any] {
                for (k, v) in object where !["province", "commune", "sex", "nationality", "ethnicity", "relationship", "payment"].contains(k) {
                    walk(v, key: k)
                }
            } else if let text = value as? String {
                out.append(text)
                if let date = CivilDate(text) { out.append(HTMLPage.vietnameseDate(date)) }
            }
        }
        walk(declaration, key: "")
        return out
    }

    func testThePublicViewHoldsNoPersonalData() throws {
        let (box, birth, death, results) = try completedLedger()
        let secrets = personalValues(birthDeclaration) + results
        XCTAssertTrue(secrets.contains("040195000123") && secrets.contains("Trần Thị Bình") && secrets.contains("2026-11-15"))
        // The full status does carry the results: the check below can fail.
        let full = try box.ok("status", birth, "--format", "json").stdout
        XCTAssertTrue(full.contains(results[0]) && full.contains(results[1]), full)

        // A citizen told in Vietnamese reads the states in Vietnamese; the JSON keeps its codes and English text.
        let vietnamese = try box.run(["status", birth, "--public"], environment: ["LANG": "vi_VN.UTF-8"])
        XCTAssertEqual(vietnamese.status, 0, vietnamese.stderr)
        XCTAssertTrue(vietnamese.stdout.contains("đã hoàn thành: mọi thủ tục đã có kết quả") && vietnamese.stdout.contains("khai sinh"),
                      vietnamese.stdout)
        XCTAssertFalse(vietnamese.stdout.contains("complete: every procedure"), vietnamese.stdout)
        for arguments in [["status", birth, "--public"], ["status", birth, "--public", "--format", "json"]] {
            let run = try box.run(arguments); XCTAssertEqual(run.status, 0, run.stderr); let shown = run.stdout
            for secret in secrets {
                XCTAssertFalse(shown.contains(secret), "\(arguments) shows '\(secret)':\n\(shown)")
            }
            XCTAssertTrue(shown.contains(birth), shown)
        }
        let view = try box.ok("status", birth, "--public", "--format", "json").json()
        XCTAssertEqual(view["format"] as? String, "civlink.public-status/1")
        XCTAssertEqual(view["state"] as? String, "complete")
        XCTAssertEqual(Set(view.keys), ["format", "id", "group", "catalogue_code", "province", "commune", "received_at", "as_of",
                                        "state", "state_text", "procedures"])
        let procedures = view["procedures"] as! [[String: Any]]
        XCTAssertEqual(procedures.map { $0["code"] as! String },
                       ["birth-registration", "certificate-copy", "personal-id", "residence-registration", "health-insurance-card"])
        XCTAssertEqual(procedures.map { $0["state"] as! String }, ["done", "done", "completed", "completed", "completed"])
        XCTAssertEqual(Set(procedures.flatMap(\.keys)), ["code", "agency", "state", "state_text", "since", "deadline", "overdue"])

        let deathSecrets = personalValues(Declarations.death())
        let deathView = try box.ok("status", death, "--public", "--format", "json").stdout + (try box.ok("status", death, "--public").stdout)
        for secret in deathSecrets { XCTAssertFalse(deathView.contains(secret), "death public view shows '\(secret)'") }
        XCTAssertTrue(deathView.contains("funeral-allowance"), deathView)
    }

    func testTheRedactedViewKeepsStatesAndTimesButNoPersonalData() throws {
        let (box, birth, _, results) = try completedLedger()
        let secrets = personalValues(birthDeclaration) + results
        for arguments in [["status", birth, "--redact"], ["status", birth, "--redact", "--format", "json"]] {
            let run = try box.run(arguments); XCTAssertEqual(run.status, 0, run.stderr); let shown = run.stdout
            for secret in secrets { XCTAssertFalse(shown.contains(secret), "\(arguments) shows '\(secret)':\n\(shown)") }
            XCTAssertTrue(shown.contains("[redacted]"), shown)
        }
        let json = try box.ok("status", birth, "--redact", "--format", "json").json()
        XCTAssertEqual(json["format"] as? String, "civlink.status/1")
        let procedures = json["procedures"] as! [[String: Any]]
        XCTAssertEqual((procedures[2]["result"] as? [String: Any])?["personal_id"] as? String, "[redacted]")
        XCTAssertNotNil((procedures[2]["delivery"] as? [String: Any])?["message_id"], "delivery facts stay")
        XCTAssertEqual((json["timeline"] as! [[String: Any]]).count, (try box.ok("status", birth, "--format", "json").json()["timeline"] as! [Any]).count)
        XCTAssertEqual(try box.run("status", birth, "--public", "--redact").status, 64)
        XCTAssertEqual(try box.run("status", "--list", "--public").status, 64)
    }

    func testFindOnTheCommandLine() throws {
        let (box, birth, death, results) = try completedLedger()
        box.environment["CIVLINK_ACTOR"] = "support-an"
        XCTAssertEqual(try box.ok("find", results[0], "--format", "json").jsonLines().map { $0["id"] as! String }, [birth], "the child's number")
        let byName = try box.ok("find", "trần thị bìnhh").stdout
        XCTAssertTrue(byName.contains(birth) && byName.contains("mother (one typo)"), byName)
        XCTAssertTrue(byName.hasPrefix("ID "), byName)
        let json = try box.ok("find", "--name", "Le Van Dung", "--born", "1958-01-20", "--format", "json").jsonLines()
        XCTAssertEqual(json.map { $0["id"] as! String }, [death])
        XCTAssertEqual(json.first?["state"] as? String, "in-progress")
        XCTAssertEqual(Set(json.first!.keys), ["format", "id", "group", "commune", "received_at", "state", "matched"])
        XCTAssertEqual(try box.ok("find", "--document", "gbt-2026-77", "--format", "json").jsonLines().map { $0["id"] as! String }, [death])
        XCTAssertEqual(try box.ok("find", "--id", "0401-9500-0123", "--format", "json").jsonLines().map { $0["id"] as! String }, [birth])

        let none = try box.run("find", "--reference", "NO-SUCH-REF")
        XCTAssertEqual(none.status, 66)
        XCTAssertEqual(none.stdout, "")
        XCTAssertEqual(try box.run("find").status, 64)
        XCTAssertEqual(try box.run("find", "x y", "--id", "040195000123").status, 64)
        XCTAssertEqual(try box.run("find", "--id", "040195000123", "--born", "1995-03-02").status, 64)
        XCTAssertEqual(try box.run("find", "--name", "Binh", "--born", "1995-13-02").status, 64)
        let bad = try box.run("find", "--id", "12345")
        XCTAssertEqual(bad.status, 65)
        XCTAssertTrue(bad.stderr.contains("id"), bad.stderr)
        XCTAssertFalse(bad.stderr.contains("12345"), "the key is not echoed: \(bad.stderr)")

        // Every search above that got as far as the ledger is an event, with the kind of key only.
        let events = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "SELECT actor || ' ' || detail FROM events WHERE kind = 'search' ORDER BY seq"])
        let lines = events.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 6, events)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix("support-an ") }, events)
        XCTAssertEqual(lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.dropFirst("support-an ".count).utf8)) as? [String: Any] }
            .map { $0["key"] as! String }, ["personal-id", "name", "name+date-of-birth", "document", "personal-id", "reference"])
        for secret in ["040326004321", "binh", "Dung", "1958-01-20", "GBT", "0401", "NO-SUCH"] {
            XCTAssertFalse(events.localizedCaseInsensitiveContains(secret), "search events hold '\(secret)'")
        }
        XCTAssertEqual(try box.run("audit", "verify").status, 0)
    }
}
