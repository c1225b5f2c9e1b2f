import CivlinkCore
import FoundationEssentials

enum VerifyCommand: Command {
    static let spec = CommandSpec(
        "verify", summary: "Verify a signed copy offline: payload, signature, chain, validity at signing time, key usage, revocation.",
        usage: ["civlink verify FILE...|- --trust CA.pem [--revoked LIST] [--proof PROOF --log-key KEY [--witness-key KEY]...] [--format table|json|csv]"],
        options: outputOptions() + [
            .value("--trust", "CA.pem", .file, "trusted root certificates (PEM)"),
            .value("--revoked", "LIST", .file, "a revocation list from 'civlink revoke --export'"),
            .value("--proof", "PROOF", .file, "with one copy: its proof from 'civlink audit prove', checked against the commune's log"),
            .value("--log-key", "KEY", .text, "with --proof: the commune ledger's verifier key, or a file holding it"),
            .value("--witness-key", "KEY", .text, "with --proof: a witness whose cosignature the checkpoint must carry (repeatable)"),
        ],
        positionals: .files)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard let trustPath = invocation.value("--trust") else { throw UsageError("verify needs --trust CA.pem") }
        let trusted = try Certificate.loadChain(path: trustPath)
        var revoked = Verification.RevocationList()
        if let list = invocation.value("--revoked") {
            guard let data = Files.read(list) else { throw Files.readFailure(list) }
            revoked = try Verification.revocations(data)
        }
        let printer = try RecordPrinter(invocation, kind: "civlink.verification/1", columns: [
            RecordColumn("file", "File"), RecordColumn("valid", "Valid"), RecordColumn("reason", "Reason"), RecordColumn("document", "Document"),
            RecordColumn("dossier", "Dossier"), RecordColumn("officer", "Officer"), RecordColumn("role", "Role"), RecordColumn("commune", "Commune"),
            RecordColumn("signed_at", "Signed at"), RecordColumn("algorithm", "Algorithm"),
        ])
        let people = printer.format == .table
        let files: [String?] = invocation.positionals.isEmpty ? [nil] : invocation.positionals
        var proof: (document: ProofDocument, logKey: String, witnesses: [String])?
        if let path = invocation.value("--proof") {
            guard files.count == 1 else { throw UsageError("--proof goes with one signed copy") }
            guard let key = invocation.value("--log-key") else { throw UsageError("--proof needs --log-key KEY, the commune ledger's verifier key") }
            proof = (try ProofDocument.parse(try AuditCommand.read(path)), try AuditCommand.keyText(key),
                     try invocation.values("--witness-key").map(AuditCommand.keyText))
        } else if invocation.value("--log-key") != nil || invocation.value("--witness-key") != nil {
            throw UsageError("--log-key and --witness-key go with --proof")
        }
        let verifier = Verifier(trusted: trusted, revocations: revoked)
        var allValid = true
        // Files are read here, in order, and verified on every core a slice at a time.
        var start = 0
        while start < files.count {
            let slice = Array(files[start..<min(files.count, start + 256)])
            start += slice.count
            let reads = slice.map { file in Result { try invocation.readInput(file) } }
            var verdicts = verifier.verifyAll(reads.compactMap { try? $0.get() }).makeIterator()
            for (file, read) in zip(slice, reads) {
                // A file that cannot be read stops here, after the verdicts of the files before it.
                if case .failure(let error) = read {
                    try invocation.output.flush()
                    throw error
                }
                let name = file ?? "-"
                var verdict = verdicts.next()!
                var logged: Verification.Logged?
                if let proof, case .success(let result) = verdict {
                    switch result.logged(in: proof.document, logKey: proof.logKey, witnessKeys: proof.witnesses) {
                    case .success(let found): logged = found
                    case .failure(let failure): verdict = .failure(failure)
                    }
                }
                switch verdict {
                case .success(let result):
                    let document = result.copy["document"]?.stringValue ?? "-", dossier = result.copy["dossier"]?.stringValue ?? "-"
                    if people {
                        let signed = JWS.utcText(result.signedAt), prefix = files.count > 1 ? name + ": " : ""
                        try invocation.line(prefix + invocation.text("valid: \(document) of dossier \(dossier)"))
                        try invocation.line(prefix + invocation.text("signed by \(result.officer) (\(result.role), commune \(result.commune)) at \(signed) with \(result.algorithm)"))
                        if let logged {
                            let cosigned: Phrase = logged.cosigners.isEmpty ? "" : ", cosigned by \(logged.cosigners.joined(separator: ", "))"
                            try invocation.line(prefix + invocation.text("logged: event \(logged.seq) of \(logged.origin), in its checkpoint of \(logged.treeSize) events\(cosigned)"))
                        }
                    } else {
                        var json = result.json.objectValue ?? []
                        json.removeAll { $0.0 == "format" }
                        json.insert(("file", .string(name)), at: 0)
                        if let logged { json.append(("log", logged.json)) }
                        try printer.add([.text(name), .bool(true), .none, .text(document), .text(dossier), .text(result.officer), .text(result.role),
                                         .code(result.commune), .time(result.signedAt), .text(result.algorithm)], json: json)
                    }
                case .failure(let failure):
                    allValid = false
                    if !people {
                        try printer.add([.text(name), .bool(false), .text(failure.reason.rawValue), .none, .none, .none, .none, .none, .none, .none],
                                        json: [("file", .string(name)), ("valid", .bool(false)), ("reason", .string(failure.reason.rawValue)),
                                               ("detail", .string(failure.detail.description))])
                    }
                    try invocation.output.flush()
                    let label: Phrase = files.count > 1 ? "\(name): invalid (\(failure.reason.rawValue)): \(failure.detail)"
                                                        : "invalid (\(failure.reason.rawValue)): \(failure.detail)"
                    invocation.error(label)
                }
            }
        }
        if !people { try printer.finish() }
        return allValid ? .ok : .failure
    }
}
