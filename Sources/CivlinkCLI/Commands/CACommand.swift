import CivlinkCore
import FoundationEssentials

enum CACommand: Command {
    static let spec = CommandSpec(
        "ca", summary: "A province CA for small deployments and tests (init, issue, revoke), or import a real CA's certificate chain.",
        actions: [
            ActionSpec("init", usage: "civlink ca init --dir DIR --name NAME [--province CODE] [--type TYPE] [--days N]",
                       summary: "Create a province CA: a key (mode 0600) and a self-signed certificate in DIR.", options: [
                .value("--dir", "DIR", .directory, "the CA directory (ca.key, ca.pem)"),
                .value("--name", "NAME", .text, "the CA's name"),
                .value("--province", "CODE", .text, "the province code"),
                .value("--type", "TYPE", .choice(KeyType.allCases.map(\.rawValue)), "CA key type, ed25519 (default), ecdsa-p256 or rsa"),
                .value("--days", "N", .text, "validity in days (default 3650)"),
            ] + outputOptions()),
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
            ] + outputOptions()),
            ActionSpec("import", usage: "civlink ca import CHAIN.pem",
                       summary: "Record a CA's root (trusted for signing from then on) and an officer's certificate chain in the ledger.",
                       options: outputOptions(), positionals: .files),
            ActionSpec("revoke", usage: "civlink ca revoke CERT-SHA256|CERT.pem --reason TEXT",
                       summary: "Revoke an officer's certificate: copies it signs from now on fail verification.", options: [
                .value("--reason", "TEXT", .text, "why the certificate is revoked (e.g. key lost, officer left)"),
            ] + outputOptions(), positionals: .files),
        ])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        switch invocation.arguments.action {
        case "init": return try initCA(invocation)
        case "issue": return try issue(invocation)
        case "revoke": return try revoke(invocation)
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
        let printer = try RecordPrinter(invocation, kind: "civlink.ca/1", columns: [
            RecordColumn("certificate", "Certificate"), RecordColumn("key", "Key"), RecordColumn("sha256", "SHA-256"),
            RecordColumn("trusted_by_ledger", "Trusted by the ledger"),
        ])
        let type = KeyType(rawValue: invocation.value("--type") ?? "ed25519") ?? .ed25519
        try Files.makeDirectory(dir, mode: 0o700)
        let key = try PrivateKey.generate(type)
        let now = try invocation.now()
        let cert = try CertificateAuthority.makeRoot(key: key, name: name, province: invocation.value("--province"),
                                                     notBefore: Timestamp(seconds: now.seconds - 86400), days: try days(invocation, 3650))
        try Files.writePrivate(dir + "/ca.key", key.pem)
        try Files.atomicWrite(Data(cert.pem.utf8), to: dir + "/ca.pem")
        // The ledger here trusts the CA made for it; other ledgers import ca.pem.
        let trustedHere = Files.exists(invocation.ledgerPath)
        if trustedHere { try invocation.openLedger().recordTrustedRoots([cert], now: now) }
        if printer.format == .table {
            try invocation.line(invocation.text("created CA \(dir)/ca.pem (key \(dir)/ca.key), sha256 \(cert.fingerprint)"))
        } else {
            try printer.add([.text(dir + "/ca.pem"), .text(dir + "/ca.key"), .text(cert.fingerprint), .bool(trustedHere)])
            try printer.finish()
        }
        if trustedHere {
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
        // A certificate for a commune that does not exist would sign nothing: the code is 5
        // digits and, when the ledger has a commune table, a commune in force today.
        guard commune.utf8.count == 5, commune.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw ValidationError("--commune", "must be a 5-digit commune code")
        }
        if Files.exists(invocation.ledgerPath) {
            let today = try invocation.now().localDate
            if let communes = try invocation.openLedger(readOnly: true).reference.communes, communes.commune(commune, on: today) == nil {
                throw ValidationError("--commune", "must be a commune in force on \(today) in the ledger's commune table")
            }
        }
        let printer = try RecordPrinter(invocation, kind: "civlink.certificate/1", columns: [
            RecordColumn("certificate", "Certificate"), RecordColumn("not_before", "Valid from"), RecordColumn("not_after", "Valid until"),
            RecordColumn("sha256", "SHA-256"),
        ])
        let caKey = try PrivateKey.load(path: dir + "/ca.key")
        let caCert = try Certificate.loadChain(path: dir + "/ca.pem")[0]
        guard let csrData = Files.read(csr) else { throw Files.readFailure(csr) }
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
        if printer.format == .table {
            try invocation.line(invocation.text("issued \(out) valid \(JWS.utcText(from)) to \(JWS.utcText(until)), sha256 \(cert.fingerprint)"))
        } else {
            try printer.add([.text(out), .time(from), .time(until), .text(cert.fingerprint)])
            try printer.finish()
        }
        return .ok
    }

    static func importChain(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("ca import needs one PEM chain file") }
        let printer = try RecordPrinter(invocation, kind: "civlink.chain-import/1", columns: [
            RecordColumn("certificates", "Certificates"), RecordColumn("sha256", "Officer certificate SHA-256"),
            RecordColumn("trusted_roots", "Trusted roots"),
        ])
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
        if let officer { try ledger.recordCertificateChain(chain, now: now) }
        let added = try ledger.recordTrustedRoots(roots, now: now)
        if printer.format == .table {
            if let officer {
                try invocation.line(invocation.text("imported the certificate of \(officer.commonName ?? "?"), sha256 \(officer.fingerprint)"))
            }
            for root in roots { try invocation.line(invocation.text("trusted CA root \(root.subjectName), sha256 \(root.fingerprint)")) }
        } else {
            try printer.add([.int(chain.count), officer.map { Cell.text($0.fingerprint) } ?? .none, .text(roots.map(\.fingerprint).joined(separator: " "))],
                            json: [("certificates", .int(chain.count)), ("sha256", .optional(officer?.fingerprint)),
                                   ("trusted_roots", .array(roots.map { .string($0.fingerprint) }))])
            try printer.finish()
        }
        if !roots.isEmpty && added == 0 { invocation.note("the ledger already trusted these roots") }
        return .ok
    }

    static func revoke(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("ca revoke needs one certificate: its SHA-256 fingerprint or its PEM file") }
        guard let reason = invocation.value("--reason"), !reason.isEmpty else { throw UsageError("ca revoke needs --reason TEXT") }
        let printer = try RecordPrinter(invocation, kind: "civlink.certificate-revocation/1", columns: [
            RecordColumn("sha256", "SHA-256"), RecordColumn("commune", "Commune"), RecordColumn("revoked_at", "Revoked at"),
            RecordColumn("reason", "Reason"),
        ])
        let target = invocation.positionals[0]
        let ledger = try invocation.openLedger()
        let now = try invocation.now()
        var fingerprint = target.lowercased()
        let isFingerprint = fingerprint.utf8.count == 64 && fingerprint.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        if !isFingerprint {
            // A certificate file: recorded first if the ledger has not seen it.
            let chain = try Certificate.loadChain(path: target)
            try ledger.recordCertificateChain(chain, now: now)
            fingerprint = chain[0].fingerprint
        }
        let revoked = try ledger.revokeCertificate(fingerprint: fingerprint, reason: reason, now: now)
        if printer.format == .table {
            try invocation.line(invocation.text("revoked certificate sha256 \(fingerprint) (commune \(revoked.commune)) at \(JWS.utcText(now))"))
        } else {
            try printer.add([.text(fingerprint), .code(revoked.commune), .time(now), .text(reason)])
            try printer.finish()
        }
        return .ok
    }
}
