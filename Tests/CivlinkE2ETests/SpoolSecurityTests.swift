import CivlinkTestSupport
import Foundation
import XCTest

/// Spools and output files against other local users: modes whatever the umask, symbolic links,
/// big files, files of another user, message ids that would leave the spool, `--out` files.
final class SpoolSecurityTests: XCTestCase {
    private func mode(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? -1
    }

    /// civlink run under umask 000, through a shell.
    private func runUnderOpenUmask(_ box: Sandbox, _ arguments: [String]) throws -> RunResult {
        try box.run(["-c", "umask 000; exec \"$0\" \"$@\"", Sandbox.binary.path] + arguments, executable: "/bin/sh")
    }

    private func birth(_ box: Sandbox) throws -> String {
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
    }

    private func personalIDState(_ box: Sandbox, _ id: String) throws -> String {
        let procedures = try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
        return procedures.first { $0["code"] as! String == "personal-id" }!["state"] as! String
    }

    func testSpoolsAndMessagesArePrivateUnderAnOpenUmask() throws {
        let box = try Sandbox()
        XCTAssertEqual(try runUnderOpenUmask(box, ["init"]).status, 0)
        XCTAssertEqual(try runUnderOpenUmask(box, ["agency", "add", "population", "--spool", box.path("spool/population")]).status, 0)
        _ = try birth(box)
        XCTAssertEqual(try runUnderOpenUmask(box, ["transfer"]).status, 0)
        for dir in ["spool/population", "spool/population/outbox", "spool/population/inbox"] {
            XCTAssertEqual(mode(box.path(dir)), 0o700, dir)
        }
        let outbox = box.path("spool/population/outbox")
        let names = try FileManager.default.contentsOfDirectory(atPath: outbox)
        XCTAssertEqual(names.count, 1)
        XCTAssertEqual(mode(outbox + "/" + names[0]), 0o600)
        XCTAssertEqual(mode(box.ledgerPath), 0o600)

        // A directory an older civlink left open is brought back to 0700.
        chmod(box.path("spool/population/inbox"), 0o777)
        XCTAssertEqual(try runUnderOpenUmask(box, ["transfer"]).status, 0)
        XCTAssertEqual(mode(box.path("spool/population/inbox")), 0o700)

        // The simulator, run by the agency's side, keeps it so.
        XCTAssertEqual(try runUnderOpenUmask(box, ["agency", "simulate", "--spool", box.path("spool/population")]).status, 0)
        for name in try FileManager.default.contentsOfDirectory(atPath: box.path("spool/population/inbox")) {
            XCTAssertEqual(mode(box.path("spool/population/inbox/\(name)")), 0o600, name)
        }
    }

