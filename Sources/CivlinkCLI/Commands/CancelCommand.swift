import CivlinkCore

enum CancelCommand: Command {
    static let spec = CommandSpec(
        "cancel", summary: "Cancel registered dossiers (in error, or duplicates found later): copies revoked, agencies sent a void.",
        usage: ["civlink cancel ID... | - --reason TEXT"],
        options: [.value("--reason", "TEXT", .text, "why the registration is cancelled")],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard let reason = invocation.value("--reason"), !reason.isEmpty else { throw UsageError("cancel needs --reason TEXT") }
        let source = try invocation.dossierIDs()
        let ledger = try invocation.openLedger()
        let progress = Progress(invocation)
        defer { progress.finish() }
        var done = 0
        let result = try Lifecycle.cancel(source, reason: reason, ledger: ledger, actor: invocation.actor, now: try invocation.now(), decided: { decisions in
            try invocation.print(decisions)
            done += decisions.count
            progress.update("cancelled \(done)")
        }, refused: { id, error in
            progress.finish()
            invocation.error("\(id): \(error.phrase)")
        })
        return invocation.status(result)
    }
}
