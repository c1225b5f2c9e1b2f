import FoundationEssentials

/// The Merkle tree's nodes in `log_nodes` (level, index, 32-byte hash): the perfect subtrees the
/// tree has completed, written in the transaction that appends their events. Appends are kept
/// until `flush`, which stores them a few dozen per statement.
final class LedgerNodeStore: NodeStore {
    private let database: SQLiteDatabase
    private var pending: [StoredNode] = []

    init(_ database: SQLiteDatabase) { self.database = database }

    func node(_ id: NodeID) throws -> MerkleHash? {
        if let data = try database.scalar("SELECT hash FROM log_nodes WHERE level = ? AND idx = ?",
                                          [.integer(Int64(id.level)), .integer(Int64(bitPattern: id.index))]).data {
            return MerkleHash(bytes: [UInt8](data))
        }
        return pending.last { $0.id == id }?.hash
    }

    func put(_ nodes: [StoredNode]) throws {
        pending.append(contentsOf: nodes)
    }

    /// Stores the nodes kept, 64 a statement, bound in place.
    func flush() throws {
        var start = 0
        while start < pending.count {
            let count = min(64, pending.count - start)
            let statement = try database.prepare("INSERT INTO log_nodes(level, idx, hash) VALUES "
                                                 + Array(repeating: "(?, ?, ?)", count: count).joined(separator: ","))
            defer { statement.reset() }
            for i in 0..<count {
                let node = pending[start + i]
                let column = Int32(3 * i)
                try statement.bindInt64(Int64(node.id.level), at: column + 1)
                try statement.bindInt64(Int64(bitPattern: node.id.index), at: column + 2)
                try node.hash.withUnsafeBytes { try statement.bindBlob($0, at: column + 3) }
            }
            while try statement.step() {}
            start += count
        }
        pending.removeAll(keepingCapacity: true)
    }
}

/// The Merkle tree over the event log (RFC 9162; civlink-log(5)). Leaf i is event i + 1, its data
/// the 32 bytes of the event's hash (the SHA-256 of its canonical form), so the leaf hash is
/// SHA-256(0x00 || event hash). Signed checkpoints of the tree (C2SP tlog-checkpoint) let anyone
/// holding one check later that the ledger still holds, unchanged, every event it covered.
extension Ledger {
    /// Adds an event's leaf to the tree, which is read (its right border) once per transaction.
    func appendLeaf(eventHash: MerkleHash, seq: Int64) throws {
        guard logEnabled else { return }
        if transactionTree == nil { transactionTree = try loadTree(size: seq - 1) }
        let leaf = eventHash.withUnsafeBytes { merkleHasher.leafHash(raw: $0) }
        _ = try transactionTree!.append(leafHash: leaf)
    }

    /// The tree of the first `size` events as stored, refusing one whose nodes do not fit the log.
    func loadTree(size: Int64) throws -> MerkleTree<LedgerNodeStore> {
        if try database.scalar("SELECT 1 FROM log_nodes WHERE level = 0 AND idx = ?", [.integer(size)]) != .null {
            throw Failure(.ledgerCorrupt, "the ledger's Merkle tree has leaves past event \(size): events were deleted outside civlink",
                          remedy: .runAudit)
        }
        do {
            return try MerkleTree(store: LedgerNodeStore(database), size: UInt64(max(0, size)), hasher: merkleHasher)
        } catch let error as MerkleTreeError {
            throw Failure(.ledgerCorrupt, "the ledger's Merkle tree is incomplete: \(error.phrase)", remedy: .runAudit)
        }
    }

    /// Stores the nodes this transaction's events completed.
    func flushTree() throws {
        try transactionTree?.store.flush()
    }

    /// The number of leaves the stored tree has.
    func storedTreeSize() throws -> Int64 {
        (try database.scalar("SELECT max(idx) FROM log_nodes WHERE level = 0").int64).map { $0 + 1 } ?? 0
    }

    /// The tree as stored, of its full size, after checking it has a leaf for every event.
    func storedTree() throws -> MerkleTree<LedgerNodeStore> {
        let events = try lastEventSeq()
        let leaves = try storedTreeSize()
        guard events == leaves else {
            throw Failure(.ledgerCorrupt, "the ledger's Merkle tree has \(leaves) leaves for \(events) events", remedy: .runAudit)
        }
        return try loadTree(size: events)
    }

