import CivlinkCore
import FoundationEssentials

enum ImportCommand: Command {
    static let spec = CommandSpec(
        "import", summary: "Load communes' exports into this province ledger, after checking their chains, rows and signed checkpoints; list sources and findings.",
        usage: ["civlink import FILE|- [--log-key KEY]... [--ledger PATH] [--format table|json]",
                "civlink import --spool DIR [--log-key KEY]... [--format table|json]",
                "civlink import --sources [--format table|json|csv]",
                "civlink import --findings [--format table|json|csv]"],
        options: [
            .value("--log-key", "KEY", .text, "a commune's verifier key, or a file holding it, checked the first time its exports come (repeatable; else trusted on first use)"),
            .value("--spool", "DIR", .directory, "import every export waiting in DIR/outbox (the communes' transfers), in order, removing each once imported"),
            .flag("--sources", "list the communes this ledger holds replicas of, with where each import stands"),
            .flag("--findings", "list the duplicates found across communes (each side once)"),
        ] + outputOptions(), positionals: .files)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        if invocation.has("--sources") { return try sources(invocation) }
        if invocation.has("--findings") { return try findings(invocation) }
        let spool = invocation.value("--spool")
        guard spool == nil ? invocation.positionals.count == 1 : invocation.positionals.isEmpty else {
            throw UsageError("import needs one FILE (or - for standard input), or --spool DIR")
        }
        let keys = try invocation.values("--log-key").map(AuditCommand.keyText)
        let printer = try RecordPrinter(invocation, kind: "civlink.import/1", columns: [
            RecordColumn("source", "Source"), RecordColumn("from", "From"), RecordColumn("to", "To"), RecordColumn("events", "Events"),
            RecordColumn("rows", "Rows"), RecordColumn("key", "Key"),
        ])
        let ledger = try invocation.openLedger(recordClock: false)
        var files = invocation.positionals
        if let spool {
            guard Files.isDirectory(spool) else { throw Failure(.notFound, "spool \(spool) does not exist") }
            files = (Files.list(spool + "/outbox") ?? []).filter { $0.hasPrefix("export-") && $0.hasSuffix(".json") }.sorted().map { spool + "/outbox/" + $0 }
        }
        var refused = false
        for file in files {
            let input = try ReplicaImport.inputs(path: file, standardInput: invocation.inputFD, directory: Files.directoryName(invocation.ledgerPath),
                                                 spooled: spool != nil)
            let importer = try ReplicaImport(ledger: ledger, logKeys: keys, now: try invocation.now())
            if let events = invocation.environment["CIVLINK_IMPORT_CHUNK"].flatMap(Int.init), events > 0 {
                importer.chunkEvents = events
                importer.chunkRows = events * 2
            }
            let result: ReplicaImport.Result
            do {
                result = try importer.run(open: input)
            } catch let error as Failure where spool != nil && error.kind == .invalidInput {
                // One commune's refused export does not hold up the others: it stays for a person.
                invocation.error("\(file): \(error.phrase)")
                refused = true
                continue
            }
            try report(result, printer, invocation)
            if spool != nil { Files.unlinkIfPresent(file) }
        }
        if printer.format != .table { try printer.finish() }
        return refused ? .dataError : .ok
    }

    static func report(_ result: ReplicaImport.Result, _ printer: RecordPrinter, _ invocation: Invocation) throws {
        for source in result.sources {
            let key: Phrase = source.keyGiven ? "given" : "trusted on first use"
            if printer.format == .table {
                try invocation.line(invocation.text("\(source.source): imported \(source.events) events and \(source.rows) rows, now at event \(source.to) (key \(key))"))
            } else {
                try printer.add([.text(source.source), .int(Int(source.from)), .int(Int(source.to)), .int(source.events), .int(source.rows),
                                 .text(source.keyGiven ? "given" : "first-use")])
            }
        }
        try invocation.output.flush()
        for finding in result.findings {
            invocation.error("duplicate across communes: dossier \(finding.dossier) of \(finding.source) and dossier \(finding.otherDossier) of \(finding.otherSource)")
        }
    }

    static func sources(_ invocation: Invocation) throws -> ExitStatus {
        let printer = try RecordPrinter(invocation, kind: "civlink.replica-source/1", columns: [
            RecordColumn("source", "Source"), RecordColumn("seq", "Events"), RecordColumn("dossiers", "Dossiers"),
            RecordColumn("key", "Key"), RecordColumn("updated_at", "Imported"),
        ])
        let ledger = try invocation.openLedger(readOnly: true)
        for summary in try ledger.replicaSources() {
            try printer.add([.text(summary.cursor.source), .int(Int(summary.cursor.seq)), .int(summary.dossiers),
                             .text(summary.cursor.keyGiven ? "given" : "first-use"), .text(summary.cursor.updatedAt.description)])
        }
        try printer.finish()
        return .ok
    }

    static func findings(_ invocation: Invocation) throws -> ExitStatus {
        let printer = try RecordPrinter(invocation, kind: "civlink.replica-finding/1", columns: [
            RecordColumn("dossier", "Dossier"), RecordColumn("source", "Source"), RecordColumn("kind", "Finding"),
            RecordColumn("other_dossier", "Other dossier"), RecordColumn("other_source", "Other source"), RecordColumn("found_at", "Found"),
        ])
        let ledger = try invocation.openLedger(readOnly: true)
        let findings = try ledger.replicaFindings()
        for finding in findings {
            try printer.add([.text(finding.dossier), .text(finding.source), .text("duplicate"), .text(finding.otherDossier),
                             .text(finding.otherSource), .text(finding.foundAt.description)])
        }
        try printer.finish()
        return findings.isEmpty ? .ok : .warnings
    }
}
