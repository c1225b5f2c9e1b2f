import CivlinkCore
import Glibc

enum AmendCommand: Command {
    static let spec = CommandSpec(
        "amend", summary: "Correct a dossier: the changes kept in its history, the copy revoked, updates to the agencies whose data changed.",
        usage: ["civlink amend ID FILE|- --reason TEXT [--patch]", "civlink amend --batch FILE|- [--reason TEXT]"],
        options: [
            .value("--reason", "TEXT", .text, "why the dossier is corrected"),
            .flag("--patch", "FILE is an RFC 7396 merge patch of the stored declaration, not the whole corrected one"),
            .flag("--batch", "read JSON Lines, one amendment a line: {\"id\", \"reason\", \"declaration\" or \"patch\"}"),
        ],
        positionals: .dossierIDThenFile)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let now = try invocation.now()
        if invocation.has("--batch") {
            if invocation.has("--patch") { throw UsageError("--patch does not go with --batch: each line says declaration or patch") }
            guard invocation.positionals.count <= 1 else { throw UsageError("amend --batch takes one FILE (or - for standard input)") }
            var fd = invocation.inputFD
            if let path = invocation.positionals.first, path != "-" {
                fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { throw Failure(.notFound, "cannot read \(path): \(Files.reason())") }
            }
            defer { if fd != invocation.inputFD { close(fd) } }
            let ledger = try invocation.openLedger()
            let progress = Progress(invocation)
            defer { progress.finish() }
            var done = 0
            let result = try Lifecycle.amendBatch(fd: fd, defaultReason: invocation.value("--reason"), ledger: ledger, actor: invocation.actor,
                                                  now: now, decided: { decisions in
                try invocation.print(decisions)
                done += decisions.count
                progress.update("amended \(done)")
            }, refused: { line, error in
                progress.finish()
                invocation.error("line \(line): \(error.phrase)")
            })
            return invocation.status(result)
        }
        guard invocation.positionals.count == 2 else { throw UsageError("amend needs a dossier id and a FILE (or - for standard input), or --batch") }
        guard let reason = invocation.value("--reason"), !reason.isEmpty else { throw UsageError("amend needs --reason TEXT") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let correction = try Lifecycle.Correction.parse(try invocation.readInput(invocation.positionals[1]), patch: invocation.has("--patch"))
        let ledger = try invocation.openLedger()
        try invocation.print([try Lifecycle.amend(id.text, correction: correction, reason: reason, ledger: ledger, actor: invocation.actor, now: now)])
        return .ok
    }
}
