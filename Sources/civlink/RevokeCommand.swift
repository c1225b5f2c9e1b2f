import CivlinkCore
import Foundation

enum RevokeCommand: Command {
    static let name = "revoke"
    static let summary = "Revoke a dossier's signed copy with a reason, or export the revocation list for verifiers."
    static let usage = "civlink revoke ID --reason TEXT | civlink revoke --export"
    static let options: [OptionSpec] = [
        .value("--reason", "TEXT", "why the copy is revoked (e.g. correction)"),
        .flag("--export", "print the revocation list (civlink.revocations/1)"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        let now = try context.now()
        if arguments.has("--export") {
            guard arguments.positionals.isEmpty else { throw UsageError("--export takes no dossier id") }
            let ledger = try context.openLedger(readOnly: true)
            context.output.line(try SignedCopy.revocationList(ledger: ledger, now: now).serialized())
            return .ok
        }
        guard arguments.positionals.count == 1 else { throw UsageError("revoke needs one dossier id, or --export") }
        guard let reason = arguments.value("--reason"), !reason.isEmpty else { throw UsageError("revoke needs --reason TEXT") }
        let id = try DossierID(parsing: arguments.positionals[0])
        let ledger = try context.openLedger()
        let hash = try SignedCopy.revoke(dossier: id.text, reason: reason, ledger: ledger, actor: context.actor, now: now)
        context.output.line("revoked the signed copy of \(id.text) (signature sha256 \(hash))")
        return .ok
    }
}
