@testable import CivlinkCLI
import CivlinkCore
import CivlinkTestSupport
import XCTest

/// The command line in process: parsing, help, the exit status of each failure kind, and the
/// completion scripts, without starting a process.
final class CommandLineTests: XCTestCase {
    /// Runs civlink in this process with a fixed environment; returns status, stdout, stderr.
    private func civlink(_ words: String..., environment: [String: String] = [:]) -> (status: Int32, out: String, err: String) {
        let out = MemorySink(), err = MemorySink()
        let status = CLI.run(words, environment: ["LANG": "C.UTF-8", "CIVLINK_LEDGER": "/nonexistent/civlink.db"].merging(environment) { $1 },
                             stdout: out, stderr: err, stdinFD: -1)
        return (status, out.text, err.text)
    }

    func testTheNameTableMatchesTheCommandSpecs() {
        XCTAssertEqual(CLI.table.map(\.name), CLI.specs.map(\.name), "the table finds a command without building every spec")
        for name in CLI.table.map(\.name) { XCTAssertEqual(CLI.command(named: name)?.spec.name, name) }
        XCTAssertNil(CLI.command(named: "stauts"))
    }

    func testVersionDoesNotReadTheEnvironment() {
        let out = MemorySink(), err = MemorySink()
        var read = false
        func environment() -> [String: String] { read = true; return [:] }
        XCTAssertEqual(CLI.run(["--version"], environment: environment(), stdout: out, stderr: err), 0)
        XCTAssertEqual(out.text, "civlink \(CLI.version)\n")
        XCTAssertFalse(read)
        XCTAssertEqual(CLI.run(["status", "--list"], environment: environment(), stdout: out, stderr: err), 66)
        XCTAssertTrue(read)
    }

    func testEveryFailureKindHasItsSysexitsStatus() {
        let expected: [FailureKind: Int32] = [
            .badRequest: 64, .invalidInput: 65, .duplicate: 65, .refused: 65, .ledgerCorrupt: 65, .notFound: 66, .ledgerMissing: 66,
            .unavailable: 69, .internalError: 70, .cannotCreate: 73, .io: 74, .busy: 75, .permission: 77, .configuration: 78,
        ]
        for kind in FailureKind.allCases { XCTAssertEqual(ExitStatus(kind).rawValue, expected[kind], "\(kind)") }
        XCTAssertEqual(expected.count, FailureKind.allCases.count)
    }

    func testUnknownCommandsAndOptionsAreUsageErrorsWithASuggestion() {
        let typo = civlink("stauts")
        XCTAssertEqual(typo.status, 64)
        XCTAssertEqual(typo.err, "civlink: unknown command 'stauts'; did you mean status?; run 'civlink --help' for the list\n")
        let option = civlink("status", "--lsit")
        XCTAssertEqual(option.status, 64)
        XCTAssertEqual(option.err, "civlink: unknown option --lsit; did you mean --list?\n")
        XCTAssertEqual(civlink("status", "--format", "xml").err, "civlink: --format must be table, json or csv\n")
        XCTAssertEqual(civlink("register-birth", "--format", "xml").err, "civlink: --format must be json, table or csv\n")
        XCTAssertEqual(civlink("status", "--overdue=yes").status, 64)
        XCTAssertEqual(civlink("status", "--format").err, "civlink: option --format needs a value (table|json|csv)\n")
        XCTAssertEqual(civlink("agency").err, "civlink: agency needs an action: add, list, check, remove, simulate\n")
        XCTAssertEqual(civlink("agency", "frobnicate").status, 64)
        // An option of another action is refused, not ignored.
        XCTAssertEqual(civlink("agency", "list", "--watch", "5").err,
                       "civlink: option --watch goes with 'agency simulate', not 'agency list'\n")
    }

    func testGlobalOptionsGoBeforeOrAfterTheCommand() {
        let before = civlink("--ledger", "/nowhere/x.db", "status", "--list")
        let after = civlink("status", "--list", "--ledger", "/nowhere/x.db")
        XCTAssertEqual(before.status, 66)
        XCTAssertEqual(before.err, after.err)
        XCTAssertTrue(before.err.contains("no ledger at /nowhere/x.db; create one with 'civlink init'"), before.err)
    }

    func testHelpVersionAndHelpCommand() {
        XCTAssertEqual(civlink("--version").out, "civlink \(CLI.version)\n")
        XCTAssertEqual(civlink("-V").out, civlink("version").out)
        XCTAssertEqual(civlink("help", "status").out, civlink("status", "--help").out)
        XCTAssertEqual(civlink("help", "agency", "add").out, civlink("agency", "add", "--help").out)
        let top = civlink("--help").out
        for spec in CLI.specs {
            XCTAssertEqual(top.contains("  \(spec.name) "), !spec.hidden, spec.name)
            let help = civlink(spec.name, "--help")
            XCTAssertEqual(help.status, 0, spec.name)
            for option in spec.options + spec.actions.flatMap(\.options) + GlobalOptions.all {
                XCTAssertTrue(help.out.contains("  \(option.name)"), "\(spec.name) --help lacks \(option.name)")
            }
            for action in spec.actions {
                let actionHelp = civlink(spec.name, action.name, "--help").out
                for option in action.options { XCTAssertTrue(actionHelp.contains("  \(option.name)"), "\(spec.name) \(action.name): \(option.name)") }
            }
        }
        XCTAssertEqual(civlink().status, 64, "no command is a usage error")
    }

    func testCommandSummariesAndActionsAreInVietnamese() {
        for spec in CLI.specs where !spec.hidden {
            XCTAssertNotNil(Catalogue.vietnamese[spec.summary.template], "no Vietnamese for \(spec.name)'s summary")
            for action in spec.actions {
                XCTAssertNotNil(Catalogue.vietnamese[action.summary.template], "no Vietnamese for \(spec.name) \(action.name)")
            }
        }
        XCTAssertTrue(civlink("--help", environment: ["LANG": "vi_VN.UTF-8"]).out.contains("Đăng ký khai sinh"))
    }

    /// The checked-in completion scripts are what `civlink completions SHELL` prints.
    func testCompletionScriptsAreTheGeneratedOnes() throws {
        let files = ["bash": "completions/civlink.bash", "zsh": "completions/_civlink", "fish": "completions/civlink.fish"]
        for (shell, file) in files {
            let generated = civlink("completions", shell)
            XCTAssertEqual(generated.status, 0)
            let checkedIn = try String(contentsOf: Sandbox.repositoryRoot.appendingPathComponent(file), encoding: .utf8)
            XCTAssertEqual(generated.out, checkedIn, "\(file) differs from 'civlink completions \(shell)'; regenerate it")
        }
    }

    func testEditDistanceCountsATranspositionAsOneEdit() {
        XCTAssertEqual(ArgumentParser.editDistance("stauts", "status"), 1)
        XCTAssertEqual(ArgumentParser.editDistance("", "abc"), 3)
        XCTAssertEqual(ArgumentParser.suggestion(for: "frobnicate", among: ["status", "report"]), "")
    }
}
