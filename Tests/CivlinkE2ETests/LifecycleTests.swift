import Foundation
import CivlinkTestSupport
import XCTest

/// The life of a record through the real binary: intake, return for completion, supplement,
/// registration, refusal (by the officer and by the clock), amendment and cancellation, and every
/// illegal move refused with nothing written.
final class LifecycleTests: XCTestCase {
    private func box(now: String = "2026-11-20T09:30:00+07:00") throws -> Sandbox {
        let box = try Sandbox(now: now)
        try box.ok("init", "--training")
        return box
    }

    private func status(_ box: Sandbox, _ id: String) throws -> [String: Any] {
        try box.ok("status", id, "--format", "json").json()
    }

    private func states(_ box: Sandbox, _ id: String) throws -> [String] {
        (try status(box, id)["procedures"] as! [[String: Any]]).map { $0["state"] as! String }
    }

    private func events(_ box: Sandbox, _ id: String) throws -> [String] {
        (try status(box, id)["timeline"] as! [[String: Any]]).map { $0["event"] as! String }
    }

    private func decision(_ result: RunResult, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return try result.json(file: file, line: line)
    }

    func testIntakeReturnSupplementRegister() throws {
        let box = try box()
        // An online intake: validated and checked for duplicates, no register number, nothing sent.
        let received = try box.ok("receive-birth", "--channel", "online", stdin: Declarations.text(Declarations.birth())).json()
        let id = received["id"] as! String
        XCTAssertEqual(received["state"] as? String, "received")
        XCTAssertEqual(received["channel"] as? String, "online")
        XCTAssertTrue(received["register"] is NSNull)
        XCTAssertTrue(received["registered_at"] is NSNull)
        XCTAssertEqual((received["procedures"] as! [[String: Any]]).map { $0["state"] as! String },
                       ["ready", "waiting", "waiting", "waiting", "waiting"])
        // The statutory clock started at received_at: registration the same working day.
        XCTAssertEqual((received["procedures"] as! [[String: Any]]).first?["deadline"] as? String, "2026-11-20")
        XCTAssertEqual(try box.run("receive-birth", stdin: Declarations.text(Declarations.birth())).status, 65, "duplicate at intake")
        for agency in ["population", "residence", "social-insurance", "social-affairs"] {
            try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)"))
        }
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 0, "a received dossier sends nothing")

        // Back to the declarant: 7 working days from Friday 20 November, so Tuesday 1 December.
        let returned = try decision(try box.run("return", id, "--missing", "the medical birth certificate"))
        XCTAssertEqual(returned["state"] as? String, "returned")
        XCTAssertEqual(returned["complete_by"] as? String, "2026-12-01")
        let shown = try status(box, id)
        XCTAssertEqual(shown["state"] as? String, "returned")
        XCTAssertEqual(shown["complete_by"] as? String, "2026-12-01")
        XCTAssertTrue(try box.ok("status", id).stdout.contains("missing: the medical birth certificate"))

        // The completed file comes back three days later: checked again, the change kept, the
        // clock counted from when the complete file arrived (Wednesday 25 after 15:00: Thursday 26).
        box.environment["CIVLINK_NOW"] = "2026-11-25T16:00:00+07:00"
        // While the file is with the declarant, nothing of it is overdue (its copy was due on the 20th).
        XCTAssertEqual((try status(box, id)["procedures"] as! [[String: Any]]).map { $0["overdue"] as! Bool }, [false, false, false, false, false])
        XCTAssertEqual(try box.ok("status", "--list", "--overdue", "--format", "json").stdout, "")
        let completed = setting(Declarations.birth(), "medical_birth_certificate.issuer", "Trạm y tế phường Quang Trung")
        let bad = setting(completed, "mother.personal_id", "12")
        XCTAssertEqual(try box.run(["supplement", id, "-"], stdin: Data(Declarations.text(bad).utf8)).status, 65)
        let supplemented = try decision(try box.run(["supplement", id, "-"], stdin: Data(Declarations.text(completed).utf8)))
        XCTAssertEqual(supplemented["state"] as? String, "received")
        XCTAssertEqual(supplemented["changed"] as? [String], ["medical_birth_certificate.issuer"])
        let deadlines = (try status(box, id)["procedures"] as! [[String: Any]]).map { $0["deadline"] as! String }
        XCTAssertEqual(deadlines, ["2026-11-26", "2026-11-26", "2026-11-27", "2026-11-30", "2026-11-30"])
        // received_at stays that of the first reception (the report's cohort), late or not by it.
        XCTAssertEqual(try status(box, id)["received_at"] as? String, "2026-11-20T09:30:00+07:00")

        // Registered: the register number now, the plan released, the copy to sign.
        let registered = try decision(try box.run("register", id))
        XCTAssertEqual(registered["state"] as? String, "registered")
        XCTAssertEqual((registered["register"] as? [String: Any])?["number"] as? Int, 1)
        XCTAssertEqual(registered["procedures"] as? [String: String],
                       ["birth-registration": "done", "certificate-copy": "ready", "personal-id": "ready"])
        XCTAssertEqual(try states(box, id), ["done", "ready", "ready", "waiting", "waiting"])
        XCTAssertEqual(try events(box, id), ["received", "returned", "supplemented", "registered"])
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 1, "the ID number request goes once registered")
        let list = try box.ok("status", "--list", "--format", "json").jsonLines()
        XCTAssertEqual(list.map { $0["state"] as! String }, ["registered"])
        XCTAssertEqual(list.map { $0["channel"] as! String }, ["online"])
    }

    func testRefusalByTheOfficerAndByTheClock() throws {
        let box = try box()
        let refused = try box.ok("receive-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        let decision = try decision(try box.run("refuse", refused, "--reason", "not the commune of residence"))
        XCTAssertEqual(decision["procedures"] as? [String: String], [
            "birth-registration": "refused", "certificate-copy": "cancelled", "personal-id": "cancelled",
            "residence-registration": "cancelled", "health-insurance-card": "cancelled",
        ])
        XCTAssertEqual(try status(box, refused)["state"] as? String, "refused")
        // A refused file holds no duplicate keys: the same birth can be declared again.
        let again = try box.ok("receive-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        XCTAssertNotEqual(again, refused)

        // Returned on Friday 20 November: to complete by Tuesday 1 December.
        try box.ok("return", again, "--missing", "the father's ID card")
        // On Wednesday 2 December the file is refused, computed from the clock, before any write.
        box.environment["CIVLINK_NOW"] = "2026-12-02T08:00:00+07:00"
        XCTAssertEqual(try status(box, again)["state"] as? String, "refused")
        XCTAssertTrue(try box.ok("status", again).stdout.contains("recorded at the next write"))
        XCTAssertEqual(try box.ok("status", "--list", "--format", "json").jsonLines().map { $0["state"] as! String }, ["refused", "refused"])
        XCTAssertEqual(try events(box, again), ["received", "returned"], "reading writes nothing")
        // The first write run after the limit appends the refusal, by the clock, once.
        try box.ok("agency", "add", "population", "--spool", box.path("spool/population"))
        XCTAssertEqual(try events(box, again), ["received", "returned", "refused"])
        let timeline = try status(box, again)["timeline"] as! [[String: Any]]
        XCTAssertEqual(timeline.last?["actor"] as? String, "civlink")
        XCTAssertEqual((timeline.last?["detail"] as? [String: Any])?["complete_by"] as? String, "2026-12-01")
        try box.ok("agency", "add", "residence", "--spool", box.path("spool/residence"))
        XCTAssertEqual(try events(box, again), ["received", "returned", "refused"])
        // Too late to complete it.
        let late = try box.run(["supplement", again, "-"], stdin: Data(Declarations.text(Declarations.birth()).utf8))
        XCTAssertEqual(late.status, 65)
        XCTAssertTrue(late.stderr.contains("is refused; supplement needs a dossier that is returned"), late.stderr)
    }

    func testRegisterNumbersAreGivenAtRegistrationAndNeverReused() throws {
        let box = try box()
        let ids = try (0..<3).map { i in
            try box.ok("receive-birth", stdin: Declarations.text(Declarations.birth(childName: "Con Số \(i)", motherID: "04019500012\(i)",
                                                                                      certificate: "GCS-N-\(i)"))).json()["id"] as! String
        }
        // Registered in another order than received: numbers follow registration.
        let lines = try box.ok("register", ids[2], ids[0]).jsonLines()
        XCTAssertEqual(lines.map { $0["id"] as! String }, [ids[2], ids[0]])
        XCTAssertEqual(lines.map { ($0["register"] as! [String: Any])["number"] as! Int }, [1, 2])
        try box.ok("cancel", ids[0], "--reason", "registered in error")
        let third = try box.ok("register", ids[1]).json()
        XCTAssertEqual((third["register"] as? [String: Any])?["number"] as? Int, 3, "number 2 stays with the cancelled dossier")
        XCTAssertEqual((try status(box, ids[0])["register"] as? [String: Any])?["number"] as? Int, 2)
        // ids on standard input, one a line, and a desk registration after them.
        let more = try box.ok("receive-birth", stdin: Declarations.text(Declarations.birth(childName: "Con Số 9", motherID: "040195000129",
                                                                                         certificate: "GCS-N-9"))).json()["id"] as! String
        XCTAssertEqual(try box.ok("register", "-", stdin: "\(more.lowercased())\n\n").json()["id"] as? String, more)
        let desk = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Con Số 10", motherID: "040195000130",
                                                                                            certificate: "GCS-N-10"))).json()
        XCTAssertEqual((desk["register"] as? [String: Any])?["number"] as? Int, 5)
        XCTAssertEqual(desk["state"] as? String, "registered")
        XCTAssertEqual(desk["channel"] as? String, "desk")
        // A cancelled registration releases its duplicate keys: the corrected declaration registers.
        let redeclared = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Con Số 0", motherID: "040195000120",
                                                                                                  certificate: "GCS-N-0"))).json()
        XCTAssertEqual((redeclared["register"] as? [String: Any])?["number"] as? Int, 6)
    }

    func testAmendingAReceivedDossierReplansIt() throws {
        let box = try box()
        let id = try box.ok("receive-birth", stdin: Declarations.text(setting(Declarations.birth(), "health_insurance", nil))).json()["id"] as! String
        XCTAssertEqual((try status(box, id)["procedures"] as! [[String: Any]]).count, 4)
        let patch = try box.write("patch.json", #"{"health_insurance": {"facility": "Trạm y tế phường Quang Trung"}, "residence_registration": null}"#)
        let amended = try decision(try box.run("amend", id, patch, "--patch", "--reason", "the declarant asked for the card, not the residence"))
        XCTAssertEqual(amended["state"] as? String, "received")
        XCTAssertEqual(Set(amended["changed"] as! [String]), ["health_insurance.facility", "residence_registration.address"])
        XCTAssertEqual(amended["procedures"] as? [String: String], ["residence-registration": "cancelled", "health-insurance-card": "planned"])
        let procedures = try status(box, id)["procedures"] as! [[String: Any]]
        XCTAssertEqual(procedures.map { "\($0["code"]!)=\($0["state"]!)" }, [
            "birth-registration=ready", "certificate-copy=waiting", "personal-id=waiting", "health-insurance-card=waiting",
            "residence-registration=cancelled",
        ])
        try box.ok("register", id)
        XCTAssertEqual(try states(box, id), ["done", "ready", "ready", "waiting", "cancelled"])
    }

    func testAmendmentHistoryShowsOldAndNewValuesAndKeepsThemOutOfDiagnostics() throws {
        let box = try box()
        let id = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        let corrected = setting(setting(Declarations.birth(), "mother.personal_id", "040195000124"), "child.full_name", "Nguyễn Thị Ánh Dương")
        let result = try box.run(["amend", id, "-", "--reason", "the mother's ID card read wrongly"], stdin: Data(Declarations.text(corrected).utf8))
        let amended = try decision(result)
        XCTAssertEqual(Set(amended["changed"] as! [String]), ["child.full_name", "mother.personal_id"])
        XCTAssertEqual(amended["copy_revoked"] as? Bool, nil, "no copy was signed yet")
        XCTAssertFalse(result.stderr.contains("040195000124") || result.stderr.contains("Dương"))
        let timeline = try status(box, id)["timeline"] as! [[String: Any]]
        let event = timeline.last { $0["event"] as? String == "amended" }!
        let changes = ((event["detail"] as! [String: Any])["changes"] as! [[String: Any]]).map { "\($0["field"]!): \($0["old"]!) -> \($0["new"]!)" }
        XCTAssertEqual(Set(changes), ["child.full_name: Nguyễn Thị Ánh -> Nguyễn Thị Ánh Dương", "mother.personal_id: 040195000123 -> 040195000124"])
        let table = try box.ok("status", id).stdout
        XCTAssertTrue(table.contains("mother.personal_id: 040195000123 -> 040195000124"), table)
        XCTAssertTrue(table.contains("reason: the mother's ID card read wrongly"), table)
        // The stored declaration is the corrected one, and the report and list carry no names.
        let list = try box.ok("status", "--list", "--format", "json").stdout + (try box.ok("report", "--format", "json").stdout)
        XCTAssertFalse(list.contains("Dương") || list.contains("040195000124"))
        // A second declaration with the old mother and child is no longer a duplicate of this one.
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(certificate: "GCS-2026-OLD")))
        // But a correction into an existing dossier is refused as a duplicate, naming it.
        let other = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Trần Văn Khác", motherID: "040195000777",
                                                                                              certificate: "GCS-2026-777"))).json()["id"] as! String
        let clash = try box.run(["amend", other, "-", "--reason", "x"], stdin: Data(Declarations.text(setting(Declarations.birth(childName: "Trần Văn Khác", motherID: "040195000777", certificate: "GCS-2026-777"), "medical_birth_certificate.number", "GCS-2026-001")).utf8))
        XCTAssertEqual(clash.status, 65)
        XCTAssertTrue(clash.stderr.contains("duplicate: the same medical birth certificate number; already registered as dossier \(id)"), clash.stderr)
    }

    /// Every illegal move exits 65 (an unknown id 66) with one line and the ledger byte for byte as it was.
    func testRefusalsLeaveTheLedgerByteIdentical() throws {
        let box = try box()
        let received = try box.ok("receive-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        let registered = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        let cancelled = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Lê Văn Hủy", motherID: "040195000555",
                                                                                                  certificate: "GCS-H"))).json()["id"] as! String
        try box.ok("cancel", cancelled, "--reason", "a duplicate found later")
        let returned = try box.ok("receive-birth", stdin: Declarations.text(Declarations.birth(childName: "Lê Thị Trả", motherID: "040195000666",
                                                                                                 certificate: "GCS-T"))).json()["id"] as! String
        try box.ok("return", returned, "--missing", "a document")
        let patch = try box.write("patch.json", #"{"death": {"cause": "tai nạn"}}"#)
        let same = try box.write("same.json", Declarations.text(Declarations.death()))
        let moved = try box.write("moved.json", Declarations.text(setting(Declarations.death(), "commune", "17987")))
        let clock = try box.write("clock.json", Declarations.text(setting(Declarations.death(), "received_at", "2026-11-19T09:00:00+07:00")))
        let invalid = try box.write("invalid.json", Declarations.text(setting(Declarations.death(), "death.date", "2026-13-01")))
        let unknown = "B26-0000-0000"
        let cases: [([String], Int32, String)] = [
            (["register", registered], 65, "is registered; register needs a dossier that is received"),
            (["register", cancelled], 65, "is cancelled"),
            (["register", returned], 65, "is returned"),
            (["return", registered, "--missing", "x"], 65, "return needs a dossier that is received"),
            (["return", returned, "--missing", "x"], 65, "is returned"),
            (["supplement", received, same], 65, "supplement needs a dossier that is returned"),
            (["refuse", registered, "--reason", "x"], 65, "refuse needs a dossier that is received or returned"),
            (["refuse", cancelled, "--reason", "x"], 65, "is cancelled"),
            (["amend", cancelled, patch, "--patch", "--reason", "x"], 65, "amend needs a dossier that is received or registered"),
            (["amend", returned, patch, "--patch", "--reason", "x"], 65, "is returned"),
            (["amend", registered, same, "--reason", "x"], 65, "changes nothing"),
            (["amend", registered, moved, "--reason", "x"], 65, "commune: cannot be corrected"),
            (["amend", registered, clock, "--reason", "x"], 65, "received_at: cannot be corrected"),
            (["amend", registered, invalid, "--reason", "x"], 65, "death.date: must be a real date"),
            (["cancel", received, "--reason", "x"], 65, "cancel needs a dossier that is registered"),
            (["cancel", cancelled, "--reason", "x"], 65, "is cancelled"),
            (["register", unknown], 66, "no dossier \(unknown)"),
            (["cancel", unknown, "--reason", "x"], 66, "no dossier \(unknown)"),
            (["amend", unknown, patch, "--patch", "--reason", "x"], 66, "no dossier \(unknown)"),
            (["return", unknown, "--missing", "x"], 66, "no dossier \(unknown)"),
            (["refuse", unknown, "--reason", "x"], 66, "no dossier \(unknown)"),
            (["supplement", unknown, same], 66, "no dossier \(unknown)"),
            (["register", "../etc/passwd"], 65, "dossier id: must look like"),
        ]
        let before = try box.ledgerBytes()
        for (arguments, status, fragment) in cases {
            let result = try box.run(arguments)
            XCTAssertEqual(result.status, status, "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
            XCTAssertTrue(result.stderr.hasPrefix("civlink: "), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertEqual(result.stdout, "", "\(arguments) printed a decision")
            XCTAssertEqual(try box.ledgerBytes(), before, "\(arguments) changed the ledger")
        }
        // A batch goes on with the ids it can decide, reports the others, and exits with the
        // status of the first refusal.
        let mixed = try box.run("cancel", cancelled, registered, unknown, "--reason", "registered in error")
        XCTAssertEqual(mixed.status, 65, mixed.stderr)
        XCTAssertEqual(mixed.stderr.split(separator: "\n").count, 2, mixed.stderr)
        XCTAssertEqual(try mixed.jsonLines().map { $0["id"] as! String }, [registered])
        XCTAssertEqual(try status(box, registered)["state"] as? String, "cancelled")
    }

    func testCancellingARegisteredDeathVoidsWhatTheAgenciesHave() throws {
        let box = try box()
        for agency in ["population", "residence", "social-insurance", "social-affairs"] {
            try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)"))
        }
        let id = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        try box.signCopy(id)
        try box.ok("transfer")
        // Residence deletion completed, the funeral allowance still with social insurance.
        try box.ok("agency", "simulate", "--spool", box.path("spool/residence"))
        try box.ok("transfer")
        let cancelled = try decision(try box.run("cancel", id, "--reason", "a duplicate of an earlier registration"))
        XCTAssertEqual(cancelled["copy_revoked"] as? Bool, true)
        XCTAssertEqual(cancelled["procedures"] as? [String: String], [
            "death-registration": "cancelled", "certificate-copy": "cancelled", "residence-deletion": "voiding", "funeral-allowance": "voiding",
        ])
        XCTAssertEqual(try box.ok("revoke", "--export").json()["revoked"].map { ($0 as! [[String: Any]]).count }, 1)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 2)
        for agency in ["residence", "social-insurance"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: box.path("spool/\(agency)/outbox")).filter { $0.hasSuffix(".2.json") }
            XCTAssertEqual(files.count, 1, agency)
            let void = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.path("spool/\(agency)/outbox/\(files[0])")))) as! [String: Any]
            XCTAssertEqual(void["kind"] as? String, "void")
            XCTAssertEqual((void["supersedes"] as? String)?.hasSuffix(".1"), true)
            XCTAssertNil(void["certificate_copy"])
            XCTAssertEqual((void["data"] as? [String: Any])?.keys.sorted(), ["reason"], "a void carries no personal data")
        }
        XCTAssertEqual(try states(box, id), ["cancelled", "cancelled", "cancelled", "cancelled"])
        // The agencies acknowledge the voids with receipts; social insurance also answers, late, the
        // allowance request it still had: recorded, and it changes nothing.
        for agency in ["residence", "social-insurance"] { try box.ok("agency", "simulate", "--spool", box.path("spool/\(agency)")) }
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["receipts"] as? Int, 3)
        XCTAssertEqual(try box.ok("transfer", "--quarantine", "--format", "json").stdout, "")
        XCTAssertEqual(try states(box, id), ["cancelled", "cancelled", "cancelled", "cancelled"])
        XCTAssertEqual(try box.ok("status", "--list", "--dossier-state", "cancelled", "--format", "json").jsonLines().count, 1)
        // The cancelled dossier's copy cannot be signed again.
        let key = box.path("officer.key"), cert = box.path("officer.pem")
        XCTAssertEqual(try box.run("sign", id, "--key", key, "--cert", cert).status, 65)
    }
}
