import CivlinkCore
import FoundationEssentials

enum KeygenCommand: Command {
    static let spec = CommandSpec(
        "keygen", summary: "Generate an officer's private key (PEM, mode 0600) and optionally a certificate signing request.",
        usage: ["civlink keygen --out KEY [--type ed25519|ecdsa-p256|rsa] [--bits N] [--csr FILE --officer NAME [--commune CODE] [--role ROLE]]"],
        options: [
            .value("--out", "KEY", .file, "where to write the private key (created mode 0600, never overwritten)"),
            .value("--type", "TYPE", .choice(KeyType.allCases.map(\.rawValue)), "ed25519 (default), ecdsa-p256 or rsa"),
            .value("--bits", "N", .text, "RSA key size, 2048 or more (default 3072)"),
            .value("--csr", "FILE", .file, "also write a certificate signing request"),
            .value("--officer", "NAME", .text, "with --csr: the officer's name"),
            .value("--commune", "CODE", .text, "with --csr: the commune code"),
            .value("--role", "ROLE", .text, "with --csr: the officer's role"),
        ] + outputOptions())

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("keygen takes no arguments") }
        guard let out = invocation.value("--out") else { throw UsageError("keygen needs --out KEY") }
        let printer = try RecordPrinter(invocation, kind: "civlink.key/1", columns: [
            RecordColumn("key", "Key"), RecordColumn("type", "Type"), RecordColumn("csr", "Request"),
        ])
        let type = KeyType(rawValue: invocation.value("--type") ?? "ed25519") ?? .ed25519
        var bits = 3072
        if let text = invocation.value("--bits") {
            guard type == .rsa, let n = Int(text) else { throw UsageError("--bits takes a number and goes with --type rsa") }
            bits = n
        }
        var csrData: Data?
        let key = try PrivateKey.generate(type, bits: bits)
        if let csr = invocation.value("--csr") {
            guard let officer = invocation.value("--officer") else { throw UsageError("--csr needs --officer NAME") }
            csrData = try CertificateAuthority.request(key: key, officer: officer, commune: invocation.value("--commune"), role: invocation.value("--role"))
            if Files.exists(csr) { throw UsageError("\(csr) exists already") }
        }
        try Files.writePrivate(out, key.pem)
        if let csr = invocation.value("--csr"), let csrData { try Files.writePrivate(csr, csrData) }
        if printer.format != .table {
            try printer.add([.text(out), .text(type.rawValue), invocation.value("--csr").map(Cell.text) ?? .none])
            try printer.finish()
        } else if let csr = invocation.value("--csr") {
            try invocation.line(invocation.text("wrote \(type.rawValue) key \(out) and request \(csr)"))
        } else {
            try invocation.line(invocation.text("wrote \(type.rawValue) key \(out)"))
        }
        return .ok
    }
}
