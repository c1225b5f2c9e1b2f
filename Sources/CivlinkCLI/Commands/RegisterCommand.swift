import CivlinkCore
import Glibc

enum RegisterBirthCommand: Command {
    static let spec = CommandSpec(
        "register-birth", summary: "Register a birth and plan its interconnected procedures (ID number, residence, health insurance).",
        usage: ["civlink register-birth [FILE|-] [--batch] [--ledger PATH] [--format json|table|csv]"], options: registerOptions, positionals: .files)
    static func run(_ invocation: Invocation) throws -> ExitStatus { try RegisterRun(group: .birth, invocation: invocation).run() }
}

enum RegisterDeathCommand: Command {
    static let spec = CommandSpec(
        "register-death", summary: "Register a death and plan residence deletion and the funeral benefit the deceased is entitled to.",
        usage: ["civlink register-death [FILE|-] [--batch] [--ledger PATH] [--format json|table|csv]"], options: registerOptions, positionals: .files)
    static func run(_ invocation: Invocation) throws -> ExitStatus { try RegisterRun(group: .death, invocation: invocation).run() }
}

let registerOptions: [OptionSpec] = [
    .flag("--batch", "read JSON Lines, one declaration a line; print one dossier a line"),
] + outputOptions([.json, .table, .csv])

/// Reads declarations, registers them (or, with `intake`, records them as received), prints
/// dossiers. A dossier is printed only once its transaction has committed.
struct RegisterRun {
    let group: ProcedureGroup
    let invocation: Invocation
    var intake: Channel? = nil

    /// The registered dossiers: `civlink.dossier/1` objects in JSON (the default), one row each otherwise.
    func printer() throws -> RecordPrinter {
        try RecordPrinter(invocation, kind: "civlink.dossier/1", columns: [
            RecordColumn("id", "ID", width: 13), RecordColumn("group", "Group", width: 6), RecordColumn("commune", "Commune", width: 5),
            RecordColumn("register_year", "Register year"), RecordColumn("register_number", "Register no.", width: 6),
            RecordColumn("received_at", "Received at", width: 16), RecordColumn("late", "Late registration"), RecordColumn("procedures", "Procedures"),
        ], defaultFormat: .json, streaming: true)
    }

    func add(_ dossier: DossierRecord, now: Timestamp, to printer: RecordPrinter) throws {
        var json = dossier.dossierJSON(now: now).objectValue ?? []
        json.removeAll { $0.0 == "format" }
        try printer.add([.text(dossier.id), .phrase(Labels.group(dossier.group.rawValue)), .code(dossier.commune),
                         dossier.registerYear.map(Cell.int) ?? .none, dossier.registerNumber.map(Cell.int) ?? .none, .time(dossier.receivedAt), .bool(dossier.late), .list(dossier.procedures.map(\.code))],
                        json: json)
    }

    func run() throws -> ExitStatus {
        guard invocation.positionals.count <= 1 else { throw UsageError("give at most one FILE (or - for standard input)") }
        let path = invocation.positionals.first
        let printer = try printer()
        let ledger = try invocation.openLedger()
        let now = try invocation.now()
        // Asked for JSON: a refusal is a civlink.errors/1 object on standard error too (lines of text otherwise).
        let jsonErrors = invocation.value("--format") == OutputFormat.json.rawValue
        if path == nil && isatty(invocation.inputFD) == 1 {
            // Someone typed the command without a file: say what it waits for instead of hanging.
            invocation.note(invocation.has("--batch") ? "reading declarations from standard input, one JSON object a line; end with Ctrl-D"
                                                      : "reading the declaration (a JSON object) from standard input; end with Ctrl-D")
        }
        if !invocation.has("--batch") {
            let data = try invocation.readInput(path)
            do {
                let dossier = try intake.map { try Registration.receive(data, group: group, channel: $0, ledger: ledger, actor: invocation.actor, now: now) }
                    ?? Registration.register(data, group: group, ledger: ledger, actor: invocation.actor, now: now)
                try add(dossier, now: now, to: printer)
                try printer.finish()
                return .ok
            } catch let error as CivlinkError where jsonErrors && (error is ValidationErrors || error is DuplicateError) {
                invocation.errorLine(ErrorReport.json(error, line: nil))
                return ExitStatus(error.kind)
            }
        }
        var fd = invocation.inputFD
        if let path, path != "-" {
            fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw Files.readFailure(path) }
        }
        defer { if fd != invocation.inputFD { close(fd) } }
        let progress = Progress(invocation)
        var registered = 0, refused = 0
        let result = try Registration.registerBatch(fd: fd, group: group, intake: intake, ledger: ledger, actor: invocation.actor, now: now,
                                                    registered: { dossiers in
            for dossier in dossiers { try add(dossier, now: now, to: printer) }
            try invocation.output.flush()
            registered += dossiers.count
            progress.update(intake == nil ? "registered \(registered), refused \(refused)" : "received \(registered), refused \(refused)")
        }, refused: { line, error in
            refused += 1
            progress.clear()
            if jsonErrors {
                invocation.errorLine(ErrorReport.json(error, line: line))
            } else {
                for phrase in ErrorReport.lines(error) { invocation.error("line \(line): \(phrase)") }
            }
        })
        try printer.finish()
        progress.finish(summary: intake == nil ? "registered \(result.registered), refused \(result.refused)"
                                               : "received \(result.registered), refused \(result.refused)")
        return result.refused == 0 ? .ok : .dataError
    }
}
