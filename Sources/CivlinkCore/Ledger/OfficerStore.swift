/// Officers and their certificate chains, as seen by signing or imported with `ca import`.
extension Ledger {
    /// Records the officer named by a certificate chain (leaf first) and the chain. Call inside
    /// `write`, or alone.
    public func recordCertificateChain(_ chain: [Certificate], now: Timestamp) throws {
        let leaf = chain[0]
        guard let officer = leaf.commonName, let commune = leaf.commune else {
            throw Failure(.invalidInput, "the first certificate names no officer (CN) or commune (L)")
        }
        try write {
            try database.run("INSERT INTO officers(name, commune, role, first_seen) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                             [.text(officer), .text(commune), .text(leaf.role ?? ""), .integer(now.seconds)])
            try database.run("""
                INSERT INTO certificates(fingerprint, officer, commune, role, subject, issuer, not_before, not_after, chain_pem, recorded_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, [.text(leaf.fingerprint), .text(officer), .text(commune), .text(leaf.role ?? ""), .text(leaf.subjectName),
                      .text(leaf.issuerName), .integer(leaf.notBefore.seconds), .integer(leaf.notAfter.seconds),
                      .text(chain.map(\.pem).joined()), .integer(now.seconds)])
        }
    }

    /// Records the signer's officer and chain. Call inside `write`.
    func recordSigner(_ signer: Signer, now: Timestamp) throws {
        try recordCertificateChain(signer.chain, now: now)
    }

    /// Revokes an officer's certificate from `now`: copies it signs from then on are refused by
    /// verifiers given the revocation list, and civlink no longer signs with it. Returns the
    /// officer and commune it named.
    public func revokeCertificate(fingerprint: String, reason: String, now: Timestamp) throws -> (officer: String, commune: String) {
        let reason = try TextRules.normalise(reason, field: "reason", maxLength: 200)
        return try write {
            guard let row = try database.queryFirst("""
                SELECT c.officer, c.commune, r.revoked_at FROM certificates c LEFT JOIN certificate_revocations r ON r.fingerprint = c.fingerprint
                WHERE c.fingerprint = ?
                """, [.text(fingerprint)]) else {
                throw Failure(.notFound, "no certificate with sha256 \(fingerprint) in this ledger")
            }
            if let at = row["revoked_at"].int64 {
                throw Failure(.refused, "the certificate with sha256 \(fingerprint) was revoked already at \(JWS.utcText(Timestamp(seconds: at)))")
            }
            try database.run("INSERT INTO certificate_revocations(fingerprint, revoked_at, reason) VALUES (?, ?, ?)",
                             [.text(fingerprint), .integer(now.seconds), .text(reason)])
            return (row.string("officer"), row.string("commune"))
        }
    }

    /// When and why the certificate was revoked, nil if it is not.
    public func certificateRevocation(_ fingerprint: String) throws -> (at: Timestamp, reason: String)? {
        guard let row = try database.queryFirst("SELECT revoked_at, reason FROM certificate_revocations WHERE fingerprint = ?",
                                                [.text(fingerprint)]) else { return nil }
        return (Timestamp(seconds: row["revoked_at"].int64 ?? 0), row.string("reason"))
    }

    /// Refuses a signer whose certificate this ledger has revoked.
    public func checkNotRevoked(_ signer: Signer) throws {
        if let revocation = try certificateRevocation(signer.fingerprint) {
            throw Failure(.permission, "the certificate was revoked at \(JWS.utcText(revocation.at)); sign with a new one")
        }
    }

    /// The revoked certificates for the revocation list, oldest revocation first.
    func revokedCertificates() throws -> [JSON] {
        try database.query("""
            SELECT fingerprint, revoked_at, reason FROM certificate_revocations ORDER BY revoked_at, fingerprint
            """).map { row in
            .object([("certificate_sha256", .string(row.string("fingerprint"))),
                     ("revoked_at", .string(JWS.utcText(Timestamp(seconds: row["revoked_at"].int64 ?? 0)))),
                     ("reason", .optional(row["reason"].string))])
        }
    }
}
