import Foundation
import CivlinkTestSupport
import XCTest

final class TransferTests: XCTestCase {
    static let agencies = ["population", "residence", "social-insurance", "social-affairs"]

    private func spoolBox() throws -> Sandbox {
        let box = try Sandbox()
        try box.ok("init", "--training")
        for agency in TransferTests.agencies { try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)")) }
        return box
    }

    private func httpBox(_ server: AgencyServer, timeout: Int = 30) throws -> Sandbox {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let token = try box.writePrivate("token", "secret-token\n")
        for agency in TransferTests.agencies {
            try box.ok("agency", "add", agency, "--url", "\(server.url)/\(agency)", "--token-file", token, "--timeout", "\(timeout)")
        }
        return box
    }

    private func births(_ box: Sandbox, _ count: Int) throws -> [String] {
        try (0..<count).map { i in
            let declaration = Declarations.birth(childName: "Nguyễn Thị Số \(i)", certificate: "GCS-2026-\(100 + i)")
            return try box.ok("register-birth", stdin: Declarations.text(declaration)).json()["id"] as! String
        }
    }

    private func procedures(_ box: Sandbox, _ id: String) throws -> [[String: Any]] {
        try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
    }

    private func allFinal(_ box: Sandbox, _ ids: [String]) throws -> Bool {
        try ids.allSatisfy { try procedures(box, $0).allSatisfy { ["done", "completed"].contains($0["state"] as! String) } }
    }

    private func messageIDs(_ box: Sandbox, _ ids: [String]) throws -> Set<String> {
        Set(try ids.flatMap { try procedures(box, $0).compactMap { ($0["delivery"] as? [String: Any])?["message_id"] as? String } })
    }

