/// Signed copies as the ledger stores them (schema 5: the canonical payload, the signature and a
/// protected header shared by a batch in `jws_headers`; copies from before keep their document),
/// and their revocation.
extension Ledger {
    /// The row id of a protected header in jws_headers, added if new. Call inside `write`.
    func headerID(_ protected: String) throws -> Int64 {
        try database.run("INSERT INTO jws_headers(protected) VALUES (?) ON CONFLICT(protected) DO NOTHING", [.text(protected)])
        guard let id = try database.scalar("SELECT id FROM jws_headers WHERE protected = ?", [.text(protected)]).int64 else {
            throw Failure(.internalError, "jws_headers lost the header it was given")
        }
        return id
    }

    /// Stores prepared copies and completes their `certificate-copy`, which releases the
    /// procedures waiting on it; the rows go in a few dozen per statement, and the procedures change
    /// through `transitionAll`. Works in slices of 64 copies, so no array grows past what malloc
    /// serves from its heap (bigger ones cost a fresh mapping and page faults each time). Call
    /// inside `write`, after checking the copies are still wanted.
    public func storeSignedCopies(_ copies: [SignedCopy.PreparedCopy], protected: String, signer: Signer, actor: String, now: Timestamp) throws {
        try recordSigner(signer, now: now)
        let header = try headerID(protected)
        var start = 0
        while start < copies.count {
            let slice = copies[start..<min(copies.count, start + 64)]
            start += slice.count
            try database.insertRows(
                "INSERT INTO signed_copies(dossier_id, payload, header_id, signature, officer, signed_at, signature_sha256, certificate)",
                slice.map { [.text($0.dossier), .text($0.payload), .integer(header), .text($0.signature), .text(signer.officer),
                             .integer(now.seconds), .text($0.signatureHash), .text(signer.fingerprint)] })
            let known = try procedureStatuses(of: slice.map(\.dossier))
            try transitionAll(slice.map { copy in
                Change(dossier: copy.dossier, procedure: ProcedureKind.certificateCopy.code, to: .done,
                       detail: SignedCopy.signedDetail(copy, signer: signer))
            }, known: known, actor: actor, now: now)
        }
    }

    /// The dossier's current (not revoked) signed copy, as it was printed at signing; nil if none.
    public func currentSignedCopy(dossier id: String) throws -> String? {
        guard let row = try database.queryFirst("""
            SELECT s.document, s.payload, h.protected, s.signature FROM signed_copies s LEFT JOIN jws_headers h ON h.id = s.header_id
            WHERE s.dossier_id = ? AND s.revoked_at IS NULL ORDER BY s.id DESC LIMIT 1
            """, [.text(id)]) else { return nil }
        if let document = row["document"].string { return document }
        guard let payload = row["payload"].string, let protected = row["protected"].string, let signature = row["signature"].string else {
            throw Failure(.ledgerCorrupt, "ledger \(database.path): the signed copy of \(id) is incomplete")
        }
        return SignedCopy.documentText(payload: payload, protected: protected, signature: signature)
    }

    /// Who signed a stored copy, when, and the hash of its signature, as the ledger recorded them
    /// at signing (the same facts the JWS header and `verify` give).
    public struct SignatureFacts: Sendable {
        public let officer: String
        public let role: String?
        public let commune: String?
        public let signedAt: Timestamp
        public let signatureSHA256: String
        public let certificateSHA256: String?
    }

    /// The current signed copy of a dossier and who signed it; nil without one.
    public func currentSignedCopyFacts(dossier id: String) throws -> (document: String, facts: SignatureFacts)? {
        guard let document = try currentSignedCopy(dossier: id),
              let row = try database.queryFirst("""
                SELECT s.officer, s.signed_at, s.signature_sha256, s.certificate, c.role, c.commune
                FROM signed_copies s LEFT JOIN certificates c ON c.fingerprint = s.certificate
                WHERE s.dossier_id = ? AND s.revoked_at IS NULL ORDER BY s.id DESC LIMIT 1
                """, [.text(id)]) else { return nil }
        return (document, SignatureFacts(officer: row.string("officer"), role: row["role"].string, commune: row["commune"].string,
                                         signedAt: Timestamp(seconds: row["signed_at"].int64 ?? 0),
                                         signatureSHA256: row["signature_sha256"].string ?? "", certificateSHA256: row["certificate"].string))
    }

    /// Whether the dossier has a signed copy that is not revoked.
    public func hasLiveSignedCopy(dossier id: String) throws -> Bool {
        try database.scalar("SELECT 1 FROM signed_copies WHERE dossier_id = ? AND revoked_at IS NULL", [.text(id)]) != .null
    }

    /// The issue number the dossier's next copy gets: 1, then 2 after a revocation, ...
    public func nextCopyIssue(dossier id: String) throws -> Int {
        try database.scalar("SELECT COUNT(*) + 1 FROM signed_copies WHERE dossier_id = ?", [.text(id)]).int ?? 1
    }

