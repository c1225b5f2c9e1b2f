import CivlinkCore

enum BackupCommand: Command {
    static let spec = CommandSpec(
        "backup", summary: "Copy the ledger to FILE, or into DIRECTORY/ as NAME-DATE.db, with SQLite's online backup, safe while civlink runs.",
        usage: ["civlink backup FILE|DIRECTORY/ [--ledger PATH] [--format table|json|csv]"], options: outputOptions(), positionals: .files)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("backup needs one FILE or DIRECTORY to write") }
        let printer = try RecordPrinter(invocation, kind: "civlink.backup/1", columns: [
            RecordColumn("ledger", "Ledger"), RecordColumn("backup", "Backup"), RecordColumn("dossiers", "Dossiers"),
        ])
        let ledger = try invocation.openLedger(readOnly: true)
        var target = invocation.positionals[0]
        if target.hasSuffix("/") || Files.isDirectory(target) {
            guard Files.isDirectory(target) else { throw Failure(.cannotCreate, "backup directory \(target) does not exist") }
            target = ledger.backupPath(in: target, now: try invocation.now())
        }
        let dossiers = try ledger.backup(to: target)
        if printer.format == .table {
            try invocation.line(invocation.text("backed up \(invocation.ledgerPath) to \(target) (\(dossiers) dossiers)"))
        } else {
            try printer.add([.text(invocation.ledgerPath), .text(target), .int(dossiers)])
            try printer.finish()
        }
        return .ok
    }
}