    func testASpoolSharedWithAGroupIs0770AndItsMessages0640() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let group = "daemon"
        let gid = Int(getgrnam(group)!.pointee.gr_gid)
        XCTAssertEqual(try runUnderOpenUmask(box, ["agency", "add", "population", "--spool", box.path("shared"), "--group", group]).status, 0)
        _ = try birth(box)
        XCTAssertEqual(try runUnderOpenUmask(box, ["transfer"]).status, 0)
        for dir in ["shared", "shared/outbox", "shared/inbox"] {
            XCTAssertEqual(mode(box.path(dir)), 0o770, dir)
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: box.path(dir))[.groupOwnerAccountID] as? Int, gid, dir)
        }
        let name = try FileManager.default.contentsOfDirectory(atPath: box.path("shared/outbox"))[0]
        XCTAssertEqual(mode(box.path("shared/outbox/\(name)")), 0o640)
        XCTAssertEqual(try box.ok("agency", "list", "--format", "json").jsonLines().first?["group"] as? String, group)
        let unknown = try box.run("agency", "add", "residence", "--spool", box.path("x"), "--group", "no-such-group-here")
        XCTAssertEqual(unknown.status, 65, unknown.stderr)
        XCTAssertEqual(try box.run("agency", "add", "residence", "--url", "https://a.example/", "--group", group).status, 64)
    }

    func testInboxLinksBigFilesAndOtherUsersFilesAreQuarantinedUnread() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        try box.ok("agency", "add", "population", "--spool", box.path("spool"))
        let id = try birth(box)
        try box.ok("transfer")
        let messageID = "\(id).personal-id.1"
        let inbox = box.path("spool/inbox")
        let receipt = #"{"format":"civlink.receipt/1","message_id":"\#(messageID)","procedure":"personal-id","status":"completed","result":{"personal_id":"040326000001"}}"#

        // A symbolic link to a private file of the ledger's user: never followed.
        let secret = try box.write("private.txt", "PRIVATE-CONTENT-0123456789")
        try FileManager.default.createSymbolicLink(atPath: inbox + "/link.json", withDestinationPath: secret)
        // A receipt planted by another local user.
        let planted = try box.write("spool/inbox/planted.json", receipt)
        XCTAssertEqual(chown(planted, 65534, 65534), 0)
        // A 30 MB file.
        let big = inbox + "/big.json"
        FileManager.default.createFile(atPath: big, contents: Data(repeating: 0x20, count: 30 << 20))
        // A FIFO would block a plain open.
        XCTAssertEqual(mkfifo(inbox + "/fifo.json", 0o600), 0)

        let report = try box.ok("transfer", "--format", "json").json()
        XCTAssertEqual(report["quarantined"] as? Int, 4)
        XCTAssertEqual(report["receipts"] as? Int, 0)
        XCTAssertEqual(try personalIDState(box, id), "sent", "nothing planted was applied")
        let entries = try box.ok("transfer", "--quarantine", "--format", "json").jsonLines()
        let reasons = Dictionary(uniqueKeysWithValues: entries.map { (URL(fileURLWithPath: $0["source"] as! String).lastPathComponent, $0["reason"] as! String) })
        XCTAssertEqual(reasons["link.json"], "a symbolic link, not followed")
        XCTAssertEqual(reasons["planted.json"], "owned by another user (uid 65534)")
        XCTAssertEqual(reasons["fifo.json"], "not a regular file")
        XCTAssertTrue(reasons["big.json"]?.hasPrefix("larger than 1048576 bytes") ?? false, "\(reasons)")
        XCTAssertTrue(entries.allSatisfy { $0["agency"] as? String == "population" })
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: inbox).isEmpty, "refused entries leave the inbox")
        XCTAssertTrue(FileManager.default.fileExists(atPath: secret), "removing the link keeps its target")
        let ledger = try box.ledgerBytes()
        XCTAssertNil(ledger.range(of: Data("PRIVATE-CONTENT".utf8)), "the linked file's content is not in the ledger")
        XCTAssertLessThan(ledger.count, 4 << 20, "the big file is not stored whole")
        let bigEntry = entries.first { ($0["source"] as! String).hasSuffix("big.json") }!
        XCTAssertEqual(bigEntry["size"] as? Int, 30 << 20)
        let shown = try box.ok("transfer", "--quarantine", "--show", "\(bigEntry["id"]!)", "--format", "json").json()
        XCTAssertEqual((shown["prefix"] as? String)?.utf8.count, 4096)
        XCTAssertEqual(shown["prefix_complete"] as? Bool, false)

        // The ledger's user's own receipt is applied.
        _ = try box.write("spool/inbox/good.json", receipt)
        try box.ok("transfer")
        XCTAssertEqual(try personalIDState(box, id), "completed")
    }

    func testQuarantineShowsOneEntryAndClearsIt() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        try box.ok("agency", "add", "population", "--spool", box.path("spool"))
        let id = try birth(box)
        try box.ok("transfer")
        let body = #"{"format":"civlink.receipt/1","message_id":"\#(id).personal-id.1","procedure":"personal-id","status":"completed","result":{"personal_id":"12"}}"#
        _ = try box.write("spool/inbox/bad.json", body)
        try box.ok("transfer")
        let entry = try box.ok("transfer", "--quarantine", "--format", "json").jsonLines()[0]
        XCTAssertEqual(entry["message_id"] as? String, "\(id).personal-id.1")
        XCTAssertEqual(entry["agency"] as? String, "population")
        XCTAssertEqual(entry["size"] as? Int, body.utf8.count)
        let number = "\(entry["id"]!)"
        let shown = try box.ok("transfer", "--quarantine", "--show", number).stdout
        XCTAssertTrue(shown.contains("message:   \(id).personal-id.1"), shown)
        XCTAssertTrue(shown.contains("reason:    result.personal_id: must be 12 digits"), shown)
        XCTAssertTrue(shown.contains(body), shown)
        XCTAssertEqual(try box.run("transfer", "--quarantine", "--show", "999").status, 66)
        XCTAssertEqual(try box.run("transfer", "--quarantine", "--show", "x").status, 64)
        XCTAssertEqual(try box.run("transfer", "--show", number).status, 64)

        try box.ok("transfer", "--quarantine", "--clear", number)
        XCTAssertTrue(try box.ok("transfer", "--quarantine", "--format", "json").stdout.isEmpty)
        let all = try box.ok("transfer", "--quarantine", "--all", "--format", "json").jsonLines()
        XCTAssertEqual(all.count, 1)
        XCTAssertEqual(all[0]["cleared_by"] as? String, "officer-test")
        XCTAssertEqual(try box.run("transfer", "--quarantine", "--clear", number).status, 65, "cleared already")
        // The same answer again opens the entry again.
        _ = try box.write("spool/inbox/bad-again.json", body)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["quarantined"] as? Int, 1)
        XCTAssertEqual(try box.ok("transfer", "--quarantine", "--format", "json").jsonLines().count, 1)
    }

    func testTheSimulatorStaysInsideItsSpool() throws {
        let box = try Sandbox()
        let spool = box.path("spool")
        try FileManager.default.createDirectory(atPath: spool + "/outbox", withIntermediateDirectories: true)
        for (name, id) in [("evil1.json", "../../escaped"), ("evil2.json", "/tmp/civlink-escaped-\(getpid())"), ("evil3.json", "..")] {
            _ = try box.write("spool/outbox/\(name)", #"{"format":"civlink.message/1","message_id":"\#(id)","procedure":"personal-id","data":{}}"#)
        }
        let result = try box.run("agency", "simulate", "--spool", spool)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("refused 3"), result.stdout)
        XCTAssertFalse(FileManager.default.fileExists(atPath: box.path("escaped.completed.json")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: box.directory.deletingLastPathComponent().appendingPathComponent("escaped.completed.json").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/civlink-escaped-\(getpid()).completed.json"))
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: spool + "/inbox").isEmpty)
    }

    func testOutFilesArePrivateAndNeverSilentlyReplaced() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try birth(box)
        _ = try box.officer()
        let existing = try box.write("copy.json", "an older file\n")
        let refused = try box.run("sign", id, "--key", box.path("officer.key"), "--cert", box.path("officer.pem"), "--out", existing)
        XCTAssertEqual(refused.status, 73, refused.stderr)
        XCTAssertTrue(refused.stderr.contains("exists already"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("--force"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "an older file\n")
        let procedures = try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
        XCTAssertEqual(procedures.first { $0["code"] as! String == "certificate-copy" }?["state"] as? String, "ready", "nothing was signed")

        let fresh = box.path("fresh.json")
        let signed = try runUnderOpenUmask(box, ["sign", id, "--key", box.path("officer.key"), "--cert", box.path("officer.pem"), "--out", fresh])
        XCTAssertEqual(signed.status, 0, signed.stderr)
        XCTAssertEqual(mode(fresh), 0o600)

        XCTAssertEqual(try runUnderOpenUmask(box, ["copy", id, "--out", existing]).status, 73)
        XCTAssertEqual(try String(contentsOfFile: existing, encoding: .utf8), "an older file\n")
        chmod(existing, 0o644)
        XCTAssertEqual(try runUnderOpenUmask(box, ["copy", id, "--out", existing, "--force"]).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: existing)), try Data(contentsOf: URL(fileURLWithPath: fresh)))
        XCTAssertEqual(mode(existing), 0o600, "a replaced file is private too")
        // A link where the file should go is refused even with --force.
        try FileManager.default.createSymbolicLink(atPath: box.path("link.json"), withDestinationPath: box.path("target.json"))
        XCTAssertEqual(try box.run("copy", id, "--out", box.path("link.json"), "--force").status, 73)
        XCTAssertFalse(FileManager.default.fileExists(atPath: box.path("target.json")))
        XCTAssertEqual(try box.run("copy", id, "--force").status, 64)
    }
}