    /// Dossiers of `ids` with the issue number each one's copy gets, for signing on another
    /// thread (this can be a read-only ledger of that thread's own).
    public func dossiersForSigning(_ ids: [String]) throws -> [(dossier: DossierRecord, issue: Int)] {
        var rows: [String: (DossierRecord, Int)] = [:]
        try database.forEachRow("""
            SELECT \(Ledger.dossierColumns.split(separator: ",").map { "d." + $0.trimmingSpaces }.joined(separator: ", ")),
                   (SELECT COUNT(*) + 1 FROM signed_copies s WHERE s.dossier_id = d.id) AS issue
            FROM dossiers d WHERE d.id IN (SELECT value FROM json_each(?))
            """, [.jsonList(ids)]) { row in
            rows[row.string("id")] = (try Ledger.dossier(from: row, procedures: []), row.int("issue"))
        }
        return ids.compactMap { rows[$0] }
    }

    /// Of `ids`, those whose copy still waits for a signature, with the issue number it gets.
    /// Read inside the write transaction that stores the copies.
    public func stillWaitingForSignature(_ ids: [String]) throws -> [String: Int] {
        var wanted: [String: Int] = [:]
        try database.forEachRow("""
            SELECT p.dossier_id, (SELECT COUNT(*) + 1 FROM signed_copies s WHERE s.dossier_id = p.dossier_id) AS issue
            FROM procedures p
            WHERE p.code = 'certificate-copy' AND p.state = 'ready' AND p.source IS NULL AND p.dossier_id IN (SELECT value FROM json_each(?))
              AND NOT EXISTS (SELECT 1 FROM signed_copies s WHERE s.dossier_id = p.dossier_id AND s.revoked_at IS NULL)
            """, [.jsonList(ids)]) { row in wanted[row.string("dossier_id")] = row.int("issue") }
        return wanted
    }

    /// Dossiers of `commune` registered by `time` whose copy waits for a signature, oldest first.
    public func waitingForSignature(commune: String, registeredBy time: Timestamp) throws -> [String] {
        try database.query("""
            SELECT d.id FROM dossiers d JOIN procedures p ON p.dossier_id = d.id AND p.code = 'certificate-copy'
            WHERE p.state = 'ready' AND d.commune = ? AND d.registered_at <= ?
              AND NOT EXISTS (SELECT 1 FROM signed_copies s WHERE s.dossier_id = d.id AND s.revoked_at IS NULL)
            ORDER BY d.received_at, d.rowid
            """, [.text(commune), .integer(time.seconds)]).map { $0.string("id") }
    }

    /// Revokes the dossier's current signed copy and makes `certificate-copy` ready to sign again;
    /// returns the revoked signature's SHA-256.
    public func revokeSignedCopy(dossier id: String, reason: String, actor: String, now: Timestamp) throws -> String {
        try write {
            guard let hash = try revokeLiveCopy(dossier: id, reason: reason, now: now) else {
                throw Failure(.notFound, "dossier \(id) has no signed copy to revoke")
            }
            try transition(dossier: id, procedure: ProcedureKind.certificateCopy.code, to: .ready, actor: actor, now: now, detail: [
                ("revoked", .object([("signature_sha256", .string(hash)), ("reason", .string(reason))])),
            ])
            return hash
        }
    }

    /// Marks the dossier's current signed copy revoked, if it has one, and returns its signature's
    /// SHA-256; the caller moves certificate-copy on. Call inside `write`.
    func revokeLiveCopy(dossier id: String, reason: String, now: Timestamp) throws -> String? {
        guard let row = try database.queryFirst("""
            SELECT id, signature_sha256 FROM signed_copies WHERE dossier_id = ? AND revoked_at IS NULL ORDER BY id DESC LIMIT 1
            """, [.text(id)]) else { return nil }
        try database.run("UPDATE signed_copies SET revoked_at = ?, revocation_reason = ? WHERE id = ?",
                         [.integer(now.seconds), .text(reason), row["id"]])
        return row.string("signature_sha256")
    }

    /// The revocation list verifiers use offline (`civlink.revocations/1`): revoked copies, and
    /// revoked officer certificates.
    public func revocationList(now: Timestamp) throws -> JSON {
        let rows = try database.query("""
            SELECT dossier_id, signature_sha256, revoked_at, revocation_reason FROM signed_copies WHERE revoked_at IS NOT NULL ORDER BY revoked_at, id
            """)
        return .object([
            ("format", .string("civlink.revocations/1")), ("issued_at", .string(JWS.utcText(now))),
            ("revoked", .array(rows.map { row in
                .object([("dossier", .optional(row["dossier_id"].string)), ("signature_sha256", .optional(row["signature_sha256"].string)),
                         ("revoked_at", .string(JWS.utcText(Timestamp(seconds: row["revoked_at"].int64 ?? 0)))),
                         ("reason", .optional(row["revocation_reason"].string))])
            })),
            ("certificates", .array(try revokedCertificates())),
        ])
    }
}
