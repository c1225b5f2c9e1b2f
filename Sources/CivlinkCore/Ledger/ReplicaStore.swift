import FoundationEssentials

/// A replicated table as this ledger's schema has it: its columns (without `source`) and its
/// primary key, for the statements that read a commune's rows to export them and write a
/// source's rows into a province ledger (civlink-export(5)).
public struct ReplicaTable: Sendable {
    public let name: String
    let columns: [String]
    let keyColumns: [String]

    /// The upsert of `count` rows of a source: every column bound (NULL for those a row lacks),
    /// the source last; a row whose key another source holds is left as it is.
    func upsert(count: Int) -> String {
        let all = columns + ["source"]
        let updates = all.filter { !keyColumns.contains($0) }.map { "\"\($0)\" = excluded.\"\($0)\"" }.joined(separator: ", ")
        let tuple = "(" + all.map { _ in "?" }.joined(separator: ", ") + ")"
        return "INSERT INTO \"\(name)\"(\(all.map { "\"\($0)\"" }.joined(separator: ", "))) VALUES \(Array(repeating: tuple, count: count).joined(separator: ", "))"
            + " ON CONFLICT(\(keyColumns.map { "\"\($0)\"" }.joined(separator: ", "))) DO UPDATE SET \(updates) WHERE \"source\" IS excluded.\"source\""
    }

    var keyCondition: String { keyColumns.map { "\"\($0)\" = ?" }.joined(separator: " AND ") }
}

/// Where a source's replica stands in this ledger: the last event imported, its hash, the Merkle
/// tree's right border there, the verifier key its checkpoints are checked with (given with
/// `--log-key` the first time, or trusted on first use) and its last checkpoint.
public struct ReplicaCursor: Sendable, Equatable {
    public let source: String
    public let verifierKey: String
    public let keyGiven: Bool
    public let seq: Int64
    public let hash: String
    public let border: String
    public let checkpoint: String?
    public let updatedAt: Timestamp
}

/// One source of a province ledger, as listed.
public struct ReplicaSourceSummary: Sendable {
    public let cursor: ReplicaCursor
    public let dossiers: Int
    public let firstAt: Timestamp
}

/// A duplicate found across communes: the same duplicate key held by open dossiers of two
/// sources. Recorded once for each side.
public struct ReplicaFinding: Sendable, Equatable {
    public let dossier: String
    public let source: String
    public let otherDossier: String
    public let otherSource: String
    public let foundAt: Timestamp
}

/// The province side of replication, and the commune's reads for an export: the only SQL of it.
extension Ledger {
    /// The tables a replica carries: what `status` and `report` read. The search index `find`
    /// reads is derived from them and rebuilt on import (`refreshSearchKeys`), as the commune's
    /// own audit derives it.
    public static let replicatedTables = ["dossiers", "procedures"]

    /// The replicated tables as this ledger's schema has them.
    public func replicaTables() throws -> [String: ReplicaTable] {
        var tables: [String: ReplicaTable] = [:]
        for name in Ledger.replicatedTables {
            let rows = try database.query("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", [.text(name)])
            let columns = rows.map { $0.string("name") }.filter { $0 != "source" }
            let key = rows.filter { $0.int("pk") > 0 }.sorted { $0.int("pk") < $1.int("pk") }.map { $0.string("name") }
            tables[name] = ReplicaTable(name: name, columns: columns, keyColumns: key)
        }
        return tables
    }

    // MARK: Schema 11

