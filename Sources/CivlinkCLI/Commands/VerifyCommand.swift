import CivlinkCore
import FoundationEssentials

enum VerifyCommand: Command {
    static let spec = CommandSpec(
        "verify", summary: "Verify a signed copy offline: payload, signature, chain, validity at signing time, key usage, revocation.",
        usage: ["civlink verify FILE...|- --trust CA.pem [--revoked LIST] [--format table|json|csv]"],
        options: outputOptions() + [
            .value("--trust", "CA.pem", .file, "trusted root certificates (PEM)"),
            .value("--revoked", "LIST", .file, "a revocation list from 'civlink revoke --export'"),
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
                switch verdicts.next()! {
                case .success(let result):
                    let document = result.copy["document"]?.stringValue ?? "-", dossier = result.copy["dossier"]?.stringValue ?? "-"
                    if people {
                        let signed = JWS.utcText(result.signedAt), prefix = files.count > 1 ? name + ": " : ""
                        try invocation.line(prefix + invocation.text("valid: \(document) of dossier \(dossier)"))
                        try invocation.line(prefix + invocation.text("signed by \(result.officer) (\(result.role), commune \(result.commune)) at \(signed) with \(result.algorithm)"))
                    } else {
                        var json = result.json.objectValue ?? []
                        json.removeAll { $0.0 == "format" }
                        try printer.add([.text(name), .bool(true), .none, .text(document), .text(dossier), .text(result.officer), .text(result.role),
                                         .code(result.commune), .time(result.signedAt), .text(result.algorithm)], json: json)
                    }
                case .failure(let failure):
                    allValid = false
                    if !people {
                        try printer.add([.text(name), .bool(false), .text(failure.reason.rawValue), .none, .none, .none, .none, .none, .none, .none],
                                        json: [("valid", .bool(false)), ("reason", .string(failure.reason.rawValue)), ("detail", .string(failure.detail.description))])
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
