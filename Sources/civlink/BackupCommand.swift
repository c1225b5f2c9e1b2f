import CivlinkCore
import Foundation

enum BackupCommand: Command {
    static let name = "backup"
    static let summary = "Copy the ledger to FILE with SQLite's online backup, safe while civlink runs."
    static let usage = "civlink backup FILE [--ledger PATH] [--format table|json]"
    static let options: [OptionSpec] = [formatOption]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard arguments.positionals.count == 1 else { throw UsageError("backup needs one FILE to write") }
        let format = try arguments.format()
        let target = arguments.positionals[0]
        let ledger = try context.openLedger(readOnly: true)
        try LedgerBackup.copy(ledger, to: target)
        let dossiers = try ledger.database.scalar("SELECT count(*) FROM dossiers").int ?? 0
        switch format {
        case .json:
            context.output.line(JSON.object([("backup", .string(target)), ("dossiers", .int(dossiers))]))
        case .table:
            context.output.line("backed up \(context.ledgerPath) to \(target) (\(dossiers) dossiers)")
        }
        return .ok
    }
}