    // MARK: Starting the log (schema 10)

    /// Gives a ledger its log in the transaction of migration 10: the tree over the events it
    /// already has, its identity and ledger key, and a baseline of the digests of every row it
    /// already holds, so that the rows it had before are covered from then on.
    func startLog() throws {
        // Run again on a ledger that has its log (its version set back by hand): nothing to do.
        if try storedTreeSize() > 0 || setting(LogSettings.origin) != nil {
            logEnabled = true
            return
        }
        var tree = try MerkleTree(store: LedgerNodeStore(database), size: 0, hasher: merkleHasher)
        var count = 0
        try database.forEachRow("SELECT hash FROM events ORDER BY seq") { row in
            let text = row.string("hash")
            let data = [UInt8](hex: text).flatMap { $0.count == 32 ? $0 : nil } ?? Array(text.utf8)
            try tree.append(leafHash: merkleHasher.leafHash(data))
            count += 1
            if count % 8192 == 0 { try tree.store.flush() }
        }
        try tree.store.flush()
        logEnabled = true
        transactionTree = nil
        try establishIdentity()
        try recordBaseline()
    }

    /// The ledger's id, origin, verifier key and training mark, and its key file (created, or an
    /// existing one for this ledger adopted).
    private func establishIdentity() throws {
        let id = try setting(LogSettings.id) ?? LedgerKey.newLedgerID()
        let keyPath = self.keyPath
        let signer: Ed25519NoteSigner
        if Files.exists(keyPath) {
            signer = try LedgerKey.load(path: keyPath)
        } else {
            var place = [setup.province, setup.commune].compactMap { $0 }
            if place.isEmpty {
                // A ledger migrated from an older civlink: its commune, when all its dossiers share one.
                let rows = try database.query("SELECT DISTINCT province, commune FROM dossiers LIMIT 2")
                if rows.count == 1 { place = [rows[0].string("province"), rows[0].string("commune")] }
            }
            signer = try LedgerKey.create(path: keyPath, origin: LedgerKey.origin(place: place, id: id))
        }
        try storeSetting(LogSettings.id, id)
        try storeSetting(LogSettings.origin, signer.name)
        try storeSetting(LogSettings.verifierKey, signer.verifierKey)
        if setup.training { try storeSetting(LogSettings.training, "1") }
    }

    /// `rows` events listing the digest of every covered row, marked as the baseline.
    private func recordBaseline() throws {
        let capture = RowCapture()
        capture.load(try coveredSchemas())
        let digester = RowDigester()
        for schema in capture.schemas {
            try scanRows(schema, digester) { key, digest, dossier in capture.recordScanned(schema, key, digest, dossier) }
        }
        try capture.forEachDetail(maxEntries: Ledger.rowsPerEvent, baseline: true) { detail in
            try appendSerialized([("", LedgerEvent.rowsKind, nil, detail)], at: fixedNow ?? Timestamp.wallClock, actor: defaultActor)
        }
    }

    // MARK: Identity

    /// The ledger key's file: `setup.keyPath`, else beside the ledger (`<ledger>.key`).
    public var keyPath: String { setup.keyPath ?? LedgerKey.defaultPath(ledger: database.path) }

    /// The log's origin (the first line of its checkpoints) and its verifier key, as recorded.
    public func logIdentity() throws -> (origin: String, verifierKey: String) {
        guard let origin = try setting(LogSettings.origin), let key = try setting(LogSettings.verifierKey) else {
            throw Failure(.ledgerCorrupt, "the ledger records no log origin or ledger key", remedy: .runAudit)
        }
        return (origin, key)
    }

    /// Whether the ledger was made for training (`init --training`): only there may a fixed clock
    /// date a signature.
    public var isTraining: Bool {
        get throws { try setting(LogSettings.training) == "1" }
    }

    /// The ledger key, checked against the verifier key the ledger records.
    public func logSigner() throws -> Ed25519NoteSigner {
        let identity = try logIdentity()
        guard Files.exists(keyPath) else {
            throw Failure(.notFound, "the ledger key \(keyPath) is missing: checkpoints cannot be signed (restore it from the backup of the key)")
        }
        let signer = try LedgerKey.load(path: keyPath)
        guard signer.verifierKey == identity.verifierKey else {
            throw Failure(.permission, "the ledger key \(keyPath) is not the key this ledger records (\(identity.verifierKey))")
        }
        return signer
    }