    /// The replicated tables' `source` column and the indexes that name it, added where they are
    /// not there yet (migration 11).
    func addReplicaColumns() throws {
        func has(_ table: String) throws -> Bool {
            try database.scalar("SELECT 1 FROM pragma_table_info(?) WHERE name = 'source'", [.text(table)]) != .null
        }
        if try !has("dossiers") {
            try database.execute("""
                CREATE TABLE dossiers_v11(
                    id TEXT PRIMARY KEY,
                    grp TEXT NOT NULL CHECK (grp IN ('birth', 'death')),
                    state TEXT NOT NULL,
                    channel TEXT NOT NULL,
                    province TEXT NOT NULL,
                    commune TEXT NOT NULL,
                    register_year INTEGER,
                    register_no INTEGER,
                    received_at INTEGER NOT NULL,
                    registered_at INTEGER,
                    event_date TEXT NOT NULL,
                    late INTEGER NOT NULL,
                    duplicate_key TEXT NOT NULL,
                    document_key TEXT NOT NULL,
                    reference TEXT,
                    declaration TEXT NOT NULL,
                    benefit TEXT NOT NULL,
                    source TEXT,
                    CHECK ((register_year IS NULL) = (register_no IS NULL))
                );
                INSERT INTO dossiers_v11(rowid, id, grp, state, channel, province, commune, register_year, register_no, received_at, registered_at,
                                         event_date, late, duplicate_key, document_key, reference, declaration, benefit)
                    SELECT rowid, id, grp, state, channel, province, commune, register_year, register_no, received_at, registered_at,
                           event_date, late, duplicate_key, document_key, reference, declaration, benefit FROM dossiers;
                DROP TABLE dossiers;
                ALTER TABLE dossiers_v11 RENAME TO dossiers;
                CREATE INDEX dossiers_commune ON dossiers(commune, received_at);
                CREATE INDEX dossiers_report ON dossiers(received_at, province, commune, grp, state, late, registered_at, id);
                """)
        }
        for table in ["procedures", "search_keys"] where try !has(table) {
            try database.execute("ALTER TABLE \(table) ADD COLUMN source TEXT")
        }
        try database.execute("""
            DROP INDEX IF EXISTS dossiers_duplicate;
            DROP INDEX IF EXISTS dossiers_document;
            CREATE UNIQUE INDEX IF NOT EXISTS dossiers_register ON dossiers(grp, commune, register_year, register_no, ifnull(source, ''));
            CREATE UNIQUE INDEX dossiers_duplicate ON dossiers(duplicate_key, ifnull(source, '')) WHERE state NOT IN ('refused', 'cancelled');
            CREATE UNIQUE INDEX dossiers_document ON dossiers(grp, document_key, ifnull(source, '')) WHERE state NOT IN ('refused', 'cancelled');
            CREATE INDEX IF NOT EXISTS dossiers_source ON dossiers(source) WHERE source IS NOT NULL;
            """)
    }

    // MARK: Export (the commune)

    /// The size and root of the tree as stored, in the current snapshot.
    public func exportHead() throws -> (size: Int64, root: MerkleHash) {
        let tree = try storedTree()
        return (Int64(tree.size), tree.root)
    }

    /// The events after `since` up to `through`, in order, each with its stored detail text and
    /// hash. Call inside `snapshot`.
    public func forEachEvent(after since: Int64, through: Int64,
                             _ body: (_ event: LedgerEvent, _ detail: String, _ hash: String) throws -> Void) throws {
        try database.forEachRow("""
            SELECT seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash FROM events WHERE seq > ? AND seq <= ? ORDER BY seq
            """, [.integer(since), .integer(through)]) { row in
            let detail = row.string("detail")
            let event = LedgerEvent(seq: row["seq"].int64 ?? 0, dossier: row.string("dossier_id"), at: Timestamp(seconds: row["at"].int64 ?? 0),
                                    actor: row.string("actor"), kind: row.string("kind"), procedure: row["procedure"].string,
                                    detail: try JSONReader.parse(detail, limits: .document), previousHash: row.string("prev_hash"))
            try body(event, detail, row.string("hash"))
        }
    }

    /// A replicated row as it is now, by its key (the JSON array of its primary-key values): its
    /// non-NULL columns as JSON (integers and text) and its digest. Nil when there is none.
    public func replicatedRow(_ table: ReplicaTable, key: [JSON]) throws -> (values: [(String, JSON)], digest: [UInt8])? {
        guard key.count == table.keyColumns.count else { return nil }
        let statement = try database.prepare("SELECT * FROM \"\(table.name)\" WHERE \(table.keyCondition)")
        defer { statement.reset() }
        try statement.bind(key.map(Ledger.sqlValue))
        guard try statement.step() else { return nil }
        var values: [(String, JSON)] = []
        let row = statement.row()
        for column in table.columns {
            switch row[column] {
            case .null: continue
            case .integer(let n): values.append((column, .number(Double(n))))
            case .text(let text): values.append((column, .string(text)))
            default: throw Failure(.ledgerCorrupt, "column \(column) of \(table.name) holds a value that is neither an integer nor text")
            }
        }
        return (values, ReplicaDigest.digest(table: table.name, values: values))
    }

    static func sqlValue(_ value: JSON) -> SQLValue {
        switch value {
        case .string(let text): return .text(text)
        case .number(let number): return number.rounded() == number && abs(number) < 9.0e15 ? .integer(Int64(number)) : .real(number)
        default: return .null
        }
    }

