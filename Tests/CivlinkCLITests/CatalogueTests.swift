@testable import CivlinkCLI
import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// Every phrase civlink can show has its Vietnamese, and every Vietnamese entry is used: the
/// sources are scanned for phrases (see PhraseScanner and README "Development"), the command table
/// is walked at run time, and commands run in Vietnamese must not render an untranslated template.
final class CatalogueTests: XCTestCase {
    static let sources = Sandbox.repositoryRoot.appendingPathComponent("Sources")

    /// Templates of the command table: summaries, action summaries, option help.
    static func commandTable() -> Set<String> {
        var templates: Set<String> = []
        for spec in CLI.specs {
            templates.insert(spec.summary.template)
            for action in spec.actions {
                templates.insert(action.summary.template)
                action.options.forEach { templates.insert($0.help.template) }
            }
            spec.options.forEach { templates.insert($0.help.template) }
        }
        GlobalOptions.all.forEach { templates.insert($0.help.template) }
        return templates
    }

    func testEveryPhraseHasItsVietnameseAndEveryEntryIsUsed() throws {
        let sites = try PhraseScanner.scan(directory: Self.sources)
        XCTAssertGreaterThan(sites.count, 300, "the scanner found too few phrases: \(sites.count)")
        var used: [String: [PhraseScanner.Site]] = [:]
        for site in sites { used[site.template, default: []].append(site) }
        for template in Self.commandTable() where used[template] == nil { used[template] = [] }

        let missing = used.keys.filter { Catalogue.needsTranslation($0) && Catalogue.vietnamese[$0] == nil }.sorted()
        if !missing.isEmpty {
            var byFile: [String: [String]] = [:]
            for template in missing {
                let file = used[template]!.first.map { "\($0.file):\($0.line)" } ?? "command table"
                byFile[file.components(separatedBy: ":").first!, default: []].append("        \(literal(template)): \"\",   // \(file)")
            }
            let listing = byFile.keys.sorted().map { "    // \($0)\n" + byFile[$0]!.joined(separator: "\n") }.joined(separator: "\n")
            XCTFail("\(missing.count) phrase(s) without Vietnamese; add them to Sources/CivlinkCLI/Catalogue.swift:\n\(listing)")
        }
        let unused = Catalogue.vietnamese.keys.filter { used[$0] == nil }.sorted()
        XCTAssertEqual(unused, [], "catalogue entries no source uses (remove them, or write the phrase so the scanner sees it):\n"
                       + unused.map { "    " + literal($0) }.joined(separator: "\n"))
    }

