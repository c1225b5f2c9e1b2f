import CivlinkCore
import Foundation

enum CACommand: Command {
    static let name = "ca"
    static let summary = "A province CA for small deployments and tests (init, issue), or import a real CA's certificate chain."
    static let usage = """
        civlink ca init --dir DIR --name NAME [--province CODE] [--type TYPE] [--days N]
               civlink ca issue --dir DIR --csr FILE --officer NAME --commune CODE --role ROLE --out CERT [--valid-from TIME] [--days N]
               civlink ca import CHAIN.pem
        """
    static let options: [OptionSpec] = [
        .value("--dir", "DIR", "the CA directory (ca.key, ca.pem)"),
        .value("--name", "NAME", "init: the CA's name"),
        .value("--province", "CODE", "init: the province code"),
        .value("--type", "TYPE", "init: CA key type, ed25519 (default), ecdsa-p256 or rsa"),
        .value("--days", "N", "validity in days (init 3650, issue 730)"),
        .value("--csr", "FILE", "issue: the officer's certificate signing request"),
        .value("--officer", "NAME", "issue: the officer named in the certificate"),
        .value("--commune", "CODE", "issue: the commune the officer signs for"),
        .value("--role", "ROLE", "issue: the officer's role"),
        .value("--valid-from", "TIME", "issue: start of validity, RFC 3339 or YYYY-MM-DD (default: now)"),
        .value("--out", "CERT", "issue: where to write the certificate chain (officer first, then the CA)"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard let action = arguments.positionals.first else { throw UsageError("ca needs an action: init, issue or import") }
        switch action {
        case "init": return try initCA(arguments, context)
        case "issue": return try issue(arguments, context)
        case "import": return try importChain(arguments, context)
        default: throw UsageError("unknown ca action '\(action)': use init, issue or import")
        }
    }

    static func days(_ arguments: ParsedArguments, _ fallback: Int) throws -> Int {
        guard let text = arguments.value("--days") else { return fallback }
        guard let n = Int(text), n > 0 else { throw UsageError("--days must be a positive number") }
        return n
    }

    static func initCA(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard let dir = arguments.value("--dir"), let name = arguments.value("--name") else { throw UsageError("ca init needs --dir DIR and --name NAME") }
        guard let type = KeyType(rawValue: arguments.value("--type") ?? "ed25519") else { throw UsageError("--type must be ed25519, ecdsa-p256 or rsa") }
        try FileSystem.makeDirectory(dir, mode: 0o700)
        let key = try PrivateKey.generate(type)
        let now = try context.now()
        let cert = try CertificateAuthority.makeRoot(key: key, name: name, province: arguments.value("--province"),
                                                     notBefore: Timestamp(seconds: now.seconds - 86400), days: try days(arguments, 3650))
        try writePrivateFile(dir + "/ca.key", key.pem)
        guard FileManager.default.createFile(atPath: dir + "/ca.pem", contents: Data(cert.pem.utf8)) else {
            throw LedgerError("cannot write \(dir)/ca.pem", exitCode: .cantCreate)
        }
        context.output.line("created CA \(dir)/ca.pem (key \(dir)/ca.key), sha256 \(cert.fingerprint)")
        return .ok
    }

    static func issue(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard let dir = arguments.value("--dir"), let csr = arguments.value("--csr"), let out = arguments.value("--out"),
              let officer = arguments.value("--officer"), let commune = arguments.value("--commune"), let role = arguments.value("--role") else {
            throw UsageError("ca issue needs --dir, --csr, --officer, --commune, --role and --out")
        }
        let caKey = try PrivateKey.load(path: dir + "/ca.key")
        let caCert = try Certificate.loadChain(path: dir + "/ca.pem")[0]
        guard let csrData = FileManager.default.contents(atPath: csr) else { throw NotFoundError("cannot read \(csr)") }
        var from = try context.now()
        if let text = arguments.value("--valid-from") {
            guard let t = Timestamp(text) ?? Timestamp(text + "T00:00:00+07:00") else { throw UsageError("--valid-from must be RFC 3339 or YYYY-MM-DD") }
            from = t
        }
        let until = Timestamp(seconds: from.seconds + Int64(try days(arguments, 730)) * 86400)
        let cert = try CertificateAuthority.issue(csrPEM: csrData, officer: officer, commune: commune, role: role, caCert: caCert, caKey: caKey,
                                                  notBefore: from, notAfter: until)
        if FileManager.default.fileExists(atPath: out) { throw UsageError("\(out) exists already") }
        guard FileManager.default.createFile(atPath: out, contents: Data((cert.pem + caCert.pem).utf8)) else {
            throw LedgerError("cannot write \(out)", exitCode: .cantCreate)
        }
        context.output.line("issued \(out) valid \(JWS.utcText(from)) to \(JWS.utcText(until)), sha256 \(cert.fingerprint)")
        return .ok
    }

    static func importChain(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard arguments.positionals.count == 2 else { throw UsageError("ca import needs one PEM chain file") }
        let chain = try Certificate.loadChain(path: arguments.positionals[1])
        guard let officer = chain[0].commonName, let commune = chain[0].commune else {
            throw CertificateError("the first certificate names no officer (CN) or commune (L)")
        }
        let ledger = try context.openLedger()
        let now = try context.now()
        try ledger.database.writeTransaction {
            try ledger.database.run("INSERT INTO officers(name, commune, role, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                    [.text(officer), .text(commune), .text(chain[0].role ?? ""), .integer(now.seconds)])
            try ledger.database.run("""
                INSERT INTO certificates(fingerprint, officer, commune, role, subject, issuer, not_before, not_after, chain_pem, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, [.text(chain[0].fingerprint), .text(officer), .text(commune), .text(chain[0].role ?? ""), .text(chain[0].subjectName),
                      .text(chain[0].issuerName), .integer(chain[0].notBefore.seconds), .integer(chain[0].notAfter.seconds),
                      .text(chain.map(\.pem).joined()), .integer(now.seconds)])
        }
        context.output.line("imported \(chain.count) certificate(s), officer certificate sha256 \(chain[0].fingerprint)")
        return .ok
    }
}
