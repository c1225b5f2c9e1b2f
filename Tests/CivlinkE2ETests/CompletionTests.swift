import Foundation
import CivlinkTestSupport
import XCTest

/// Completions proven in real shells: bash's completion function, an interactive zsh in a
/// pseudo-terminal, and fish's own `complete -C`, with civlink installed on PATH and a ledger.
final class CompletionTests: XCTestCase {
    let completions = Sandbox.repositoryRoot.appendingPathComponent("completions").path
    let fixtures = Sandbox.fixtures.path

    /// A ledger with one dossier, and civlink on PATH as an installed civlink would be.
    private func prepared() throws -> (Sandbox, String) {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        box.environment["PATH"] = Sandbox.binary.deletingLastPathComponent().path + ":" + (box.environment["PATH"] ?? "/usr/bin:/bin")
        return (box, id)
    }

    /// A second ledger, named with --ledger on the command line, with a dossier of its own; the
    /// default ledger of the sandbox does not exist.
    private func otherLedger(_ box: Sandbox) throws -> (path: String, id: String) {
        let path = box.path("other.db")
        try box.run(["init", "--ledger", path])
        let id = try box.run(["register-death", "--ledger", path], stdin: Data(Declarations.text(Declarations.death()).utf8)).json()["id"] as! String
        return (path, id)
    }

    func testBash() throws {
        let (box, id) = try prepared()
        func complete(_ words: String) throws -> [String] {
            let result = try box.run(["\(fixtures)/complete-bash.sh", "\(completions)/civlink.bash", words], executable: "/bin/bash")
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout.split(separator: "\n").map(String.init)
        }
        XCTAssertEqual(try complete("civlink stat"), ["status"])
        XCTAssertTrue(try complete("civlink ").contains("register-birth"))
        XCTAssertEqual(try complete("civlink status --ov"), ["--overdue"])
        XCTAssertEqual(try complete("civlink transfer --dry"), ["--dry-run"])
        XCTAssertEqual(try complete("civlink report --format "), ["table", "json", "csv"])
        XCTAssertEqual(try complete("civlink status \(id.prefix(5))"), [id])
        XCTAssertEqual(try complete("civlink sign \(id.prefix(5))"), [id])
        // amend and supplement take a dossier id, then a file.
        XCTAssertEqual(try complete("civlink amend \(id.prefix(5))"), [id])
        XCTAssertTrue(try complete("civlink amend \(id) civlink.d").contains("civlink.db"))
        XCTAssertEqual(try complete("civlink cancel \(id.prefix(5))"), [id])
        // The items: ids for --retry, a list option never repeats a choice, a value that
        // is not a file offers no files, the ledger named on the line is the one read.
        XCTAssertEqual(try complete("civlink transfer --retry \(id.prefix(5))"), [id])
        XCTAssertEqual(try complete("civlink report --by system,"), ["system,procedure", "system,group", "system,province", "system,commune", "system,month"])
        XCTAssertEqual(try complete("civlink report --by system,procedure,m"), ["system,procedure,month"])
        _ = try box.write("17986-notes.txt", "a file a value must not complete to")
        XCTAssertEqual(try complete("civlink status --commune 1"), [])
        let other = try otherLedger(box)
        XCTAssertEqual(try complete("civlink --ledger \(other.path) status \(other.id.prefix(5))"), [other.id])
        XCTAssertEqual(try complete("civlink status --ledger \(other.path) \(other.id.prefix(5))"), [other.id])
    }

    func testZsh() throws {
        let (box, id) = try prepared()
        func complete(_ words: String) throws -> String {
            let out = box.path("zsh-\(UUID().uuidString)")
            let result = try box.run(["-f", "\(fixtures)/complete-zsh.zsh", completions, out, words], executable: "/usr/bin/zsh")
            XCTAssertEqual(result.status, 0, result.stderr)
            return (try? String(contentsOfFile: out, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        }
        XCTAssertEqual(try complete("civlink stat"), "civlink status")
        XCTAssertEqual(try complete("civlink status --ov"), "civlink status --overdue")
        XCTAssertEqual(try complete("civlink register-b"), "civlink register-birth")
        XCTAssertEqual(try complete("civlink amen"), "civlink amend")
        XCTAssertEqual(try complete("civlink amend \(id.prefix(5))"), "civlink amend \(id)")
        XCTAssertEqual(try complete("civlink status \(id.prefix(5))"), "civlink status \(id)")
        // Options of sign, revoke and keygen complete (they once completed nothing).
        XCTAssertEqual(try complete("civlink sign --pen"), "civlink sign --pending")
        XCTAssertEqual(try complete("civlink revoke --exp"), "civlink revoke --export")
        XCTAssertEqual(try complete("civlink keygen --offi"), "civlink keygen --officer=")
        XCTAssertEqual(try complete("civlink transfer --retry \(id.prefix(5))"), "civlink transfer --retry \(id)")
        let other = try otherLedger(box)
        XCTAssertEqual(try complete("civlink --ledger \(other.path) status \(other.id.prefix(5))"),
                       "civlink --ledger \(other.path) status \(other.id)")
    }

    func testFish() throws {
        let (box, id) = try prepared()
        func complete(_ words: String) throws -> [String] {
            let result = try box.run(["-c", "source \(completions)/civlink.fish; complete -C '\(words)'"], executable: "/usr/bin/fish")
            XCTAssertEqual(result.status, 0, result.stderr)
            return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        }
        XCTAssertEqual(try complete("civlink stat"), ["status"])
        XCTAssertEqual(try complete("civlink status --ov"), ["--overdue"])
        XCTAssertEqual(try complete("civlink transfer --dry"), ["--dry-run"])
        XCTAssertEqual(try complete("civlink status \(id.prefix(5))"), [id])
        XCTAssertEqual(try complete("civlink supplement \(id.prefix(5))"), [id])
        XCTAssertTrue(try complete("civlink supplement \(id) civlink.d").contains("civlink.db"))
        XCTAssertEqual(try complete("civlink transfer --retry \(id.prefix(5))"), [id])
        // A value that is not a file (a commune code, a number) offers no file names.
        _ = try box.write("17986-notes.txt", "a file a value must not complete to")
        XCTAssertEqual(try complete("civlink status --commune 1"), [])
        XCTAssertEqual(try complete("civlink transfer --max-attempts 1"), [])
        XCTAssertEqual(try complete("civlink report --format c"), ["csv"])
        let other = try otherLedger(box)
        XCTAssertEqual(try complete("civlink --ledger \(other.path) status \(other.id.prefix(5))"), [other.id])
    }
}
