import CivlinkTestSupport
import Foundation
import XCTest

/// The README's two set-up commands, scripts/demo and scripts/test: on a machine that lacks
/// something they print the exact apt-get line and exit 69 (as root they install it, as .ci/run
/// does by running scripts/test itself).
final class SetupTests: XCTestCase {
    let root = Sandbox.repositoryRoot

    /// Runs a script of the repository as an unprivileged user (nobody, when the tests run as
    /// root) with PATH holding only `tools`: everything else looks missing.
    private func runUnprivileged(_ script: String, _ arguments: [String], tools: [String], in box: Sandbox) throws -> RunResult {
        let bin = box.path("bin")
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        for tool in tools {
            let target = ["/usr/bin/\(tool)", "/bin/\(tool)"].first(where: FileManager.default.fileExists)!
            try? FileManager.default.createSymbolicLink(atPath: "\(bin)/\(tool)", withDestinationPath: target)
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: box.directory.path)
        let command = [root.appendingPathComponent(script).path] + arguments
        if getuid() == 0 {
            return try box.run(["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env", "-i", "PATH=\(bin)"] + command,
                               executable: "/usr/bin/setpriv")
        }
        return try box.run(["-i", "PATH=\(bin)"] + command, executable: "/usr/bin/env")
    }

    func testWithoutRootTheScriptsPrintTheAptGetLineAndExit69() throws {
        let box = try Sandbox()
        let tools = ["bash", "env", "id", "dpkg-query", "dirname"]
        let test = try runUnprivileged("scripts/dependencies", ["test"], tools: tools, in: box)
        XCTAssertEqual(test.status, 69, test.stderr)
        XCTAssertTrue(test.stderr.hasPrefix("civlink: missing for make test:\n"), test.stderr)
        XCTAssertTrue(test.stderr.contains("  tmux (terminal tests): tmux\n"), test.stderr)
        XCTAssertTrue(test.stderr.hasSuffix("""
            as root, run:
              apt-get install -y --no-install-recommends make sqlite3 openssl python3 python3-jwcrypto jq mandoc groff-base zsh fish tmux librsvg2-bin libreoffice-calc-nogui zbar-tools qrencode chromium curl bzip2 python3-cryptography

            """), test.stderr)
        // The demo needs only the headers (installed here) and the toolchain.
        XCTAssertEqual(try runUnprivileged("scripts/dependencies", ["demo"], tools: tools, in: box).status, 0)
        // scripts/test stops there, before swift test.
        let suite = try runUnprivileged("scripts/test", [], tools: tools, in: box)
        XCTAssertEqual(suite.status, 69)
        XCTAssertTrue(suite.stderr.contains("apt-get install -y --no-install-recommends make"), suite.stderr)
        XCTAssertEqual(try runUnprivileged("scripts/dependencies", ["neither"], tools: tools, in: box).status, 64)
    }

    func testOnThisMachineNothingIsMissing() throws {
        let box = try Sandbox()
        let result = try box.run([root.appendingPathComponent("scripts/dependencies").path, "test"], executable: "/bin/bash")
        XCTAssertEqual(result.status, 0, "the test machine has everything the tests use: \(result.stderr)")
        XCTAssertEqual(result.stderr, "")
    }

    func testTheREADMEMakeAndCIRunTheSameCommands() throws {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let setup = try XCTUnwrap(readme.components(separatedBy: "## Set-up").dropFirst().first?.components(separatedBy: "```").dropFirst().first)
        let commands = setup.split(separator: "\n").map { $0.split(separator: "#").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
            .filter { !$0.isEmpty && !$0.hasPrefix("console") }
        XCTAssertEqual(commands, ["scripts/demo", "scripts/test"], "the README's two set-up commands")
        let ci = try String(contentsOf: root.appendingPathComponent(".ci/run"), encoding: .utf8)
        XCTAssertTrue(ci.split(separator: "\n").contains("exec scripts/test"), ".ci/run runs the README's test command")
        let makefile = try String(contentsOf: root.appendingPathComponent("Makefile"), encoding: .utf8)
        XCTAssertTrue(makefile.contains("test:\n\tscripts/test\n"), "make test is the same command")
        XCTAssertTrue(makefile.contains("demo:\n\tscripts/demo\n"))
        let testScript = try String(contentsOf: root.appendingPathComponent("scripts/test"), encoding: .utf8)
        XCTAssertTrue(testScript.contains("scripts/dependencies test\nexec swift test"))
    }
}
