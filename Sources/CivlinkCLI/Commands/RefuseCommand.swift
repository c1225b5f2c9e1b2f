import CivlinkCore

enum RefuseCommand: Command {
    static let spec = CommandSpec(
        "refuse", summary: "Refuse a received or returned file, with the reason.",
        usage: ["civlink refuse ID --reason TEXT"],
        options: [.value("--reason", "TEXT", .text, "why the file is refused")],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("refuse needs one dossier id") }
        guard let reason = invocation.value("--reason"), !reason.isEmpty else { throw UsageError("refuse needs --reason TEXT") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let ledger = try invocation.openLedger()
        try invocation.print([try Lifecycle.refuse(id.text, reason: reason, ledger: ledger, actor: invocation.actor, now: try invocation.now())])
        return .ok
    }
}
