import CivlinkCore

enum InitCommand: Command {
    static let spec = CommandSpec("init", summary: "Create a new ledger (mode 0600, WAL, current schema).",
                                  usage: ["civlink init [--ledger PATH] [--holidays FILE] [--format table|json|csv]"],
                                  options: outputOptions())

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("init takes no arguments") }
        let printer = try RecordPrinter(invocation, kind: "civlink.ledger/1", columns: [
            RecordColumn("ledger", "Ledger"), RecordColumn("schema_version", "Schema version"),
        ])
        var holidaysText: String?
        if let path = invocation.value("--holidays") {
            // Kept in the ledger so every later run counts deadlines on the same calendar.
            holidaysText = try WorkingCalendar.load(path: path).text
        }
        let path = invocation.ledgerPath
        let ledger = try Ledger(path: path, create: true)
        if let holidaysText { try ledger.setSetting("holidays", holidaysText) }
        let version = try ledger.schemaVersion
        if printer.format == .table {
            try invocation.line(invocation.text("created ledger \(path) (schema version \(version))"))
        } else {
            try printer.add([.text(path), .int(version)])
            try printer.finish()
        }
        return .ok
    }
}
