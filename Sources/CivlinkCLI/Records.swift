import CivlinkCore

/// One value of a record, typed so that each output shows it right: a table for people in their
/// language, JSON with numbers as numbers, CSV that a spreadsheet reads as numbers and keeps codes
/// (commune 00004) as text.
enum Cell {
    /// Identifiers and free text (dossier ids, paths, reasons), shown as they are.
    case text(String)
    /// A code made of digits (commune 00004, province 40): text everywhere, never a number.
    case code(String)
    case int(Int)
    /// A share from 0 to 1: JSON and CSV with 4 decimals, a percentage in tables; nil when undefined.
    case share(Double?)
    /// An instant: RFC 3339 in JSON and CSV, local date and time in tables and spreadsheets.
    case time(Timestamp?)
    case date(CivilDate?)
    /// Words for people: the reader's language in tables and spreadsheets, English in JSON and CSV.
    case phrase(Phrase)
    /// A procedure state: its code in JSON and CSV, its label in tables and spreadsheets.
    case state(String)
    case bool(Bool)
    /// JSON array; comma-separated elsewhere.
    case list([String])
    /// Hidden by statistical suppression: JSON null, `suppressed` in CSV, a mark in tables.
    case suppressed
    /// No value: JSON null, an empty CSV field, `-` in tables.
    case none

    var json: JSON {
        switch self {
        case .text(let s), .code(let s), .state(let s): return .string(s)
        case .int(let n): return .int(n)
        case .share(let d): return d.map { .number(($0 * 10000).rounded() / 10000) } ?? .null
        case .time(let t): return t.map { .string($0.description) } ?? .null
        case .date(let d): return d.map { .string($0.description) } ?? .null
        case .phrase(let p): return .string(p.description)
        case .bool(let b): return .bool(b)
        case .list(let l): return .array(l.map(JSON.string))
        case .suppressed, .none: return .null
        }
    }

    /// The cell in a table for people.
    func table(_ language: Language) -> String {
        switch self {
        case .text(let s), .code(let s): return s
        case .int(let n): return String(n)
        case .share(let d): return d.map { language.decimal($0 * 100, places: 1) + "%" } ?? "-"
        case .time(let t): return t?.shortDescription ?? "-"
        case .date(let d): return d?.description ?? "-"
        case .phrase(let p): return language.render(p)
        case .state(let s): return language.render(Labels.state(s))
        case .bool(let b): return language.render(b ? "yes" : "no")
        case .list(let l): return l.isEmpty ? "-" : l.joined(separator: ",")
        case .suppressed: return Labels.suppressedMark
        case .none: return "-"
        }
    }

    /// The cell in CSV: for programs (`spreadsheet` nil: RFC 3339, a decimal point, English) or for
    /// a spreadsheet program in `spreadsheet`'s language.
    func csv(_ spreadsheet: Language?) -> String {
        guard let language = spreadsheet else {
            switch self {
            case .share(let d): return d.map { fixed($0, decimals: 4) } ?? ""
            case .list(let l): return l.joined(separator: ",")
            case .suppressed: return "suppressed"
            case .text(let s), .code(let s), .state(let s): return s
            case .none: return ""
            default: return json.stringValue ?? (json == .null ? "" : String(decoding: json.bytes(), as: UTF8.self))
            }
        }
        switch self {
        case .text(let s): return Spreadsheet.text(s)
        // ="00004": a formula whose value is the text 00004, so the leading zeros stay (LibreOffice and Excel).
        case .code(let s): return s.isEmpty ? "" : s.utf8.allSatisfy({ (0x30...0x39).contains($0) }) ? "=\"\(s)\"" : Spreadsheet.text(s)
        case .int(let n): return String(n)
        case .share(let d): return d.map { language.decimal($0, places: 4) } ?? ""
        // Local ISO 8601 date and time without an offset: the one form LibreOffice and Excel read
        // as a date and time in every locale (with a space, or an offset, it stays text).
        case .time(let t): return t.map { $0.localDate.description + "T" + Spreadsheet.clock($0) } ?? ""
        case .date(let d): return d?.description ?? ""
        case .phrase(let p): return Spreadsheet.text(language.render(p))
        case .state(let s): return Spreadsheet.text(language.render(Labels.state(s)))
        case .bool(let b): return language.render(b ? "yes" : "no")
        case .list(let l): return Spreadsheet.text(l.joined(separator: ", "))
        case .suppressed: return language.render("suppressed")
        case .none: return ""
        }
    }
}

