import CivlinkCore
import Foundation

enum SignCommand: Command {
    static let name = "sign"
    static let summary = "Sign a dossier's certificate copy (JWS with the officer's certificate chain), or every pending one."
    static let usage = "civlink sign ID|--pending --key KEY --cert CERT [--out FILE] [--format table|json]"
    static let options: [OptionSpec] = [
        formatOption,
        .value("--key", "KEY", "the officer's PEM private key (mode 0600)"),
        .value("--cert", "CERT", "the officer's PEM certificate chain, officer first"),
        .value("--out", "FILE", "with ID: write the signed copy here instead of standard output"),
        .flag("--pending", "sign every copy of the certificate's commune waiting for a signature"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        let format = try arguments.format()
        guard let keyPath = arguments.value("--key"), let certPath = arguments.value("--cert") else {
            throw UsageError("sign needs --key KEY and --cert CERT")
        }
        let signer = try Signer(keyPath: keyPath, certificatePath: certPath)
        let ledger = try context.openLedger()
        let now = try context.now()
        if arguments.has("--pending") {
            guard arguments.positionals.isEmpty, arguments.value("--out") == nil else { throw UsageError("--pending takes no dossier id and no --out") }
            try signer.checkValidity(at: now)
            let tty = isatty(STDERR_FILENO) == 1
            var done = 0
            try SignedCopy.signPending(ledger: ledger, signer: signer, actor: context.actor, now: now) { batch, total in
                for id in batch {
                    switch format {
                    case .json: context.output.line(JSON.object([("id", .string(id)), ("signed", .bool(true))]).serialized())
                    case .table: context.output.line("signed \(id)")
                    }
                }
                context.output.flush()
                done += batch.count
                if tty { FileHandle.standardError.write(Data("\rsigning \(done)/\(total)".utf8)) }
            }
            if tty && done > 0 { FileHandle.standardError.write(Data("\n".utf8)) }
            return .ok
        }
        guard arguments.positionals.count == 1 else { throw UsageError("sign needs one dossier id, or --pending") }
        let id = try DossierID(parsing: arguments.positionals[0])
        let text = try SignedCopy.sign(dossier: id.text, ledger: ledger, signer: signer, actor: context.actor, now: now)
        if let out = arguments.value("--out") {
            guard FileManager.default.createFile(atPath: out, contents: Data((text + "\n").utf8)) else {
                throw LedgerError("cannot write \(out)", exitCode: .cantCreate)
            }
        } else {
            context.output.line(text)
        }
        return .ok
    }
}