    func testCatalogueEntriesAreWholeAndVietnamese() {
        var seen: [String: String] = [:]
        for section in Catalogue.sections {
            for (english, vietnamese) in section.entries {
                XCTAssertNil(seen[english], "\(literal(english)) is in both \(seen[english] ?? "") and \(section.name)")
                seen[english] = section.name
                XCTAssertEqual(placeholders(english), placeholders(vietnamese), "placeholders differ: \(literal(english)) -> \(literal(vietnamese))")
                XCTAssertFalse(vietnamese.isEmpty, "\(literal(english)) has an empty translation")
                // A translation is Vietnamese, not the English copied: not the same text (unless listed),
                // and a phrase of three words or more has a Vietnamese letter.
                let words = vietnamese.replacingOccurrences(of: #"\{\d+\}"#, with: "", options: .regularExpression)
                let vietnameseLetters = words.unicodeScalars.contains { $0.value > 0x7F && $0.properties.isAlphabetic }
                XCTAssertTrue(vietnamese != english || Catalogue.sameInBothLanguages.contains(english), "\(literal(english)) is not translated")
                XCTAssertTrue(vietnameseLetters || words.split(separator: " ").count < 3, "\(literal(english)) -> \(literal(vietnamese)) does not look Vietnamese")
            }
        }
        XCTAssertEqual(seen.count, Catalogue.vietnamese.count)
    }

    /// The scanner itself: what it must find and what it must leave alone.
    func testTheScannerFindsPhrasesByTheConventions() throws {
        let source = #"""
        struct Failure { init(_ kind: FailureKind, _ phrase: Phrase, remedy: Remedy? = nil) {} }
        struct ValidationError { init(_ field: String, _ rule: Phrase) {} }
        struct Thing { let title: Phrase; let name: String }
        struct Found { var key: String; static let limit: Int = 3; var reason: Phrase }
        func note(_ phrase: Phrase) {}
        func label(_ text: String) -> Phrase { return flag ? "yes \(text)" : "no" }
        enum Outcome { case failed(Phrase), done(String) }
        func run() {
            note("plain \(count) items")
            note(cond ? "one" : "other \(x)")
            _ = Failure(.io, "cannot read \(path): \(Files.reason())")
            _ = ValidationError("field", "must be \(n) digits")
            _ = Thing(title: "a title", name: "not a phrase")
            _ = Found(key: "not a phrase", reason: "after another member")
            _ = Outcome.failed("down"); _ = Outcome.done("not either")
            let p: Phrase = "typed"
            var q: Phrase?
            q = "assigned later"
            let list: [Phrase] = ["first", "second"]
            let r = "cast" as Phrase
            print("not a phrase", "\(note("inside"))")
            let multi = """
                not a phrase either
                """
        }
        """#
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("scanner-\(UUID().uuidString)/Sources")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try source.write(to: directory.appendingPathComponent("Example.swift"), atomically: true, encoding: .utf8)
        let found = Set(try PhraseScanner.scan(directory: directory).map(\.template))
        XCTAssertEqual(found, ["yes {1}", "no", "plain {1} items", "one", "other {1}", "cannot read {1}: {2}", "must be {1} digits",
                               "a title", "after another member", "down", "typed", "assigned later", "first", "second", "cast", "inside"])
    }

    /// Commands run in process in Vietnamese, from help to reports: nothing they print lacks a translation.
    func testCommandsRunInVietnameseRenderNoUntranslatedTemplate() throws {
        let fixture = try LedgerFixture()
        let id = try fixture.register(.birth, Declarations.birth(), at: "2026-11-16T09:00:00+07:00")
        try fixture.register(.death, Declarations.death(), at: "2026-11-18T16:00:00+07:00")
        try fixture.sign(id, at: "2026-11-16T10:00:00+07:00")
        try fixture.useSpools()
        // A spool that cannot be a directory (configured, then gone): doctor and agency check show
        // their failure paths, and transfer still serves the other agencies.
        try fixture.reach("residence", spool: "/dev/null/not-a-directory")
        let run = try fixture.transfer(at: "2026-11-16T11:00:00+07:00", maxAttempts: 1)
        XCTAssertGreaterThan(run.sent, 0, "the reachable agencies are served")
        try fixture.answer(id, "personal-id", .rejected, at: "2026-11-16T12:00:00+07:00")
        Catalogue.missing.withLock { $0.removeAll() }
        let environment = ["LANG": "vi_VN.UTF-8", "CIVLINK_LEDGER": fixture.ledger.path, "CIVLINK_NOW": "2026-11-25T09:00:00+07:00"]
        let lines: [[String]] = [
            ["--help"], ["help", "report"], ["stauts"], ["status", "--lsit"], ["status", id], ["status", "--list"], ["status", "--stuck"],
            ["status", "--list", "--format", "csv", "--spreadsheet", "vi"], ["doctor"], ["doctor", "--ledger", "/nonexistent/x.db"],
            ["agency", "list"], ["agency", "check"], ["transfer", "--dry-run"], ["transfer", "--quarantine"],
            ["report", "--from", "2026-11-01", "--to", "2026-11-30", "--suppress-below", "3"], ["report", "--overdue"],
            ["report", "--by", "commune,system", "--format", "csv", "--spreadsheet", "vi"], ["audit", "verify"],
            ["register-birth", "/nonexistent.json"], ["init", "--holidays", "/nonexistent.tsv", "--ledger", fixture.directory + "/new.db"],
        ] + CLI.specs.flatMap { spec in [[spec.name, "--help"]] + spec.actions.map { [spec.name, $0.name, "--help"] } }
        for words in lines {
            let out = MemorySink(), err = MemorySink()
            _ = CLI.run(words, environment: environment, stdout: out, stderr: err, stdinFD: -1)
        }
        let missing = Catalogue.missing.withLock { $0 }.sorted()
        XCTAssertEqual(missing, [], "rendered in Vietnamese without a translation")
    }

    private func literal(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    private func placeholders(_ s: String) -> [String] {
        let regex = try! NSRegularExpression(pattern: #"\{\d+\}"#)
        return regex.matches(in: s, range: NSRange(s.startIndex..., in: s)).map { String(s[Range($0.range, in: s)!]) }.sorted()
    }
}
