import FoundationEssentials

/// The settings row that records the chain's head, `SEQ HASH`, written in the transaction of
/// every event.
public enum AuditChain {
    public static let headSetting = "audit.head"
}

/// What `civlink audit verify` found wrong (civlink-audit(1)).
public struct AuditFinding: Sendable {
    public enum Problem: String, Sendable {
        // The event chain: the first event changed by hand.
        case modified, deleted, inserted, reordered
        /// The recorded head does not match the chain.
        case head
        /// The stored Merkle tree does not match the events.
        case tree
        /// A covered row differs from the digest its last `rows` event recorded, is missing, or was
        /// never recorded.
        case rowEdited = "row-edited", rowDeleted = "row-deleted", rowInserted = "row-inserted"
        /// A checkpoint is not consistent with the ledger, or cannot be trusted.
        case truncated, rewritten, checkpoint
    }

    public let problem: Problem
    public let seq: Int64?
    public let table: String?
    public let key: String?
    public let dossier: String?
    public let detail: Phrase

    init(_ problem: Problem, seq: Int64? = nil, table: String? = nil, key: String? = nil, dossier: String? = nil, _ detail: Phrase) {
        self.problem = problem
        self.seq = seq
        self.table = table
        self.key = key
        self.dossier = dossier
        self.detail = detail
    }

    public var json: JSON {
        var members: [(String, JSON)] = [("problem", .string(problem.rawValue))]
        if let seq { members.append(("seq", .int(Int(seq)))) }
        if let table { members.append(("table", .string(table))) }
        if let key { members.append(("key", (try? JSONReader.parse(key)) ?? .string(key))) }
        if let dossier { members.append(("dossier", .string(dossier))) }
        members.append(("detail", .string(detail.description)))
        return .object(members)
    }
}

/// A checkpoint given to the audit, and what became of it.
public struct CheckpointCheck: Sendable {
    public let label: String
    public let origin: String?
    public let size: Int64?
    public let root: MerkleHash?
    /// The consistency proof from the checkpoint's tree to the ledger's, from the stored nodes.
    public let proof: ConsistencyProof?
    public let newRoot: MerkleHash?
    public let cosigners: [String]
    public let finding: AuditFinding?

    public var json: JSON {
        .object([
            ("checkpoint", .string(label)), ("origin", .optional(origin)), ("size", size.map { .int(Int($0)) } ?? .null),
            ("root", .optional(root?.hex)), ("consistent", .bool(finding == nil)),
            ("proof", proof.map { proof in
                .object([("old_size", .int(Int(proof.oldSize))), ("new_size", .int(Int(proof.newSize))),
                         ("old_root", .optional(root?.hex)), ("new_root", .optional(newRoot?.hex)),
                         ("path", .array(proof.path.map { .string($0.hex) }))])
            } ?? .null),
            ("cosigned_by", .array(cosigners.map { .string($0) })),
            ("finding", finding?.json ?? .null),
        ])
    }
}

public struct AuditReport: Sendable {
    public let events: Int
    public let head: String
    public let treeSize: Int
    /// The root recomputed from the events.
    public let root: MerkleHash
    public let rowsChecked: Int
    public let findings: [AuditFinding]
    /// Row findings beyond those listed.
    public let moreRowFindings: Int
    public let checkpoints: [CheckpointCheck]

    /// The first thing found, if any.
    public var finding: AuditFinding? { findings.first }
}

/// The audit (civlink-audit(1)), in one snapshot of the ledger, so that a commit by another
/// process never looks like tampering:
///
/// 1. the hash chain: every event's hash, every link, the recorded head;
/// 2. the Merkle tree: the stored tree's root against the root recomputed from the events;
/// 3. every covered row against the digest the last `rows` event recorded for it (kept, per row,
///    in a temporary table while the events are read, so it scales with the ledger);
/// 4. each checkpoint given, and each the ledger issued: signed by the ledger key (and by the
///    witnesses asked for), of this log, and consistent with the ledger: the root of its first
///    `size` events recomputed from them is the checkpoint's, and the stored tree proves it.
public enum Audit {
    public struct Options: Sendable {
        /// Signed checkpoints (or envelopes), with a label for the report (the file name).
        public var checkpoints: [(label: String, data: Data)] = []
        /// The log's verifier key to trust; nil: the key the ledger records.
        public var logKey: String?
        /// Witnesses whose cosignature every checkpoint given must carry.
        public var witnessKeys: [String] = []
        /// At most this many row findings are listed (all are counted).
        public var maxRowFindings = 100
        public init() {}
    }

