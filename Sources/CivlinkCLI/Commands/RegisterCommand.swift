import CivlinkCore
import Glibc

enum RegisterBirthCommand: Command {
    static let spec = CommandSpec(
        "register-birth", summary: "Register a birth and plan its interconnected procedures (ID number, residence, health insurance).",
        usage: ["civlink register-birth [FILE|-] [--batch] [--format table|json] [--ledger PATH]"], options: registerOptions, positionals: .files)
    static func run(_ invocation: Invocation) throws -> ExitStatus { try RegisterRun(group: .birth, invocation: invocation).run() }
}

enum RegisterDeathCommand: Command {
    static let spec = CommandSpec(
        "register-death", summary: "Register a death and plan residence deletion and the funeral benefit the deceased is entitled to.",
        usage: ["civlink register-death [FILE|-] [--batch] [--format table|json] [--ledger PATH]"], options: registerOptions, positionals: .files)
    static func run(_ invocation: Invocation) throws -> ExitStatus { try RegisterRun(group: .death, invocation: invocation).run() }
}

let registerOptions: [OptionSpec] = [
    .flag("--batch", "read JSON Lines, one declaration a line; print one dossier a line"),
    .value("--format", "table|json", .choice([OutputFormat.table.rawValue, OutputFormat.json.rawValue]),
           "how a refusal is reported on standard error: a line per error (table) or a civlink.errors/1 object (json)"),
]

/// Reads declarations, registers them (or, with `intake`, records them as received), prints
/// dossiers. A dossier is printed only once its transaction has committed.
struct RegisterRun {
    let group: ProcedureGroup
    let invocation: Invocation
    var intake: Channel? = nil

    func run() throws -> ExitStatus {
        guard invocation.positionals.count <= 1 else { throw UsageError("give at most one FILE (or - for standard input)") }
        let path = invocation.positionals.first
        let ledger = try invocation.openLedger()
        let now = try invocation.now()
        let json = invocation.format() == .json
        if !invocation.has("--batch") {
            let data = try invocation.readInput(path)
            do {
                let dossier = try intake.map { try Registration.receive(data, group: group, channel: $0, ledger: ledger, actor: invocation.actor, now: now) }
                    ?? Registration.register(data, group: group, ledger: ledger, actor: invocation.actor, now: now)
                try invocation.line(dossier.dossierJSON(now: now))
                return .ok
            } catch let error as CivlinkError where json && (error is ValidationErrors || error is DuplicateError) {
                invocation.errorLine(ErrorReport.json(error, line: nil))
                return ExitStatus(error.kind)
            }
        }
        var fd = invocation.inputFD
        if let path, path != "-" {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Failure(.notFound, "cannot read \(path): \(Files.reason())") }
        }
        defer { if fd != invocation.inputFD { close(fd) } }
        let progress = Progress(invocation)
        defer { progress.finish() }
        var registered = 0, refused = 0
        let result = try Registration.registerBatch(fd: fd, group: group, intake: intake, ledger: ledger, actor: invocation.actor, now: now,
                                                    registered: { dossiers in
            for dossier in dossiers { try invocation.line(dossier.dossierJSON(now: now)) }
            try invocation.output.flush()
            registered += dossiers.count
            progress.update(invocation.text(intake == nil ? "registered \(registered), refused \(refused)" : "received \(registered), refused \(refused)"))
        }, refused: { line, error in
            refused += 1
            progress.finish()
            if json {
                invocation.errorLine(ErrorReport.json(error, line: line))
            } else {
                for phrase in ErrorReport.lines(error) { invocation.error("line \(line): \(phrase)") }
            }
        })
        return result.refused == 0 ? .ok : .dataError
    }
}
