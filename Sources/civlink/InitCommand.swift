import CivlinkCore
import Foundation

enum InitCommand: Command {
    static let name = "init"
    static let summary = "Create a new ledger (mode 0600, WAL, current schema)."
    static let usage = "civlink init [--ledger PATH] [--holidays FILE] [--format table|json]"
    static let options: [OptionSpec] = [formatOption]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard arguments.positionals.isEmpty else { throw UsageError("init takes no arguments") }
        let format = try arguments.format()
        var holidaysText: String?
        if let path = arguments.value("--holidays") {
            // Kept in the ledger so every later run counts deadlines on the same calendar.
            holidaysText = try WorkingCalendar.load(path: path).text
        }
        let ledger = try Ledger(path: context.ledgerPath, create: true)
        if let holidaysText { try ledger.setSetting("holidays", holidaysText) }
        let version = try ledger.schemaVersion
        switch format {
        case .json:
            context.output.line(JSON.object([
                ("ledger", .string(context.ledgerPath)), ("schema_version", .int(version)),
            ]).serialized())
        case .table:
            context.output.line(Diagnostics.localized("created ledger \(context.ledgerPath) (schema version \(version))"))
        }
        return .ok
    }
}
