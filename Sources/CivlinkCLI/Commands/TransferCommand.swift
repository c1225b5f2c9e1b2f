import CivlinkCore
import FoundationEssentials

enum TransferCommand: Command {
    static let spec = CommandSpec(
        "transfer", summary: "Send every ready procedure to its agency and ingest receipts (cron-friendly, safe every minute).",
        usage: ["civlink transfer [--dry-run] [--retry ID [--procedure CODE]] [--max-attempts N] [--concurrency N] [--backoff SECONDS]",
                "civlink transfer --quarantine [--all | --show N | --clear N]"],
        options: [
            formatOption(),
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
        let json = invocation.format() == .json
        if invocation.has("--quarantine") { return try quarantine(invocation, json: json) }
        for option in ["--show", "--clear"] where invocation.value(option) != nil { throw UsageError("\(option) goes with --quarantine") }
        if invocation.has("--all") { throw UsageError("--all goes with --quarantine") }
        var options = TransferOptions()
        options.dryRun = invocation.has("--dry-run")
        options.maxAttempts = try positive(invocation, "--max-attempts") ?? options.maxAttempts
        options.concurrency = try positive(invocation, "--concurrency") ?? options.concurrency
        options.backoffBaseSeconds = try positive(invocation, "--backoff") ?? options.backoffBaseSeconds
        if invocation.value("--procedure") != nil && invocation.value("--retry") == nil { throw UsageError("--procedure goes with --retry") }
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
            try invocation.line("sent \(report.sent), unconfirmed \(report.unconfirmed), failed \(report.failed), stuck \(report.stuck), receipts \(report.receipts), quarantined \(report.quarantined)")
        }
        return .ok
    }

    /// `--quarantine`: the list, one entry, or clearing one.
    static func quarantine(_ invocation: Invocation, json: Bool) throws -> ExitStatus {
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
            if json {
                try invocation.line(entry.detailJSON)
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
        let entries = try ledger.quarantine(includeCleared: invocation.has("--all"))
        if json {
            try entries.forEach { try invocation.line($0.json) }
        } else {
            try invocation.table(["ID", "RECEIVED", "AGENCY", "MESSAGE", "SIZE", "REASON"], entries.map {
                ["\($0.id)", $0.receivedAt.shortDescription, $0.agency ?? "-", $0.messageID ?? "-", "\($0.size)",
                 $0.clearedAt == nil ? $0.reason : "(cleared) \($0.reason)"]
            }).forEach(invocation.line)
        }
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
