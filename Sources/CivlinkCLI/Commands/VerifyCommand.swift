import CivlinkCore
import FoundationEssentials

enum VerifyCommand: Command {
    static let spec = CommandSpec(
        "verify", summary: "Verify a signed copy offline: payload, signature, chain, validity at signing time, key usage, revocation.",
        usage: ["civlink verify FILE...|- --trust CA.pem [--revoked LIST] [--format table|json]"],
        options: [
            formatOption(),
            .value("--trust", "CA.pem", .file, "trusted root certificates (PEM)"),
            .value("--revoked", "LIST", .file, "a revocation list from 'civlink revoke --export'"),
        ],
        positionals: .files)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard let trustPath = invocation.value("--trust") else { throw UsageError("verify needs --trust CA.pem") }
        let trusted = try Certificate.loadChain(path: trustPath)
        var revoked = Verification.RevocationList()
        if let list = invocation.value("--revoked") {
            guard let data = Files.read(list) else { throw Failure(.notFound, "cannot read \(list): \(Files.reason())") }
            revoked = try Verification.revocations(data)
        }
        let json = invocation.format() == .json
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
                let label = files.count > 1 ? "\(file ?? "-"): " : ""
                switch verdicts.next()! {
                case .success(let result):
                    if json {
                        try invocation.line(result.json)
                    } else {
                        try invocation.line("\(label)valid: \(result.copy["document"]?.stringValue ?? "copy") of dossier \(result.copy["dossier"]?.stringValue ?? "?")")
                        try invocation.line("\(label)signed by \(result.officer) (\(result.role), commune \(result.commune)) at \(JWS.utcText(result.signedAt)) with \(result.algorithm)")
                    }
                case .failure(let failure):
                    allValid = false
                    if json {
                        try invocation.line(JSON.object([("format", .string("civlink.verification/1")), ("valid", .bool(false)),
                                                         ("reason", .string(failure.reason.rawValue)), ("detail", .string(failure.detail.description))]))
                    }
                    try invocation.output.flush()
                    invocation.error("\(label)invalid (\(failure.reason.rawValue)): \(failure.detail)")
                }
            }
        }
        return allValid ? .ok : .failure
    }
}
