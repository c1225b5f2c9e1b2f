import CivlinkCore
import Foundation

enum TransferCommand: Command {
    static let name = "transfer"
    static let summary = "Send every ready procedure to its agency and ingest receipts (cron-friendly, safe every minute)."
    static let usage = "civlink transfer [--dry-run] [--retry ID [--procedure CODE]] [--max-attempts N] [--concurrency N] [--backoff SECONDS] | --quarantine"
    static let options: [OptionSpec] = [
        formatOption,
        .flag("--dry-run", "list what would be sent, change nothing"),
        .value("--retry", "ID", "send a dossier's stuck, rejected (after correction) or waiting-to-retry procedures now"),
        .value("--procedure", "CODE", "with --retry: only this procedure"),
        .value("--max-attempts", "N", "attempts before a procedure is marked stuck (default 8)"),
        .value("--concurrency", "N", "messages in flight at once (default 8)"),
        .value("--backoff", "SECONDS", "first retry delay, doubled each attempt with jitter, capped at 1 hour (default 60)"),
        .flag("--quarantine", "list receipts refused into quarantine, with the reason"),
    ]

    static func positive(_ arguments: ParsedArguments, _ name: String) throws -> Int? {
        guard let v = arguments.value(name) else { return nil }
        guard let n = Int(v), n > 0 else { throw UsageError("\(name) must be a positive whole number") }
        return n
    }

    @Sendable static func showProgress(_ done: Int, _ total: Int) {
        guard done == total || done % 50 == 0 else { return }
        let end = done == total ? "\n" : ""
        FileHandle.standardError.write(Data("\rsending \(done)/\(total)\(end)".utf8))
    }

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard arguments.positionals.isEmpty else { throw UsageError("transfer takes no arguments") }
        let format = try arguments.format()
        if arguments.has("--quarantine") {
            let entries = try context.openLedger(readOnly: true).quarantine()
            switch format {
            case .json: entries.forEach { context.output.line($0.json.serialized()) }
            case .table:
                table(["ID", "RECEIVED", "SOURCE", "REASON"], entries.map { ["\($0.id)", $0.receivedAt.shortDescription, $0.source, $0.reason] })
                    .forEach(context.output.line)
            }
            return .ok
        }
        var options = TransferOptions()
        options.dryRun = arguments.has("--dry-run")
        options.maxAttempts = try positive(arguments, "--max-attempts") ?? options.maxAttempts
        options.concurrency = try positive(arguments, "--concurrency") ?? options.concurrency
        options.backoffBaseSeconds = try positive(arguments, "--backoff") ?? options.backoffBaseSeconds
        if arguments.value("--procedure") != nil && arguments.value("--retry") == nil { throw UsageError("--procedure goes with --retry") }
        let ledger = try context.openLedger()
        let now = try context.now()
        let lock = options.dryRun ? nil : try TransferLock(ledgerPath: ledger.database.path)
        defer { withExtendedLifetime(lock) {} }
        if let retry = arguments.value("--retry") {
            let id = try DossierID(parsing: retry)
            let released = try ledger.retry(dossier: id.text, procedure: arguments.value("--procedure"), actor: context.actor, now: now)
            Diagnostics.note("retrying \(id.text): \(released.isEmpty ? "nothing to retry" : released.joined(separator: ", "))")
        }
        let tty = isatty(STDERR_FILENO) == 1
        let progress: (@Sendable (Int, Int) -> Void)? = tty ? TransferCommand.showProgress : nil
        let report = try TransferRunner(ledger: ledger, actor: context.actor, now: now, options: options, progress: progress).run()
        if options.dryRun {
            switch format {
            case .json:
                for p in report.planned {
                    context.output.line(JSON.object([("dossier", .string(p.dossier)), ("procedure", .string(p.procedure)),
                                                     ("agency", .string(p.agency)), ("message_id", .optional(p.messageID))]).serialized())
                }
            case .table:
                table(["DOSSIER", "PROCEDURE", "AGENCY", "MESSAGE"], report.planned.map { [$0.dossier, $0.procedure, $0.agency, $0.messageID ?? "(new)"] })
                    .forEach(context.output.line)
            }
            return .ok
        }
        switch format {
        case .json: context.output.line(report.json.serialized())
        case .table:
            context.output.line("sent \(report.sent), failed \(report.failed), stuck \(report.stuck), receipts \(report.receipts), quarantined \(report.quarantined)")
        }
        return .ok
    }
}
