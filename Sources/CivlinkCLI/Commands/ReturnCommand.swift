import CivlinkCore

enum ReturnCommand: Command {
    static let spec = CommandSpec(
        "return", summary: "Send a received file back to the declarant to complete (7 working days, after which it is refused).",
        usage: ["civlink return ID --missing TEXT"],
        options: [.value("--missing", "TEXT", .text, "what the declarant must bring or correct")],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("return needs one dossier id") }
        guard let missing = invocation.value("--missing"), !missing.isEmpty else { throw UsageError("return needs --missing TEXT") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let ledger = try invocation.openLedger()
        try invocation.print([try Lifecycle.returnForCompletion(id.text, missing: missing, ledger: ledger, actor: invocation.actor, now: try invocation.now())])
        return .ok
    }
}