    public static func verify(_ ledger: Ledger, _ options: Options = Options()) throws -> AuditReport {
        try ledger.snapshot { try ledger.audit(options) }
    }
}

/// One event as the chain walk keeps it.
private struct ChainItem {
    let seq: Int64
    let prev: MerkleHash?
    let stored: MerkleHash?
    let selfOK: Bool
}

extension Ledger {
    fileprivate func audit(_ options: Audit.Options) throws -> AuditReport {
        var findings: [AuditFinding] = []
        let head = try setting(AuditChain.headSetting)
        let headParts = head?.split(separator: " ").map(String.init) ?? []
        let headSeq = headParts.first.flatMap { Int64($0) }

        // Which tree sizes need their root: the checkpoints given and those the ledger issued.
        var parsed: [(label: String, envelope: CheckpointEnvelope?, error: Phrase?)] = []
        for item in options.checkpoints {
            do { parsed.append((item.label, try CheckpointEnvelope.parse(item.data), nil)) } catch let error as CivlinkError {
                parsed.append((item.label, nil, error.phrase))
            }
        }
        let issued = (try? storedCheckpoints()) ?? []
        for item in issued {
            parsed.append(("issued checkpoint \(item.size)", try? CheckpointEnvelope(note: item.note), nil))
        }
        let wanted = Set(parsed.compactMap { $0.envelope.map { Int64($0.checkpoint.size) } })

        // 1. The chain, the tree recomputed, and the rows events replayed into a temporary table.
        let schemas = logEnabledSchema ? try coveredSchemas() : []
        try database.execute("PRAGMA temp.cache_size = -65536")
        for n in schemas.indices { try database.execute("DROP TABLE IF EXISTS temp.audit_rows_\(n)") }
        defer { for n in schemas.indices { try? database.execute("DROP TABLE IF EXISTS temp.audit_rows_\(n)") } }
        var replay = try RowReplay(database, schemas)
        var stream = StreamingMerkleRoot(hasher: merkleHasher)
        var roots: [Int64: MerkleHash] = [0: MerkleHasher.emptyRoot]
        let hasher = SHA256Hasher()
        var body: [UInt8] = []
        var chainFinding: AuditFinding?
        var count: Int64 = 0
        var lastStored = Ledger.genesisHash
        let rowsKind = Array(LedgerEvent.rowsKind.utf8)

        func classify(_ index: Int64, _ item: ChainItem, next: ChainItem?, previous: [ChainItem]) throws -> AuditFinding? {
            let expected = index + 1
            let seq = item.seq
            if let headSeq, seq > headSeq, seq == expected {
                return AuditFinding(.inserted, seq: seq, "event \(seq) comes after the recorded head \(headSeq)")
            }
            if seq != expected {
                return AuditFinding(.deleted, seq: expected, "event \(expected) is missing (the next event is \(seq))")
            }
            let before1 = index >= 1 ? previous.last?.stored : MerkleHash(hex: Ledger.genesisHash)
            let before2 = index >= 2 ? previous.dropLast().last?.stored : nil
            let linkOK = item.prev != nil && item.prev == before1
            if linkOK && item.selfOK { return nil }
            if !linkOK {
                if index >= 2, let prev = item.prev, prev == before2 {
                    return AuditFinding(.inserted, seq: seq - 1, "event \(seq - 1) was inserted: event \(seq) links to the one before it")
                }
                if let prev = item.prev, try eventExists(hash: prev) {
                    return AuditFinding(.reordered, seq: seq, "event \(seq) links to an event that is not its predecessor")
                }
            }
            if let next, next.prev != nil, next.prev == before1 {
                return AuditFinding(.inserted, seq: seq, "event \(seq) was inserted: the next event links to the one before it")
            }
            if !linkOK && item.selfOK {
                return AuditFinding(.deleted, seq: seq, "the event before \(seq) is not the one it was chained to")
            }
            return AuditFinding(.modified, seq: seq, "event \(seq) does not match its hash")
        }
        // Each event is classified once the next one is read; `done` holds the two before it.
        var done: [ChainItem] = []
        var pending: ChainItem?
        var index: Int64 = 0
        func advance(_ next: ChainItem?) throws {
            guard let item = pending else {
                pending = next
                return
            }
            if chainFinding == nil { chainFinding = try classify(index, item, next: next, previous: done) }
            done.append(item)
            if done.count > 2 { done.removeFirst() }
            index += 1
            pending = next
        }

        let statement = try database.prepare("SELECT seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash FROM events ORDER BY seq")
        defer { statement.reset() }
        while try statement.step() {
            let seq = statement.int64(0)
            let stored = statement.bytes(8)
            LedgerEvent.canonicalBytes(seq: seq, dossier: statement.bytes(1), at: statement.int64(2), actor: statement.bytes(3),
                                       kind: statement.bytes(4), procedure: statement.isNull(5) ? nil : statement.bytes(5),
                                       detail: statement.bytes(6), prev: statement.bytes(7), into: &body)
            var computed = MerkleHash.zero
            hasher.begin()
            body.withUnsafeBytes { hasher.update($0) }
            computed.withUnsafeMutableBytes { hasher.finish(into: $0) }
            let storedHash = MerkleHash(hexBytes: stored)
            let item = ChainItem(seq: seq, prev: MerkleHash(hexBytes: statement.bytes(7)), stored: storedHash, selfOK: storedHash == computed)
            try advance(item)
            count += 1
            // The tree is recomputed from the events' content: a checkpoint holds only if they are unchanged.
            computed.withUnsafeBytes { stream.append(leafHash: merkleHasher.leafHash(raw: $0)) }
            if wanted.contains(count) { roots[count] = stream.root }
            lastStored = statement.text(8)
            let kind = statement.bytes(4)
            if statement.bytes(1).isEmpty, kind.elementsEqual(rowsKind) {
                try replay.add(detail: statement.bytes(6), seq: seq)
            }
        }
        try advance(nil)
        if let chainFinding { findings.append(chainFinding) }
        let root = stream.root

        // 2. The head, as recorded in the same snapshot.
        if count > 0 {
            if head == nil {
                findings.append(AuditFinding(.head, seq: count, "the recorded head (setting \(AuditChain.headSetting)) is missing"))
            } else if let headSeq, headSeq > count {
                findings.append(AuditFinding(.deleted, seq: count + 1, "the chain ends at \(count) but the recorded head is \(headSeq)"))
            } else if let headSeq, headSeq < count {
                findings.append(AuditFinding(.inserted, seq: headSeq + 1, "events after the recorded head \(headSeq) were added by hand"))
            } else if headSeq == nil || headParts.count < 2 || headParts[1] != lastStored {
                findings.append(AuditFinding(.head, seq: count, "the last event is not the one recorded as the head"))
            }
        } else if logEnabledSchema {
            findings.append(AuditFinding(.deleted, seq: 1, "the event log is empty: a ledger's log holds at least its first rows event"))
        }

        // 3. The stored tree against the events.
        if logEnabledSchema {
            do {
                let leaves = try storedTreeSize()
                if leaves != count {
                    findings.append(AuditFinding(.tree, "the ledger's Merkle tree has \(leaves) leaves for \(count) events"))
                } else if try loadTree(size: count).root != root {
                    findings.append(AuditFinding(.tree, "the ledger's Merkle tree does not match its events (root \(root.hex) recomputed)"))
                }
            } catch let error as CivlinkError {
                findings.append(AuditFinding(.tree, error.phrase))
            }
        }

        // 4. Every covered row against its recorded digest: each table and its replayed digests,
        // both in key order, merged.
        var rowFindings: [AuditFinding] = []
        var moreRowFindings = 0
        var rowsChecked = 0
        func add(_ finding: AuditFinding) {
            if rowFindings.count < options.maxRowFindings { rowFindings.append(finding) } else { moreRowFindings += 1 }
        }
        let digester = RowDigester()
        for (n, schema) in schemas.enumerated() {
            let actual = try database.prepare(Ledger.selectAll(schema))
            defer { actual.reset() }
            let keyCount = Int32(max(1, schema.keyColumns.count))
            let keys = (1...keyCount).map { "k\($0)" }
            // The entries as they were appended, sorted by key, the latest first for each key.
            let recorded = try database.prepare("SELECT \(keys.joined(separator: ", ")), digest, dossier, seq, key FROM temp.audit_rows_\(n) ORDER BY "
                                                + keys.map { "\($0) COLLATE BINARY" }.joined(separator: ", ") + ", seq DESC, rowid DESC")
            defer { recorded.reset() }
            let actualKeys: [Int32] = schema.keyColumns.isEmpty ? [Int32(schema.columns.count)] : schema.keyColumns
            let rowidColumn = Int32(schema.columns.count)
            var hasActual = try actual.step(), hasRecorded = try recorded.step()
            var lastKey: [UInt8] = []
            /// The next entry for another key (the first of each key is its latest).
            func nextRecorded() throws -> Bool {
                lastKey = Array(recorded.bytes(keyCount + 3))
                while try recorded.step() {
                    if !recorded.bytes(keyCount + 3).elementsEqual(lastKey) { return true }
                }
                return false
            }
            while hasActual || hasRecorded {
                var order = 0
                if !hasActual { order = 1 } else if !hasRecorded { order = -1 } else {
                    for (i, column) in actualKeys.enumerated() where order == 0 {
                        order = RowEncoding.compare(actual.value(column), recorded.value(Int32(i)))
                    }
                }
                let seq = hasRecorded ? recorded.int64(keyCount + 2) : 0
                let recordedDossier = hasRecorded && !recorded.isNull(keyCount + 1) ? recorded.text(keyCount + 1) : nil
                if order > 0 {
                    // The log says the row is there and the table has no such row.
                    if !recorded.isNull(keyCount) {
                        let key = schema.table.personalKey ? nil : recorded.text(keyCount + 3)
                        add(AuditFinding(.rowDeleted, seq: seq, table: schema.name, key: key, dossier: recordedDossier,
                                         "\(schema.name) row \(key.map { Phrase(verbatim: $0) } ?? "(key withheld)" as Phrase) was deleted outside civlink (event \(seq) records it)"))
                    }
                    hasRecorded = try nextRecorded()
                    continue
                }
                let dossier = schema.dossierColumn.flatMap { schema.dossier(actual.value($0)) } ?? recordedDossier
                let rowid = schema.keyColumns.isEmpty ? actual.int64(rowidColumn) : 0
                if order < 0 || recorded.isNull(keyCount) {
                    let keyBytes = digester.key(schema, actual, rowid: rowid)
                    if !schema.isExcluded(keyBytes) {
                        rowsChecked += 1
                        let key = schema.table.personalKey ? nil : String(decoding: keyBytes, as: UTF8.self)
                        add(AuditFinding(.rowInserted, table: schema.name, key: key, dossier: dossier,
                                         "\(schema.name) row \(key.map { Phrase(verbatim: $0) } ?? "(key withheld)" as Phrase) was added outside civlink: no event records it"))
                    }
                } else {
                    rowsChecked += 1
                    if !recorded.bytes(keyCount).elementsEqual(digester.digest(schema, actual)) {
                        let key = schema.table.personalKey ? nil : String(decoding: digester.key(schema, actual, rowid: rowid), as: UTF8.self)
                        add(AuditFinding(.rowEdited, seq: seq, table: schema.name, key: key, dossier: dossier,
                                         "\(schema.name) row \(key.map { Phrase(verbatim: $0) } ?? "(key withheld)" as Phrase) was changed outside civlink: it is not as event \(seq) records it"))
                    }
                }
                hasActual = try actual.step()
                if order == 0 { hasRecorded = try nextRecorded() }
            }
        }
        // The search index, from the dossiers and results just checked; not while it is still
        // being built for dossiers registered before it existed.
        if try setting(Ledger.searchBackfillSetting) == nil { rowsChecked += try auditSearchIndex(add) }
        findings += rowFindings

        // 5. Checkpoints.
        var checks: [CheckpointCheck] = []
        let recordedKey = try? logIdentity()
        for (n, item) in parsed.enumerated() {
            let given = n < options.checkpoints.count
            let check = checkCheckpoint(item.label, item.envelope, item.error, logKey: given ? options.logKey ?? recordedKey?.verifierKey : recordedKey?.verifierKey,
                                        origin: recordedKey?.origin, witnesses: given ? options.witnessKeys : [], roots: roots, events: count, root: root)
            if let finding = check.finding { findings.append(finding) }
            if given || check.finding != nil { checks.append(check) }
        }

        return AuditReport(events: Int(count), head: count == 0 ? Ledger.genesisHash : lastStored, treeSize: Int(count), root: root,
                           rowsChecked: rowsChecked, findings: findings, moreRowFindings: moreRowFindings, checkpoints: checks)
    }