    private func simulate(_ box: Sandbox, _ extra: [String] = []) throws {
        for agency in TransferTests.agencies {
            let result = try box.run(["agency", "simulate", "--spool", box.path("spool/\(agency)")] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
    }

    private func advance(_ box: Sandbox, minutes: Int) {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        let now = formatter.date(from: box.environment["CIVLINK_NOW"]!)!
        box.environment["CIVLINK_NOW"] = formatter.string(from: now.addingTimeInterval(Double(minutes * 60)))
    }

    func testSpoolBirthAndDeathGroupsCompleteEndToEnd() throws {
        let box = try spoolBox()
        let birth = try births(box, 1)[0]
        let death = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String

        XCTAssertTrue(try box.ok("transfer", "--dry-run").stdout.contains("personal-id"))
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 1)
        XCTAssertEqual(try procedures(box, birth).first { $0["code"] as! String == "personal-id" }?["state"] as? String, "sent")
        try simulate(box)
        try box.ok("transfer")
        let personalID = try procedures(box, birth).first { $0["code"] as! String == "personal-id" }!
        XCTAssertEqual(personalID["state"] as? String, "completed")
        let number = (personalID["result"] as! [String: Any])["personal_id"] as! String
        XCTAssertTrue(number.hasPrefix("040326") && number.count == 12, number)   // Nghe An, female born 2000-2099, 2026

        try box.signCopy(birth)
        try box.signCopy(death)
        let sent = try box.ok("transfer", "--format", "json").json()["sent"] as? Int
        XCTAssertEqual(sent, 4)   // residence, HI card, residence deletion, funeral allowance
        // Data minimisation: each agency gets what it needs, with the signed copy.
        let hiFile = try FileManager.default.contentsOfDirectory(atPath: box.path("spool/social-insurance/outbox"))
            .first { $0.contains(birth) }!
        let hi = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.path("spool/social-insurance/outbox/\(hiFile)")))) as! [String: Any]
        XCTAssertEqual(hi["format"] as? String, "civlink.message/1")
        // The copy the agency receives is the officer's signed copy, verifiable offline.
        let copy = try JSONSerialization.data(withJSONObject: hi["certificate_copy"] as Any)
        try copy.write(to: URL(fileURLWithPath: box.path("received-copy.json")))
        try box.ok("verify", box.path("received-copy.json"), "--trust", box.path("ca/ca.pem"))
        let hiData = hi["data"] as! [String: Any]
        XCTAssertEqual((hiData["child"] as! [String: Any])["personal_id"] as? String, number)
        XCTAssertNil(hiData["mother"], "social insurance does not need the mother's data")
        XCTAssertNil(hiData["residence"], "social insurance does not need the residence")

        try simulate(box)
        try box.ok("transfer")
        XCTAssertTrue(try allFinal(box, [birth, death]))
        // Every message reached its agency exactly once.
        var delivered: [String] = []
        for agency in TransferTests.agencies {
            let log = (try? String(contentsOfFile: box.path("spool/\(agency)/delivered.log"), encoding: .utf8)) ?? ""
            delivered += log.split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(delivered.count, Set(delivered).count)
        XCTAssertEqual(Set(delivered), try messageIDs(box, [birth, death]))
        XCTAssertEqual(delivered.count, 5)

        let hiStatus = try procedures(box, birth).first { $0["code"] as! String == "health-insurance-card" }!
        let delivery = hiStatus["delivery"] as! [String: Any]
        XCTAssertEqual(delivery["attempts"] as? Int, 1)
        XCTAssertNotNil(delivery["sent_at"] as? String)
        XCTAssertNotNil(delivery["answered_at"] as? String)
        let card = (hiStatus["result"] as! [String: Any])["card_number"] as! String
        XCTAssertTrue(card.hasPrefix("TE140") && card.count == 15, card)
        XCTAssertEqual((hiStatus["result"] as! [String: Any])["valid_until"] as? String, "2032-11-14")

        // Running again changes nothing.
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 0)
        XCTAssertEqual(try box.ok("status", "--stuck").stdout.split(separator: "\n").count, 1)
    }

    func testReceiptsAreIdempotentInAnyOrderAndMisfitsAreQuarantined() throws {
        let box = try spoolBox()
        let birth = try births(box, 1)[0]
        try box.ok("transfer")
        let inbox = box.path("spool/population/inbox")
        try box.ok("agency", "simulate", "--spool", box.path("spool/population"), "--accept-first")
        try box.ok("agency", "simulate", "--spool", box.path("spool/population"), "--accept-first")
        let names = try FileManager.default.contentsOfDirectory(atPath: inbox).sorted()
        XCTAssertEqual(names.count, 2, "\(names)")
        // The completion arrives before the acceptance.
        let completed = names.first { $0.contains("completed") }!
        try FileManager.default.moveItem(atPath: inbox + "/" + completed, toPath: inbox + "/0-first.json")
        let completedBody = try Data(contentsOf: URL(fileURLWithPath: inbox + "/0-first.json"))
        try box.ok("transfer")
        var personalID = try procedures(box, birth).first { $0["code"] as! String == "personal-id" }!
        XCTAssertEqual(personalID["state"] as? String, "completed")
        let events = try box.ok("status", birth, "--format", "json").json()["timeline"] as! [[String: Any]]

        // The same receipt again changes nothing.
        try completedBody.write(to: URL(fileURLWithPath: inbox + "/again.json"))
        try box.ok("transfer")
        XCTAssertEqual((try box.ok("status", birth, "--format", "json").json()["timeline"] as! [[String: Any]]).count, events.count)
        personalID = try procedures(box, birth).first { $0["code"] as! String == "personal-id" }!
        XCTAssertEqual(personalID["state"] as? String, "completed")

        // What does not fit goes to quarantine, with a reason and no personal data.
        let messageID = (personalID["delivery"] as! [String: Any])["message_id"] as! String
        _ = try box.write("spool/population/inbox/bad1.json", "{oops")
        _ = try box.write("spool/population/inbox/bad2.json", #"{"format":"civlink.receipt/1","message_id":"B26-0000-0000.personal-id.1","procedure":"personal-id","status":"completed","result":{"personal_id":"040326123456"}}"#)
        _ = try box.write("spool/population/inbox/bad3.json", #"{"format":"civlink.receipt/1","message_id":"\#(messageID)","procedure":"residence-registration","status":"completed","result":{"confirmation":"X"}}"#)
        _ = try box.write("spool/population/inbox/bad4.json", #"{"format":"civlink.receipt/1","message_id":"\#(messageID)","procedure":"personal-id","status":"completed","result":{"personal_id":"12"}}"#)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["quarantined"] as? Int, 4)
        let quarantine = try box.ok("transfer", "--quarantine", "--format", "json").jsonLines()
        XCTAssertEqual(quarantine.map { $0["reason"] as! String }, [
            "malformed JSON", "unknown message id", "receipt for procedure residence-registration answers a personal-id message",
            "result.personal_id: must be 12 digits",
        ])
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: inbox).isEmpty)
        _ = try box.write("spool/population/inbox/bad1-again.json", "{oops")
        try box.ok("transfer")
        XCTAssertEqual(try box.ok("transfer", "--quarantine", "--format", "json").jsonLines().count, 4)
        XCTAssertEqual(try procedures(box, birth).first { $0["code"] as! String == "personal-id" }?["state"] as? String, "completed")
    }

    func testRejectionReturnsToOfficerAndResendsUnderNewID() throws {
        let box = try spoolBox()
        let birth = try births(box, 1)[0]
        try box.ok("transfer")
        try box.ok("agency", "simulate", "--spool", box.path("spool/population"), "--rejection-rate", "1")
        try box.ok("transfer")
        let stuck = try box.ok("status", "--stuck", "--format", "json").jsonLines()
        XCTAssertEqual(stuck.count, 1)
        XCTAssertEqual(stuck.first?["state"] as? String, "rejected")
        XCTAssertTrue((stuck.first?["last_error"] as? String ?? "").contains("simulated rejection"))
        // A plain run does not resend a rejection; the officer's --retry does, under a new id.
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 0)
        try box.ok("transfer", "--retry", birth)
        let outbox = box.path("spool/population/outbox")
        let files = try FileManager.default.contentsOfDirectory(atPath: outbox)
        XCTAssertEqual(files, ["\(birth).personal-id.2.json"])
        let message = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: outbox + "/" + files[0]))) as! [String: Any]
        XCTAssertEqual(message["supersedes"] as? String, "\(birth).personal-id.1")
        try box.ok("agency", "simulate", "--spool", box.path("spool/population"))
        try box.ok("transfer")
        XCTAssertEqual(try procedures(box, birth).first { $0["code"] as! String == "personal-id" }?["state"] as? String, "completed")
    }

    func testAgencyDownBacksOffThenGoesStuckThenRetrySendsTheSameMessage() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        try box.ok("agency", "add", "population", "--url", "http://127.0.0.1:9/population", "--timeout", "5")
        let birth = try births(box, 1)[0]
        XCTAssertEqual(try box.ok("transfer", "--max-attempts", "3", "--format", "json").json()["failed"] as? Int, 1)
        // Backing off: the same minute sends nothing.
        XCTAssertEqual(try box.ok("transfer", "--max-attempts", "3", "--format", "json").json()["failed"] as? Int, 0)
        advance(box, minutes: 120)
        try box.ok("transfer", "--max-attempts", "3")
        advance(box, minutes: 120)
        XCTAssertEqual(try box.ok("transfer", "--max-attempts", "3", "--format", "json").json()["stuck"] as? Int, 1)
        let stuck = try box.ok("status", "--stuck", "--format", "json").jsonLines()
        XCTAssertEqual(stuck.first?["state"] as? String, "stuck")
        XCTAssertEqual(stuck.first?["attempts"] as? Int, 3)
        XCTAssertTrue((stuck.first?["last_error"] as? String ?? "").contains("connection refused"), "\(stuck)")
        advance(box, minutes: 600)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 0, "stuck is never retried silently")

        let server = try AgencyServer()
        try box.ok("agency", "add", "population", "--url", "\(server.url)/population")
        XCTAssertEqual(try box.ok("agency", "check", "--format", "csv").stdout, "code,transport,reachable,problem\r\npopulation,http,true,\r\n")
        try box.ok("transfer", "--retry", birth)
        XCTAssertEqual(try server.processed(), ["\(birth).personal-id.1": 1])
        XCTAssertEqual(try procedures(box, birth).first { $0["code"] as! String == "personal-id" }?["state"] as? String, "completed")
        XCTAssertTrue(try box.ok("status", "--stuck", "--format", "json").stdout.isEmpty)
    }

    func testHTTPFaultsEndWithEveryMessageDeliveredExactlyOnce() throws {
        let server = try AgencyServer()
        let box = try httpBox(server, timeout: 2)
        let ids = try births(box, 3) + [try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String]
        for id in ids { try box.signCopy(id) }
        // HTTP 500 twice, a connection reset after the agency took the message, a hang past the
        // timeout after it took one, then slow answers.
        try server.control(["fail": 2, "reset": 1, "hang": 1, "hang_seconds": 4, "slow": 0.2])
        var rounds = 0
        while try !allFinal(box, ids) {
            rounds += 1
            XCTAssertLessThan(rounds, 20, "transfers did not converge")
            if rounds >= 20 { break }
            try box.ok("transfer", "--backoff", "1", "--concurrency", "4")
            advance(box, minutes: 10)
        }
        let processed = try server.processed()
        XCTAssertEqual(Set(processed.keys), try messageIDs(box, ids))
        XCTAssertEqual(processed.count, 3 * 3 + 2)
        XCTAssertTrue(processed.values.allSatisfy { $0 == 1 }, "\(processed)")
        XCTAssertGreaterThan(try server.posts(), processed.count, "the faults must have caused retries")
        let attempts = try ids.flatMap { try procedures(box, $0).compactMap { ($0["delivery"] as? [String: Any])?["attempts"] as? Int } }
        XCTAssertTrue(attempts.contains { $0 > 1 }, "\(attempts)")
    }

    func testAcceptedThenCompletedByPollingHTTP() throws {
        let server = try AgencyServer()
        let box = try httpBox(server)
        let birth = try births(box, 1)[0]
        try server.control(["accept_first": true])
        try box.ok("transfer")
        XCTAssertEqual(try procedures(box, birth).first { $0["code"] as! String == "personal-id" }?["state"] as? String, "accepted")
        try box.ok("transfer")
        XCTAssertEqual(try procedures(box, birth).first { $0["code"] as! String == "personal-id" }?["state"] as? String, "completed")
    }

    func testKill9InTheMiddleOfATransferLosesAndDuplicatesNothing() throws {
        let server = try AgencyServer()
        let box = try httpBox(server)
        let ids = try births(box, 6)
        try server.control(["slow": 1.0])
        let process = try box.start(["transfer", "--concurrency", "1"])
        var polls = 0
        while try server.posts() < 2 && polls < 600 {
            polls += 1
            usleep(50_000)
        }
        XCTAssertGreaterThanOrEqual(try server.posts(), 2)
        // An overlapping run is refused while the first holds the lock.
        XCTAssertEqual(try box.run("transfer").status, 75)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try server.control(["slow": 0])
        try box.ok("transfer")
        for id in ids { try box.signCopy(id) }
        try box.ok("transfer")
        XCTAssertTrue(try allFinal(box, ids))
        let processed = try server.processed()
        XCTAssertEqual(processed.count, 6 * 3)
        XCTAssertTrue(processed.values.allSatisfy { $0 == 1 })
        XCTAssertEqual(Set(processed.keys), try messageIDs(box, ids))
        XCTAssertTrue(processed.keys.allSatisfy { $0.hasSuffix(".1") }, "retries keep the message id")
    }

    func testADossierThatCannotBeSentDoesNotHoldUpTheOthers() throws {
        let box = try spoolBox()
        let ids = try births(box, 2)
        try box.ok("transfer")
        try simulate(box)
        try box.ok("transfer")
        for id in ids { try box.signCopy(id) }
        // The first dossier's signed copy is revoked: its messages cannot be built.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sqlite.arguments = ["sqlite3", box.ledgerPath, "UPDATE signed_copies SET revoked_at = 1 WHERE dossier_id = '\(ids[0])'"]
        try sqlite.run()
        sqlite.waitUntilExit()
        let report = try box.ok("transfer", "--format", "json").json()
        XCTAssertEqual(report["sent"] as? Int, 2)
        XCTAssertEqual(report["failed"] as? Int, 2)
        let blocked = try procedures(box, ids[0]).first { $0["code"] as! String == "residence-registration" }!
        XCTAssertEqual(blocked["state"] as? String, "ready")
        XCTAssertTrue(((blocked["delivery"] as! [String: Any])["last_error"] as? String ?? "").contains("no signed certificate copy"))
        XCTAssertEqual(try procedures(box, ids[1]).first { $0["code"] as! String == "residence-registration" }?["state"] as? String, "sent")
    }

    func testRetryOfASentMessageWhoseSpoolWasWipedResendsTheSameID() throws {
        let box = try spoolBox()
        let birth = try births(box, 1)[0]
        try box.ok("transfer")
        let outbox = box.path("spool/population/outbox")
        let name = "\(birth).personal-id.1.json"
        let original = try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + name))
        try FileManager.default.removeItem(atPath: outbox + "/" + name)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 0, "a sent message is not resent unasked")
        try box.ok("transfer", "--retry", birth, "--procedure", "personal-id")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: outbox + "/" + name)), original, "the same message, byte for byte")
        try box.ok("agency", "simulate", "--spool", box.path("spool/population"))
        try box.ok("transfer")
        XCTAssertEqual(try procedures(box, birth).first { $0["code"] as! String == "personal-id" }?["state"] as? String, "completed")
    }

    func testKill9InTheMiddleOfASpoolTransferLosesAndDuplicatesNothing() throws {
        let box = try spoolBox()
        let lines = (0..<600).map { i in
            Declarations.text(Declarations.birth(childName: "Trần Văn Số \(i)", motherID: "040195000123", certificate: "GCS-K-\(i)"))
        }.joined(separator: "\n")
        let registered = try box.run(["register-birth", "--batch", "-"], stdin: Data((lines + "\n").utf8))
        XCTAssertEqual(registered.status, 0, registered.stderr)
        let ids = try registered.jsonLines().map { $0["id"] as! String }
        XCTAssertEqual(ids.count, 600)
        let process = try box.start(["transfer", "--concurrency", "1"])
        let outbox = box.path("spool/population/outbox")
        var polls = 0
        while process.isRunning && ((try? FileManager.default.contentsOfDirectory(atPath: outbox))?.count ?? 0) < 20 && polls < 2000 {
            polls += 1
            usleep(5_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // No torn files: everything in the outbox is a whole message.
        for name in try FileManager.default.contentsOfDirectory(atPath: outbox) where !name.hasPrefix(".") {
            XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: outbox + "/" + name))), name)
        }
        try simulate(box)        // the agency takes what it already has
        try box.ok("transfer")   // resends what was not recorded, ingests receipts
        try simulate(box)
        try box.ok("transfer")
        let delivered = try String(contentsOfFile: box.path("spool/population/delivered.log"), encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(delivered.count, 600)
        XCTAssertEqual(Set(delivered.map(String.init)), Set(ids.map { "\($0).personal-id.1" }))
        let completed = try box.ok("status", "--list", "--state", "completed", "--format", "json").jsonLines()
        XCTAssertEqual(completed.count, 600)
    }

    func testAgencyConfiguration() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        XCTAssertEqual(try box.run("agency", "add", "civil-status", "--spool", "x").status, 65)
        XCTAssertEqual(try box.run("agency", "add", "population").status, 64)
        XCTAssertEqual(try box.run("agency", "add", "population", "--url", "ftp://x").status, 65)
        try box.ok("agency", "add", "residence", "--spool", box.path("police"))
        let listed = try box.ok("agency", "list", "--format", "json").jsonLines()
        XCTAssertEqual(listed.map { $0["code"] as! String }, ["residence"])
        let check = try box.ok("agency", "check", "residence", "--format", "json").json()
        XCTAssertEqual(check["format"] as? String, "civlink.agency-check/1")
        XCTAssertEqual(check["reachable"] as? Bool, true)
        XCTAssertTrue(try box.ok("agency", "check", "residence").stdout.hasPrefix("AGENCY     TRANSPORT  REACHABLE  PROBLEM\nresidence  spool      yes        -"))
        try box.ok("agency", "remove", "residence")
        XCTAssertEqual(try box.run("agency", "remove", "residence").status, 66)
    }
}