    // MARK: Checkpoints

    /// A signed checkpoint of the tree as it is: origin, size, root hash. Read in one snapshot.
    public func makeCheckpoint() throws -> (checkpoint: Checkpoint, note: String) {
        let signer = try logSigner()
        let (size, root) = try snapshot { () -> (Int64, MerkleHash) in
            let tree = try storedTree()
            return (Int64(tree.size), tree.root)
        }
        let checkpoint = try Checkpoint(origin: signer.name, size: UInt64(size), rootHash: root)
        return (checkpoint, try checkpoint.sign(signers: [signer]))
    }

    /// Keeps a checkpoint this ledger issued, so the audit checks it against the tree later.
    public func recordCheckpoint(_ checkpoint: Checkpoint, note: String, now: Timestamp, shipped: Bool = false) throws {
        try write {
            try database.run("""
                INSERT INTO log_checkpoints(size, root, note, created_at, shipped_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(size) DO UPDATE SET shipped_at = COALESCE(log_checkpoints.shipped_at, excluded.shipped_at)
                """, [.integer(Int64(checkpoint.size)), .text(checkpoint.rootHash.hex), .text(note), .integer(now.seconds),
                      shipped ? .integer(now.seconds) : .null])
        }
    }

    /// Keeps a checkpoint as a witness cosigned it.
    public func recordWitnessed(_ checkpoint: Checkpoint, note: String, now: Timestamp) throws {
        try write {
            try database.run("""
                INSERT INTO log_checkpoints(size, root, note, created_at, witnessed_note, witnessed_at) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(size) DO UPDATE SET witnessed_note = excluded.witnessed_note, witnessed_at = excluded.witnessed_at
                """, [.integer(Int64(checkpoint.size)), .text(checkpoint.rootHash.hex), .text(note), .integer(now.seconds),
                      .text(note), .integer(now.seconds)])
        }
    }

    /// The largest size shipped to the witness, and the largest it cosigned.
    public func checkpointMarks() throws -> (shipped: Int64?, witnessed: Int64?) {
        (try database.scalar("SELECT max(size) FROM log_checkpoints WHERE shipped_at IS NOT NULL").int64,
         try database.scalar("SELECT max(size) FROM log_checkpoints WHERE witnessed_at IS NOT NULL").int64)
    }

    /// Every checkpoint the ledger issued or got back cosigned: (size, the note).
    public func storedCheckpoints() throws -> [(size: Int64, note: String)] {
        try database.query("SELECT size, COALESCE(witnessed_note, note) AS note FROM log_checkpoints ORDER BY size").map {
            ($0["size"].int64 ?? 0, $0.string("note"))
        }
    }

    // MARK: Proofs

    /// The inclusion proofs of a dossier's events in the tree of the first `treeSize` events, with
    /// each event's canonical form. Call inside `snapshot`.
    public func inclusionProofs(dossier: String, treeSize: Int64) throws -> [(event: LedgerEvent, proof: InclusionProof)] {
        let tree = try storedTree()
        guard treeSize <= Int64(tree.size) else {
            throw Failure(.invalidInput, "the checkpoint covers \(treeSize) events; this ledger has \(tree.size)")
        }
        return try events(of: dossier).filter { $0.seq <= treeSize }.map { event in
            (event, try tree.inclusionProof(leafIndex: UInt64(event.seq - 1), treeSize: UInt64(treeSize)))
        }
    }

    /// The consistency proof from the tree of `oldSize` events to the tree of `newSize`, from the
    /// stored nodes. Call inside `snapshot`.
    public func consistencyProof(from oldSize: Int64, to newSize: Int64) throws -> ConsistencyProof {
        try storedTree().consistencyProof(from: UInt64(oldSize), to: UInt64(newSize))
    }

    /// The root of the tree of the first `size` events, from the stored nodes.
    public func storedRoot(size: Int64) throws -> MerkleHash {
        try storedTree().root(treeSize: UInt64(size))
    }
}

/// The settings rows of the log.
enum LogSettings {
    static let id = "ledger.id"
    static let training = "ledger.training"
    static let origin = "log.origin"
    static let verifierKey = "log.key"
}