    /// Whether the schema has the log (schema 10 on).
    fileprivate var logEnabledSchema: Bool { ((try? schemaVersion) ?? 0) >= Migrations.log }

    fileprivate func eventExists(hash: MerkleHash) throws -> Bool {
        try database.scalar("SELECT 1 FROM events WHERE hash = ? LIMIT 1", [.text(hash.hex)]) != .null
    }

    fileprivate func checkCheckpoint(_ label: String, _ envelope: CheckpointEnvelope?, _ error: Phrase?, logKey: String?, origin: String?,
                                     witnesses: [String], roots: [Int64: MerkleHash], events: Int64, root: MerkleHash) -> CheckpointCheck {
        func result(_ finding: AuditFinding?, proof: ConsistencyProof? = nil, cosigners: [String] = []) -> CheckpointCheck {
            CheckpointCheck(label: label, origin: envelope?.checkpoint.origin, size: envelope.map { Int64($0.checkpoint.size) },
                            root: envelope?.checkpoint.rootHash, proof: proof, newRoot: proof == nil ? nil : root, cosigners: cosigners, finding: finding)
        }
        guard let envelope else {
            return result(AuditFinding(.checkpoint, "\(label): not a checkpoint: \(error ?? "unreadable" as Phrase)"))
        }
        let checkpoint = envelope.checkpoint
        let size = Int64(checkpoint.size)
        guard let logKey else { return result(AuditFinding(.checkpoint, "\(label): the ledger records no key to check it with")) }
        let verified: VerifiedCheckpoint
        do {
            let log = try Ed25519NoteVerifier(verifierKey: logKey)
            let witnessVerifiers = try witnesses.map { try CosignatureV1Verifier(verifierKey: $0) }
            verified = try Checkpoint.verify(Array(envelope.note.utf8), log: log, witnesses: witnessVerifiers, quorum: witnessVerifiers.count)
        } catch let error as CivlinkError {
            return result(AuditFinding(.checkpoint, "\(label): \(error.phrase)"))
        } catch {
            return result(AuditFinding(.checkpoint, "\(label): \(Phrase(verbatim: "\(error)"))"))
        }
        let cosigners = verified.cosignatures.map(\.name)
        if let origin, checkpoint.origin != origin {
            return result(AuditFinding(.checkpoint, "\(label): the checkpoint is of log \(checkpoint.origin), not of this ledger (\(origin))"), cosigners: cosigners)
        }
        guard size <= events else {
            return result(AuditFinding(.truncated, seq: events + 1,
                                       "\(label): the checkpoint covers \(size) events and the ledger now has \(events): its log was truncated"),
                          cosigners: cosigners)
        }
        guard roots[size] == checkpoint.rootHash else {
            return result(AuditFinding(.rewritten, seq: size,
                                       "\(label): the first \(size) events are not those the checkpoint covered: the log was rewritten"),
                          cosigners: cosigners)
        }
        do {
            let proof = try consistencyProof(from: size, to: events)
            try proof.verify(oldRoot: checkpoint.rootHash, newRoot: root, hasher: merkleHasher)
            return result(nil, proof: proof, cosigners: cosigners)
        } catch let error as CivlinkError {
            return result(AuditFinding(.tree, "\(label): the stored Merkle tree gives no valid consistency proof: \(error.phrase)"), cosigners: cosigners)
        } catch {
            return result(AuditFinding(.tree, "\(label): \(Phrase(verbatim: "\(error)"))"), cosigners: cosigners)
        }
    }
}

