import Foundation

/// Why signing was refused. Certificate problems exit 77, a dossier that cannot be signed 65.
public struct SigningError: CivlinkError {
    public let message: String
    public let exitCode: ExitCode
    public init(_ message: String, exitCode: ExitCode = .dataError) {
        self.message = message
        self.exitCode = exitCode
    }
}

/// An officer's key and certificate chain (leaf first), checked to belong together.
public struct Signer: Sendable {
    public let key: PrivateKey
    public let chain: [Certificate]
    /// The chain as JWS `x5c` entries and the officer certificate's fingerprint, computed once.
    public let x5c: [String]
    public let fingerprint: String
    public var certificate: Certificate { chain[0] }
    public var officer: String { certificate.commonName ?? "" }
    public var commune: String { certificate.commune ?? "" }
    public var role: String { certificate.role ?? "" }

    public init(keyPath: String, certificatePath: String) throws {
        key = try PrivateKey.load(path: keyPath)
        chain = try Certificate.loadChain(path: certificatePath)
        guard chain[0].matches(key) else { throw SigningError("the key \(keyPath) does not match the certificate \(certificatePath)", exitCode: .noPermission) }
        guard chain[0].commonName?.isEmpty == false, chain[0].commune?.isEmpty == false else {
            throw SigningError("the certificate names no officer (CN) or commune (L)", exitCode: .noPermission)
        }
        guard chain[0].allowsDocumentSigning else { throw SigningError("the certificate's key usage does not allow signing", exitCode: .noPermission) }
        x5c = chain.map { $0.der.base64EncodedString() }
        fingerprint = chain[0].fingerprint
    }

    /// Refuses an expired or not yet valid certificate.
    public func checkValidity(at now: Timestamp) throws {
        if now < certificate.notBefore {
            throw SigningError("the certificate is not valid before \(certificate.notBefore)", exitCode: .noPermission)
        }
        if now > certificate.notAfter {
            throw SigningError("the certificate expired at \(certificate.notAfter)", exitCode: .noPermission)
        }
    }

    /// Records the officer and the certificate chain in the ledger. Call inside a write transaction.
    public func record(in ledger: Ledger, now: Timestamp) throws {
        try ledger.database.run("INSERT INTO officers(name, commune, role, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                [.text(officer), .text(commune), .text(role), .integer(now.seconds)])
        try ledger.database.run("""
            INSERT INTO certificates(fingerprint, officer, commune, role, subject, issuer, not_before, not_after, chain_pem, recorded_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """, [.text(certificate.fingerprint), .text(officer), .text(commune), .text(role), .text(certificate.subjectName),
                  .text(certificate.issuerName), .integer(certificate.notBefore.seconds), .integer(certificate.notAfter.seconds),
                  .text(chain.map(\.pem).joined()), .integer(now.seconds)])
    }
}

/// The electronic copy: the Birth Certificate extract or the Death Certificate Extract, signed.
public enum SignedCopy {
    public static let format = "civlink.signed-copy/1"
    public static let copyFormat = "civlink.certificate-copy/1"

    static func pick(_ object: JSON?, _ keys: [String]) -> JSON {
        .object(keys.compactMap { key in object?[key].map { (key, $0) } })
    }

    /// What an extract shows: names, dates, places, parents' names, the register entry, the dossier id.
    /// `issue` numbers the copies of one dossier (1, then 2 after a revocation...), so a re-signed
    /// copy never has the same bytes, hence the same signature, as a revoked one.
    public static func copy(of dossier: DossierRecord, issue: Int = 1) -> JSON {
        let d = dossier.declaration
        var members: [(String, JSON)] = [
            ("format", .string(copyFormat)),
            ("document", .string(dossier.group == .birth ? "birth-certificate-extract" : "death-certificate-extract")),
            ("dossier", .string(dossier.id)), ("issue", .int(issue)),
            ("province", .string(dossier.province)), ("commune", .string(dossier.commune)),
            ("register", .object([("book", .string(dossier.group.rawValue)), ("year", .int(dossier.registerYear)),
                                  ("number", .int(dossier.registerNumber))])),
            ("registered_at", .string(JWS.utcText(dossier.registeredAt))),
        ]
        if dossier.group == .birth {
            members.append(("child", pick(d["child"], ["full_name", "sex", "date_of_birth", "place_of_birth", "ethnicity", "nationality"])))
            members.append(("mother", pick(d["mother"], ["full_name"])))
            if d["father"] != nil { members.append(("father", pick(d["father"], ["full_name"]))) }
        } else {
            members.append(("deceased", pick(d["deceased"], ["full_name", "sex", "date_of_birth"])))
            members.append(("death", pick(d["death"], ["date", "time", "place"])))
        }
        return .object(members)
    }

    /// The signed document (civlink-signed-copy(5)).
    public static func document(copy: JSON, jws: JWS) -> JSON {
        .object([("format", .string(format)), ("copy", copy), ("jws", jws.json)])
    }

    /// Signs one dossier's copy, stores it, and completes `certificate-copy`, which releases the
    /// procedures waiting on it. Runs its own write transaction.
    @discardableResult
    public static func sign(dossier id: String, ledger: Ledger, signer: Signer, actor: String, now: Timestamp) throws -> JSON {
        try signer.checkValidity(at: now)
        return try ledger.database.writeTransaction {
            try signer.record(in: ledger, now: now)
            return try signInTransaction(dossier: id, ledger: ledger, signer: signer, actor: actor, now: now)
        }
    }

