import CivlinkCore
import FoundationEssentials
import Glibc

/// A command as it runs: its parsed command line, the environment it reads, and where its output
/// and diagnostics go.
public final class Invocation {
    let command: CommandSpec
    let arguments: ParsedArguments
    let environment: [String: String]
    let output: Output
    let errors: OutputSink
    let inputFD: Int32
    let language: Language

    init(command: CommandSpec, arguments: ParsedArguments, environment: [String: String], output: Output, errors: OutputSink, inputFD: Int32) {
        self.command = command
        self.arguments = arguments
        self.environment = environment
        self.output = output
        self.errors = errors
        self.inputFD = inputFD
        language = Language.from(environment: environment)
    }

    var positionals: [String] { arguments.positionals }
    func value(_ name: String) -> String? { arguments.value(name) }
    func values(_ name: String) -> [String] { arguments.allValues(name) }
    func has(_ name: String) -> Bool { arguments.has(name) }

    private func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }

    var ledgerPath: String { value("--ledger") ?? nonEmpty("CIVLINK_LEDGER") ?? "civlink.db" }

    var actor: String { value("--actor") ?? environment["CIVLINK_ACTOR"] ?? environment["USER"] ?? "civlink" }

    func now() throws -> Timestamp { try Timestamp.now(environment: environment) }

    /// The ledger key's file: `CIVLINK_LEDGER_KEY`, else beside the ledger (nil here).
    var ledgerKeyPath: String? { nonEmpty("CIVLINK_LEDGER_KEY") }

    /// Opens the ledger and applies a `--holidays` or `CIVLINK_HOLIDAYS` override.
    func openLedger(readOnly: Bool = false, setup: LedgerSetup? = nil, create: Bool = false) throws -> Ledger {
        var chosen = setup ?? LedgerSetup()
        chosen.keyPath = chosen.keyPath ?? ledgerKeyPath
        let ledger = try Ledger(path: ledgerPath, create: create, readOnly: readOnly, setup: chosen)
        ledger.defaultActor = actor
        if Timestamp.isFixed(environment: environment) { ledger.fixedNow = try now() }
        if let holidays = value("--holidays") ?? nonEmpty("CIVLINK_HOLIDAYS") {
            ledger.useCalendar(try WorkingCalendar.load(path: holidays))
        }
        return ledger
    }

    /// Reads FILE, or standard input for `-` or no file.
    func readInput(_ path: String?) throws -> Data {
        if path == nil || path == "-" {
            guard let data = Files.readAll(inputFD) else { throw Failure(.io, "cannot read standard input: \(Files.reason())") }
            return data
        }
        guard let data = Files.read(path!) else { throw Failure(.notFound, "cannot read \(path!): \(Files.reason())") }
        return data
    }

    /// The output format asked for, among those the command offers (its --format choices).
    func format() -> OutputFormat {
        value("--format").flatMap(OutputFormat.init(rawValue:)) ?? .table
    }

    // MARK: Diagnostics

    func text(_ phrase: Phrase) -> String { language.render(phrase) }

    /// "civlink: message" on standard error, in the reader's language.
    func error(_ phrase: Phrase) {
        try? errors.write(Array(("civlink: " + text(phrase) + "\n").utf8))
    }

    /// A line on standard error, as it is.
    func note(_ phrase: Phrase) {
        try? errors.write(Array((text(phrase) + "\n").utf8))
    }

    func heading(_ text: String) -> String { language.heading(text) }

    /// Colour only on a terminal, never with NO_COLOR or a dumb terminal.
    var useColour: Bool {
        output.sink.isTerminal && (environment["NO_COLOR"].map(\.isEmpty) ?? true) && environment["TERM"] != "dumb"
    }

    /// Left-aligned columns for people, headings in the reader's language.
    func table(_ header: [String], _ rows: [[String]]) -> [String] {
        TableLayout.render(header.map(heading), rows, bold: useColour)
    }

    func line(_ text: String) throws { try output.line(text) }
    func line(_ json: JSON) throws { try output.line(json) }
}

/// Columns padded to their widest cell.
enum TableLayout {
    static func render(_ header: [String], _ rows: [[String]], bold: Bool = false) -> [String] {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func render(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 || i >= widths.count ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ")
        }
        let head = render(header)
        return [bold ? "\u{1B}[1m\(head)\u{1B}[0m" : head] + rows.map(render)
    }
}
