import CivlinkCore

enum RevokeCommand: Command {
    static let spec = CommandSpec(
        "revoke", summary: "Revoke a dossier's signed copy with a reason, or export the revocation list for verifiers.",
        usage: ["civlink revoke ID --reason TEXT [--format table|json|csv] | civlink revoke --export"],
        options: [
            .value("--reason", "TEXT", .text, "why the copy is revoked (e.g. correction)"),
            .flag("--export", "print the revocation list (civlink.revocations/1)"),
        ] + outputOptions(),
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let now = try invocation.now()
        if invocation.has("--export") {
            guard invocation.positionals.isEmpty else { throw UsageError("--export takes no dossier id") }
            if invocation.value("--format") != nil { throw UsageError("--export prints a civlink.revocations/1 document; --format does not go with it") }
            try invocation.line(try invocation.openLedger(readOnly: true).revocationList(now: now))
            return .ok
        }
        guard invocation.positionals.count == 1 else { throw UsageError("revoke needs one dossier id, or --export") }
        guard let reason = invocation.value("--reason"), !reason.isEmpty else { throw UsageError("revoke needs --reason TEXT") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let printer = try RecordPrinter(invocation, kind: "civlink.revocation/1", columns: [
            RecordColumn("dossier", "Dossier"), RecordColumn("signature_sha256", "Signature SHA-256"), RecordColumn("reason", "Reason"),
            RecordColumn("revoked_at", "Revoked at"),
        ])
        let hash = try invocation.openLedger().revokeSignedCopy(dossier: id.text, reason: reason, actor: invocation.actor, now: now)
        if printer.format == .table {
            try invocation.line(invocation.text("revoked the signed copy of \(id.text) (signature sha256 \(hash))"))
        } else {
            try printer.add([.text(id.text), .text(hash), .text(reason), .time(now)])
            try printer.finish()
        }
        return .ok
    }
}
