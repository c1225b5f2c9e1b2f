import CivlinkCore

enum DoctorCommand: Command {
    static let spec = CommandSpec(
        "doctor", summary: "Check the ledger and its surroundings; print the first thing to fix.",
        usage: ["civlink doctor [--key KEY] [--ledger PATH] [--format table|json]"],
        options: [formatOption(), .value("--key", "KEY", .file, "also check this officer key file's permissions")])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("doctor takes no arguments") }
        let ledger = try invocation.openLedger(readOnly: true)
        let now = try invocation.now()
        let findings = Doctor.examine(ledger, now: now, clockIsFixed: !(invocation.environment["CIVLINK_NOW"] ?? "").isEmpty,
                                      keyFiles: invocation.value("--key").map { [$0] } ?? [])
        func fix(_ finding: DoctorFinding) -> String? { finding.remedy.map { invocation.text(Remedies.fix($0)) } }
        switch invocation.format() {
        case .json:
            for f in findings {
                try invocation.line(JSON.object([("check", .string(f.check)), ("level", .string(f.level.rawValue)),
                                                 ("detail", .string(f.detail.description)), ("fix", .optional(f.remedy.map { Remedies.fix($0).description }))]))
            }
        default:
            try invocation.table(["CHECK", "RESULT", "DETAIL"], findings.map { [$0.check, $0.level.rawValue.uppercased(), invocation.text($0.detail)] })
                .forEach(invocation.line)
        }
        try invocation.output.flush()
        if let first = findings.first(where: { $0.level == .fail }) ?? findings.first(where: { $0.level == .warn }) {
            invocation.error("first to fix: \(first.check): \(Phrase(verbatim: fix(first) ?? invocation.text(first.detail)))")
            return first.level == .fail ? .failure : .warnings
        }
        return .ok
    }
}
