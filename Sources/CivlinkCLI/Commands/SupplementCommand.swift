import CivlinkCore

enum SupplementCommand: Command {
    static let spec = CommandSpec(
        "supplement", summary: "Bring back a returned file, completed: checked again, then received for the officer's decision.",
        usage: ["civlink supplement ID FILE|- [--patch]"],
        options: [.flag("--patch", "FILE is an RFC 7396 merge patch of the stored declaration, not the whole completed one")],
        positionals: .dossierIDThenFile)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 2 else { throw UsageError("supplement needs a dossier id and a FILE (or - for standard input)") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let correction = try Lifecycle.Correction.parse(try invocation.readInput(invocation.positionals[1]), patch: invocation.has("--patch"))
        let ledger = try invocation.openLedger()
        try invocation.print([try Lifecycle.supplement(id.text, correction: correction, ledger: ledger, actor: invocation.actor, now: try invocation.now())])
        return .ok
    }
}