enum Spreadsheet {
    /// Text a spreadsheet must not take for a formula (`=`, `+`, `-`, `@` first) gets a leading
    /// space, so that a reason or a target can never run as a formula when the file is opened.
    static func text(_ s: String) -> String {
        guard let first = s.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else { return s }
        return " " + s
    }

    static func clock(_ t: Timestamp) -> String {
        let s = t.localSecondsOfDay
        return twoDigits(s / 3600) + ":" + twoDigits(s / 60 % 60) + ":" + twoDigits(s % 60)
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

/// A column of records: its JSON and CSV key, and its heading for people (sentence case; tables
/// print it in capitals).
struct RecordColumn {
    let key: String
    let heading: Phrase
    /// For tables printed as they go (streaming): the width to pad to.
    var width = 0

    init(_ key: String, _ heading: Phrase, width: Int = 0) {
        self.key = key
        self.heading = heading
        self.width = width
    }
}

/// How CSV is written: for programs, or for a spreadsheet program in a language (headings in
/// that language, its decimal mark, codes kept as text, a byte order mark).
struct CSVStyle {
    var spreadsheet: Language?
    var bom = false

    func header(_ columns: [RecordColumn]) -> [String] {
        guard let language = spreadsheet else { return columns.map(\.key) }
        return columns.map { language.render($0.heading) }
    }
}

/// Prints records of one kind in the format asked for: a table (collected, or printed as they
/// come with `streaming`), JSON Lines with `format: civlink.<kind>/<n>` first in every object, or
/// CSV. Every command that prints records goes through it.
final class RecordPrinter {
    let kind: String
    let columns: [RecordColumn]
    let invocation: Invocation
    let format: OutputFormat
    let streaming: Bool
    private var rows: [[String]] = []
    private var started = false

    /// `kind` is the versioned format, e.g. `civlink.dossier-summary/1`, documented in civlink-output(5).
    init(_ invocation: Invocation, kind: String, columns: [RecordColumn], defaultFormat: OutputFormat = .table, streaming: Bool = false) throws {
        self.invocation = invocation
        self.kind = kind
        self.columns = columns
        format = invocation.format(default: defaultFormat)
        self.streaming = streaming
    }

    private func begin() throws {
        guard !started else { return }
        started = true
        switch format {
        case .csv:
            var writer = CSVWriter(bom: invocation.csvStyle.bom)
            writer.row(invocation.csvStyle.header(columns))
            try invocation.output.write(writer.text)
        case .table where streaming:
            try invocation.line(invocation.tableHeader(columns))
        default: break
        }
    }

    /// One record. `json` replaces the members made from the cells (for records whose JSON nests).
    func add(_ cells: [Cell], json: [(String, JSON)]? = nil) throws {
        try begin()
        switch format {
        case .json:
            // The record's own `format` member, if the core gave one, makes way for the kind's.
            let members = json?.filter { $0.0 != "format" } ?? zip(columns, cells).map { ($0.key, $1.json) }
            try invocation.line(JSON.object([("format", .string(kind))] + members))
        case .csv:
            var writer = CSVWriter()
            writer.row(cells.map { $0.csv(invocation.csvStyle.spreadsheet) })
            try invocation.output.write(writer.text)
        case .table:
            let shown = cells.map { $0.table(invocation.language) }
            if streaming {
                try invocation.line(TableLayout.row(shown, widths: invocation.streamingWidths(columns)))
            } else {
                rows.append(shown)
            }
        }
    }

    /// Prints the table (an empty one has its headings), or the CSV header when nothing came.
    func finish() throws {
        try begin()
        if format == .table && !streaming {
            try invocation.table(columns.map(\.heading), rows).forEach(invocation.line)
        }
    }
}
