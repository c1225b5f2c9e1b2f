import CivlinkCore
import FoundationEssentials

enum ExportCommand: Command {
    static let spec = CommandSpec(
        "export", summary: "Write the ledger's events after a cursor, the replicated rows they change and a signed checkpoint, for the province (civlink-export(5)).",
        usage: ["civlink export [--since CURSOR] [--out FILE] [--ledger PATH]"], options: [
            .value("--since", "CURSOR", .text, "start after this event (the size of the last export imported; default 0: everything)"),
            .value("--out", "FILE", .file, "write the export here (0600, atomically) instead of standard output"),
        ])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("export takes no arguments") }
        var since: Int64 = 0
        if let text = invocation.value("--since") {
            guard let value = Int64(text), value >= 0 else { throw UsageError("--since must be a number of events, 0 or more") }
            since = value
        }
        let ledger = try invocation.openLedger(recordClock: false)
        let now = try invocation.now()
        let summary: ReplicaExport.Summary
        if let out = invocation.value("--out") {
            var data = Data()
            summary = try ReplicaExport.write(ledger: ledger, since: since, now: now) { line in
                data.append(contentsOf: line.utf8)
                data.append(0x0A)
            }
            try Files.atomicWrite(data, to: out)
        } else {
            summary = try ReplicaExport.write(ledger: ledger, since: since, now: now) { try invocation.line($0) }
            try invocation.output.flush()
        }
        invocation.note("exported events \(summary.since + 1) to \(summary.size) and \(summary.rows) rows of \(summary.source); next cursor \(summary.size)")
        return .ok
    }
}