/// The digests the `rows` events record, appended to one temporary table per covered table
/// (`temp.audit_rows_N`) with the row's key values, so that they can be read sorted in the
/// table's own key order, the latest first for each key (appending and sorting once costs less
/// than keeping a keyed table up to date). A rows event's detail is read with a scanner of the
/// canonical form civlink writes (the hash covers its bytes); anything else is parsed as JSON.
private struct RowReplay {
    struct Table {
        let keyCount: Int
        let keyNamesDossier: Bool
        let upsert: Statement
    }

    let database: SQLiteDatabase
    private var tables: [[UInt8]: Table] = [:]

    init(_ database: SQLiteDatabase, _ schemas: [CoveredSchema]) throws {
        self.database = database
        for (n, schema) in schemas.enumerated() {
            let keyCount = max(1, schema.keyColumns.count)
            let keys = (1...keyCount).map { "k\($0)" }
            try database.execute("""
                CREATE TEMP TABLE audit_rows_\(n)(\(keys.joined(separator: ", ")), digest BLOB, dossier TEXT, seq INTEGER NOT NULL, key TEXT NOT NULL)
                """)
            let upsert = try database.prepare("""
                INSERT INTO temp.audit_rows_\(n)(\(keys.joined(separator: ", ")), digest, dossier, seq, key)
                VALUES (\(Array(repeating: "?", count: keyCount + 4).joined(separator: ", ")))
                """)
            tables[schema.tableBytes] = Table(keyCount: keyCount, keyNamesDossier: schema.keyNamesDossier, upsert: upsert)
        }
    }

