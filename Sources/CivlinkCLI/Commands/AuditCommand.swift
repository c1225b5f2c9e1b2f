import CivlinkCore

enum AuditCommand: Command {
    static let spec = CommandSpec(
        "audit", summary: "Check the ledger's hash-chained history: report the first event modified, deleted, inserted or reordered.",
        actions: [
            ActionSpec("verify", usage: "civlink audit verify [--format table|json|csv]",
                       summary: "Walk the hash chain of the event log and report the first event changed by hand.", options: outputOptions()),
        ])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("audit verify takes no arguments") }
        let printer = try RecordPrinter(invocation, kind: "civlink.audit/1", columns: [
            RecordColumn("valid", "Valid"), RecordColumn("events", "Events"), RecordColumn("head", "Head"),
            RecordColumn("finding_seq", "First bad event"), RecordColumn("finding_problem", "Problem"),
        ])
        let ledger = try invocation.openLedger(readOnly: true)
        let report = try AuditChain.verify(ledger)
        switch printer.format {
        case .table:
            if report.finding == nil { try invocation.line(invocation.text("chain intact: \(report.events) events, head \(report.head)")) }
        default:
            try printer.add([.bool(report.finding == nil), .int(report.events), .text(report.head),
                             report.finding.map { Cell.int(Int($0.seq)) } ?? .none, report.finding.map { Cell.text($0.problem.rawValue) } ?? .none],
                            json: [("valid", .bool(report.finding == nil)), ("events", .int(report.events)), ("head", .string(report.head)),
                                   ("finding", report.finding?.json ?? .null)])
            try printer.finish()
        }
        if let finding = report.finding {
            try invocation.output.flush()
            invocation.error("audit: event \(finding.seq) \(finding.problem.rawValue): \(finding.detail)")
            return .failure
        }
        return .ok
    }
}
