import CivlinkCore
import Foundation

enum DoctorCommand: Command {
    static let name = "doctor"
    static let summary = "Check the ledger and its surroundings; print the first thing to fix."
    static let usage = "civlink doctor [--key KEY] [--ledger PATH] [--format table|json]"
    static let options: [OptionSpec] = [
        formatOption,
        .value("--key", "KEY", "also check this officer key file's permissions"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard arguments.positionals.isEmpty else { throw UsageError("doctor takes no arguments") }
        let format = try arguments.format()
        let ledger = try context.openLedger(readOnly: true)
        let findings = Doctor.examine(ledger, now: try context.now(), environment: context.environment,
                                      keyFiles: arguments.value("--key").map { [$0] } ?? [])
        switch format {
        case .json:
            findings.forEach { context.output.line($0.json) }
        case .table:
            let rows = findings.map { [$0.check, $0.level.rawValue.uppercased(), $0.detail] }
            table(["CHECK", "RESULT", "DETAIL"], rows).forEach(context.output.line)
        }
        context.output.flush()
        if let first = findings.first(where: { $0.level == .fail }) ?? findings.first(where: { $0.level == .warn }) {
            Diagnostics.error("first to fix: \(first.check): \(first.fix ?? first.detail)")
            return first.level == .fail ? .failure : .warnings
        }
        return .ok
    }
}
