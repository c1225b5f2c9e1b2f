import CivlinkTestSupport
import Foundation
import XCTest

/// A reader that closes the pipe early (`civlink status --list | head -1`): every command that
/// lists stops quietly with status 141, no message and no backtrace, and the ledger holds only
/// whole, committed work.
final class ClosedPipeTests: XCTestCase {
    /// Runs `civlink ARGUMENTS | head -1` in bash; civlink's status and standard error.
    private func throughHead(_ box: Sandbox, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stderr: String, first: String) {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let input = stdin.map { "< '\($0)'" } ?? "< /dev/null"
        let script = """
            "$0" \(quoted) \(input) 2> "$1" | head -1 > "$2"
            echo "${PIPESTATUS[0]}"
            """
        let errors = box.path("pipe-errors"), first = box.path("pipe-first")
        let result = try box.run(["-c", script, Sandbox.binary.path, errors, first], executable: "/bin/bash")
        XCTAssertEqual(result.status, 0, result.stderr)
        let status = Int32(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        return (status, (try? String(contentsOfFile: errors, encoding: .utf8)) ?? "?",
                (try? String(contentsOfFile: first, encoding: .utf8)) ?? "")
    }

    private func assertQuiet(_ box: Sandbox, _ arguments: [String], stdin: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws {
        let (status, stderr, first) = try throughHead(box, arguments, stdin: stdin)
        XCTAssertEqual(status, 141, "civlink \(arguments.joined(separator: " ")): \(stderr)", file: file, line: line)
        XCTAssertEqual(stderr, "", "civlink \(arguments.joined(separator: " ")) printed on a closed pipe", file: file, line: line)
        XCTAssertFalse(first.isEmpty, "civlink \(arguments.joined(separator: " ")) printed nothing", file: file, line: line)
    }

    func testEveryListingCommandExitsQuietlyWith141() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        for agency in ["population", "residence", "social-insurance", "social-affairs"] {
            try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)"))
        }
        let count = 3000
        let lines = (0..<count).map { i in
            Declarations.text(Declarations.birth(childName: "Trần Văn Số \(i)", certificate: "GCS-P-\(i)"))
        }.joined(separator: "\n") + "\n"
        let batch = try box.write("births.jsonl", lines)

        // Registering: what was printed is committed, and nothing is left half-written.
        try assertQuiet(box, ["register-birth", "--batch", batch])
        let again = try box.run(["register-birth", "--batch", batch])
        let registeredLater = try again.jsonLines().count
        let duplicates = again.stderr.split(separator: "\n").filter { $0.contains("duplicate") }.count
        XCTAssertEqual(registeredLater + duplicates, count, "every line registered exactly once across the two runs")
        try box.ok("audit", "verify")
        let ids = try box.ok("status", "--list", "--format", "json").jsonLines().map { $0["id"] as! String }
        XCTAssertEqual(ids.count, count)

        try assertQuiet(box, ["status", "--list"])
        try assertQuiet(box, ["status", "--list", "--format", "json"])
        try assertQuiet(box, ["status", "--list", "--state", "ready"])
        try assertQuiet(box, ["transfer", "--dry-run"])
        try assertQuiet(box, ["transfer", "--dry-run", "--format", "json"])

        // Residence and the HI card go to agencies that refuse connections: they end stuck.
        for agency in ["residence", "social-insurance"] { try box.ok("agency", "add", agency, "--url", "http://127.0.0.1:9/\(agency)") }
        // Signing prints as it commits: the closed pipe stops it between commits.
        _ = try box.officer()
        try assertQuiet(box, ["sign", "--pending", "--key", box.path("officer.key"), "--cert", box.path("officer.pem"), "--format", "json"])
        try box.ok("sign", "--pending", "--key", box.path("officer.key"), "--cert", box.path("officer.pem"))
        try box.ok("audit", "verify")
        XCTAssertEqual(try box.ok("sign", "--pending", "--key", box.path("officer.key"), "--cert", box.path("officer.pem")).stdout, "",
                       "every copy signed once")
        try assertQuiet(box, ["copy"] + ids)
        try box.ok("transfer")
        try box.ok("agency", "simulate", "--spool", box.path("spool/population"))
        try box.ok("transfer", "--max-attempts", "1")
        try assertQuiet(box, ["status", "--stuck"])
        try assertQuiet(box, ["status", "--stuck", "--format", "json"])

        // Many quarantined answers, many overdue procedures.
        for i in 0..<2000 { _ = try box.write("spool/population/inbox/bad-\(i).json", "{\"oops\": \(i)}") }
        try box.ok("transfer")
        try assertQuiet(box, ["transfer", "--quarantine"])
        try assertQuiet(box, ["transfer", "--quarantine", "--format", "json"])
        box.environment["CIVLINK_NOW"] = "2027-06-01T09:00:00+07:00"
        try assertQuiet(box, ["report", "--overdue"])
        try assertQuiet(box, ["status", "--list", "--overdue"])
        try box.ok("audit", "verify")
    }
}
