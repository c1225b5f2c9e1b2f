import CivlinkCore
import Foundation

/// A subcommand: its name, one-line summary, the options it takes and what it does.
protocol Command {
    static var name: String { get }
    static var summary: String { get }
    static var usage: String { get }
    static var options: [OptionSpec] { get }
    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode
}

/// What every subcommand reads from its environment.
struct Context {
    let arguments: ParsedArguments
    let environment: [String: String]
    let output = Output()

    var ledgerPath: String {
        arguments.value("--ledger") ?? environment["CIVLINK_LEDGER"].flatMap { $0.isEmpty ? nil : $0 } ?? "civlink.db"
    }

    var actor: String {
        arguments.value("--actor") ?? environment["CIVLINK_ACTOR"] ?? environment["USER"] ?? "civlink"
    }

    func now() throws -> Timestamp { try Timestamp.now(environment: environment) }

    /// Opens the ledger and applies a `--holidays` or `CIVLINK_HOLIDAYS` override.
    func openLedger(readOnly: Bool = false) throws -> Ledger {
        let ledger = try Ledger(path: ledgerPath, readOnly: readOnly)
        if let holidays = arguments.value("--holidays") ?? environment["CIVLINK_HOLIDAYS"].flatMap({ $0.isEmpty ? nil : $0 }) {
            ledger.useCalendar(try WorkingCalendar.load(path: holidays))
        }
        return ledger
    }

    /// Reads FILE, or standard input for `-` or no file.
    func readInput(_ path: String?) throws -> Data {
        if path == nil || path == "-" {
            return FileHandle.standardInput.readDataToEndOfFile()
        }
        guard let data = FileManager.default.contents(atPath: path!) else {
            throw NotFoundError("cannot read \(path!)")
        }
        return data
    }
}

func helpText(for command: Command.Type) -> String {
    var lines = ["usage: \(command.usage)", "", command.summary, "", "options:"]
    for option in command.options + globalOptions {
        let left = option.takesValue ? "\(option.name) \(option.valueName)" : option.name
        lines.append("  " + left.padding(toLength: max(24, left.count + 2), withPad: " ", startingAt: 0) + option.help)
    }
    lines.append("")
    lines.append("See civlink-\(command.name)(1).")
    return lines.joined(separator: "\n")
}
