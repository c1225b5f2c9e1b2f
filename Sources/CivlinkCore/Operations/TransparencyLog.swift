import FoundationEssentials

/// The ledger's log as a commune uses it (civlink-audit(1), civlink-log(5)): signed checkpoints,
/// proofs of a dossier's events, and the exchange of checkpoints with the province's witness
/// through the agency channel (`province`).
public enum TransparencyLog {
    /// Signs a checkpoint of the ledger as it is, and records it.
    public static func checkpoint(ledger: Ledger, now: Timestamp) throws -> (checkpoint: Checkpoint, note: String) {
        let made = try ledger.makeCheckpoint()
        try ledger.recordCheckpoint(made.checkpoint, note: made.note, now: now)
        return made
    }

    /// The inclusion proofs of a dossier's events in the tree of `note` (a checkpoint this ledger
    /// signed, cosigned or not), or of a checkpoint signed now.
    public static func prove(dossier: String, ledger: Ledger, checkpoint note: String?, now: Timestamp) throws -> ProofDocument {
        guard try ledger.hasDossier(dossier) else { throw Failure(.notFound, "no dossier \(dossier) in this ledger") }
        let identity = try ledger.logIdentity()
        let signed: (checkpoint: Checkpoint, note: String)
        if let note {
            let opened: VerifiedCheckpoint
            do {
                opened = try Checkpoint.verify(Array(note.utf8), log: try Ed25519NoteVerifier(verifierKey: identity.verifierKey),
                                               expectedOrigin: identity.origin)
            } catch let error as CivlinkError {
                throw Failure(.invalidInput, "the checkpoint is not one of this ledger: \(error.phrase)")
            }
            signed = (opened.checkpoint, note)
        } else {
            signed = try checkpoint(ledger: ledger, now: now)
        }
        let size = Int64(signed.checkpoint.size)
        let proofs = try ledger.snapshot { () -> [(event: LedgerEvent, proof: InclusionProof)] in
            let events = try ledger.lastEventSeq()
            let root = size <= events ? try ledger.storedRoot(size: size) : nil
            guard root == signed.checkpoint.rootHash else {
                throw Failure(.invalidInput, "the checkpoint's tree of \(size) events is not this ledger's", remedy: .runAudit)
            }
            return try ledger.inclusionProofs(dossier: dossier, treeSize: size)
        }
        return ProofDocument(dossier: dossier, note: signed.note, logKey: identity.verifierKey,
                             entries: proofs.map { ProofDocument.Entry(event: $0.event.canonicalBody, leafIndex: $0.proof.leafIndex, path: $0.proof.path) })
    }

    /// A checkpoint to ship to the witness, with consistency proofs from the last size shipped and
    /// the last one cosigned; nil when the log has not grown since the last one shipped.
    public static func envelopeToShip(ledger: Ledger) throws -> CheckpointEnvelope? {
        let marks = try ledger.checkpointMarks()
        let made = try ledger.makeCheckpoint()
        let size = Int64(made.checkpoint.size)
        if let shipped = marks.shipped, shipped >= size { return nil }
        let proofs = try ledger.snapshot {
            try Set([marks.shipped, marks.witnessed].compactMap { $0 }).filter { $0 > 0 && $0 < size }.sorted().map {
                try ledger.consistencyProof(from: $0, to: size)
            }
        }
        return try CheckpointEnvelope(note: made.note, proofs: proofs)
    }

    /// Keeps a checkpoint the witness sent back cosigned, after checking it is this ledger's and
    /// of its tree. Throws a `ValidationError` for anything else.
    public static func acceptCosigned(_ data: Data, ledger: Ledger, now: Timestamp) throws -> CheckpointEnvelope {
        let envelope = try CheckpointEnvelope.parse(data)
        let identity = try ledger.logIdentity()
        do {
            _ = try Checkpoint.verify(Array(envelope.note.utf8), log: try Ed25519NoteVerifier(verifierKey: identity.verifierKey),
                                      expectedOrigin: identity.origin)
        } catch let error as CivlinkError {
            throw ValidationError("checkpoint", "is not one of this ledger: \(error.phrase)")
        }
        let size = Int64(envelope.checkpoint.size)
        let matches = try ledger.snapshot { () throws -> Bool in
            guard size <= (try ledger.lastEventSeq()) else { return false }
            return try ledger.storedRoot(size: size) == envelope.checkpoint.rootHash
        }
        guard matches else { throw ValidationError("checkpoint", "of \(size) events is not of this ledger's tree") }
        try ledger.recordWitnessed(envelope.checkpoint, note: envelope.note, now: now)
        return envelope
    }
}
