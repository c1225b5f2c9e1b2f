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
        XCTAssertEqual(try complete("civlink report --format "), ["table", "csv", "json"])
        XCTAssertEqual(try complete("civlink status \(id.prefix(5))"), [id])
        XCTAssertEqual(try complete("civlink sign \(id.prefix(5))"), [id])
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
        XCTAssertEqual(try complete("civlink regi"), "civlink register-")
        XCTAssertEqual(try complete("civlink status \(id.prefix(5))"), "civlink status \(id)")
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
    }
}
