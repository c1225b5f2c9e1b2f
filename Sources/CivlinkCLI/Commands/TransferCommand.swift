import CivlinkCore

enum TransferCommand: Command {
    static let spec = CommandSpec(
        "transfer", summary: "Send every ready procedure to its agency and ingest receipts (cron-friendly, safe every minute).",
        usage: ["civlink transfer [--dry-run] [--retry ID [--procedure CODE]] [--max-attempts N] [--concurrency N] [--backoff SECONDS] | --quarantine"],
        options: [
            formatOption(),
            .flag("--dry-run", "list what would be sent, change nothing"),
            .value("--retry", "ID", .dossierID, "send a dossier's stuck, rejected (after correction) or waiting-to-retry procedures now"),
            .value("--procedure", "CODE", .procedure, "with --retry: only this procedure"),
            .value("--max-attempts", "N", .text, "attempts before a procedure is marked stuck (default 8)"),
            .value("--concurrency", "N", .text, "messages in flight at once (default 8)"),
            .value("--backoff", "SECONDS", .text, "first retry delay, doubled each attempt with jitter, capped at 1 hour (default 60)"),
            .flag("--quarantine", "list receipts refused into quarantine, with the reason"),
        ])

    static func positive(_ invocation: Invocation, _ name: String) throws -> Int? {
        guard let v = invocation.value(name) else { return nil }
        guard let n = Int(v), n > 0 else { throw UsageError("\(name) must be a positive whole number") }
        return n
    }

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("transfer takes no arguments") }
        let json = invocation.format() == .json
        if invocation.has("--quarantine") {
            let entries = try invocation.openLedger(readOnly: true).quarantine()
            if json {
                try entries.forEach { try invocation.line($0.json) }
            } else {
                try invocation.table(["ID", "RECEIVED", "SOURCE", "REASON"], entries.map { ["\($0.id)", $0.receivedAt.shortDescription, $0.source, $0.reason] })
                    .forEach(invocation.line)
            }
            return .ok
        }
        var options = TransferOptions()
        options.dryRun = invocation.has("--dry-run")
        options.maxAttempts = try positive(invocation, "--max-attempts") ?? options.maxAttempts
        options.concurrency = try positive(invocation, "--concurrency") ?? options.concurrency
        options.backoffBaseSeconds = try positive(invocation, "--backoff") ?? options.backoffBaseSeconds
        if invocation.value("--procedure") != nil && invocation.value("--retry") == nil { throw UsageError("--procedure goes with --retry") }
        let ledger = try invocation.openLedger()
        let now = try invocation.now()
        let lock = options.dryRun ? nil : try TransferLock(ledgerPath: ledger.path)
        defer { withExtendedLifetime(lock) {} }
        if let retry = invocation.value("--retry") {
            let id = try DossierID(parsing: retry)
            let released = try ledger.retry(dossier: id.text, procedure: invocation.value("--procedure"), actor: invocation.actor, now: now)
            invocation.note(released.isEmpty ? "retrying \(id.text): nothing to retry" : "retrying \(id.text): \(released.joined(separator: ", "))")
        }
        let progress = Progress(invocation)
        defer { progress.finish() }
        let report = try TransferRunner(ledger: ledger, actor: invocation.actor, now: now, options: options, progress: { done, total in
            progress.update("sending \(done)/\(total)")
        }).run()
        if options.dryRun {
            if json {
                for p in report.planned {
                    try invocation.line(JSON.object([("dossier", .string(p.dossier)), ("procedure", .string(p.procedure)),
                                                     ("agency", .string(p.agency)), ("message_id", .optional(p.messageID))]))
                }
            } else {
                try invocation.table(["DOSSIER", "PROCEDURE", "AGENCY", "MESSAGE"], report.planned.map { [$0.dossier, $0.procedure, $0.agency, $0.messageID ?? "(new)"] })
                    .forEach(invocation.line)
            }
            return .ok
        }
        if json {
            try invocation.line(report.json)
        } else {
            try invocation.line("sent \(report.sent), failed \(report.failed), stuck \(report.stuck), receipts \(report.receipts), quarantined \(report.quarantined)")
            if report.checkpoints + report.cosigned > 0 {
                try invocation.line(invocation.text("checkpoints shipped \(report.checkpoints), cosigned ones received \(report.cosigned)"))
            }
        }
        if let problem = report.checkpointError {
            try invocation.output.flush()
            invocation.error("the checkpoint was not shipped to the witness (tried again next run): \(problem)")
        }
        return .ok
    }
}
