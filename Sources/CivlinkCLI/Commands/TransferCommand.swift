import CivlinkCore
import FoundationEssentials

enum TransferCommand: Command {
    static let spec = CommandSpec(
        "transfer", summary: "Send every ready procedure to its agency and ingest receipts (cron-friendly, safe every minute).",
        usage: ["civlink transfer [--dry-run] [--retry ID [--procedure CODE]] [--max-attempts N] [--concurrency N] [--backoff SECONDS] [--format table|json|csv]",
                "civlink transfer --quarantine [--all | --show N | --clear N] [--format table|json|csv]"],
        options: outputOptions() + [
            .flag("--dry-run", "list what would be sent, change nothing"),
            .value("--retry", "ID", .dossierID, "send a dossier's stuck, rejected (after correction) or waiting-to-retry procedures now"),
            .value("--procedure", "CODE", .procedure, "with --retry: only this procedure"),
            .value("--max-attempts", "N", .text, "attempts before a procedure is marked stuck (default 8)"),
            .value("--concurrency", "N", .text, "messages in flight at once (default 8)"),
            .value("--backoff", "SECONDS", .text, "first retry delay, doubled each attempt with jitter, capped at 1 hour (default 60)"),
            .flag("--quarantine", "list answers refused into quarantine, with the message, agency and reason"),
            .flag("--all", "with --quarantine: cleared entries too"),
            .value("--show", "N", .text, "with --quarantine: one entry in full, with the start of what was received"),
            .value("--clear", "N", .text, "with --quarantine: mark an entry dealt with (it comes back if the same answer arrives again)"),
        ])

