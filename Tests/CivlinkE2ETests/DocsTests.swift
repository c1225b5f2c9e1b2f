import Foundation
import CivlinkTestSupport
import XCTest

/// Man pages, completions, README and examples stay in step with the CLI.
final class DocsTests: XCTestCase {
    let root = Sandbox.repositoryRoot

    private func read(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Subcommands as `civlink --help` lists them.
    private func commands(_ box: Sandbox) throws -> [String] {
        let help = try box.ok("--help").stdout
        guard let start = help.range(of: "commands:\n") else { return [] }
        return help[start.upperBound...].split(separator: "\n").prefix { $0.hasPrefix("  ") }
            .map { String($0.split(separator: " ").first!) }
    }

    /// Options a subcommand's `--help` lists, without the global ones.
    private func options(_ box: Sandbox, _ command: String) throws -> [String] {
        let global: Set = ["--ledger", "--actor", "--holidays", "--help", "--version"]
        let help = try box.ok(command, "--help").stdout
        return help.split(separator: "\n").compactMap { line -> String? in
            let word = line.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
            return word.hasPrefix("--") && !global.contains(word) ? word : nil
        }
    }

    func testEveryCommandHasManPageCompletionsAndReadme() throws {
        let box = try Sandbox()
        let names = try commands(box)
        XCTAssertTrue(names.contains("register-birth"), "\(names)")
        let bash = try read("completions/civlink.bash")
        let zsh = try read("completions/_civlink")
        let fish = try read("completions/civlink.fish")
        let readme = try read("README.md")
        let mainPage = try read("man/civlink.1")
        for name in names {
            let page = try read("man/civlink-\(name).1")
            XCTAssertTrue(mainPage.contains("Xr civlink-\(name) 1"), "civlink.1 does not list \(name)")
            XCTAssertTrue(readme.contains("civlink \(name)"), "README never shows civlink \(name)")
            XCTAssertTrue(bash.contains(name), "bash completion lacks \(name)")
            XCTAssertTrue(zsh.contains("'\(name):"), "zsh completion lacks \(name)")
            XCTAssertTrue(fish.contains("-a \(name)"), "fish completion lacks \(name)")
            for option in try options(box, name) {
                let flag = String(option.dropFirst(2))
                XCTAssertTrue(page.contains("Fl -\(flag)"), "man/civlink-\(name).1 lacks \(option)")
                XCTAssertTrue(bash.contains(option), "bash completion lacks \(name) \(option)")
                XCTAssertTrue(["'", "\""].contains { quote in zsh.contains("\(quote)\(option)[") || zsh.contains("\(quote)\(option)=[") }, "zsh completion lacks \(name) \(option)")
                XCTAssertTrue(fish.contains("-l \(flag)"), "fish completion lacks \(name) \(option)")
            }
        }
        for global in ["ledger", "actor", "holidays", "help", "version"] {
            XCTAssertTrue(mainPage.contains("Fl -\(global)"), "civlink.1 lacks --\(global)")
        }
    }

    func testManPagesRender() throws {
        let pages = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("man").path)
        XCTAssertFalse(pages.isEmpty)
        let box = try Sandbox()
        for page in pages {
            let path = root.appendingPathComponent("man/\(page)").path
            let lint = try box.run(["-Tlint", "-W", "warning", path], executable: "/usr/bin/mandoc")
            XCTAssertEqual(lint.status, 0, "mandoc -Tlint: \(lint.stdout)\(lint.stderr)")
            // -k runs preconv first, as man(1) does, so UTF-8 names (Nghệ An) are read as such.
            let rendered = try box.run(["-k", "-mandoc", "-Tutf8", "-ww", "-z", path], executable: "/usr/bin/groff")
            XCTAssertEqual(rendered.status, 0, page)
            XCTAssertEqual(rendered.stderr, "", "\(page) has warnings")
        }
    }

    func testTheDemoExampleRunsEndToEnd() throws {
        let box = try Sandbox()
        let result = try box.run([root.appendingPathComponent("examples/demo.sh").path], environment: ["CIVLINK": Sandbox.binary.path, "DEMO_DIR": box.directory.path],
                                 executable: "/bin/bash")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("funeral-allowance"), result.stdout)
        XCTAssertTrue(result.stdout.contains("health-insurance-card"), result.stdout)
        // Every procedure of every dossier ends with its result, and nothing needs a person: the
        // online birth was returned, completed and registered; the rejected allowance was resent
        // corrected after an amendment, under a new id.
        let listed = try box.ok("status", "--list", "--format", "json").jsonLines()
        XCTAssertEqual(listed.count, 6)
        XCTAssertEqual(listed.map { $0["open"] as! Int }, [0, 0, 0, 0, 0, 0])
        XCTAssertEqual(listed.map { $0["channel"] as! String }.filter { $0 == "online" }.count, 1)
        XCTAssertTrue(result.stdout.contains(#""action":"return""#) && result.stdout.contains(#""action":"supplement""#), result.stdout)
        XCTAssertTrue(result.stdout.contains(#""funeral-allowance":"resend""#), result.stdout)
        XCTAssertTrue(result.stdout.contains(".funeral-allowance.2"), result.stdout)
        XCTAssertTrue(result.stdout.contains("valid: "), result.stdout)
    }
}
