import CivlinkTestSupport
import Foundation
import XCTest

/// What the support team and cron see: transfers when one agency is misconfigured, the transfer
/// log, stuck procedures, doctor without a ledger, backups into a directory, and (in a real
/// terminal, driven through tmux) the progress line and the prompt for standard input.
final class SupportTests: XCTestCase {
    /// A signed death: residence-deletion and funeral-allowance (social insurance) are ready.
    private func signedDeath() throws -> (Sandbox, String) {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try box.register("death", Declarations.death(), at: "2026-11-19T09:00:00+07:00")
        try box.signCopy(id)
        return (box, id)
    }

    /// Reaches `agency` through a spool that is then replaced by a plain file: every delivery fails.
    private func brokenSpool(_ box: Sandbox, _ agency: String) throws {
        let path = box.path("broken-\(agency)")
        try box.ok("agency", "add", agency, "--spool", path)
        try FileManager.default.removeItem(atPath: path)
        FileManager.default.createFile(atPath: path, contents: Data())
    }

    func testOneAgencysUnreadableTokenFileDoesNotStopTheOthers() throws {
        let (box, id) = try signedDeath()
        try box.ok("agency", "add", "residence", "--spool", box.path("spool/residence"))
        // A token readable when the agency was added, gone since (a rotation half done).
        let token = try box.writePrivate("bhxh.token", "secret\n")
        try box.ok("agency", "add", "social-insurance", "--url", "https://bhxh.example/civlink", "--token-file", token)
        try FileManager.default.removeItem(atPath: token)
        let dry = try box.run("transfer", "--dry-run")
        XCTAssertEqual(dry.status, 78, "a configuration that cannot be used still needs a person")
        XCTAssertTrue(dry.stdout.contains("residence-deletion"), "the other agencies are planned: \(dry.stdout)")
        XCTAssertTrue(dry.stderr.contains("agency social-insurance is not usable, its procedures wait: cannot read token file"),
                      dry.stderr)
        let run = try box.run("transfer")
        XCTAssertEqual(run.status, 78)
        let outbox = try FileManager.default.contentsOfDirectory(atPath: box.path("spool/residence/outbox")).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(outbox, ["\(id).residence-deletion.1.json"], "the residence message was sent")
        XCTAssertTrue(run.stdout.contains("sent 1,") && run.stdout.contains("social-insurance not usable: cannot read token file"),
                      run.stdout)
        let json = try box.run(["transfer", "--format", "json"]).json()
        XCTAssertEqual(json["format"] as? String, "civlink.transfer/1")
        XCTAssertEqual((json["unusable"] as? [[String: Any]])?.map { $0["agency"] as! String }, ["social-insurance"])
        XCTAssertEqual(try box.ok("status", id, "--format", "json").json()["procedures"].flatMap { ($0 as? [[String: Any]])?
            .first { $0["code"] as? String == "funeral-allowance" }?["state"] as? String }, "ready", "its procedure waits, unharmed")
    }

