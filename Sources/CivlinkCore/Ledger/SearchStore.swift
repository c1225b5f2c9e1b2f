/// The search index (`search_keys`) and `civlink find`: dossiers looked up by a person's ID
/// number or name, a document number or the declaration's reference, through the index only.
/// Every search is an event (who searched, with what kind of key, what it found), never the key.
extension Ledger {
    /// Replaces the search keys of `dossier` with those of its declaration and results. The one
    /// function that writes the index: registration calls it, and so must anything that changes
    /// a dossier's persons or returns a personal ID number (receipts do; an amendment must).
    /// Call inside `write`.
    public func storeSearchKeys(dossier: String, group: ProcedureGroup, declaration: JSON, results: [String: JSON], isNew: Bool = false) throws {
        precondition(writing, "search keys are written inside Ledger.write")
        if !isNew { try database.run("DELETE FROM search_keys WHERE dossier_id = ?", [.text(dossier)]) }
        let keys = SearchKeys.of(group: group, declaration: declaration, results: results)
        try database.insertRows("INSERT OR IGNORE INTO search_keys(key, dossier_id, role, name, born)", keys.map {
            [.text($0.key), .text(dossier), .text($0.role), SQLValue($0.name), SQLValue($0.born)]
        })
    }

    /// `storeSearchKeys` from what the ledger holds now for `dossier`. Call inside `write`.
    public func refreshSearchKeys(dossier id: String) throws {
        let record = try dossier(id)
        var results: [String: JSON] = [:]
        for p in record.procedures { if let result = p.result { results[p.code] = result } }
        try storeSearchKeys(dossier: id, group: record.group, declaration: record.declaration, results: results)
    }

    /// `refreshSearchKeys`, or the dossier's keys removed when it is not there (a replica row
    /// deleted by its source). Call inside `write`.
    func refreshSearchKeysIfPresent(dossier id: String) throws {
        if try database.queryFirst("SELECT 1 FROM dossiers WHERE id = ?", [.text(id)]) != nil {
            try refreshSearchKeys(dossier: id)
        } else {
            try database.run("DELETE FROM search_keys WHERE dossier_id = ?", [.text(id)])
        }
    }

    /// Indexes the dossiers registered before the search index existed (migration 8 asks for it
    /// when the ledger held dossiers), in rowid order, 2000 per transaction; the setting holds the
    /// last rowid done, so an interrupted backfill goes on where it stopped.
    func indexUnindexedDossiers() throws {
        while let progress = try setting(Ledger.searchBackfillSetting) {
            try write {
                let rows = try database.query("SELECT rowid AS n, id FROM dossiers WHERE rowid > ? ORDER BY rowid LIMIT 2000",
                                              [.integer(Int64(progress) ?? 0)])
                for row in rows { try refreshSearchKeys(dossier: row.string("id")) }
                try storeSetting(Ledger.searchBackfillSetting, rows.count < 2000 ? nil : "\(rows.last!["n"].int64 ?? 0)")
            }
        }
    }

    static let searchBackfillSetting = "search.backfill"

    /// One dossier `find` found, and by what.
    public struct FoundDossier: Sendable {
        public let id: String
        public let group: String
        public let commune: String
        public let receivedAt: Timestamp
        /// `PublicStatus.dossierState` of its procedures.
        public let state: String
        /// Whose key matched (child, mother, ..., medical-birth-certificate, reference) and how
        /// closely: 0 exact, 1 one typo.
        public let matches: [(role: String, distance: Int)]

        public var json: JSON {
            .object([
                ("id", .string(id)), ("group", .string(group)), ("commune", .string(commune)),
                ("received_at", .string(receivedAt.description)), ("state", .string(state)),
                ("matched", .array(matches.map { .object([("role", .string($0.role)), ("exact", .bool($0.distance == 0))]) })),
            ])
        }
    }

    /// Looks `query` up in the index and records the search as an event in the same
    /// transaction: the actor, the kind of key (never its value), how many dossiers matched and
    /// which were listed. At most `limit` dossiers are returned, exact matches first, then the
    /// most recently received; `total` counts them all.
    public func find(_ query: SearchQuery, limit: Int, actor: String, now: Timestamp) throws -> (found: [FoundDossier], total: Int) {
        try indexUnindexedDossiers()
        return try write {
            var matches: [String: [(role: String, distance: Int)]] = [:]
            try database.forEachRow("""
                SELECT key, dossier_id, role, name, born FROM search_keys WHERE key IN (SELECT value FROM json_each(?))
                """, [.jsonList(query.lookups)]) { row in
                let key = SearchKey(key: row.string("key"), role: row.string("role"), name: row["name"].string, born: row["born"].string)
                guard let distance = query.distance(of: key) else { return }
                let id = row.string("dossier_id")
                // One person may hold two roles (the father who declared the birth).
                for role in key.role.split(separator: ",").map(String.init) {
                    if let index = matches[id]?.firstIndex(where: { $0.role == role }) {
                        matches[id]![index].distance = min(matches[id]![index].distance, distance)
                    } else {
                        matches[id, default: []].append((role, distance))
                    }
                }
            }
            var found: [FoundDossier] = []
            try database.forEachRow("""
                SELECT d.id, d.grp, d.state, d.commune, d.received_at,
                       (SELECT group_concat(state, ',') FROM procedures p WHERE p.dossier_id = d.id) AS states
                FROM dossiers d WHERE d.id IN (SELECT value FROM json_each(?))
                """, [.jsonList(Array(matches.keys))]) { row in
                let id = row.string("id")
                let states = row.string("states").split(separator: ",").compactMap { ProcedureState(rawValue: String($0)) }
                found.append(FoundDossier(id: id, group: row.string("grp"), commune: row.string("commune"),
                                          receivedAt: Timestamp(seconds: row["received_at"].int64 ?? 0),
                                          state: PublicStatus.dossierState(DossierState(rawValue: row.string("state")) ?? .registered, states),
                                          matches: matches[id]!.sorted { ($0.distance, $0.role) < ($1.distance, $1.role) }))
            }
            found.sort { a, b in
                let (da, db) = (a.matches.map(\.distance).min() ?? 1, b.matches.map(\.distance).min() ?? 1)
                return da != db ? da < db : a.receivedAt != b.receivedAt ? a.receivedAt > b.receivedAt : a.id < b.id
            }
            let total = found.count
            found = Array(found.prefix(limit))
            try appendEvent(dossier: Ledger.ledgerEventDossier, at: now, actor: actor, kind: "search", procedure: nil, detail: .object([
                ("key", .string(query.recordedKind)), ("matches", .int(total)),
                ("listed", .array(found.map { .string($0.id) })),
            ]))
            return (found, total)
        }
    }

