import CivlinkCore
import Foundation

/// An option a subcommand accepts. `takesValue` options read the next word (or `--opt=value`).
struct OptionSpec {
    let name: String
    let takesValue: Bool
    let help: String
    var valueName: String = "VALUE"

    static func flag(_ name: String, _ help: String) -> OptionSpec { OptionSpec(name: name, takesValue: false, help: help) }
    static func value(_ name: String, _ valueName: String, _ help: String) -> OptionSpec {
        OptionSpec(name: name, takesValue: true, help: help, valueName: valueName)
    }
}

/// Options every subcommand takes.
let globalOptions: [OptionSpec] = [
    .value("--ledger", "PATH", "ledger file (else $CIVLINK_LEDGER, else ./civlink.db)"),
    .value("--actor", "NAME", "who is acting, recorded in events (else $CIVLINK_ACTOR, else $USER)"),
    .value("--holidays", "FILE", "holiday file replacing the ledger's or the shipped one (else $CIVLINK_HOLIDAYS)"),
    .flag("--help", "show this help"),
    .flag("--version", "print the version"),
]

let formatOption = OptionSpec.value("--format", "table|json", "output format (json is versioned and stable)")

/// The parsed command line of one subcommand.
struct ParsedArguments {
    var positionals: [String] = []
    var values: [String: String] = [:]
    var flags: Set<String> = []

    func value(_ name: String) -> String? { values[name] }
    func has(_ name: String) -> Bool { flags.contains(name) }

    static func parse(_ words: [String], options: [OptionSpec]) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < words.count {
            let word = words[index]
            index += 1
            if onlyPositionals || word == "-" || !word.hasPrefix("-") {
                parsed.positionals.append(word)
                continue
            }
            if word == "--" { onlyPositionals = true; continue }
            var name = word
            var inlineValue: String?
            if let eq = word.firstIndex(of: "=") {
                name = String(word[..<eq])
                inlineValue = String(word[word.index(after: eq)...])
            }
            if name == "-h" { name = "--help" }
            guard let spec = options.first(where: { $0.name == name }) else {
                throw UsageError("unknown option \(name)")
            }
            if spec.takesValue {
                if let inlineValue {
                    parsed.values[name] = inlineValue
                } else {
                    guard index < words.count else { throw UsageError("option \(name) needs a value (\(spec.valueName))") }
                    parsed.values[name] = words[index]
                    index += 1
                }
            } else {
                if inlineValue != nil { throw UsageError("option \(name) takes no value") }
                parsed.flags.insert(name)
            }
        }
        return parsed
    }

    func format() throws -> OutputFormat {
        guard let raw = value("--format") else { return .table }
        guard let format = OutputFormat(rawValue: raw) else { throw UsageError("--format must be table or json") }
        return format
    }
}

enum OutputFormat: String {
    case table, json
}