    static func positive(_ invocation: Invocation, _ name: String) throws -> Int? {
        guard let v = invocation.value(name) else { return nil }
        guard let n = Int(v), n > 0 else { throw UsageError("\(name) must be a positive whole number") }
        return n
    }

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("transfer takes no arguments") }
        if invocation.has("--quarantine") { return try quarantine(invocation) }
        for option in ["--show", "--clear"] where invocation.value(option) != nil { throw UsageError("\(option) goes with --quarantine") }
        if invocation.has("--all") { throw UsageError("--all goes with --quarantine") }
        var options = TransferOptions()
        options.dryRun = invocation.has("--dry-run")
        options.maxAttempts = try positive(invocation, "--max-attempts") ?? options.maxAttempts
        options.concurrency = try positive(invocation, "--concurrency") ?? options.concurrency
        options.backoffBaseSeconds = try positive(invocation, "--backoff") ?? options.backoffBaseSeconds
        if invocation.value("--procedure") != nil && invocation.value("--retry") == nil { throw UsageError("--procedure goes with --retry") }
        let format = invocation.format()
        let ledger = try invocation.openLedger(recordClock: !options.dryRun)
        let now = try invocation.now()
        let lock = options.dryRun ? nil : try TransferLock(ledgerPath: ledger.path)
        defer { withExtendedLifetime(lock) {} }
        if let retry = invocation.value("--retry") {
            let id = try DossierID(parsing: retry)
            let released = try ledger.retry(dossier: id.text, procedure: invocation.value("--procedure"), actor: invocation.actor, now: now)
            invocation.note(released.isEmpty ? "retrying \(id.text): nothing to retry" : "retrying \(id.text): \(released.joined(separator: ", "))")
        }
        let progress = Progress(invocation)
        let report = try TransferRunner(ledger: ledger, actor: invocation.actor, now: now, options: options, progress: { done, total in
            progress.update("sending \(done)/\(total)")
        }).run()
        // On a terminal the summary stays under the progress line, unless the log line goes to the same screen.
        progress.finish(summary: options.dryRun || invocation.output.sink.isTerminal ? nil : summary(report))
        if options.dryRun {
            let printer = try RecordPrinter(invocation, kind: "civlink.transfer-plan/1", columns: [
                RecordColumn("dossier", "Dossier"), RecordColumn("procedure", "Procedure"), RecordColumn("agency", "Agency"),
                RecordColumn("message_id", "Message"),
            ])
            for p in report.planned {
                try printer.add([.text(p.dossier), .text(p.procedure), .text(p.agency), p.messageID.map(Cell.text) ?? (format == .table ? .phrase("(new)") : .none)])
            }
            try printer.finish()
        } else {
            try printRun(report, now: now, format: format, invocation)
        }
        for (agency, reason) in report.unusable.sorted(by: { $0.key < $1.key }) {
            invocation.error("agency \(agency) is not usable, its procedures wait: \(reason)")
        }
        if let problem = report.checkpointError {
            invocation.error("the checkpoint was not shipped to the witness (tried again next run): \(problem)")
        }
        if let problem = report.exportError {
            invocation.error("the export was not shipped to the province (tried again next run): \(problem)")
        }
        // The others were served; a configuration that cannot be used still needs a person.
        return report.unusable.isEmpty ? .ok : .config
    }

    /// Why deliveries failed or wait, one phrase per agency.
    static func reasons(_ report: TransferReport) -> [Phrase] {
        var reasons: [Phrase] = []
        for (agency, failure) in report.failures.sorted(by: { $0.key < $1.key }) {
            reasons.append("\(agency): \(failure.count) failed, last: \(failure.reason)" as Phrase)
        }
        for (agency, reason) in report.unusable.sorted(by: { $0.key < $1.key }) {
            reasons.append("\(agency) not usable: \(reason)" as Phrase)
        }
        for (agency, count) in report.held.sorted(by: { $0.key < $1.key }) where report.unusable[agency] == nil {
            reasons.append("\(count) due for \(agency), which is not configured" as Phrase)
        }
        if let problem = report.checkpointError { reasons.append("checkpoint not shipped: \(problem)" as Phrase) }
        return reasons
    }

    /// The run's counts as a sentence, then why deliveries failed or wait.
    static func summary(_ report: TransferReport) -> Phrase {
        let counts: Phrase = "sent \(report.sent), unconfirmed \(report.unconfirmed), failed \(report.failed), stuck \(report.stuck), receipts \(report.receipts), quarantined \(report.quarantined)"
        let checkpoints: Phrase = report.checkpoints + report.cosigned > 0
            ? "; checkpoints shipped \(report.checkpoints), cosigned ones received \(report.cosigned)" : ""
        let exported: Phrase = report.exported > 0 ? "; events exported to the province \(report.exported)" : ""
        return reasons(report).reduce("\(counts)\(checkpoints)\(exported)") { "\($0); \($1)" }
    }

    /// One record per run. A table (the log of a cron job) says nothing when nothing happened
    /// and nothing is held up; otherwise one line with the time and the reasons.
    static func printRun(_ report: TransferReport, now: Timestamp, format: OutputFormat, _ invocation: Invocation) throws {
        let failures: [JSON] = report.failures.sorted { $0.key < $1.key }.map {
            .object([("agency", .string($0.key)), ("failed", .int($0.value.count)), ("last_reason", .string($0.value.reason.description))])
        }
        let unusable: [JSON] = report.unusable.sorted { $0.key < $1.key }.map {
            .object([("agency", .string($0.key)), ("reason", .string($0.value.description))])
        }
        let held: [JSON] = report.held.sorted { $0.key < $1.key }.map { .object([("agency", .string($0.key)), ("due", .int($0.value))]) }
        switch format {
        case .table:
            guard !report.isQuiet else { return }
            try invocation.line(now.description + " " + invocation.text(summary(report)))
        case .json, .csv:
            let printer = try RecordPrinter(invocation, kind: "civlink.transfer/1", columns: [
                RecordColumn("at", "Time"), RecordColumn("sent", "Sent"), RecordColumn("unconfirmed", "Unconfirmed"), RecordColumn("failed", "Failed"), RecordColumn("stuck", "Stuck"),
                RecordColumn("receipts", "Receipts"), RecordColumn("quarantined", "Quarantined"), RecordColumn("checkpoints", "Checkpoints shipped"),
                RecordColumn("cosigned", "Cosigned received"), RecordColumn("reasons", "Reasons"),
            ])
            let reasons = self.reasons(report).dropFirst().reduce(self.reasons(report).first ?? "") { "\($0); \($1)" }
            try printer.add([.time(now), .int(report.sent), .int(report.unconfirmed), .int(report.failed), .int(report.stuck), .int(report.receipts),
                             .int(report.quarantined), .int(report.checkpoints), .int(report.cosigned), .phrase(reasons)],
                            json: [("at", .string(now.description))] + (report.json.objectValue ?? [])
                                + [("failures", .array(failures)), ("unusable", .array(unusable)), ("held", .array(held))])
            try printer.finish()
        }
    }

    /// `--quarantine`: the list, one entry, or clearing one.
    static func quarantine(_ invocation: Invocation) throws -> ExitStatus {
        for option in ["--dry-run", "--retry", "--procedure", "--max-attempts", "--concurrency", "--backoff"]
            where invocation.has(option) || invocation.value(option) != nil {
            throw UsageError("\(option) does not go with --quarantine")
        }
        func entryNumber(_ option: String) throws -> Int? {
            guard let text = invocation.value(option) else { return nil }
            guard let n = Int(text), n > 0 else { throw UsageError("\(option) must be a quarantine entry number") }
            return n
        }
        let show = try entryNumber("--show"), clear = try entryNumber("--clear")
        if [show != nil, clear != nil, invocation.has("--all")].filter({ $0 }).count > 1 {
            throw UsageError("--show, --clear and --all go one at a time")
        }
        if let clear {
            try invocation.openLedger().clearQuarantine(clear, actor: invocation.actor, now: try invocation.now())
            invocation.note("quarantine entry \(clear) cleared")
            return .ok
        }
        let ledger = try invocation.openLedger(readOnly: true)
        if let show {
            let entry = try ledger.quarantineEntry(show)
            if invocation.format() != .table {
                if invocation.format() == .csv { throw UsageError("--show prints an entry as a table or as JSON, not CSV") }
                try invocation.line(JSON.object([("format", .string("civlink.quarantine/1"))] + (entry.detailJSON.objectValue ?? [])))
                return .ok
            }
            let rows: [(String, String)] = [
                ("id", "\(entry.id)"), ("received", entry.receivedAt.shortDescription), ("agency", entry.agency ?? "-"),
                ("message", entry.messageID ?? "-"), ("source", entry.source), ("reason", entry.reason),
                ("size", "\(entry.size) bytes"), ("sha256", entry.digest),
                ("cleared", entry.clearedAt.map { "\($0.shortDescription) by \(entry.clearedBy ?? "?")" } ?? "-"),
            ]
            for (name, value) in rows { try invocation.line("\(name):\(String(repeating: " ", count: 10 - name.count))\(value)") }
            let shown = entry.prefix.count < entry.size ? "first \(entry.prefix.count) of \(entry.size) bytes" : "\(entry.size) bytes"
            try invocation.line("body (\(shown)):")
            try invocation.line(Self.printable(entry.prefix))
            return .ok
        }
        let printer = try RecordPrinter(invocation, kind: "civlink.quarantine/1", columns: [
            RecordColumn("id", "ID"), RecordColumn("received_at", "Received at"), RecordColumn("agency", "Agency"), RecordColumn("message_id", "Message"),
            RecordColumn("size", "Size"), RecordColumn("reason", "Reason"), RecordColumn("cleared_at", "Cleared at"),
        ])
        for entry in try ledger.quarantine(includeCleared: invocation.has("--all")) {
            try printer.add([.int(Int(entry.id)), .time(entry.receivedAt), entry.agency.map(Cell.text) ?? .none, entry.messageID.map(Cell.text) ?? .none,
                             .int(entry.size), .text(entry.reason), .time(entry.clearedAt)],
                            json: entry.json.objectValue)
        }
        try printer.finish()
        return .ok
    }

    /// Received bytes as text a terminal shows safely: control characters other than newline
    /// and tab, and bytes that are not UTF-8, as \u{...} and \x.. escapes.
    static func printable(_ data: Data) -> String {
        var out = ""
        var index = data.startIndex
        while index < data.endIndex {
            var decoder = UTF8()
            var iterator = data[index...].makeIterator()
            if case .scalarValue(let scalar) = decoder.decode(&iterator) {
                let width = String(scalar).utf8.count
                if scalar == "\n" || scalar == "\t" || (scalar.value >= 0x20 && scalar.value != 0x7F && !(0x80..<0xA0).contains(scalar.value)) {
                    out.unicodeScalars.append(scalar)
                } else {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                }
                index += width
            } else {
                out += "\\x" + String(data[index], radix: 16)
                index += 1
            }
        }
        return out
    }
}