    mutating func add(detail: UnsafeRawBufferPointer, seq: Int64) throws {
        if try scan(detail, seq) { return }
        // Not in the form civlink writes: parse it.
        guard let object = try? JSONReader.parse(String(decoding: detail, as: UTF8.self)), let entries = object["rows"]?.arrayValue else { return }
        for entry in entries {
            guard let parts = entry.arrayValue, parts.count >= 3, let table = parts[0].stringValue, let key = parts[1].arrayValue else { continue }
            let keyText = RowEncoding.keyText(key)
            let hexBytes = parts[2].stringValue.map { Array($0.utf8) }
            try Array(table.utf8).withUnsafeBytes { table in
                try keyText.withUnsafeBytes { key in
                    if let hexBytes {
                        try hexBytes.withUnsafeBytes { try store(table: table, key: key, digestHex: $0, dossier: parts.count > 3 ? parts[3].stringValue : nil, seq: seq) }
                    } else {
                        try store(table: table, key: key, digestHex: nil, dossier: parts.count > 3 ? parts[3].stringValue : nil, seq: seq)
                    }
                }
            }
        }
    }

    /// One entry: its key's values bound one a column, the digest's hexadecimal made bytes.
    private func store(table name: UnsafeRawBufferPointer, key: UnsafeRawBufferPointer, digestHex: UnsafeRawBufferPointer?,
                       dossier: String?, seq: Int64) throws {
        guard let table = tables[Array(name)] else { return }   // a table this ledger no longer has
        let statement = table.upsert
        defer { statement.reset() }
        let values: [JSON]
        if let plain = RowReplay.plainKey(key) {
            guard plain.count == table.keyCount else { return }
            for (i, value) in plain.enumerated() {
                let index = Int32(i + 1)
                switch value {
                case .text(let range): try statement.bindText(UnsafeRawBufferPointer(rebasing: key[range]), at: index)
                case .integer(let number): try statement.bindInt64(number, at: index)
                case .null: try statement.bindNull(at: index)
                }
            }
            values = []
        } else {
            guard let parsed = (try? JSONReader.parse(String(decoding: key, as: UTF8.self)))?.arrayValue, parsed.count == table.keyCount else { return }
            values = parsed
            try statement.bind(values.map { value -> SQLValue in
                switch value {
                case .string(let text): return .text(text)
                case .number(let number): return number.rounded() == number ? .integer(Int64(number)) : .real(number)
                default: return .null
                }
            })
        }
        let base = Int32(table.keyCount)
        if let digestHex, let hash = MerkleHash(hexBytes: digestHex) {
            try hash.withUnsafeBytes { try statement.bindBlob($0, at: base + 1) }
        } else if let digestHex {
            try statement.bindText(digestHex, at: base + 1)   // not a digest: it matches no row
        } else {
            try statement.bindNull(at: base + 1)
        }
        var dossier = dossier
        if dossier == nil, table.keyNamesDossier {
            if let plain = RowReplay.plainKey(key), case .text(let range)? = plain.first {
                dossier = String(decoding: UnsafeRawBufferPointer(rebasing: key[range]), as: UTF8.self)
            } else {
                dossier = values.first?.stringValue
            }
        }
        if var dossier {
            try dossier.withUTF8 { try statement.bindText(UnsafeRawBufferPointer($0), at: base + 2) }
        } else {
            try statement.bindNull(at: base + 2)
        }
        try statement.bindInt64(seq, at: base + 3)
        try statement.bindText(key, at: base + 4)
        while try statement.step() {}
    }

