/// Row coverage as the ledger runs it: the covered tables' schemas, reading rows and their
/// digests, and, at the end of each write transaction, the `rows` events of what it changed.
extension Ledger {
    /// At most this many rows per `rows` event; a transaction that changes more appends several.
    static let rowsPerEvent = 4096

    /// The covered tables that exist in this ledger, with their columns and primary keys.
    func coveredSchemas() throws -> [CoveredSchema] {
        try CoveredTables.all.compactMap { table in
            let rows = try database.query("SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", [.text(table.name)])
            guard !rows.isEmpty else { return nil }
            let key = rows.filter { $0.int("pk") > 0 }.sorted { $0.int("pk") < $1.int("pk") }.map { $0.string("name") }
            return CoveredSchema(table: table, columns: rows.map { $0.string("name") }, primaryKey: key)
        }
    }

    /// Starts collecting the row changes of this connection's write transactions.
    func installRowCapture() throws {
        let capture = self.capture ?? RowCapture()
        capture.load(try coveredSchemas())
        self.capture = capture
        database.installPreupdateHook(capture)
    }

    /// `SELECT` of every row of a covered table, in key order, with the rowid last for a table
    /// without a declared key.
    static func selectAll(_ schema: CoveredSchema) -> String {
        let keyed = !schema.keyColumns.isEmpty
        let order = keyed ? schema.keyColumns.map { "\"\(schema.columns[Int($0)])\" COLLATE BINARY" }.joined(separator: ", ") : "rowid"
        return "SELECT *\(keyed ? "" : ", rowid") FROM \"\(schema.name)\" ORDER BY \(order)"
    }

    /// Calls `body` with the key, digest and dossier of every row of a covered table.
    func scanRows(_ schema: CoveredSchema, _ digester: RowDigester, _ body: ([UInt8], [UInt8], String?) throws -> Void) throws {
        let statement = try database.prepare(Ledger.selectAll(schema))
        defer { statement.reset() }
        let rowidColumn = Int32(schema.columns.count)
        while try statement.step() {
            let rowid = schema.keyColumns.isEmpty ? statement.int64(rowidColumn) : 0
            let key = digester.key(schema, statement, rowid: rowid)
            let dossier = schema.dossierColumn.flatMap { schema.dossier(statement.value($0)) }
            try body(key, digester.digest(schema, statement), dossier)
        }
    }

    /// The digest of the row with this key as it is now, or nil when there is none.
    func currentDigest(_ schema: CoveredSchema, key: String, _ digester: RowDigester) throws -> [UInt8]? {
        guard let values = try JSONReader.parse(key).arrayValue else { return nil }
        let columns = schema.keyColumns.isEmpty ? ["rowid"] : schema.keyColumns.map { schema.columns[Int($0)] }
        guard values.count == columns.count else { return nil }
        let condition = columns.map { "\"\($0)\" IS ?" }.joined(separator: " AND ")
        let statement = try database.prepare("SELECT * FROM \"\(schema.name)\" WHERE \(condition)")
        defer { statement.reset() }
        try statement.bind(values.map { value in
            switch value {
            case .string(let text): return .text(text)
            case .number(let number): return number.rounded() == number ? .integer(Int64(number)) : .real(number)
            default: return .null
            }
        })
        return try statement.step() ? digester.digest(schema, statement) : nil
    }

    /// At the end of a write transaction: the `rows` events of the covered rows it changed.
    func appendRowsEvents() throws {
        guard let capture, !capture.isEmpty else { return }
        capture.active = false
        if capture.uncertain {
            // Some statement failed after changing rows, and SQLite took those changes back:
            // digest what the rows hold now.
            capture.load(try coveredSchemas())
            let digester = RowDigester()
            for (i, entry) in capture.entries.enumerated() {
                capture.setDigest(i, try currentDigest(capture.schemas[entry.table], key: String(decoding: entry.key, as: UTF8.self), digester))
            }
        }
        let at = lastEvent?.at ?? fixedNow ?? Timestamp.wallClock, actor = lastEvent?.actor ?? defaultActor
        try capture.forEachDetail(maxEntries: Ledger.rowsPerEvent) { detail in
            try appendSerialized([("", LedgerEvent.rowsKind, nil, detail)], at: at, actor: actor)
        }
    }
}
