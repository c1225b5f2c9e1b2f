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
    /// Read from the certificate once: every stored copy names them.
    public let officer: String
    public let commune: String
    public let role: String
    public var certificate: Certificate { chain[0] }

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
        officer = chain[0].commonName ?? ""
        commune = chain[0].commune ?? ""
        role = chain[0].role ?? ""
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

    /// The signed document (civlink-signed-copy(5)) from its parts: the copy's canonical form (the
    /// JWS payload before base64url), the encoded protected header and the signature. The ledger
    /// stores these parts, so a document read back later has the bytes printed at signing.
    public static func documentText(payload: String, protected: String, signature: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(payload.utf8.count * 7 / 3 + protected.utf8.count + signature.utf8.count + 96)
        out.append(contentsOf: #"{"format":"#.utf8)
        JSON.writeString(format, to: &out)
        // The canonical form is the copy's JSON with sorted keys, so it is the `copy` member as is.
        out.append(contentsOf: #","copy":"#.utf8)
        out.append(contentsOf: payload.utf8)
        // Base64url text needs no escaping.
        out.append(contentsOf: #","jws":{"protected":""#.utf8)
        out.append(contentsOf: protected.utf8)
        out.append(contentsOf: #"","payload":""#.utf8)
        out.append(contentsOf: Base64URL.encode(Data(payload.utf8)).utf8)
        out.append(contentsOf: #"","signature":""#.utf8)
        out.append(contentsOf: signature.utf8)
        out.append(contentsOf: #""}}"#.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// A copy signed outside the write transaction and stored inside it: signing is the costly,
    /// pure part, so a batch signs on every core while the ledger stores the previous batch.
    struct PreparedCopy: Sendable {
        let dossier: String
        let issue: Int
        /// The copy's RFC 8785 form: the JWS payload before base64url.
        let payload: String
        let signature: String
        let signatureHash: String
    }

    static func prepare(_ dossier: DossierRecord, issue: Int, signer: Signer, protected: String) throws -> PreparedCopy {
        let payload = copy(of: dossier, issue: issue).canonicalData
        let (jws, signature) = try JWS.sign(payload: payload, key: signer.key, protected: protected)
        return PreparedCopy(dossier: dossier.id, issue: issue, payload: String(decoding: payload, as: UTF8.self), signature: jws.signature,
                            signatureHash: Digest.sha256(signature).hexString)
    }

    /// The row id of a protected header in jws_headers, added if new. Call inside a write transaction.
    static func headerID(_ protected: String, ledger: Ledger) throws -> Int64 {
        try ledger.database.run("INSERT INTO jws_headers(protected) VALUES (?) ON CONFLICT(protected) DO NOTHING", [.text(protected)])
        guard let id = try ledger.database.scalar("SELECT id FROM jws_headers WHERE protected = ?", [.text(protected)]).int else {
            throw LedgerError("jws_headers lost the header it was given", exitCode: .software)
        }
        return Int64(id)
    }

    /// Stores prepared copies and completes their `certificate-copy`, which releases the
    /// procedures waiting on it; the rows go in a few dozen per statement, and the procedures change
    /// through `Ledger.transitionAll`. Works in slices of 64 copies, so no array grows past what
    /// malloc serves from its heap (bigger ones cost a fresh mapping and page faults each time).
    /// Call inside a write transaction, after checking the copies are still wanted.
    static func storeAll(_ copies: [PreparedCopy], header: Int64, ledger: Ledger, signer: Signer, actor: String, now: Timestamp) throws {
        var start = 0
        while start < copies.count {
            let slice = copies[start..<min(copies.count, start + 64)]
            start += slice.count
            try ledger.database.insertRows(
                "INSERT INTO signed_copies(dossier_id, payload, header_id, signature, officer, signed_at, signature_sha256, certificate)",
                slice.map { [.text($0.dossier), .text($0.payload), .integer(header), .text($0.signature), .text(signer.officer),
                             .integer(now.seconds), .text($0.signatureHash), .text(signer.fingerprint)] })
            let known = try ledger.procedureStatuses(of: slice.map(\.dossier))
            try ledger.transitionAll(slice.map { copy in
                Ledger.Change(dossier: copy.dossier, procedure: "certificate-copy", to: .done, detail: signedDetail(copy, signer: signer))
            }, known: known, actor: actor, now: now)
        }
    }

    static func signedDetail(_ copy: PreparedCopy, signer: Signer) -> [(String, JSON)] {
        [("signed_copy", .object([("signature_sha256", .string(copy.signatureHash)), ("certificate", .string(signer.fingerprint)),
                                  ("officer", .string(signer.officer))]))]
    }

    /// The dossier's current (not revoked) signed copy, as it was printed at signing; nil if none.
    public static func current(dossier id: String, ledger: Ledger) throws -> String? {
        guard let row = try ledger.database.query("""
            SELECT s.document, s.payload, h.protected, s.signature FROM signed_copies s LEFT JOIN jws_headers h ON h.id = s.header_id
            WHERE s.dossier_id = ? AND s.revoked_at IS NULL ORDER BY s.id DESC LIMIT 1
            """, [.text(id)]).first else { return nil }
        if let document = row[0].string { return document }
        guard let payload = row[1].string, let protected = row[2].string, let signature = row[3].string else {
            throw LedgerError("ledger \(ledger.database.path): the signed copy of \(id) is incomplete", exitCode: .dataError)
        }
        return documentText(payload: payload, protected: protected, signature: signature)
    }

    /// Signs one dossier's copy, stores it, and completes `certificate-copy`; returns the signed
    /// document's text. Runs its own write transaction; every refusal names the reason.
    public static func sign(dossier id: String, ledger: Ledger, signer: Signer, actor: String, now: Timestamp) throws -> String {
        try signer.checkValidity(at: now)
        return try ledger.write {
            try signer.record(in: ledger, now: now)
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
            let protected = JWS.protectedHeader(algorithm: signer.key.type.jwsAlgorithm, x5c: signer.x5c, at: now)
            let prepared = try prepare(dossier, issue: issue, signer: signer, protected: protected)
            try storeAll([prepared], header: try headerID(protected, ledger: ledger), ledger: ledger, signer: signer, actor: actor, now: now)
            return documentText(payload: prepared.payload, protected: protected, signature: prepared.signature)
        }
    }

    /// Signs every copy of the signer's commune waiting for a signature, oldest first.
    ///
    /// Signing is pure CPU and storing is one SQLite writer, so they overlap: a producer thread
    /// reads the pending dossiers through its own read-only connection and signs them in batches
    /// of `batchSize` on every core, at a lower priority, running up to 16 batches ahead; this
    /// thread stores the batches as they arrive. A transaction stays open across batches up to
    /// 4096 copies or one second, since every commit rewrites each page it touched.
    /// `committed` gets each transaction's ids once committed, so what is reported is stored. A
    /// copy another process signed or changed meanwhile is left alone. Returns how many copies
    /// this call signed.
    @discardableResult
    public static func signPending(ledger: Ledger, signer: Signer, actor: String, now: Timestamp, batchSize: Int = 256,
                                   committed: ([String], _ pendingTotal: Int) -> Void) throws -> Int {
        try signer.checkValidity(at: now)
        let ids = try pending(ledger: ledger, commune: signer.commune)
        if ids.isEmpty { return 0 }
        let protected = JWS.protectedHeader(algorithm: signer.key.type.jwsAlgorithm, x5c: signer.x5c, at: now)
        let batches = stride(from: 0, to: ids.count, by: batchSize).map { Array(ids[$0..<min(ids.count, $0 + batchSize)]) }

        let queue = HandoffQueue<Result<[PreparedCopy], any Error>>(capacity: 16)
        let path = ledger.database.path
        let producerDone = DispatchSemaphore(value: 0)
        let producer = Thread {
            defer { producerDone.signal() }
            lowerThreadPriority()
            do {
                let reader = try SQLiteDatabase(path: path, readOnly: true)
                for batch in batches {
                    let rows = try loadForSigning(batch, database: reader)
                    let copies = try rows.parallelMap(background: true) { row in
                        Result { try prepare(try DossierRecord(row: Array(row.prefix(12)), procedures: []), issue: row[12].int ?? 1,
                                             signer: signer, protected: protected) }
                    }.map { try $0.get() }
                    if !queue.put(.success(copies)) { return }
                }
            } catch {
                _ = queue.put(.failure(error))
            }
            queue.close()
        }
        producer.start()
        // Never return while the producer runs: it signs with this call's key.
        defer {
            queue.cancel()
            producerDone.wait()
        }

        // Multi-row statements inside a transaction keep a statement journal; in memory it costs
        // no file writes.
        try ledger.database.execute("PRAGMA temp_store = MEMORY")
        defer { try? ledger.database.execute("PRAGMA temp_store = DEFAULT") }
        var signed = 0
        try ledger.withBackgroundCheckpoints {
            // Waits for signed copies outside any transaction; inside one, for one second at most.
            while var ready = queue.takeAll() {
                let opened = Date()
                let stored = try ledger.write { () -> [String] in
                    try signer.record(in: ledger, now: now)
                    let header = try headerID(protected, ledger: ledger)
                    var stored: [String] = []
                    var count = 0
                    while !ready.isEmpty {
                        let copies = try ready.flatMap { try $0.get() }
                        count += copies.count
                        let wanted = try stillPending(copies.map(\.dossier), ledger: ledger)
                        let storing = copies.filter { wanted[$0.dossier] == $0.issue }
                        try storeAll(storing, header: header, ledger: ledger, signer: signer, actor: actor, now: now)
                        stored += storing.map(\.dossier)
                        guard count < 4096, let more = queue.takeAll(until: opened.addingTimeInterval(1)) else { break }
                        ready = more
                    }
                    return stored
                }
                signed += stored.count
                if !stored.isEmpty { committed(stored, ids.count) }
            }
        }
        return signed
    }

    /// The dossier rows `DossierRecord(row:)` reads, each followed by the issue number its copy gets.
    static func loadForSigning(_ ids: [String], database: SQLiteDatabase) throws -> [[SQLValue]] {
        var rows: [String: [SQLValue]] = [:]
        try database.forEachRow("""
            SELECT d.id, d.grp, d.province, d.commune, d.register_year, d.register_no, d.received_at, d.registered_at, d.event_date,
                   d.late, d.declaration, NULL, (SELECT COUNT(*) + 1 FROM signed_copies s WHERE s.dossier_id = d.id)
            FROM dossiers d WHERE d.id IN (SELECT value FROM json_each(?))
            """, [.jsonList(ids)]) { row in rows[row[0].string ?? ""] = row }
        return ids.compactMap { rows[$0] }
    }

    /// Of `ids`, those whose copy still waits for a signature, with the issue number it gets.
    /// Read inside the write transaction that stores the copies.
    static func stillPending(_ ids: [String], ledger: Ledger) throws -> [String: Int] {
        var wanted: [String: Int] = [:]
        try ledger.database.forEachRow("""
            SELECT p.dossier_id, (SELECT COUNT(*) + 1 FROM signed_copies s WHERE s.dossier_id = p.dossier_id)
            FROM procedures p
            WHERE p.code = 'certificate-copy' AND p.state = 'ready' AND p.dossier_id IN (SELECT value FROM json_each(?))
              AND NOT EXISTS (SELECT 1 FROM signed_copies s WHERE s.dossier_id = p.dossier_id AND s.revoked_at IS NULL)
            """, [.jsonList(ids)]) { row in wanted[row[0].string ?? ""] = row[1].int ?? 1 }
        return wanted
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
