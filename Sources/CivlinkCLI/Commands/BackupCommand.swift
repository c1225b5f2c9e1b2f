import CivlinkCore

enum BackupCommand: Command {
    static let spec = CommandSpec(
        "backup", summary: "Copy the ledger to FILE with SQLite's online backup, safe while civlink runs.",
        usage: ["civlink backup FILE [--ledger PATH] [--format table|json]"], options: [formatOption()], positionals: .files)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("backup needs one FILE to write") }
        let target = invocation.positionals[0]
        let dossiers = try invocation.openLedger(readOnly: true).backup(to: target)
        switch invocation.format() {
        case .json: try invocation.line(JSON.object([("backup", .string(target)), ("dossiers", .int(dossiers))]))
        default: try invocation.line("backed up \(invocation.ledgerPath) to \(target) (\(dossiers) dossiers)")
        }
        return .ok
    }
}