    enum KeyValue {
        case text(Range<Int>)
        case integer(Int64)
        case null
    }

    /// The values of a key array of strings without escapes, integers and null; nil for anything else.
    static func plainKey(_ key: UnsafeRawBufferPointer) -> [KeyValue]? {
        guard key.count >= 2, key[0] == UInt8(ascii: "["), key[key.count - 1] == UInt8(ascii: "]") else { return nil }
        var values: [KeyValue] = []
        var i = 1
        let end = key.count - 1
        if i == end { return [] }
        while i < end {
            if key[i] == 0x22 {
                var j = i + 1
                while j < end, key[j] != 0x22 {
                    if key[j] == 0x5C { return nil }
                    j += 1
                }
                guard j < end else { return nil }
                values.append(.text(i + 1..<j))
                i = j + 1
            } else if key[i] == UInt8(ascii: "n") {
                guard i + 4 <= end, key[i + 1] == UInt8(ascii: "u"), key[i + 2] == UInt8(ascii: "l"), key[i + 3] == UInt8(ascii: "l") else { return nil }
                values.append(.null)
                i += 4
            } else {
                var j = i, number: Int64 = 0, negative = false
                if key[j] == UInt8(ascii: "-") { negative = true; j += 1 }
                let digits = j
                while j < end, key[j] >= UInt8(ascii: "0"), key[j] <= UInt8(ascii: "9") {
                    let (times, o1) = number.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times.addingReportingOverflow(Int64(key[j] - UInt8(ascii: "0")))
                    if o1 || o2 { return nil }
                    number = sum
                    j += 1
                }
                guard j > digits else { return nil }
                values.append(.integer(negative ? -number : number))
                i = j
            }
            if i < end {
                guard key[i] == UInt8(ascii: ",") else { return nil }
                i += 1
            }
        }
        return values
    }

