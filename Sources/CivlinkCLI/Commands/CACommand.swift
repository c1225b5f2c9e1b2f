import CivlinkCore
import FoundationEssentials

enum CACommand: Command {
    static let spec = CommandSpec(
        "ca", summary: "A province CA for small deployments and tests (init, issue), or import a real CA's certificate chain.",
        actions: [
            ActionSpec("init", usage: "civlink ca init --dir DIR --name NAME [--province CODE] [--type TYPE] [--days N]",
                       summary: "Create a province CA: a key (mode 0600) and a self-signed certificate in DIR.", options: [
                .value("--dir", "DIR", .directory, "the CA directory (ca.key, ca.pem)"),
                .value("--name", "NAME", .text, "the CA's name"),
                .value("--province", "CODE", .text, "the province code"),
                .value("--type", "TYPE", .choice(KeyType.allCases.map(\.rawValue)), "CA key type, ed25519 (default), ecdsa-p256 or rsa"),
                .value("--days", "N", .text, "validity in days (default 3650)"),
            ]),
            ActionSpec("issue", usage: "civlink ca issue --dir DIR --csr FILE --officer NAME --commune CODE --role ROLE --out CERT [--valid-from TIME] [--days N]",
                       summary: "Issue an officer's certificate for a signing request.", options: [
                .value("--dir", "DIR", .directory, "the CA directory (ca.key, ca.pem)"),
                .value("--csr", "FILE", .file, "the officer's certificate signing request"),
                .value("--officer", "NAME", .text, "the officer named in the certificate"),
                .value("--commune", "CODE", .text, "the commune the officer signs for"),
                .value("--role", "ROLE", .text, "the officer's role"),
                .value("--valid-from", "TIME", .text, "start of validity, RFC 3339 or YYYY-MM-DD (default: now)"),
                .value("--days", "N", .text, "validity in days (default 730)"),
                .value("--out", "CERT", .file, "where to write the certificate chain (officer first, then the CA)"),
            ]),
            ActionSpec("import", usage: "civlink ca import CHAIN.pem",
                       summary: "Record a CA's root (trusted for signing from then on) and an officer's certificate chain in the ledger.",
                       positionals: .files),
        ])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        switch invocation.arguments.action {
        case "init": return try initCA(invocation)
        case "issue": return try issue(invocation)
        default: return try importChain(invocation)
        }
    }

    static func days(_ invocation: Invocation, _ fallback: Int) throws -> Int {
        guard let text = invocation.value("--days") else { return fallback }
        guard let n = Int(text), n > 0 else { throw UsageError("--days must be a positive number") }
        return n
    }

    static func initCA(_ invocation: Invocation) throws -> ExitStatus {
        guard let dir = invocation.value("--dir"), let name = invocation.value("--name") else { throw UsageError("ca init needs --dir DIR and --name NAME") }
        let type = KeyType(rawValue: invocation.value("--type") ?? "ed25519") ?? .ed25519
        try Files.makeDirectory(dir, mode: 0o700)
        let key = try PrivateKey.generate(type)
        let now = try invocation.now()
        let cert = try CertificateAuthority.makeRoot(key: key, name: name, province: invocation.value("--province"),
                                                     notBefore: Timestamp(seconds: now.seconds - 86400), days: try days(invocation, 3650))
        try Files.writePrivate(dir + "/ca.key", key.pem)
        try Files.atomicWrite(Data(cert.pem.utf8), to: dir + "/ca.pem")
        try invocation.line("created CA \(dir)/ca.pem (key \(dir)/ca.key), sha256 \(cert.fingerprint)")
        // The ledger here trusts the CA made for it; other ledgers import ca.pem.
        if Files.exists(invocation.ledgerPath) {
            try invocation.openLedger().recordTrustedRoots([cert], now: now)
            invocation.note("the ledger \(invocation.ledgerPath) trusts this CA for signing")
        } else {
            invocation.note("no ledger at \(invocation.ledgerPath): record the CA in each commune's ledger with civlink ca import \(dir)/ca.pem")
        }
        return .ok
    }

    static func issue(_ invocation: Invocation) throws -> ExitStatus {
        guard let dir = invocation.value("--dir"), let csr = invocation.value("--csr"), let out = invocation.value("--out"),
              let officer = invocation.value("--officer"), let commune = invocation.value("--commune"), let role = invocation.value("--role") else {
            throw UsageError("ca issue needs --dir, --csr, --officer, --commune, --role and --out")
        }
        let caKey = try PrivateKey.load(path: dir + "/ca.key")
        let caCert = try Certificate.loadChain(path: dir + "/ca.pem")[0]
        guard let csrData = Files.read(csr) else { throw Failure(.notFound, "cannot read \(csr): \(Files.reason())") }
        var from = try invocation.now()
        if let text = invocation.value("--valid-from") {
            guard let t = Timestamp(text) ?? Timestamp(text + "T00:00:00+07:00") else { throw UsageError("--valid-from must be RFC 3339 or YYYY-MM-DD") }
            from = t
        }
        let until = Timestamp(seconds: from.seconds + Int64(try days(invocation, 730)) * 86400)
        let cert = try CertificateAuthority.issue(csrPEM: csrData, officer: officer, commune: commune, role: role, caCert: caCert, caKey: caKey,
                                                  notBefore: from, notAfter: until)
        if Files.exists(out) { throw UsageError("\(out) exists already") }
        try Files.writePrivate(out, Data((cert.pem + caCert.pem).utf8))
        try invocation.line("issued \(out) valid \(JWS.utcText(from)) to \(JWS.utcText(until)), sha256 \(cert.fingerprint)")
        return .ok
    }

    static func importChain(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("ca import needs one PEM chain file") }
        let chain = try Certificate.loadChain(path: invocation.positionals[0])
        let ledger = try invocation.openLedger()
        let now = try invocation.now()
        // Self-signed CA certificates are roots, trusted for signing from now on; a leaf that is
        // not a CA names an officer, recorded with its chain.
        let roots = chain.filter { $0.isCA && $0.isSelfSigned }
        let officer = chain.first.flatMap { $0.isCA ? nil : $0 }
        guard !roots.isEmpty || officer != nil else {
            throw Failure(.invalidInput, "\(invocation.positionals[0]) holds neither a CA root nor an officer certificate")
        }
        if let officer {
            try ledger.recordCertificateChain(chain, now: now)
            try invocation.line("imported the certificate of \(officer.commonName ?? "?"), sha256 \(officer.fingerprint)")
        }
        let added = try ledger.recordTrustedRoots(roots, now: now)
        for root in roots { try invocation.line("trusted CA root \(root.subjectName), sha256 \(root.fingerprint)") }
        if !roots.isEmpty && added == 0 { invocation.note("the ledger already trusted these roots") }
        return .ok
    }
}