    /// Signs `ids` in transactions of `batchSize` dossiers (one commit per batch, not per copy);
    /// `committed` is called with each batch's ids once it is committed, so what is reported is stored.
    public static func signAll(_ ids: [String], ledger: Ledger, signer: Signer, actor: String, now: Timestamp, batchSize: Int = 256,
                               committed: ([String]) -> Void) throws {
        try signer.checkValidity(at: now)
        var start = 0
        while start < ids.count {
            let batch = Array(ids[start..<min(ids.count, start + batchSize)])
            try ledger.database.writeTransaction {
                try signer.record(in: ledger, now: now)
                for id in batch { try signInTransaction(dossier: id, ledger: ledger, signer: signer, actor: actor, now: now) }
            }
            committed(batch)
            start += batch.count
        }
    }

    @discardableResult
    static func signInTransaction(dossier id: String, ledger: Ledger, signer: Signer, actor: String, now: Timestamp) throws -> JSON {
        do {
            let dossier = try ledger.dossier(id)
            guard dossier.commune == signer.commune else {
                throw SigningError("dossier \(id) belongs to commune \(dossier.commune); the certificate is for commune \(signer.commune)",
                                   exitCode: .noPermission)
            }
            if try ledger.database.scalar("SELECT 1 FROM signed_copies WHERE dossier_id = ? AND revoked_at IS NULL", [.text(id)]) != .null {
                throw SigningError("dossier \(id) has a signed copy already; revoke it first to sign again")
            }
            guard let procedure = dossier.procedures.first(where: { $0.code == "certificate-copy" }) else {
                throw SigningError("dossier \(id) plans no certificate copy")
            }
            guard procedure.state == .ready else {
                throw SigningError("dossier \(id): certificate-copy is \(procedure.state.rawValue), not ready")
            }
            let issue = try ledger.database.scalar("SELECT COUNT(*) + 1 FROM signed_copies WHERE dossier_id = ?", [.text(id)]).int ?? 1
            let copy = copy(of: dossier, issue: issue)
            let jws = try JWS.sign(payload: copy.canonicalData, key: signer.key, x5c: signer.x5c, at: now)
            let document = document(copy: copy, jws: jws)
            let signatureHash = Digest.sha256(Base64URL.decode(jws.signature) ?? Data()).hexString
            try ledger.database.run("""
                INSERT INTO signed_copies(dossier_id, document, officer, signed_at, signature_sha256, certificate)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [.text(id), .text(document.serialized()), .text(signer.officer), .integer(now.seconds), .text(signatureHash),
                      .text(signer.fingerprint)])
            try ledger.transition(dossier: id, procedure: "certificate-copy", to: .done, actor: actor, now: now, detail: [
                ("signed_copy", .object([("signature_sha256", .string(signatureHash)), ("certificate", .string(signer.fingerprint)),
                                         ("officer", .string(signer.officer))])),
            ])
            return document
        }
    }

    /// Dossiers of the signer's commune whose copy waits for a signature, oldest first.
    public static func pending(ledger: Ledger, commune: String) throws -> [String] {
        try ledger.database.query("""
            SELECT d.id FROM dossiers d JOIN procedures p ON p.dossier_id = d.id AND p.code = 'certificate-copy'
            WHERE p.state = 'ready' AND d.commune = ?
              AND NOT EXISTS (SELECT 1 FROM signed_copies s WHERE s.dossier_id = d.id AND s.revoked_at IS NULL)
            ORDER BY d.received_at, d.rowid
            """, [.text(commune)]).compactMap { $0[0].string }
    }

    /// Revokes the dossier's current signed copy and makes `certificate-copy` ready to sign again.
    public static func revoke(dossier id: String, reason: String, ledger: Ledger, actor: String, now: Timestamp) throws -> String {
        try ledger.database.writeTransaction {
            guard let row = try ledger.database.query("""
                SELECT id, signature_sha256 FROM signed_copies WHERE dossier_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1
                """, [.text(id)]).first else { throw NotFoundError("dossier \(id) has no signed copy to revoke") }
            try ledger.database.run("UPDATE signed_copies SET revoked_at = ?, revocation_reason = ? WHERE id = ?",
                                    [.integer(now.seconds), .text(reason), row[0]])
            let hash = row[1].string ?? ""
            try ledger.transition(dossier: id, procedure: "certificate-copy", to: .ready, actor: actor, now: now, detail: [
                ("revoked", .object([("signature_sha256", .string(hash)), ("reason", .string(reason))])),
            ])
            return hash
        }
    }

    /// The revocation list verifiers use offline (`civlink.revocations/1`).
    public static func revocationList(ledger: Ledger, now: Timestamp) throws -> JSON {
        let rows = try ledger.database.query("""
            SELECT dossier_id, signature_sha256, revoked_at, revocation_reason FROM signed_copies WHERE revoked_at IS NOT NULL ORDER BY revoked_at, id
            """)
        return .object([
            ("format", .string("civlink.revocations/1")), ("issued_at", .string(JWS.utcText(now))),
            ("revoked", .array(rows.map { row in
                .object([("dossier", .optional(row[0].string)), ("signature_sha256", .optional(row[1].string)),
                         ("revoked_at", .string(JWS.utcText(Timestamp(seconds: Int64(row[2].int ?? 0))))),
                         ("reason", .optional(row[3].string))])
            })),
        ])
    }
}
