/// Signing certificate copies: one dossier at the desk, or every copy of the officer's commune
/// waiting for a signature (cron, batch).
public enum Signing {
    /// Signs one dossier's copy, stores it, and completes `certificate-copy`; returns the signed
    /// document's text. Every refusal names the reason.
    public static func sign(dossier id: String, ledger: Ledger, signer: Signer, actor: String, now: Timestamp) throws -> String {
        try checkPolicy(ledger: ledger, signer: signer, now: now)
        return try ledger.write {
            let dossier = try ledger.dossier(id)
            guard dossier.commune == signer.commune else {
                throw Failure(.permission, "dossier \(id) belongs to commune \(dossier.commune); the certificate is for commune \(signer.commune)")
            }
            guard dossier.state == .registered else {
                throw Failure(.refused, "dossier \(id) is \(dossier.state.rawValue); a copy is signed once the dossier is registered")
            }
            if let registeredAt = dossier.registeredAt, registeredAt > now {
                throw Failure(.refused, "dossier \(id) was registered at \(registeredAt); its copy cannot be signed at \(now), before that")
            }
            if try ledger.hasLiveSignedCopy(dossier: id) {
                throw Failure(.invalidInput, "dossier \(id) has a signed copy already; revoke it first to sign again")
            }
            guard let procedure = dossier.procedures.first(where: { $0.code == ProcedureKind.certificateCopy.code }) else {
                throw Failure(.invalidInput, "dossier \(id) plans no certificate copy")
            }
            guard procedure.state == .ready else {
                throw Failure(.invalidInput, "dossier \(id): certificate-copy is \(procedure.state.rawValue), not ready")
            }
            let protected = JWS.protectedHeader(algorithm: signer.key.type.jwsAlgorithm, x5c: signer.x5c, at: now)
            let prepared = try SignedCopy.prepare(dossier, issue: try ledger.nextCopyIssue(dossier: id), signer: signer, protected: protected)
            try ledger.storeSignedCopies([prepared], protected: protected, signer: signer, actor: actor, now: now)
            return SignedCopy.documentText(payload: prepared.payload, protected: protected, signature: prepared.signature)
        }
    }

    /// How far a signing time may be from the system clock outside a training ledger.
    public static let clockTolerance: Int64 = 300

    /// What every signature needs: the time is the system clock's (a fixed clock, for training,
    /// only in a training ledger), the certificate is valid then, and its chain leads to a CA root
    /// this ledger trusts.
    static func checkPolicy(ledger: Ledger, signer: Signer, now: Timestamp) throws {
        if abs(now.seconds - Timestamp.wallClock.seconds) > clockTolerance, try !ledger.isTraining {
            throw Failure(.configuration, "a fixed clock (\(now)) cannot date a signature outside a training ledger", remedy: .useTrainingLedger)
        }
        try signer.checkValidity(at: now)
        try signer.checkChain(trusted: try ledger.trustedRoots(), at: now)
        try ledger.checkNotRevoked(signer)
    }

    /// Signs every copy of the signer's commune waiting for a signature, oldest first.
    ///
    /// Signing is pure CPU and storing is one SQLite writer, so they overlap through a
    /// `BatchWriter`: its producer reads the pending dossiers through a read-only connection of
    /// its own and signs them in batches of `batchSize` on every core; this thread stores them, up
    /// to 4096 copies or one second per transaction. `committed` gets each transaction's ids once
    /// committed, so what is reported is stored. A copy another process signed or changed
    /// meanwhile is left alone. Returns how many copies this call signed.
    @discardableResult
    public static func signPending(ledger: Ledger, signer: Signer, actor: String, now: Timestamp, batchSize: Int = 256,
                                   committed: ([String], _ pendingTotal: Int) throws -> Void) throws -> Int {
        try checkPolicy(ledger: ledger, signer: signer, now: now)
        let ids = try ledger.waitingForSignature(commune: signer.commune, registeredBy: now)
        if ids.isEmpty { return 0 }
        let protected = JWS.protectedHeader(algorithm: signer.key.type.jwsAlgorithm, x5c: signer.x5c, at: now)
        let batches = stride(from: 0, to: ids.count, by: batchSize).map { Array(ids[$0..<min(ids.count, $0 + batchSize)]) }
        let path = ledger.path
        var signed = 0
        var writer = BatchWriter<[SignedCopy.PreparedCopy]>(ledger: ledger, queueCapacity: 16, maxItemsPerTransaction: 4096)
        writer.maxSecondsPerTransaction = 1
        try ledger.withStatementJournalInMemory {
            try writer.run(produce: { put in
                let reader = try Ledger(path: path, readOnly: true)
                for batch in batches {
                    let copies = try reader.dossiersForSigning(batch).parallelMap(background: true) { entry in
                        Result { try SignedCopy.prepare(entry.dossier, issue: entry.issue, signer: signer, protected: protected) }
                    }.map { try $0.get() }
                    if !put(copies) { return }
                }
            }, write: { copies in
                let wanted = try ledger.stillWaitingForSignature(copies.map(\.dossier))
                let storing = copies.filter { wanted[$0.dossier] == $0.issue }
                if !storing.isEmpty { try ledger.storeSignedCopies(storing, protected: protected, signer: signer, actor: actor, now: now) }
                return (storing.map(\.dossier), copies.count)
            }, committed: { stored in
                signed += stored.count
                if !stored.isEmpty { try committed(stored, ids.count) }
            })
        }
        return signed
    }
}
