import CivlinkCore
import FoundationEssentials

enum SignCommand: Command {
    static let spec = CommandSpec(
        "sign", summary: "Sign a dossier's certificate copy (JWS with the officer's certificate chain), or every pending one.",
        usage: ["civlink sign ID|--pending --key KEY --cert CERT [--out FILE [--force]] [--format table|json|csv]"],
        options: outputOptions() + [
            .value("--key", "KEY", .file, "the officer's PEM private key (mode 0600)"),
            .value("--cert", "CERT", .file, "the officer's PEM certificate chain, officer first"),
            .value("--out", "FILE", .file, "with ID: write the signed copy here (mode 0600) instead of standard output"),
            .flag("--force", "with --out: replace an existing file"),
            .flag("--pending", "sign every copy of the certificate's commune waiting for a signature"),
        ],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard let keyPath = invocation.value("--key"), let certPath = invocation.value("--cert") else {
            throw UsageError("sign needs --key KEY and --cert CERT")
        }
        let signer = try Signer(keyPath: keyPath, certificatePath: certPath)
        let ledger = try invocation.openLedger()
        let now = try invocation.now()
        if invocation.has("--pending") {
            guard invocation.positionals.isEmpty, invocation.value("--out") == nil else { throw UsageError("--pending takes no dossier id and no --out") }
            if invocation.has("--force") { throw UsageError("--force goes with --out") }
            // A table is a log: one line per copy signed and stored, nothing when there was nothing to sign.
            let printer = try RecordPrinter(invocation, kind: "civlink.signing/1", columns: [RecordColumn("id", "Dossier"), RecordColumn("signed", "Signed")])
            let log = printer.format == .table
            let progress = Progress(invocation)
            var done = 0
            try Signing.signPending(ledger: ledger, signer: signer, actor: invocation.actor, now: now) { batch, total in
                for id in batch {
                    if log { try invocation.line(invocation.text("signed \(id)")) } else { try printer.add([.text(id), .bool(true)]) }
                }
                try invocation.output.flush()
                done += batch.count
                progress.update("signing \(done)/\(total)")
            }
            if !log { try printer.finish() }
            progress.finish(summary: "signed \(done)")
            return .ok
        }
        guard invocation.positionals.count == 1 else { throw UsageError("sign needs one dossier id, or --pending") }
        if invocation.value("--format") != nil { throw UsageError("--format goes with --pending (a signed copy is printed as it is)") }
        let id = try DossierID(parsing: invocation.positionals[0])
        // Claimed before signing: an existing file is refused before the ledger changes.
        let output = try invocation.value("--out").map { try Files.claimPrivateOutput($0, replace: invocation.has("--force")) }
        let text = try Signing.sign(dossier: id.text, ledger: ledger, signer: signer, actor: invocation.actor, now: now)
        if let output {
            try output.write(Data((text + "\n").utf8))
        } else {
            try invocation.line(text)
        }
        return .ok
    }
}
