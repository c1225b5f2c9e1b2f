import CivlinkCore

enum DoctorCommand: Command {
    static let spec = CommandSpec(
        "doctor", summary: "Check the ledger and its surroundings; print the first thing to fix.",
        usage: ["civlink doctor [--key KEY] [--ledger PATH] [--format table|json|csv]"],
        options: outputOptions() + [.value("--key", "KEY", .file, "also check this officer key file's permissions")])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("doctor takes no arguments") }
        // People read the first fix on standard error; machines get every finding's fix.
        let forPeople = invocation.format() == .table
        let printer = try RecordPrinter(invocation, kind: "civlink.doctor-finding/1", columns: [
            RecordColumn("check", "Check"), RecordColumn("level", "Result"), RecordColumn("detail", "Detail"),
        ] + (forPeople ? [] : [RecordColumn("fix", "Fix")]))
        let now = try invocation.now()
        let clockIsFixed = !(invocation.environment["CIVLINK_NOW"] ?? "").isEmpty
        let keys = invocation.value("--key").map { [$0] } ?? []
        let findings: [DoctorFinding]
        do {
            let ledger = try invocation.openLedger(readOnly: true)
            findings = Doctor.examine(ledger, now: now, clockIsFixed: clockIsFixed, keyFiles: keys)
        } catch let error as CivlinkError {
            // No ledger to examine is the first finding, not a reason to print nothing.
            findings = Doctor.examine(unopened: invocation.ledgerPath, because: error, now: now, clockIsFixed: clockIsFixed, keyFiles: keys)
        }
        for f in findings {
            if forPeople {
                try printer.add([.phrase(Labels.check(f.check)), .phrase(Labels.level(f.level)), .phrase(f.detail)])
            } else {
                try printer.add([.text(f.check), .text(f.level.rawValue), .phrase(f.detail), f.remedy.map { Cell.phrase(Remedies.fix($0)) } ?? .none])
            }
        }
        try printer.finish()
        try invocation.output.flush()
        if let first = findings.first(where: { $0.level == .fail }) ?? findings.first(where: { $0.level == .warn }) {
            let fix = first.remedy.map(Remedies.fix) ?? first.detail
            invocation.error("first to fix: \(Labels.check(first.check)): \(fix)")
            return first.level == .fail ? .failure : .warnings
        }
        return .ok
    }
}
