import CivlinkCore

enum AuditCommand: Command {
    static let spec = CommandSpec(
        "audit", summary: "Check the ledger's hash-chained history: report the first event modified, deleted, inserted or reordered.",
        actions: [
            ActionSpec("verify", usage: "civlink audit verify [--format table|json]",
                       summary: "Walk the hash chain of the event log and report the first event changed by hand.", options: [formatOption()]),
        ])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("audit verify takes no arguments") }
        let ledger = try invocation.openLedger(readOnly: true)
        let report = try AuditChain.verify(ledger)
        switch invocation.format() {
        case .json:
            try invocation.line(JSON.object([
                ("format", .string("civlink.audit/1")), ("valid", .bool(report.finding == nil)), ("events", .int(report.events)),
                ("head", .string(report.head)), ("finding", report.finding?.json ?? .null),
            ]))
        default:
            if report.finding == nil { try invocation.line("chain intact: \(report.events) events, head \(report.head)") }
        }
        if let finding = report.finding {
            try invocation.output.flush()
            invocation.error("audit: event \(finding.seq) \(finding.problem.rawValue): \(finding.detail)")
            return .failure
        }
        return .ok
    }
}
