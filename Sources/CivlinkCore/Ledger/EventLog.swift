/// The append-only event log: every change to a dossier is an event whose hash covers its
/// fields and the previous event's hash. The settings row `audit.head` records the chain's head.
extension Ledger {
    /// One event to append: which dossier, what happened, to which procedure, and the details.
    public typealias NewEvent = (dossier: String, kind: String, procedure: String?, detail: JSON)

    /// The last event's number and hash, so `civlink audit verify` sees events deleted or added
    /// at the end of the chain.
    func recordChainHead(seq: Int64, hash: String) throws {
        try storeSetting(AuditChain.headSetting, "\(seq) \(hash)")
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
        precondition(writing, "events are appended inside Ledger.write")
        var head: (seq: Int64, hash: String)
        if let cached = chainHead {
            head = cached
        } else {
            let row = try database.queryFirst("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
            head = (row?["seq"].int64 ?? 0, row?["hash"].string ?? Ledger.genesisHash)
        }
        var rows: [[SQLValue]] = []
        rows.reserveCapacity(events.count)
        for item in events {
            let event = LedgerEvent(seq: head.seq + 1, dossier: item.dossier, at: at, actor: actor, kind: item.kind, procedure: item.procedure,
                                    detail: item.detail, previousHash: head.hash)
            let hash = event.hash
            rows.append([.integer(event.seq), .text(item.dossier), .integer(at.seconds), .text(actor), .text(item.kind), SQLValue(item.procedure),
                         .text(item.detail.serialized(sortKeys: true)), .text(head.hash), .text(hash)])
            head = (event.seq, hash)
        }
        try database.insertRows("INSERT INTO events(seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash)", rows)
        chainHead = head
        return head.seq
    }

    /// A dossier's events, oldest first.
    public func events(of dossier: String) throws -> [LedgerEvent] {
        try database.query("SELECT seq, dossier_id, at, actor, kind, procedure, detail, prev_hash FROM events WHERE dossier_id = ? ORDER BY seq",
                           [.text(dossier)]).map(LedgerEvent.init(row:))
    }

    /// Every event with its stored hash, in order, for the audit.
    func forEachEvent(_ body: (LedgerEvent, _ storedHash: String) throws -> Void) throws {
        try database.forEachRow("SELECT seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash FROM events ORDER BY seq") { row in
            try body(try LedgerEvent(row: row), row.string("hash"))
        }
    }

    /// When the latest event happened, if any (the doctor compares it with the clock).
    public func latestEventTime() throws -> Timestamp? {
        try database.scalar("SELECT max(at) FROM events").int64.map(Timestamp.init(seconds:))
    }
}
