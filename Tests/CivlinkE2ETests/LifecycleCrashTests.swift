import Foundation
import Glibc
import CivlinkTestSupport
import XCTest

/// kill -9 in the middle of `register`, `amend --batch` and `cancel` batches: what was printed is
/// committed, a rerun finishes the rest, and no dossier is decided twice (one event each, one
/// register number each, one update or void per procedure).
final class LifecycleCrashTests: XCTestCase {
    private func sqlite(_ box: Sandbox, _ sql: String) throws -> String {
        try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, sql]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func births(_ count: Int, prefix: String) -> String {
        (0..<count).map { i in
            Declarations.text(Declarations.birth(childName: "Con \(prefix) \(i)", motherID: String(format: "040195%06d", i), certificate: "\(prefix)\(i)"))
        }.joined(separator: "\n") + "\n"
    }

    /// Starts `arguments` with standard input from `input`, kills it with SIGKILL `delay` seconds
    /// after its first commit shows on its output (or once it finished), and returns the ids it
    /// printed before: the kill lands in a later transaction, between two, or after a commit and
    /// before its output.
    private func kill(_ box: Sandbox, _ arguments: [String], input: String, after delay: Double) throws -> [String] {
        let printed = box.path("printed-\(UUID().uuidString).jsonl")
        FileManager.default.createFile(atPath: printed, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: printed))
        let process = Process()
        process.executableURL = Sandbox.binary
        process.arguments = arguments
        process.environment = box.environment
        process.currentDirectoryURL = box.directory
        process.standardInput = FileHandle(forReadingAtPath: input)
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let started = Date().addingTimeInterval(120)
        while Date() < started, process.isRunning, ((try? FileManager.default.attributesOfItem(atPath: printed)[.size] as? Int) ?? 0) ?? 0 == 0 {
            usleep(1000)
        }
        let deadline = Date().addingTimeInterval(delay)
        while Date() < deadline, process.isRunning { usleep(1000) }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try out.close()
        return try String(contentsOfFile: printed, encoding: .utf8).split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }.map { $0["id"] as! String }
    }

    /// Kill delays drawn from a seed printed for a rerun.
    private struct Delays {
        var state: UInt64
        init() {
            state = UInt64(ProcessInfo.processInfo.environment["CIVLINK_TEST_SEED"] ?? "") ?? UInt64.random(in: 1...UInt64.max / 2)
            print("LifecycleCrashTests seed \(state) (CIVLINK_TEST_SEED to replay)")
        }
        mutating func next(upTo limit: Double) -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return 0.05 + Double(state >> 11) / Double(1 << 53) * limit
        }
    }

    private func checkLedger(_ box: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try sqlite(box, "PRAGMA integrity_check;"), "ok", file: file, line: line)
        let audit = try box.run("audit", "verify")
        XCTAssertEqual(audit.status, 0, audit.stdout + audit.stderr, file: file, line: line)
    }

    func testKilledRegisterBatchRegistersEachDossierOnce() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        // More than one transaction holds (16000 ids), so a kill after the first commit lands in a
        // later one, between two, or after a commit and before its output.
        let count = 20000
        let received = try box.run(["receive-birth", "--batch", "-"], stdin: Data(births(count, prefix: "R").utf8))
        XCTAssertEqual(received.status, 0, received.stderr)
        let ids = try received.jsonLines().map { $0["id"] as! String }
        XCTAssertEqual(ids.count, count)
        var delays = Delays()
        var printed: Set<String> = []
        let input = try box.write("ids", ids.joined(separator: "\n") + "\n")
        for trial in 0..<2 {
            let decided = try kill(box, ["register", "-"], input: input, after: delays.next(upTo: 0.5))
            printed.formUnion(decided)
            // Everything printed was committed.
            for id in decided.prefix(20) + decided.suffix(20) {
                XCTAssertEqual(try box.ok("status", id, "--format", "json").json()["state"] as? String, "registered")
            }
            try checkLedger(box)
            print("register trial \(trial): \(decided.count) printed, \(try sqlite(box, "SELECT count(*) FROM dossiers WHERE state = 'registered';")) registered in all")
        }
        // The rerun registers what is left and refuses, one by one, what was registered already.
        let rerun = try box.run(["register", "-"], stdin: Data((ids.joined(separator: "\n") + "\n").utf8))
        XCTAssertTrue([0, 65].contains(rerun.status), rerun.stderr)
        XCTAssertFalse(rerun.stderr.contains("internal error"), rerun.stderr)
        let refusedAgain = rerun.stderr.split(separator: "\n").count
        XCTAssertGreaterThanOrEqual(refusedAgain, printed.count, "what was printed is registered and refused again")
        XCTAssertEqual(try rerun.jsonLines().count + refusedAgain, count)
        XCTAssertEqual(try sqlite(box, "SELECT count(*), count(DISTINCT register_no), min(register_no), max(register_no) FROM dossiers WHERE state = 'registered';"),
                       "\(count)|\(count)|1|\(count)", "one number each, from 1, no gap, none twice")
        XCTAssertEqual(try sqlite(box, "SELECT count(*), count(DISTINCT dossier_id) FROM events WHERE kind = 'registered';"), "\(count)|\(count)")
        XCTAssertEqual(try sqlite(box, "SELECT count(*) FROM procedures WHERE code = 'birth-registration' AND state = 'done';"), "\(count)")
        XCTAssertEqual(try sqlite(box, "SELECT count(*) FROM procedures WHERE code IN ('certificate-copy', 'personal-id') AND state = 'ready';"), "\(2 * count)")
        try checkLedger(box)
    }

    func testKilledAmendAndCancelBatchesDecideEachDossierOnce() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        try box.ok("agency", "add", "population", "--spool", box.path("spool/population"))
        let count = 2000
        let registered = try box.run(["register-birth", "--batch", "-"], stdin: Data(births(count, prefix: "A").utf8))
        XCTAssertEqual(registered.status, 0, registered.stderr)
        let ids = try registered.jsonLines().map { $0["id"] as! String }
        // The population database has every child's data.
        try box.ok("transfer")
        XCTAssertEqual(try sqlite(box, "SELECT count(*) FROM procedures WHERE code = 'personal-id' AND state = 'sent';"), "\(count)")

        // Amendments, one a line: the mother's date of birth was wrong (her ID number stays valid).
        let lines = ids.map { id in
            #"{"id":"\#(id)","reason":"the mother's date of birth was misread","patch":{"mother":{"date_of_birth":"1995-03-03"}}}"#
        }.joined(separator: "\n") + "\n"
        let amendments = try box.write("amendments.jsonl", lines)
        var delays = Delays()
        var amended: Set<String> = []
        for _ in 1...3 {
            amended.formUnion(try kill(box, ["amend", "--batch", "-"], input: amendments, after: delays.next(upTo: 0.5)))
            try checkLedger(box)
            print("amend: \(amended.count) printed, \(try sqlite(box, "SELECT count(*) FROM events WHERE kind = 'amended';")) amended")
            XCTAssertEqual(try sqlite(box, "SELECT count(*) - count(DISTINCT dossier_id) FROM events WHERE kind = 'amended';"), "0")
        }
        for id in amended.prefix(10) {
            let timeline = try box.ok("status", id, "--format", "json").json()["timeline"] as! [[String: Any]]
            XCTAssertEqual(timeline.filter { $0["event"] as? String == "amended" }.count, 1)
        }
        // The rerun amends the rest; the ones done already change nothing and are refused.
        let rerun = try box.run(["amend", "--batch", amendments])
        XCTAssertTrue([0, 65].contains(rerun.status), rerun.stderr)
        XCTAssertFalse(rerun.stderr.contains("internal error"), rerun.stderr)
        XCTAssertTrue(rerun.stderr.split(separator: "\n").allSatisfy { $0.contains("changes nothing") }, rerun.stderr)
        XCTAssertEqual(try sqlite(box, "SELECT count(*), count(DISTINCT dossier_id) FROM events WHERE kind = 'amended';"), "\(count)|\(count)")
        // One update each to the population database, none twice.
        try box.ok("transfer")
        XCTAssertEqual(try sqlite(box, "SELECT count(*), count(DISTINCT dossier_id) FROM messages WHERE kind = 'update';"), "\(count)|\(count)")

        // Cancellation of every one, killed half way, then run again.
        let input = try box.write("ids", ids.joined(separator: "\n") + "\n")
        var cancelled: Set<String> = []
        for _ in 1...3 {
            cancelled.formUnion(try kill(box, ["cancel", "-", "--reason", "registered in error"], input: input, after: delays.next(upTo: 0.5)))
            try checkLedger(box)
            print("cancel: \(cancelled.count) printed, \(try sqlite(box, "SELECT count(*) FROM events WHERE kind = 'cancelled';")) cancelled")
            XCTAssertEqual(try sqlite(box, "SELECT count(*) - count(DISTINCT dossier_id) FROM events WHERE kind = 'cancelled';"), "0")
        }
        for id in cancelled.prefix(10) {
            XCTAssertEqual(try box.ok("status", id, "--format", "json").json()["state"] as? String, "cancelled")
        }
        let again = try box.run(["cancel", "-", "--reason", "registered in error"], stdin: Data((ids.joined(separator: "\n") + "\n").utf8))
        XCTAssertTrue([0, 65].contains(again.status), again.stderr)
        XCTAssertFalse(again.stderr.contains("internal error"), again.stderr)
        XCTAssertEqual(try sqlite(box, "SELECT count(*), count(DISTINCT dossier_id) FROM events WHERE kind = 'cancelled';"), "\(count)|\(count)")
        XCTAssertEqual(try sqlite(box, "SELECT count(*), count(DISTINCT dossier_id) FROM messages WHERE kind = 'void';"), "\(count)|\(count)")
        XCTAssertEqual(try sqlite(box, "SELECT count(*) FROM dossiers WHERE state = 'cancelled';"), "\(count)")
        // The voids are delivered once each.
        try box.ok("transfer")
        XCTAssertEqual(try sqlite(box, "SELECT count(*) FROM procedures WHERE state <> 'cancelled';"), "0")
        try checkLedger(box)
    }
}
