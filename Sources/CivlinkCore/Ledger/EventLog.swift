/// The append-only event log: every change to a dossier is an event whose hash covers its
/// fields and the previous event's hash; each event is also a leaf of the ledger's Merkle tree
/// (`LogStore.swift`). The settings row `audit.head` records the chain's head.
extension Ledger {
    /// One event to append: which dossier, what happened, to which procedure, and the details.
    public typealias NewEvent = (dossier: String, kind: String, procedure: String?, detail: JSON)

    /// An event whose detail is already in canonical form (the `rows` events, built as bytes).
    typealias SerializedEvent = (dossier: String, kind: String, procedure: String?, detail: [UInt8])

    /// The last event's number and hash, so `civlink audit verify` sees events deleted or added
    /// at the end of the chain.
    func recordChainHead(seq: Int64, hash: String) throws {
        try storeSetting(AuditChain.headSetting, "\(seq) \(hash)")
    }

    /// The last event's number and hash, read once per transaction.
    func currentChainHead() throws -> (seq: Int64, hash: String) {
        if let cached = chainHead { return cached }
        let row = try database.queryFirst("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        let head = (row?["seq"].int64 ?? 0, row?["hash"].string ?? Ledger.genesisHash)
        chainHead = head
        return head
    }

    /// Appends an event to the hash chain. Call inside `write`.
    @discardableResult
    public func appendEvent(dossier: String, at: Timestamp, actor: String, kind: String, procedure: String?, detail: JSON) throws -> Int64 {
        try appendEvents([(dossier, kind, procedure, detail)], at: at, actor: actor)
    }

    /// Appends events to the hash chain in order, inserted a few dozen per statement. Call inside
    /// `write`. Returns the last event's sequence number.
    @discardableResult
    public func appendEvents(_ events: [NewEvent], at: Timestamp, actor: String) throws -> Int64 {
        try appendSerialized(events.map { ($0.dossier, $0.kind, $0.procedure, $0.detail.bytes(sortKeys: true)) }, at: at, actor: actor)
    }

    /// Appends events whose details are canonical bytes: each is hashed once, stored, and added
    /// to the Merkle tree as a leaf (its hash's 32 bytes). Call inside `write`.
    @discardableResult
    func appendSerialized(_ events: [SerializedEvent], at: Timestamp, actor: String) throws -> Int64 {
        precondition(writing, "events are appended inside Ledger.write")
        var head = try currentChainHead()
        let insert = try database.prepare("INSERT INTO events(seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for item in events {
            let seq = head.seq + 1
            LedgerEvent.canonicalBytes(seq: seq, dossier: item.dossier, at: at.seconds, actor: actor, kind: item.kind, procedure: item.procedure,
                                       detail: item.detail, prev: head.hash, into: &eventBody)
            var hashBytes = MerkleHash.zero
            eventHasher.begin()
            eventBody.withUnsafeBytes { eventHasher.update($0) }
            hashBytes.withUnsafeMutableBytes { eventHasher.finish(into: $0) }
            let hash = hashBytes.hex
            defer { insert.reset() }
            try insert.bind([.integer(seq), .text(item.dossier), .integer(at.seconds), .text(actor), .text(item.kind), SQLValue(item.procedure)])
            var previous = head.hash, own = hash
            try previous.withUTF8 { try insert.bindText(UnsafeRawBufferPointer($0), at: 8) }
            try own.withUTF8 { try insert.bindText(UnsafeRawBufferPointer($0), at: 9) }
            // The detail is bound in place, not copied: the statement runs while the bytes are there.
            try item.detail.withUnsafeBytes { detail in
                try insert.bindText(detail, at: 7, copy: false)
                while try insert.step() {}
            }
            try appendLeaf(eventHash: hashBytes, seq: seq)
            head = (seq, hash)
        }
        chainHead = head
        lastEvent = (at, actor)
        return head.seq
    }

    /// A dossier's events, oldest first.
    public func events(of dossier: String) throws -> [LedgerEvent] {
        try database.query("SELECT seq, dossier_id, at, actor, kind, procedure, detail, prev_hash FROM events WHERE dossier_id = ? ORDER BY seq",
                           [.text(dossier)]).map(LedgerEvent.init(row:))
    }

    /// When the latest event happened, if any (the doctor compares it with the clock).
    public func latestEventTime() throws -> Timestamp? {
        try database.scalar("SELECT max(at) FROM events").int64.map(Timestamp.init(seconds:))
    }

    /// The number of the last event (0 for none).
    public func lastEventSeq() throws -> Int64 {
        try database.scalar("SELECT max(seq) FROM events").int64 ?? 0
    }
}
