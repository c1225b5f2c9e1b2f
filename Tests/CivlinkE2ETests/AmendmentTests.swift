import Foundation
import CivlinkTestSupport
import XCTest

/// An amendment reaches exactly the agencies whose data changed, over spool and HTTP: updates
/// superseding what they have, a corrected resend after a rejection, a void when the plan drops a
/// procedure, and nothing at all for the others.
final class AmendmentTests: XCTestCase {
    static let agencies = ["population", "residence", "social-insurance", "social-affairs"]

    private func spoolBox() throws -> Sandbox {
        let box = try Sandbox()
        try box.ok("init", "--training")
        for agency in AmendmentTests.agencies { try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)")) }
        return box
    }

    private func simulate(_ box: Sandbox, _ agencies: [String] = AmendmentTests.agencies, _ extra: [String] = []) throws {
        for agency in agencies {
            let result = try box.run(["agency", "simulate", "--spool", box.path("spool/\(agency)")] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
        }
    }

    /// Transfers and agency answers until nothing more moves.
    private func settle(_ box: Sandbox) throws {
        for _ in 0..<4 {
            try box.ok("transfer")
            try simulate(box)
        }
        try box.ok("transfer")
    }

    /// Every message id each agency took in, in order (the simulator's log).
    private func delivered(_ box: Sandbox) -> [String: [String]] {
        var result: [String: [String]] = [:]
        for agency in AmendmentTests.agencies {
            let log = (try? String(contentsOfFile: box.path("spool/\(agency)/delivered.log"), encoding: .utf8)) ?? ""
            result[agency] = log.split(separator: "\n").map(String.init)
        }
        return result
    }

    private func procedures(_ box: Sandbox, _ id: String) throws -> [String: [String: Any]] {
        let list = try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: list.map { ($0["code"] as! String, $0) })
    }