    func testTransferLogSaysNothingWhenNothingHappenedAndWhyOtherwise() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        XCTAssertEqual(try box.ok("transfer").stdout, "", "nothing to do: no line in the cron log")
        _ = try box.registerBirth()
        // personal-id is due, but population is not configured: the log says so, with the time.
        let held = try box.ok("transfer").stdout
        XCTAssertEqual(held, "2026-11-20T09:30:00+07:00 sent 0, unconfirmed 0, failed 0, stuck 0, receipts 0, quarantined 0; 1 due for population, which is not configured\n")
        try brokenSpool(box, "population")
        let failed = try box.ok("transfer").stdout
        XCTAssertTrue(failed.hasPrefix("2026-11-20T09:30:00+07:00 sent 0, unconfirmed 0, failed 1, stuck 0"), failed)
        XCTAssertTrue(failed.contains("; population: 1 failed, last: "), "the reason is in the log: \(failed)")
        // Backing off: nothing is tried, nothing is said.
        XCTAssertEqual(try box.ok("transfer").stdout, "")
        try box.ok("agency", "add", "population", "--spool", box.path("spool/population"))
        let sent = try box.run(["transfer"], environment: ["CIVLINK_NOW": "2026-11-20T11:00:00+07:00"]).stdout
        XCTAssertEqual(sent, "2026-11-20T11:00:00+07:00 sent 1, unconfirmed 0, failed 0, stuck 0, receipts 0, quarantined 0\n")
        XCTAssertEqual(try box.run(["transfer"], environment: ["CIVLINK_NOW": "2026-11-20T11:01:00+07:00"]).stdout, "")
    }

    func testStuckRowsCarryCommuneAndDate() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try box.registerBirth()
        try brokenSpool(box, "population")
        try box.ok("transfer", "--max-attempts", "1")
        let rows = try box.ok("status", "--stuck", "--format", "json").jsonLines()
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows[0]["format"] as? String, "civlink.attention/1")
        XCTAssertEqual(rows[0]["dossier"] as? String, id)
        XCTAssertEqual(rows[0]["commune"] as? String, "17986")
        XCTAssertEqual(rows[0]["since"] as? String, "2026-11-20T09:30:00+07:00")
        XCTAssertEqual(rows[0]["deadline"] as? String, "2026-11-23")
        let table = try box.ok("status", "--stuck").stdout.split(separator: "\n")
        XCTAssertTrue(table[0].hasPrefix("DOSSIER        COMMUNE  PROCEDURE    AGENCY      STATE  SINCE             DEADLINE"), "\(table)")
        XCTAssertTrue(table[1].hasPrefix("\(id)  17986    personal-id  population  stuck  2026-11-20 09:30  2026-11-23"), "\(table)")
    }

    func testDoctorWithoutALedgerPrintsItsTable() throws {
        let box = try Sandbox()
        let result = try box.run("doctor", "--ledger", "/nonexistent/civlink.db")
        XCTAssertEqual(result.status, 1, "a failed check")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.first, "CHECK   RESULT  DETAIL")
        XCTAssertTrue(lines.contains("ledger  FAIL    no ledger at /nonexistent/civlink.db"), result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("clock   WARN    CIVLINK_NOW fixes the clock") }, result.stdout)
        XCTAssertEqual(result.stderr, "civlink: first to fix: ledger: civlink init\n")
        let json = try box.run(["doctor", "--ledger", "/nonexistent/civlink.db", "--format", "json"]).jsonLines()
        XCTAssertEqual(json.first?["check"] as? String, "ledger")
        XCTAssertEqual(json.first?["fix"] as? String, "civlink init")
    }

    func testBackupIntoADirectory() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        _ = try box.registerBirth()
        try FileManager.default.createDirectory(atPath: box.path("backups"), withIntermediateDirectories: true)
        let first = try box.ok("backup", "backups/", "--format", "json").json()
        XCTAssertEqual(first["format"] as? String, "civlink.backup/1")
        XCTAssertEqual(first["backup"] as? String, "backups/civlink-2026-11-20.db")
        XCTAssertEqual(first["dossiers"] as? Int, 1)
        let second = try box.ok("backup", box.path("backups")).stdout
        XCTAssertTrue(second.contains("to \(box.path("backups"))/civlink-2026-11-20-093000.db (1 dossiers)"), "a second one the same day: \(second)")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: box.path("backups")).sorted(),
                       ["civlink-2026-11-20-093000.db", "civlink-2026-11-20.db"])
        let missing = try box.run("backup", "nowhere/")
        XCTAssertEqual(missing.status, 73)
        XCTAssertEqual(missing.stderr, "civlink: backup directory nowhere/ does not exist\n")
    }

    // MARK: A real terminal

    /// A tmux server of the test's own, with civlink on PATH and the sandbox's environment.
    final class Terminal {
        let socket = "civlink-test-\(UUID().uuidString.prefix(8))"
        let box: Sandbox

        init(_ box: Sandbox) { self.box = box }

        func tmux(_ arguments: [String]) throws -> RunResult { try box.run(["-L", socket] + arguments, executable: "/usr/bin/tmux") }

        /// Starts `command` (a shell line) in a 200x50 window, in the sandbox directory.
        func start(_ command: String) throws {
            let exports = box.environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
            let civlink = Sandbox.binary.deletingLastPathComponent().path
            let line = "cd '\(box.directory.path)' && env \(exports) PATH='\(civlink):/usr/bin:/bin' TERM=xterm sh -c '\(command)'; sleep 60"
            // The first client forks the server, which keeps every descriptor it inherits: started
            // through Foundation's Process, the server would hold the descriptor Process watches to
            // see the client exit, and the test would wait for ever. posix_spawn and waitpid instead.
            var pid: pid_t = 0
            let words: [String] = ["/usr/bin/tmux", "-L", socket, "new-session", "-d", "-s", "t", "-x", "200", "-y", "50", line]
            let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
            defer { argv.forEach { free($0) } }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
            XCTAssertEqual(posix_spawn(&pid, "/usr/bin/tmux", &actions, nil, argv, environ), 0)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            XCTAssertEqual(status, 0, "tmux new-session")
        }

        /// The screen as it is now, trailing blank lines removed.
        func screen() throws -> [String] {
            let lines = try tmux(["capture-pane", "-p", "-t", "t"]).stdout.components(separatedBy: "\n")
            return Array(lines.reversed().drop { $0.trimmingCharacters(in: .whitespaces).isEmpty }.reversed())
        }

        /// Waits until the screen shows `text` (the command's own pace, not a time limit being tested).
        func waitFor(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
            for _ in 0..<600 {
                let lines = try screen()
                if lines.contains(where: { $0.contains(text) }) { return lines }
                usleep(100_000)
            }
            XCTFail("the terminal never showed \(text): \(try screen())", file: file, line: line)
            return []
        }

        func keys(_ text: String, literal: Bool = true) throws {
            _ = try tmux(["send-keys", "-t", "t"] + (literal ? ["-l", text] : [text]))
        }

        deinit { _ = try? tmux(["kill-server"]) }
    }

    func testTheProgressLineEndsWithASummaryInATerminal() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        var lines: [String] = []
        for n in 0..<4000 {
            let declaration = Declarations.birth(childName: "Trẻ \(n)", motherID: "0401950" + String(format: "%05d", n), certificate: "GCS-T-\(n)")
            lines.append(n == 1500 ? "{\"not\": \"a declaration\"}" : Declarations.text(declaration))
        }
        _ = try box.write("births.jsonl", lines.joined(separator: "\n") + "\n")
        let terminal = Terminal(box)
        try terminal.start("civlink register-birth --batch births.jsonl > dossiers.jsonl; echo done $?")
        let screen = try terminal.waitFor("done 65")
        // The refused line's diagnostic stands on a line of its own, the progress line is gone, the
        // summary stays.
        XCTAssertTrue(screen.contains { $0.hasPrefix("civlink: line 1501: ") }, "\(screen)")
        let summary = try XCTUnwrap(screen.first { $0.hasPrefix("registered 3999, refused 1 in ") && $0.hasSuffix(" s") }, "\(screen)")
        XCTAssertEqual(screen.last, "done 65")
        XCTAssertEqual(screen.firstIndex(of: summary), screen.count - 2, "the summary is the last line civlink wrote")
        XCTAssertFalse(screen.contains { $0.contains("registered") && !$0.contains(" in ") }, "no progress line is left behind: \(screen)")
        XCTAssertEqual(try String(contentsOfFile: box.path("dossiers.jsonl"), encoding: .utf8).split(separator: "\n").count, 3999)
    }

    func testTransferSummaryStaysWhenTheLogGoesToAFile() throws {
        let (box, _) = try signedDeath()
        for agency in ["residence", "social-insurance"] { try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)")) }
        let terminal = Terminal(box)
        try terminal.start("civlink transfer >> transfer.log; echo done $?")
        let screen = try terminal.waitFor("done 0")
        XCTAssertTrue(screen.contains { $0.hasPrefix("sent 2, unconfirmed 0, failed 0, stuck 0, receipts 0, quarantined 0 in ") }, "\(screen)")
        XCTAssertTrue(try String(contentsOfFile: box.path("transfer.log"), encoding: .utf8).hasPrefix("2026-11-20T09:30:00+07:00 sent 2,"))
    }

    func testRegisterWithoutAFileSaysItReadsStandardInput() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let terminal = Terminal(box)
        try terminal.start("civlink register-birth > dossier.json; echo done $?")
        _ = try terminal.waitFor("reading the declaration (a JSON object) from standard input; end with Ctrl-D")
        try terminal.keys(Declarations.text(Declarations.birth()))
        try terminal.keys("Enter", literal: false)
        try terminal.keys("C-d", literal: false)
        _ = try terminal.waitFor("done 0")
        let dossier = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: box.path("dossier.json")))) as! [String: Any]
        XCTAssertEqual(dossier["format"] as? String, "civlink.dossier/1")
        // Not on a terminal (a pipe, a file): no prompt, as before.
        XCTAssertEqual(try box.run(["register-birth"], stdin: Data(Declarations.text(Declarations.birth(childName: "Trần Văn Xuân", certificate: "GCS-X")).utf8)).stderr, "")
    }
}
