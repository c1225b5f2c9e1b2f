import CivlinkCore
import Foundation

enum AuditCommand: Command {
    static let name = "audit"
    static let summary = "Check the ledger's hash-chained history: report the first event modified, deleted, inserted or reordered."
    static let usage = "civlink audit verify [--format table|json]"
    static let options: [OptionSpec] = [formatOption]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard arguments.positionals == ["verify"] else { throw UsageError("usage: \(usage)") }
        let format = try arguments.format()
        let ledger = try context.openLedger(readOnly: true)
        let report = try AuditChain.verify(ledger)
        switch format {
        case .json:
            context.output.line(JSON.object([
                ("format", .string("civlink.audit/1")), ("valid", .bool(report.finding == nil)), ("events", .int(report.events)),
                ("head", .string(report.head)), ("finding", report.finding?.json ?? .null),
            ]).serialized())
        case .table:
            if report.finding == nil { context.output.line("chain intact: \(report.events) events, head \(report.head)") }
        }
        if let finding = report.finding {
            Diagnostics.error("audit: event \(finding.seq) \(finding.problem.rawValue): \(finding.detail)")
            return .failure
        }
        return .ok
    }
}
