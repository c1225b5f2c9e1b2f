import CivlinkCore

/// What kind of value an option or argument takes: parsing checks choices, completion offers
/// what fits, help names it.
public enum ValueKind: Sendable, Equatable {
    /// Free text (a name, a reason, a number): nothing to complete.
    case text
    case file
    case directory
    /// One of a fixed list.
    case choice([String])
    /// A comma-separated list of choices, each at most once.
    case choiceList([String])
    case dossierID
    case procedure
    case agency
}

/// An option a command accepts. Options with a value read the next word (or `--opt=value`).
public struct OptionSpec: Sendable {
    public let name: String
    /// Nil for a flag.
    public let valueName: String?
    public let kind: ValueKind
    public let help: Phrase

    public var takesValue: Bool { valueName != nil }

    public static func flag(_ name: String, _ help: Phrase) -> OptionSpec {
        OptionSpec(name: name, valueName: nil, kind: .text, help: help)
    }

    public static func value(_ name: String, _ valueName: String, _ kind: ValueKind = .text, _ help: Phrase) -> OptionSpec {
        OptionSpec(name: name, valueName: valueName, kind: kind, help: help)
    }
}

/// What a command or action takes besides options.
public enum Positionals: Sendable, Equatable {
    case none
    /// Dossier ids (how many is the command's business).
    case dossierIDs
    /// Files, `-` for standard input.
    case files
    /// One dossier id, then one file (`-` for standard input).
    case dossierIDThenFile
    /// One agency code.
    case agency
    /// One shell name (completions).
    case shell
    /// Free text (a search key): nothing to complete.
    case text
    /// A setting's key (config), then its value.
    case settingKey
}

/// A sub-action of a command (`agency add`, `ca issue`, `audit verify`): its own options, usage
/// and help.
public struct ActionSpec: Sendable {
    public let name: String
    public let usage: String
    public let summary: Phrase
    public let options: [OptionSpec]
    public let positionals: Positionals

    public init(_ name: String, usage: String, summary: Phrase, options: [OptionSpec] = [], positionals: Positionals = .none) {
        self.name = name
        self.usage = usage
        self.summary = summary
        self.options = options
        self.positionals = positionals
    }
}

/// Everything the command line knows about a command: the table `civlink --help`, `civlink help
/// COMMAND`, the completion scripts and the man-page checks are all made from it.
public struct CommandSpec: Sendable {
    public let name: String
    public let summary: Phrase
    /// Usage lines, without actions (those carry their own).
    public let usage: [String]
    public let options: [OptionSpec]
    public let actions: [ActionSpec]
    public let positionals: Positionals
    /// Not listed in help (the completion generator).
    public let hidden: Bool

    public init(_ name: String, summary: Phrase, usage: [String] = [], options: [OptionSpec] = [], actions: [ActionSpec] = [],
                positionals: Positionals = .none, hidden: Bool = false) {
        self.name = name
        self.summary = summary
        self.usage = usage
        self.options = options
        self.actions = actions
        self.positionals = positionals
        self.hidden = hidden
    }

    /// The options of `action` (or of the command without one), with the global ones.
    public func accepted(action: String?) -> [OptionSpec] {
        let own = action.flatMap { name in actions.first { $0.name == name }?.options } ?? options
        return own + GlobalOptions.all
    }

    public var allUsage: [String] { usage + actions.map(\.usage) }
}

/// Options every command takes, before or after the command name.
public enum GlobalOptions {
    public static let all: [OptionSpec] = [
        .value("--ledger", "PATH", .file, "ledger file (else $CIVLINK_LEDGER, else ./civlink.db)"),
        .value("--actor", "NAME", .text, "who is acting, recorded in events (else $CIVLINK_ACTOR, else $USER)"),
        .value("--holidays", "FILE", .file, "holiday file replacing the ledger's or the shipped one (else $CIVLINK_HOLIDAYS)"),
        .flag("--help", "show this help"),
        .flag("--version", "print the version"),
    ]

    public static var names: Set<String> { Set(all.map(\.name)) }
}

/// The output options of a command that prints records: `--format` (the first format is the
/// default), and with CSV `--bom` and `--spreadsheet`.
func outputOptions(_ formats: [OutputFormat] = [.table, .json, .csv]) -> [OptionSpec] {
    var options: [OptionSpec] = [
        .value("--format", formats.map(\.rawValue).joined(separator: "|"), .choice(formats.map(\.rawValue)),
               "output format: table for people, json (versioned, stable, see civlink-output(5)) or csv (RFC 4180, UTF-8)"),
    ]
    if formats.contains(.csv) {
        options += [
            .flag("--bom", "with --format csv: start with a UTF-8 byte order mark"),
            .value("--spreadsheet", "vi|en", .choice(Language.allCases.map(\.rawValue)),
                   "with --format csv: for a spreadsheet program in this language (headings, decimal mark, codes kept as text, byte order mark)"),
        ]
    }
    return options
}

public enum OutputFormat: String, Sendable, CaseIterable {
    case table, json, csv
}