    /// The dossier column of events about the ledger rather than one dossier (searches).
    public static let ledgerEventDossier = ""

    /// The searches recorded, oldest first: who searched, when, with what kind of key, and what
    /// was listed.
    public func searchEvents() throws -> [LedgerEvent] {
        try database.query("""
            SELECT seq, dossier_id, at, actor, kind, procedure, detail, prev_hash FROM events WHERE dossier_id = ? AND kind = 'search' ORDER BY seq
            """, [.text(Ledger.ledgerEventDossier)]).map(LedgerEvent.init(row:))
    }
}

/// The search index in the audit. It is derived from the dossiers and their procedures' results,
/// which are covered rows, so the audit works each dossier's keys out again and compares them
/// with the index instead of listing the index in `rows` events: a dozen keys a dossier would
/// more than double what a registration writes.
extension Ledger {
    /// Compares the index with what `SearchKeys.of` gives for every dossier, both read in dossier
    /// order in the caller's snapshot; reports each key missing, added or changed (its value is
    /// personal data and not shown). Returns how many keys were compared.
    func auditSearchIndex(_ report: (AuditFinding) -> Void) throws -> Int {
        let dossiers = try database.prepare("""
            SELECT d.id, d.grp, d.declaration,
                   (SELECT json_group_object(p.code, json(p.result)) FROM procedures p
                    WHERE p.dossier_id = d.id AND p.result IS NOT NULL AND json_valid(p.result)) AS results
            FROM dossiers d ORDER BY d.id
            """)
        defer { dossiers.reset() }
        let index = try database.prepare("SELECT dossier_id, key, role, name, born FROM search_keys ORDER BY dossier_id")
        defer { index.reset() }
        var hasDossier = try dossiers.step(), hasKey = try index.step()
        var compared = 0
        func finding(_ problem: AuditFinding.Problem, _ dossier: String, _ what: Phrase) {
            report(AuditFinding(problem, table: "search_keys", dossier: dossier, what))
        }
        while hasDossier || hasKey {
            let dossierID = hasDossier ? dossiers.text(0) : nil
            let keyDossier = hasKey ? index.text(0) : nil
            // The index's keys of the next dossier in order, whether or not the dossier exists.
            let id = [dossierID, keyDossier].compactMap { $0 }.min()!
            var stored: [String: (name: String?, born: String?)] = [:]
            while hasKey, index.text(0) == id {
                stored[index.text(1) + "\u{1}" + index.text(2)] = (index.isNull(3) ? nil : index.text(3), index.isNull(4) ? nil : index.text(4))
                hasKey = try index.step()
            }
            var expected: [String: (name: String?, born: String?)] = [:]
            if dossierID == id {
                let group = ProcedureGroup(rawValue: dossiers.text(1))
                let declaration = try? JSONReader.parse(dossiers.text(2))
                var results: [String: JSON] = [:]
                if !dossiers.isNull(3), case .object(let members)? = try? JSONReader.parse(dossiers.text(3)) {
                    for (code, value) in members { results[code] = value }
                }
                if let group, let declaration {
                    // INSERT OR IGNORE keeps the first of two keys with the same value and role.
                    for key in SearchKeys.of(group: group, declaration: declaration, results: results) where expected[key.key + "\u{1}" + key.role] == nil {
                        expected[key.key + "\u{1}" + key.role] = (key.name, key.born)
                    }
                }
                hasDossier = try dossiers.step()
            }
            compared += max(stored.count, expected.count)
            for (key, value) in expected {
                guard let found = stored[key] else {
                    finding(.rowDeleted, id, "search_keys row (key withheld) was deleted outside civlink: dossier \(id) gives it")
                    continue
                }
                if found.name != value.name || found.born != value.born {
                    finding(.rowEdited, id, "search_keys row (key withheld) was changed outside civlink: dossier \(id) gives it otherwise")
                }
            }
            for key in stored.keys where expected[key] == nil {
                finding(.rowInserted, id, "search_keys row (key withheld) was added outside civlink: dossier \(id) does not give it")
            }
        }
        return compared
    }
}
