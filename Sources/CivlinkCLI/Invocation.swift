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

    /// Opens the ledger and applies a `--holidays` or `CIVLINK_HOLIDAYS` override. A command that
    /// writes first records what the clock decided since the last write: returned files not
    /// completed in time are refused (one indexed look-up when there is none).
    /// `recordClock` false opens for writing without it (a dry run changes nothing).
    func openLedger(readOnly: Bool = false, setup: LedgerSetup? = nil, create: Bool = false, recordClock: Bool = true) throws -> Ledger {
        var chosen = setup ?? LedgerSetup()
        chosen.keyPath = chosen.keyPath ?? ledgerKeyPath
        let ledger = try Ledger(path: ledgerPath, create: create, readOnly: readOnly, setup: chosen)
        ledger.defaultActor = actor
        if Timestamp.isFixed(environment: environment) { ledger.fixedNow = try now() }
        if let holidays = value("--holidays") ?? nonEmpty("CIVLINK_HOLIDAYS") {
            ledger.useCalendar(try WorkingCalendar.load(path: holidays))
        }
        if !readOnly && recordClock { try Lifecycle.refuseExpired(ledger: ledger, now: try now()) }
        return ledger
    }

    /// The dossier ids of a decision: the positionals, or one a line from standard input for `-`.
    func dossierIDs() throws -> Lifecycle.IDSource {
        if positionals == ["-"] { return .lines(inputFD) }
        guard !positionals.isEmpty else { throw UsageError("\(command.name) needs at least one dossier id (or - to read them, one a line, from standard input)") }
        if positionals.contains("-") { throw UsageError("- reads the dossier ids from standard input; give it alone") }
        return .list(positionals)
    }

    /// Prints decisions as JSON Lines (`civlink.decision/1`), once committed.
    func print(_ decisions: [Decision]) throws {
        for decision in decisions { try line(decision.json) }
        try output.flush()
    }

    /// The exit status of a batch: 0, or that of the first refusal.
    func status(_ result: Lifecycle.BatchResult) -> ExitStatus {
        result.firstRefusal.map(ExitStatus.init) ?? .ok
    }

    /// Reads FILE, or standard input for `-` or no file.
    func readInput(_ path: String?) throws -> Data {
        if path == nil || path == "-" {
            guard let data = Files.readAll(inputFD) else { throw Failure(.io, "cannot read standard input: \(Files.reason())") }
            return data
        }
        guard let data = Files.read(path!) else { throw Files.readFailure(path!) }
        return data
    }

    /// The output format asked for, among those the command offers (its --format choices).
    /// `--bom` and `--spreadsheet` were checked to come with `--format csv` (`CLI.dispatch`).
    func format(default fallback: OutputFormat = .table) -> OutputFormat {
        value("--format").flatMap(OutputFormat.init(rawValue:)) ?? fallback
    }

    /// CSV for programs, or for a spreadsheet program (`--spreadsheet vi|en`, which implies `--bom`).
    var csvStyle: CSVStyle {
        let spreadsheet = value("--spreadsheet").flatMap(Language.init(rawValue:))
        return CSVStyle(spreadsheet: spreadsheet, bom: has("--bom") || spreadsheet != nil)
    }

    // MARK: Diagnostics

    func text(_ phrase: Phrase) -> String { language.render(phrase) }

    /// "civlink: message" on standard error, in the reader's language.
    func error(_ phrase: Phrase) {
        try? errors.write(Array(("civlink: " + text(phrase) + "\n").utf8))
    }

    /// A JSON object on standard error, one line (machine-readable diagnostics).
    func errorLine(_ json: JSON) {
        try? errors.write(json.bytes() + [0x0A])
    }

    /// A line on standard error, as it is.
    func note(_ phrase: Phrase) {
        try? errors.write(Array((text(phrase) + "\n").utf8))
    }

    /// Colour only on a terminal, never with NO_COLOR or a dumb terminal.
    var useColour: Bool {
        output.sink.isTerminal && (environment["NO_COLOR"].map(\.isEmpty) ?? true) && environment["TERM"] != "dumb"
    }

    /// A heading as tables print it: in the reader's language, in capitals.
    func heading(_ phrase: Phrase) -> String { text(phrase).uppercased() }

    /// Left-aligned columns for people, headings in the reader's language.
    func table(_ headings: [Phrase], _ rows: [[String]]) -> [String] {
        TableLayout.render(headings.map(heading), rows, bold: useColour)
    }

    /// The widths of a table printed row by row: each column's width, or its heading's.
    func streamingWidths(_ columns: [RecordColumn]) -> [Int] {
        columns.map { max($0.width, heading($0.heading).count) }
    }

    func tableHeader(_ columns: [RecordColumn]) -> String {
        let head = TableLayout.row(columns.map { heading($0.heading) }, widths: streamingWidths(columns))
        return useColour ? "\u{1B}[1m\(head)\u{1B}[0m" : head
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
        let head = row(header, widths: widths)
        return [bold ? "\u{1B}[1m\(head)\u{1B}[0m" : head] + rows.map { row($0, widths: widths) }
    }

    /// One row: every cell but the last padded to its column's width, two spaces apart.
    static func row(_ cells: [String], widths: [Int]) -> String {
        cells.enumerated().map { i, cell in
            i == cells.count - 1 || i >= widths.count ? cell : cell + String(repeating: " ", count: max(0, widths[i] - cell.count))
        }.joined(separator: "  ")
    }
}