    /// The size of the last export `transfer` shipped to `agency` (0 for none).
    public func shippedExportSize(agency: String) throws -> Int64 {
        try database.scalar("SELECT size FROM replica_shipped WHERE agency = ?", [.text(agency)]).int64 ?? 0
    }

    /// Records that the export up to `size` reached `agency` (no event: see CoveredTables).
    public func recordShippedExport(agency: String, size: Int64, now: Timestamp) throws {
        try write {
            try database.run("""
                INSERT INTO replica_shipped(agency, size, shipped_at) VALUES (?, ?, ?)
                ON CONFLICT(agency) DO UPDATE SET size = max(size, excluded.size), shipped_at = excluded.shipped_at
                """, [.text(agency), .integer(size), .integer(now.seconds)])
        }
    }

    // MARK: Import (the province)

    /// The cursor of a source, if this ledger holds its replica.
    public func replicaCursor(_ source: String) throws -> ReplicaCursor? {
        try database.queryFirst("SELECT * FROM replica_sources WHERE source = ?", [.text(source)]).map(Ledger.cursor)
    }

    private static func cursor(_ row: Row) -> ReplicaCursor {
        ReplicaCursor(source: row.string("source"), verifierKey: row.string("verifier_key"), keyGiven: row.string("key_origin") == "given",
                      seq: row["seq"].int64 ?? 0, hash: row.string("hash"), border: row.string("border"), checkpoint: row["checkpoint"].string,
                      updatedAt: row.timestamp("updated_at") ?? Timestamp(seconds: 0))
    }

    /// Stores where a source's replica stands. Call inside `write`, in the transaction that
    /// applies what it covers.
    public func storeReplicaCursor(_ cursor: ReplicaCursor) throws {
        try database.run("""
            INSERT INTO replica_sources(source, verifier_key, key_origin, seq, hash, border, checkpoint, first_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
            ON CONFLICT(source) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, border = excluded.border,
                checkpoint = COALESCE(excluded.checkpoint, replica_sources.checkpoint), updated_at = excluded.updated_at
            """, [.text(cursor.source), .text(cursor.verifierKey), .text(cursor.keyGiven ? "given" : "first-use"), .integer(cursor.seq),
                  .text(cursor.hash), .text(cursor.border), SQLValue(cursor.checkpoint), .integer(cursor.updatedAt.seconds)])
    }