    /// `{"rows":[[TABLE,KEY,DIGEST(,DOSSIER)],...]}` (with `"baseline":true,` first) as civlink
    /// writes it; false when the bytes are not that (then nothing was stored).
    private mutating func scan(_ bytes: UnsafeRawBufferPointer, _ seq: Int64) throws -> Bool {
        var entries: [(table: Range<Int>, key: Range<Int>, digest: Range<Int>?, dossier: Range<Int>?)] = []
        var i = 0
        func expect(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard i + count <= bytes.count else { return false }
            for j in 0..<count where bytes[i + j] != text.utf8Start[j] { return false }
            i += count
            return true
        }
        // A string without escapes: its contents.
        func plainString() -> Range<Int>? {
            guard i < bytes.count, bytes[i] == 0x22 else { return nil }
            let start = i + 1
            var j = start
            while j < bytes.count, bytes[j] != 0x22 {
                if bytes[j] == 0x5C { return nil }
                j += 1
            }
            guard j < bytes.count else { return nil }
            i = j + 1
            return start..<j
        }
        // A key: an array of strings, numbers and null, kept as written.
        func keyArray() -> Range<Int>? {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "[") else { return nil }
            let start = i
            var j = i + 1, inString = false
            while j < bytes.count {
                let byte = bytes[j]
                if inString {
                    if byte == 0x5C { j += 1 } else if byte == 0x22 { inString = false }
                } else if byte == 0x22 {
                    inString = true
                } else if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") {
                    return nil
                } else if byte == UInt8(ascii: "]") {
                    i = j + 1
                    return start..<i
                }
                j += 1
            }
            return nil
        }
        guard expect("{\"rows\":[") || { i = 0; return expect("{\"baseline\":true,\"rows\":[") }() else { return false }
        if !expect("]") {
            repeat {
                guard expect("["), let table = plainString(), expect(","), let key = keyArray(), expect(",") else { return false }
                var digest: Range<Int>?
                if !expect("null") {
                    guard let hex = plainString() else { return false }
                    digest = hex
                }
                var dossier: Range<Int>?
                if expect(",") {
                    guard let text = plainString() else { return false }
                    dossier = text
                }
                guard expect("]") else { return false }
                entries.append((table, key, digest, dossier))
            } while expect(",")
            guard expect("]") else { return false }
        }
        guard expect("}"), i == bytes.count else { return false }
        for entry in entries {
            try store(table: UnsafeRawBufferPointer(rebasing: bytes[entry.table]), key: UnsafeRawBufferPointer(rebasing: bytes[entry.key]),
                      digestHex: entry.digest.map { UnsafeRawBufferPointer(rebasing: bytes[$0]) },
                      dossier: entry.dossier.map { String(decoding: UnsafeRawBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }, seq: seq)
        }
        return true
    }
}
