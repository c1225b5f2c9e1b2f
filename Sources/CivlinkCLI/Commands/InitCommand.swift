import CivlinkCore

enum InitCommand: Command {
    static let spec = CommandSpec("init", summary: "Create a new ledger (mode 0600, WAL, current schema) and its ledger key (mode 0600).",
                                  usage: ["civlink init [--ledger PATH] [--holidays FILE] [--province CODE] [--commune CODE] [--training] [--format table|json|csv]"],
                                  options: outputOptions() + [
                                      .value("--province", "CODE", .text, "the province the ledger serves (2 digits), named in its log's origin"),
                                      .value("--commune", "CODE", .text, "the commune the ledger serves (5 digits), named in its log's origin"),
                                      .flag("--training", "a training ledger: a fixed clock (CIVLINK_NOW) may date signatures; never for real records"),
                                  ])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("init takes no arguments") }
        let printer = try RecordPrinter(invocation, kind: "civlink.ledger/1", columns: [
            RecordColumn("ledger", "Ledger"), RecordColumn("schema_version", "Schema version"), RecordColumn("ledger_key", "Ledger key"),
            RecordColumn("origin", "Log origin"), RecordColumn("verifier_key", "Verifier key"), RecordColumn("training", "Training"),
        ])
        var holidaysText: String?
        if let path = invocation.value("--holidays") {
            // Kept in the ledger so every later run counts deadlines on the same calendar.
            holidaysText = try WorkingCalendar.load(path: path).text
        }
        func code(_ option: String, digits: Int) throws -> String? {
            guard let value = invocation.value(option) else { return nil }
            guard value.count == digits, value.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw UsageError("\(option) must be \(digits) digits")
            }
            return value
        }
        let setup = LedgerSetup(training: invocation.has("--training"), province: try code("--province", digits: 2),
                                commune: try code("--commune", digits: 5))
        let path = invocation.ledgerPath
        let ledger = try invocation.openLedger(setup: setup, create: true)
        if let holidaysText { try ledger.setSetting("holidays", holidaysText) }
        let version = try ledger.schemaVersion
        let identity = try ledger.logIdentity()
        if printer.format == .table {
            try invocation.line(invocation.text("created ledger \(path) (schema version \(version))\(setup.training ? ", for training" as Phrase : "")"))
            try invocation.line(invocation.text("ledger key \(ledger.keyPath) (keep a copy of it apart from the ledger); log \(identity.origin)"))
        } else {
            try printer.add([.text(path), .int(version), .text(ledger.keyPath), .text(identity.origin), .text(identity.verifierKey), .bool(setup.training)])
            try printer.finish()
        }
        return .ok
    }
}