    /// Writes a source's rows as the export carries them (their digests checked already), up to
    /// 32 a statement. A row with the same key held by another source, or by this ledger itself,
    /// is refused. Call inside `write`.
    public func upsertReplicaRows(_ table: ReplicaTable, _ rows: [[(String, JSON)]], source: String) throws {
        let index = Dictionary(uniqueKeysWithValues: table.columns.enumerated().map { ($1, $0) })
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + 32)
            var bound: [SQLValue] = []
            bound.reserveCapacity((end - start) * (table.columns.count + 1))
            for values in rows[start..<end] {
                var row = [SQLValue](repeating: .null, count: table.columns.count)
                for (name, value) in values {
                    guard let i = index[name] else { throw ValidationError("row", "names column \(name), which \(table.name) does not have") }
                    row[i] = Ledger.sqlValue(value)
                }
                bound += row
                bound.append(.text(source))
            }
            try database.run(table.upsert(count: end - start), bound)
            // An update is skipped when the row with its key is another source's (or this ledger's).
            if database.changes < end - start {
                for values in rows[start..<end] {
                    let key = table.keyColumns.map { column in values.first { $0.0 == column }.map { Ledger.sqlValue($0.1) } ?? .null }
                    if let owner = try database.queryFirst("SELECT source FROM \"\(table.name)\" WHERE \(table.keyCondition)", key),
                       owner["source"].string != source {
                        throw ValidationError("row", "of \(table.name) has a key that \(owner["source"].string ?? "this ledger") holds already")
                    }
                }
            }
            start = end
        }
    }

    /// Deletes a source's row by its key. Call inside `write`.
    public func deleteReplicaRow(_ table: ReplicaTable, key: [JSON], source: String) throws {
        guard key.count == table.keyColumns.count else { return }
        try database.run("DELETE FROM \"\(table.name)\" WHERE \(table.keyCondition) AND source = ?", key.map(Ledger.sqlValue) + [.text(source)])
    }

    /// Records the duplicates across sources of imported dossiers: open dossiers of other sources
    /// (or of this ledger) with the same duplicate key. Returns those newly found.
    public func recordCrossSourceDuplicates(dossiers: [String], source: String, now: Timestamp) throws -> [ReplicaFinding] {
        let open = "state NOT IN \(Ledger.finalDossierStates)"
        let others = try database.query("""
            SELECT d.id AS dossier, o.id, o.source FROM dossiers d JOIN dossiers o ON o.duplicate_key = d.duplicate_key AND o.\(open)
            WHERE d.id IN (SELECT value FROM json_each(?)) AND d.\(open) AND o.id <> d.id AND ifnull(o.source, '') <> ifnull(d.source, '')
            ORDER BY d.id, o.id
            """, [.jsonList(dossiers)])
        var found: [ReplicaFinding] = []
        for other in others {
            let dossier = other.string("dossier")
            let otherSource = other["source"].string ?? ""
            let exists = try database.scalar("SELECT 1 FROM replica_findings WHERE dossier_id = ? AND other_dossier = ?",
                                             [.text(dossier), .text(other.string("id"))]) != .null
            if exists { continue }
            for (a, sa, b, sb) in [(dossier, source, other.string("id"), otherSource), (other.string("id"), otherSource, dossier, source)] {
                try database.run("""
                    INSERT OR IGNORE INTO replica_findings(dossier_id, source, other_dossier, other_source, kind, found_at) VALUES (?, ?, ?, ?, 'duplicate', ?)
                    """, [.text(a), .text(sa), .text(b), .text(sb), .integer(now.seconds)])
            }
            found.append(ReplicaFinding(dossier: dossier, source: source, otherDossier: other.string("id"), otherSource: otherSource, foundAt: now))
        }
        return found
    }

    /// The sources this ledger holds replicas of, with their dossier counts.
    public func replicaSources() throws -> [ReplicaSourceSummary] {
        try database.query("""
            SELECT r.*, (SELECT count(*) FROM dossiers d WHERE d.source = r.source) AS dossiers FROM replica_sources r ORDER BY r.source
            """).map { ReplicaSourceSummary(cursor: Ledger.cursor($0), dossiers: $0.int("dossiers"), firstAt: $0.timestamp("first_at") ?? Timestamp(seconds: 0)) }
    }

    /// The duplicates found across communes, each side once.
    public func replicaFindings() throws -> [ReplicaFinding] {
        try database.query("SELECT * FROM replica_findings ORDER BY source, dossier_id, other_dossier").map {
            ReplicaFinding(dossier: $0.string("dossier_id"), source: $0.string("source"), otherDossier: $0.string("other_dossier"),
                           otherSource: $0.string("other_source"), foundAt: $0.timestamp("found_at") ?? Timestamp(seconds: 0))
        }
    }

    /// A province ledger holds its communes' dossiers as replicas: only their own ledger changes them.
    static func replicaRefusal(_ id: String, _ source: String) -> Failure {
        Failure(.refused, "dossier \(id) is a replica of \(source): only that commune's ledger changes it")
    }

    /// Whether a dossier is a replica of another ledger's (its source), so this ledger must not change it.
    public func dossierSource(_ id: String) throws -> String? {
        try database.scalar("SELECT source FROM dossiers WHERE id = ?", [.text(id)]).string
    }
}

/// A row's digest from its values as an export carries them: the encoding `RowEncoding` reads
/// from SQLite (civlink-log(5)), over the columns given (integers and text), in byte order of
/// their names.
public enum ReplicaDigest {
    public static func digest(table: String, values: [(String, JSON)]) -> [UInt8] {
        var out = RowEncoding.prefix
        out.append(contentsOf: table.utf8)
        out.append(0)
        for (name, value) in values.sorted(by: { Array($0.0.utf8).lexicographicallyPrecedes(Array($1.0.utf8)) }) {
            switch value {
            case .number(let number):
                out.append(contentsOf: name.utf8)
                out.append(0)
                out.append(UInt8(ascii: "i"))
                RowEncoding.appendBigEndian(UInt64(bitPattern: Int64(number)), to: &out)
            case .string(let text):
                out.append(contentsOf: name.utf8)
                out.append(0)
                out.append(UInt8(ascii: "t"))
                RowEncoding.appendBigEndian(UInt64(text.utf8.count), to: &out)
                out.append(contentsOf: text.utf8)
            default:
                continue
            }
        }
        return [UInt8](Digest.sha256(out))
    }
}