    private func message(_ box: Sandbox, _ agency: String, _ id: String) throws -> [String: Any] {
        let url = URL(fileURLWithPath: box.path("spool/\(agency)/outbox/\(id).json"))
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    private func amend(_ box: Sandbox, _ id: String, patch: String, reason: String = "correction") throws -> [String: Any] {
        let result = try box.run(["amend", id, "-", "--patch", "--reason", reason], stdin: Data(patch.utf8))
        XCTAssertEqual(result.status, 0, result.stderr)
        return try result.json()
    }

    func testSpoolAmendmentReachesExactlyTheAgenciesWhoseDataChanged() throws {
        let box = try spoolBox()
        let birth = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        let death = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        try box.signCopy(birth)
        try box.signCopy(death)
        try settle(box)
        XCTAssertEqual(delivered(box).mapValues(\.count), ["population": 1, "residence": 2, "social-insurance": 2, "social-affairs": 0])
        let firstID = try procedures(box, birth)["personal-id"]!["result"] as! [String: Any]

        // The mother's ID number was wrong: the population database and residence registration carry
        // it, the health-insurance card does not.
        let amended = try amend(box, birth, patch: #"{"mother": {"personal_id": "040195000124"}}"#, reason: "the mother's ID number was misread")
        XCTAssertEqual(amended["procedures"] as? [String: String],
                       ["personal-id": "update", "residence-registration": "update", "health-insurance-card": "unchanged"])
        XCTAssertEqual(amended["copy_revoked"] as? Bool, true)
        var now = try procedures(box, birth)
        XCTAssertEqual(now["personal-id"]?["state"] as? String, "ready")
        XCTAssertEqual(now["certificate-copy"]?["state"] as? String, "ready", "a new copy must be signed")
        XCTAssertEqual(now["residence-registration"]?["state"] as? String, "waiting", "its update carries the new copy")
        XCTAssertEqual(now["health-insurance-card"]?["state"] as? String, "completed", "left alone")
        XCTAssertEqual((now["personal-id"]?["result"] as? [String: Any])?["personal_id"] as? String, firstID["personal_id"] as? String,
                       "the returned result stays until the agency answers the update")

        // The update to the population database goes at once and supersedes what it has.
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 1)
        let update = try message(box, "population", "\(birth).personal-id.2")
        XCTAssertEqual(update["kind"] as? String, "update")
        XCTAssertEqual(update["supersedes"] as? String, "\(birth).personal-id.1")
        XCTAssertEqual(((update["data"] as? [String: Any])?["mother"] as? [String: Any])?["personal_id"] as? String, "040195000124")
        // Residence waits for the new signature, then gets its update with the new copy.
        try simulate(box, ["population"])
        try box.ok("transfer")
        XCTAssertEqual(try procedures(box, birth)["residence-registration"]?["state"] as? String, "waiting")
        try box.signCopy(birth)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 1)
        let residence = try message(box, "residence", "\(birth).residence-registration.2")
        XCTAssertEqual(residence["kind"] as? String, "update")
        XCTAssertEqual(residence["supersedes"] as? String, "\(birth).residence-registration.1")
        XCTAssertEqual(((residence["certificate_copy"] as? [String: Any])?["copy"] as? [String: Any])?["issue"] as? Int, 2)
        try settle(box)
        now = try procedures(box, birth)
        XCTAssertTrue(now.values.allSatisfy { ["done", "completed"].contains($0["state"] as! String) }, "\(now)")

        // The death: only the beneficiary's account changes, which only the funeral allowance carries.
        let deathAmended = try amend(box, death, patch: #"{"beneficiary": {"account": "9876543210"}}"#)
        XCTAssertEqual(deathAmended["procedures"] as? [String: String], ["residence-deletion": "unchanged", "funeral-allowance": "update"])
        try box.signCopy(death)
        try settle(box)

        let log = delivered(box)
        XCTAssertEqual(log["population"], ["\(birth).personal-id.1", "\(birth).personal-id.2"])
        XCTAssertEqual(Set(log["residence"]!), ["\(birth).residence-registration.1", "\(birth).residence-registration.2", "\(death).residence-deletion.1"])
        XCTAssertEqual(Set(log["social-insurance"]!), ["\(birth).health-insurance-card.1", "\(death).funeral-allowance.1", "\(death).funeral-allowance.2"])
        XCTAssertEqual(log["social-affairs"], [])
        // Each receipt was applied once; the agencies answered every update.
        XCTAssertEqual(try box.ok("transfer", "--quarantine", "--format", "json").stdout, "")
        XCTAssertTrue(try procedures(box, death).values.allSatisfy { ["done", "completed"].contains($0["state"] as! String) })
    }

    func testARejectedProcedureIsResentCorrectedUnderANewID() throws {
        let box = try spoolBox()
        let birth = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        try box.signCopy(birth)
        try box.ok("transfer")
        try simulate(box, ["population"])
        try box.ok("transfer")
        // Residence rejects: the address does not exist.
        try simulate(box, ["residence"], ["--rejection-rate", "1"])
        try simulate(box, ["social-insurance"])
        try box.ok("transfer")
        XCTAssertEqual(try procedures(box, birth)["residence-registration"]?["state"] as? String, "rejected")
        // Resending the same data would be rejected again; the officer corrects the address.
        let amended = try amend(box, birth, patch: #"{"residence_registration": {"address": "Khối 12, phường Quang Trung, Vinh"}}"#)
        XCTAssertEqual(amended["procedures"] as? [String: String],
                       ["personal-id": "unchanged", "residence-registration": "resend", "health-insurance-card": "unchanged"])
        try box.signCopy(birth)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["sent"] as? Int, 1)
        let resent = try message(box, "residence", "\(birth).residence-registration.2")
        XCTAssertEqual(resent["kind"] as? String, "request", "a corrected resend, not an update of something the agency holds")
        XCTAssertEqual(resent["supersedes"] as? String, "\(birth).residence-registration.1")
        XCTAssertEqual(((resent["data"] as? [String: Any])?["residence"] as? [String: Any])?["address"] as? String, "Khối 12, phường Quang Trung, Vinh")
        try simulate(box, ["residence"])
        try box.ok("transfer")
        XCTAssertEqual(try procedures(box, birth)["residence-registration"]?["state"] as? String, "completed")
        XCTAssertEqual(delivered(box)["population"], ["\(birth).personal-id.1"])
        XCTAssertEqual(delivered(box)["social-insurance"], ["\(birth).health-insurance-card.1"])
    }

    func testAnAmendmentThatChangesTheEntitlementVoidsOneBenefitAndPlansTheOther() throws {
        let box = try spoolBox()
        let death = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        try box.signCopy(death)
        try settle(box)
        // Not a pensioner after all, but a social-assistance beneficiary: funeral cost support, not the allowance.
        let amended = try amend(box, death, patch: #"{"entitlement": {"pensioner": false, "social_assistance": true}}"#)
        XCTAssertEqual(amended["procedures"] as? [String: String],
                       ["funeral-allowance": "void", "funeral-support": "planned", "residence-deletion": "unchanged"])
        try box.signCopy(death)
        try settle(box)
        let list = try box.ok("status", death, "--format", "json").json()["procedures"] as! [[String: Any]]
        XCTAssertEqual(list.map { "\($0["code"]!)=\($0["state"]!)" }, [
            "death-registration=done", "certificate-copy=done", "residence-deletion=completed", "funeral-support=completed",
            "funeral-allowance=cancelled",
        ])
        // Social insurance got the void of the allowance request it had (and acknowledged it).
        XCTAssertEqual(delivered(box)["social-insurance"], ["\(death).funeral-allowance.1", "\(death).funeral-allowance.2"])
        let allowance = list.first { $0["code"] as? String == "funeral-allowance" }!
        XCTAssertEqual((allowance["delivery"] as? [String: Any])?["message_id"] as? String, "\(death).funeral-allowance.2")
        XCTAssertEqual(delivered(box)["social-affairs"], ["\(death).funeral-support.1"])
        XCTAssertEqual(delivered(box)["residence"], ["\(death).residence-deletion.1"])
    }

    func testHTTPAmendmentReachesExactlyTheAgenciesWhoseDataChanged() throws {
        let server = try AgencyServer()
        let box = try Sandbox()
        try box.ok("init", "--training")
        let token = try box.write("token", "secret-token\n")
        chmod(token, 0o600)   // a token readable by others is refused
        for agency in AmendmentTests.agencies {
            try box.ok("agency", "add", agency, "--url", "\(server.url)/\(agency)", "--token-file", token)
        }
        let birth = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        let other = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Trần Văn Khác", motherID: "040195000777",
                                                                                              certificate: "GCS-2026-777"))).json()["id"] as! String
        try box.signCopy(birth)
        try box.signCopy(other)
        try box.ok("transfer")
        try box.ok("transfer")
        XCTAssertEqual(try server.processed().count, 6)
        // The child's name is corrected: everything that carries it gets an update, the other dossier nothing.
        let amended = try amend(box, birth, patch: #"{"child": {"full_name": "Nguyễn Thị Ánh Dương"}}"#)
        XCTAssertEqual(amended["procedures"] as? [String: String],
                       ["personal-id": "update", "residence-registration": "update", "health-insurance-card": "update"])
        try box.ok("transfer")
        try box.signCopy(birth)
        try box.ok("transfer")
        try box.ok("transfer")
        let kinds = try server.kinds()
        XCTAssertEqual(kinds.filter { $0.value == "update" }.keys.sorted(), [
            "\(birth).health-insurance-card.2", "\(birth).personal-id.2", "\(birth).residence-registration.2",
        ])
        XCTAssertFalse(kinds.keys.contains { $0.hasPrefix(other) && !$0.hasSuffix(".1") })
        XCTAssertTrue(try server.processed().values.allSatisfy { $0 == 1 })
        let list = try box.ok("status", birth, "--format", "json").json()["procedures"] as! [[String: Any]]
        XCTAssertTrue(list.allSatisfy { ["done", "completed"].contains($0["state"] as! String) }, "\(list)")
        // Cancelling it voids at each agency that has its data, once.
        try box.ok("cancel", birth, "--reason", "registered in error")
        try box.ok("transfer")
        XCTAssertEqual(try server.kinds().filter { $0.value == "void" }.keys.sorted(), [
            "\(birth).health-insurance-card.3", "\(birth).personal-id.3", "\(birth).residence-registration.3",
        ])
        let cancelled = try box.ok("status", birth, "--format", "json").json()["procedures"] as! [[String: Any]]
        XCTAssertEqual(cancelled.map { $0["state"] as! String }, ["cancelled", "cancelled", "cancelled", "cancelled", "cancelled"])
        XCTAssertEqual(try box.ok("transfer", "--quarantine", "--format", "json").stdout, "")
    }
}
