import CivlinkTestSupport
import Foundation
import XCTest

/// The manual's examples are tests, as jq runs its manual: every `sh` block of the README and the
/// EXAMPLES of every man page run, in order, with the real binary in a scratch directory that
/// holds a copy of examples/ and data/. An example that breaks fails here.
final class DocsExamplesTests: XCTestCase {
    let root = Sandbox.repositoryRoot

    /// A scratch directory prepared as a user's working directory, and civlink on PATH.
    private func scratch() throws -> Sandbox {
        let box = try Sandbox()
        for folder in ["examples", "data"] {
            try FileManager.default.copyItem(at: root.appendingPathComponent(folder), to: box.directory.appendingPathComponent(folder))
        }
        box.environment["PATH"] = Sandbox.binary.deletingLastPathComponent().path + ":" + (box.environment["PATH"] ?? "/usr/bin:/bin")
        // As a user runs them: the real clock, the default ledger in the current directory.
        box.environment["CIVLINK_NOW"] = nil
        box.environment["CIVLINK_LEDGER"] = nil
        box.environment["CIVLINK"] = Sandbox.binary.path
        return box
    }

    /// Runs `blocks` as one bash script that stops at the first failing command and says which
    /// block and line it was.
    private func run(_ blocks: [(name: String, text: String)], in box: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws {
        var script = "set -euo pipefail\ntrap 'echo \"docs example failed: $DOCS_BLOCK, line $LINENO: $BASH_COMMAND\" >&2' ERR\n"
        for block in blocks {
            script += "DOCS_BLOCK=\(quoted(block.name))\n" + block.text + "\n"
        }
        let path = try box.write("docs-examples.sh", script)
        let result = try box.run([path], executable: "/bin/bash")
        XCTAssertEqual(result.status, 0, "\(result.stderr)\n--- stdout ---\n\(result.stdout.suffix(2000))", file: file, line: line)
    }

    private func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// The ```sh blocks of a Markdown file, in order.
    static func shellBlocks(_ markdown: String) -> [String] {
        var blocks: [String] = []
        var current: [String]?
        for line in markdown.components(separatedBy: "\n") {
            if current == nil, line == "```sh" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append(current!.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current!.append(line)
            }
        }
        return blocks
    }

    /// The shell lines of a man page's EXAMPLES section: its `.Bd -literal` blocks and `.Dl`
    /// lines, with the roff escapes undone.
    static func exampleLines(_ page: String) -> [String] {
        var lines: [String] = []
        var inExamples = false, inLiteral = false
        for line in page.components(separatedBy: "\n") {
            if line.hasPrefix(".Sh ") { inExamples = line == ".Sh EXAMPLES"; inLiteral = false; continue }
            guard inExamples else { continue }
            if line.hasPrefix(".Bd -literal") { inLiteral = true; continue }
            if line.hasPrefix(".Ed") { inLiteral = false; continue }
            if inLiteral { lines.append(unescape(line)) } else if line.hasPrefix(".Dl ") { lines.append(unescape(String(line.dropFirst(4)))) }
        }
        return lines
    }

    static func unescape(_ roff: String) -> String {
        roff.replacingOccurrences(of: "\\&", with: "").replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "\\e", with: "\\")
    }

    func testEveryReadmeShellBlockRunsInOrder() throws {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = DocsExamplesTests.shellBlocks(readme)
        XCTAssertGreaterThanOrEqual(blocks.count, 8, "the README's sh blocks were not found")
        let box = try scratch()
        try run(blocks.enumerated().map { ("README sh block \($0 + 1)", $1) }, in: box)
    }

    func testEveryManPageExampleRuns() throws {
        let folder = root.appendingPathComponent("man")
        let pages = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".1") }.sorted()
        var checked = 0
        for page in pages {
            let text = try String(contentsOf: folder.appendingPathComponent(page), encoding: .utf8)
            let lines = DocsExamplesTests.exampleLines(text)
            XCTAssertFalse(lines.filter { $0.contains("civlink") }.isEmpty, "\(page) has no civlink example")
            let box = try scratch()
            try run([(page, lines.joined(separator: "\n"))], in: box)
            checked += 1
        }
        XCTAssertEqual(checked, pages.count)
    }

    /// The harness itself: a failing example must fail the test.
    func testABrokenExampleIsCaught() throws {
        let box = try scratch()
        let path = try box.write("broken.sh", "set -euo pipefail\ncivlink status --list\ncivlink no-such-command\necho reached\n")
        let result = try box.run([path], executable: "/bin/bash")
        XCTAssertNotEqual(result.status, 0)
        XCTAssertFalse(result.stdout.contains("reached"))
        XCTAssertEqual(DocsExamplesTests.shellBlocks("a\n```sh\none\ntwo\n```\n```text\nno\n```\n```sh\nthree\n```\n"), ["one\ntwo", "three"])
        XCTAssertEqual(DocsExamplesTests.exampleLines(".Sh EXAMPLES\n.Dl civlink init \\-\\-ledger x\n.Bd -literal\nid=$(a \\e| b)\n.Ed\n.Sh SEE ALSO\n.Dl no"),
                       ["civlink init --ledger x", "id=$(a \\| b)"])
    }
}
