import CivlinkCore
import Foundation

enum KeygenCommand: Command {
    static let name = "keygen"
    static let summary = "Generate an officer's private key (PEM, mode 0600) and optionally a certificate signing request."
    static let usage = "civlink keygen --out KEY [--type ed25519|ecdsa-p256|rsa] [--bits N] [--csr FILE --officer NAME [--commune CODE] [--role ROLE]]"
    static let options: [OptionSpec] = [
        .value("--out", "KEY", "where to write the private key (created mode 0600, never overwritten)"),
        .value("--type", "TYPE", "ed25519 (default), ecdsa-p256 or rsa"),
        .value("--bits", "N", "RSA key size, 2048 or more (default 3072)"),
        .value("--csr", "FILE", "also write a certificate signing request"),
        .value("--officer", "NAME", "with --csr: the officer's name"),
        .value("--commune", "CODE", "with --csr: the commune code"),
        .value("--role", "ROLE", "with --csr: the officer's role"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard arguments.positionals.isEmpty else { throw UsageError("keygen takes no arguments") }
        guard let out = arguments.value("--out") else { throw UsageError("keygen needs --out KEY") }
        let typeName = arguments.value("--type") ?? "ed25519"
        guard let type = KeyType(rawValue: typeName) else { throw UsageError("--type must be ed25519, ecdsa-p256 or rsa") }
        var bits = 3072
        if let text = arguments.value("--bits") {
            guard type == .rsa, let n = Int(text) else { throw UsageError("--bits takes a number and goes with --type rsa") }
            bits = n
        }
        var csrData: Data?
        let key = try PrivateKey.generate(type, bits: bits)
        if let csr = arguments.value("--csr") {
            guard let officer = arguments.value("--officer") else { throw UsageError("--csr needs --officer NAME") }
            csrData = try CertificateAuthority.request(key: key, officer: officer, commune: arguments.value("--commune"), role: arguments.value("--role"))
            if FileManager.default.fileExists(atPath: csr) { throw UsageError("\(csr) exists already") }
        }
        try writePrivateFile(out, key.pem)
        if let csr = arguments.value("--csr"), let csrData {
            guard FileManager.default.createFile(atPath: csr, contents: csrData) else { throw LedgerError("cannot write \(csr)", exitCode: .cantCreate) }
        }
        context.output.line("wrote \(type.rawValue) key \(out)" + (arguments.value("--csr").map { " and request \($0)" } ?? ""))
        return .ok
    }
}
