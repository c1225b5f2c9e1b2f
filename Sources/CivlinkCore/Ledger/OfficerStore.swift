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
}
