import CivlinkCore

enum RevokeCommand: Command {
    static let spec = CommandSpec(
        "revoke", summary: "Revoke a dossier's signed copy with a reason, or export the revocation list for verifiers.",
        usage: ["civlink revoke ID --reason TEXT | civlink revoke --export"],
        options: [
            .value("--reason", "TEXT", .text, "why the copy is revoked (e.g. correction)"),
            .flag("--export", "print the revocation list (civlink.revocations/1)"),
        ],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let now = try invocation.now()
        if invocation.has("--export") {
            guard invocation.positionals.isEmpty else { throw UsageError("--export takes no dossier id") }
            try invocation.line(try invocation.openLedger(readOnly: true).revocationList(now: now))
            return .ok
        }
        guard invocation.positionals.count == 1 else { throw UsageError("revoke needs one dossier id, or --export") }
        guard let reason = invocation.value("--reason"), !reason.isEmpty else { throw UsageError("revoke needs --reason TEXT") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let hash = try invocation.openLedger().revokeSignedCopy(dossier: id.text, reason: reason, actor: invocation.actor, now: now)
        try invocation.line("revoked the signed copy of \(id.text) (signature sha256 \(hash))")
        return .ok
    }
}
