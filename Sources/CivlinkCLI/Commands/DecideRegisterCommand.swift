import CivlinkCore

enum DecideRegisterCommand: Command {
    static let spec = CommandSpec(
        "register", summary: "Register received dossiers: give each its register-book number and release its procedures.",
        usage: ["civlink register ID... | -"], positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let source = try invocation.dossierIDs()
        let ledger = try invocation.openLedger()
        let now = try invocation.now()
        let progress = Progress(invocation)
        defer { progress.finish() }
        var done = 0
        let result = try Lifecycle.register(source, ledger: ledger, actor: invocation.actor, now: now, decided: { decisions in
            try invocation.print(decisions)
            done += decisions.count
            progress.update("registered \(done)")
        }, refused: { id, error in
            progress.finish()
            invocation.error("\(id): \(error.phrase)")
        })
        return invocation.status(result)
    }
}
