import CivlinkCore
import Foundation

enum VerifyCommand: Command {
    static let name = "verify"
    static let summary = "Verify a signed copy offline: payload, signature, chain, validity at signing time, key usage, revocation."
    static let usage = "civlink verify FILE...|- --trust CA.pem [--revoked LIST] [--format table|json]"
    static let options: [OptionSpec] = [
        formatOption,
        .value("--trust", "CA.pem", "trusted root certificates (PEM)"),
        .value("--revoked", "LIST", "a revocation list from 'civlink revoke --export'"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        let format = try arguments.format()
        guard let trustPath = arguments.value("--trust") else { throw UsageError("verify needs --trust CA.pem") }
        let trusted = try Certificate.loadChain(path: trustPath)
        var revoked: Set<String> = []
        if let list = arguments.value("--revoked") {
            guard let data = FileManager.default.contents(atPath: list) else { throw NotFoundError("cannot read \(list)") }
            revoked = try Verification.revokedHashes(data)
        }
        let files: [String?] = arguments.positionals.isEmpty ? [nil] : arguments.positionals
        let verifier = Verifier(trusted: trusted, revoked: revoked)
        var allValid = true
        // Files are read here, in order, and verified on every core a slice at a time.
        var start = 0
        while start < files.count {
            let slice = Array(files[start..<min(files.count, start + 256)])
            start += slice.count
            let reads = slice.map { file in Result { try context.readInput(file) } }
            var verdicts = verifier.verifyAll(reads.compactMap { try? $0.get() }).makeIterator()
            for (file, read) in zip(slice, reads) {
                // A file that cannot be read stops here, after the verdicts of the files before it.
                if case .failure(let error) = read {
                    context.output.flush()
                    throw error
                }
                let label = files.count > 1 ? "\(file ?? "-"): " : ""
                switch verdicts.next()! {
                case .success(let result):
                    switch format {
                    case .json: context.output.line(result.json.serialized())
                    case .table:
                        context.output.line("\(label)valid: \(result.copy["document"]?.stringValue ?? "copy") of dossier \(result.copy["dossier"]?.stringValue ?? "?")")
                        context.output.line("\(label)signed by \(result.officer) (\(result.role), commune \(result.commune)) at \(JWS.utcText(result.signedAt)) with \(result.algorithm)")
                    }
                case .failure(let failure):
                    allValid = false
                    if format == .json {
                        context.output.line(JSON.object([("format", .string("civlink.verification/1")), ("valid", .bool(false)),
                                                         ("reason", .string(failure.reason.rawValue)), ("detail", .string(failure.detail))]).serialized())
                    }
                    context.output.flush()
                    FileHandle.standardError.write(Data("civlink: \(label)invalid (\(failure.reason.rawValue)): \(failure.detail)\n".utf8))
                }
            }
        }
        return allValid ? .ok : .failure
    }
}
