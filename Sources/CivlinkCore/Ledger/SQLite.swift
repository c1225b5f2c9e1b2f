import CSQLite
import FoundationEssentials

/// A value bound to or read from a statement.
enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    var int: Int? { if case .integer(let i) = self { return Int(i) } else { return nil } }
    var int64: Int64? { if case .integer(let i) = self { return i } else { return nil } }
    var string: String? { if case .text(let s) = self { return s } else { return nil } }
    var data: Data? {
        switch self {
        case .blob(let d): return d
        case .text(let s): return Data(s.utf8)
        default: return nil
        }
    }
    var double: Double? {
        switch self {
        case .real(let d): return d
        case .integer(let i): return Double(i)
        default: return nil
        }
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    init(stringLiteral value: String) { self = .text(value) }
    init(integerLiteral value: Int64) { self = .integer(value) }
    init(nilLiteral: ()) { self = .null }
    init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    init(_ value: Int64?) { self = value.map(SQLValue.integer) ?? .null }
    init(_ value: Timestamp?) { self = value.map { .integer($0.seconds) } ?? .null }

    /// A list bound as one JSON array, for `IN (SELECT value FROM json_each(?))`: any number of
    /// values through one placeholder, never built into the SQL.
    static func jsonList(_ values: [String]) -> SQLValue {
        .text(JSON.array(values.map { .string($0) }).serialized())
    }
}

/// A failed SQLite call: the extended result code (SQLITE_CONSTRAINT_UNIQUE, not just
/// SQLITE_CONSTRAINT), SQLite's message and the statement it ran (its text, never its values).
struct SQLiteError: CivlinkError {
    let code: Int32
    let sqliteMessage: String
    let statement: String?
    let path: String

    var primaryCode: Int32 { code & 0xFF }
    /// A UNIQUE or PRIMARY KEY constraint refused a row.
    var isUniquenessViolation: Bool { code == SQLiteError.constraintUnique || code == SQLiteError.constraintPrimaryKey }

    // Extended codes are C macro expressions, which Swift does not import: SQLITE_CONSTRAINT | (n << 8).
    static let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
    static let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)

    var kind: FailureKind {
        switch primaryCode {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .ledgerCorrupt
        case SQLITE_CONSTRAINT, SQLITE_MISUSE, SQLITE_RANGE: return .internalError
        default: return .io
        }
    }

    var phrase: Phrase {
        let what = statement.map { " in: " + String($0.split(separator: "\n").map { $0.trimmingSpaces }.joined(separator: " ").prefix(120)) }
        return "ledger \(path): \(Phrase(verbatim: sqliteMessage)) (SQLite code \(code))\(what ?? "")"
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }
}

// SQLite's destructor sentinel meaning "copy the bytes now".
private let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A connection to one SQLite file. Owns its prepared statements; checks every result code. Used
/// by one thread at a time; another thread opens its own connection.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    private var statements: [String: Statement] = [:]
    let path: String
    /// Collects the row changes of write transactions (the preupdate hook), when installed.
    private(set) var capture: RowCapture?

    init(path: String, readOnly: Bool = false, create: Bool = false) throws {
        self.path = path
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        if rc != SQLITE_OK {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            handle = nil
            throw Failure(rc == SQLITE_CANTOPEN ? .notFound : .io, "cannot open ledger \(path): \(Phrase(verbatim: reason))")
        }
        sqlite3_extended_result_codes(handle, 1)
        try check(sqlite3_busy_timeout(handle, 30_000))
    }

    deinit {
        statements.values.forEach { $0.finalize() }
        sqlite3_close_v2(handle)
    }

    func check(_ rc: Int32, _ sql: String? = nil) throws {
        guard rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE else {
            capture?.statementFailed()
            throw SQLiteError(code: sqlite3_extended_errcode(handle), sqliteMessage: String(cString: sqlite3_errmsg(handle)), statement: sql, path: path)
        }
    }

    /// Runs SQL without parameters (schema, pragmas). Never for values: those are bound.
    func execute(_ sql: String) throws {
        capture?.statementStarts()
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if let error { sqlite3_free(error) }
        try check(rc, sql)
    }

    /// A cached prepared statement for `sql`.
    func prepare(_ sql: String) throws -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var stmt: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil), sql)
        let statement = Statement(handle: stmt!, database: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows.
    func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
    }

    /// All rows of a query.
    func query(_ sql: String, _ values: [SQLValue] = []) throws -> [Row] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [Row] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// The first row of a query, if any.
    func queryFirst(_ sql: String, _ values: [SQLValue] = []) throws -> Row? {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        return try statement.step() ? statement.row() : nil
    }

    /// Calls `body` per row without holding them all in memory.
    func forEachRow(_ sql: String, _ values: [SQLValue] = [], _ body: (Row) throws -> Void) throws {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() { try body(statement.row()) }
    }

    /// Inserts `rows` with multi-row `INSERT ... VALUES (?, ...), (?, ...)` statements of up to
    /// `rowsPerStatement` rows: one statement per row costs more than the rows themselves in
    /// bulk work. `insert` is the statement up to VALUES; only placeholders are generated.
    func insertRows(_ insert: String, _ rows: [[SQLValue]], rowsPerStatement: Int = 32) throws {
        guard let width = rows.first?.count, width > 0 else { return }
        let tuple = "(" + Array(repeating: "?", count: width).joined(separator: ",") + ")"
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + rowsPerStatement)
            let sql = insert + " VALUES " + Array(repeating: tuple, count: end - start).joined(separator: ",")
            let statement = try prepare(sql)
            defer { statement.reset() }
            var values: [SQLValue] = []
            values.reserveCapacity((end - start) * width)
            for row in rows[start..<end] {
                precondition(row.count == width, "insertRows: rows of different widths")
                values.append(contentsOf: row)
            }
            try statement.bind(values)
            while try statement.step() {}
            start = end
        }
    }

    /// The first column of the first row, or null.
    func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> SQLValue {
        try queryFirst(sql, values)?.values.first ?? .null
    }

    /// Whether this SQLite library calls a preupdate hook (SQLITE_ENABLE_PREUPDATE_HOOK).
    static var hasPreupdateHook: Bool { sqlite3_compileoption_used("ENABLE_PREUPDATE_HOOK") == 1 }

    /// Sends every INSERT, UPDATE and DELETE this connection makes to `capture` (nil removes it).
    func installPreupdateHook(_ capture: RowCapture?) {
        self.capture = capture
        if let capture {
            _ = sqlite3_preupdate_hook(handle, rowCaptureCallback, Unmanaged.passUnretained(capture).toOpaque())
        } else {
            _ = sqlite3_preupdate_hook(handle, nil, nil)
        }
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var changes: Int { Int(sqlite3_changes(handle)) }
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// A write transaction taken with BEGIN IMMEDIATE, so concurrent writers wait on the busy
    /// timeout at the start instead of failing to upgrade a read lock halfway.
    func writeTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// A read transaction: every query inside sees one snapshot of the ledger, however many
    /// commits other processes make meanwhile.
    func readTransaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN DEFERRED")
        defer { try? execute("COMMIT") }
        // The snapshot starts at the first read, so take it now.
        _ = try scalar("SELECT count(*) FROM sqlite_schema")
        return try body()
    }

    /// Copies the whole database to `destination` with the online backup API.
    func backup(to destination: String) throws {
        var target: OpaquePointer?
        guard sqlite3_open_v2(destination, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            sqlite3_close_v2(target)
            throw Failure(.cannotCreate, "cannot create backup file \(destination)")
        }
        defer { sqlite3_close_v2(target) }
        guard let backup = sqlite3_backup_init(target, "main", handle, "main") else {
            throw Failure(.io, "backup failed: \(Phrase(verbatim: String(cString: sqlite3_errmsg(target))))")
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, 256)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(50) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE else {
            throw Failure(.io, "backup failed: \(Phrase(verbatim: String(cString: sqlite3_errstr(rc))))")
        }
    }
}

/// The names of a statement's result columns, looked up once per statement.
final class ColumnNames {
    let index: [String: Int]
    init(_ names: [String]) {
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
    }
}

/// One result row, read by column name: `row["register_no"].int`. Asking for a column the
/// statement does not return is a programming error and stops the process.
struct Row {
    let columns: ColumnNames
    let values: [SQLValue]

    subscript(name: String) -> SQLValue {
        guard let i = columns.index[name] else { preconditionFailure("no column \(name) in this row") }
        return values[i]
    }

    func string(_ name: String) -> String { self[name].string ?? "" }
    func int(_ name: String) -> Int { self[name].int ?? 0 }
    func timestamp(_ name: String) -> Timestamp? { self[name].int64.map(Timestamp.init(seconds:)) }
}

final class Statement {
    fileprivate let handle: OpaquePointer
    private unowned let database: SQLiteDatabase
    let sql: String
    private var names: ColumnNames?

    fileprivate init(handle: OpaquePointer, database: SQLiteDatabase, sql: String) {
        self.handle = handle
        self.database = database
        self.sql = sql
    }

    fileprivate func finalize() { sqlite3_finalize(handle) }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    func bind(_ values: [SQLValue]) throws {
        database.capture?.statementStarts()
        for (i, value) in values.enumerated() {
            let index = Int32(i + 1)
            let rc: Int32
            switch value {
            case .null: rc = sqlite3_bind_null(handle, index)
            case .integer(let v): rc = sqlite3_bind_int64(handle, index, v)
            case .real(let v): rc = sqlite3_bind_double(handle, index, v)
            case .text(let v): rc = sqlite3_bind_text(handle, index, v, -1, SQLITE_TRANSIENT)
            case .blob(let v):
                rc = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), SQLITE_TRANSIENT) }
            }
            try database.check(rc, sql)
        }
    }

    /// Binds the bytes at `bytes` as text to parameter `index` (from 1), copied now; with `copy`
    /// false, not copied: the statement must run, and be reset, while the bytes are there.
    func bindText(_ bytes: UnsafeRawBufferPointer, at index: Int32, copy: Bool = true) throws {
        // An empty text still needs a pointer: a null one binds NULL.
        let pointer = bytes.baseAddress ?? UnsafeRawPointer(("" as StaticString).utf8Start)
        try database.check(sqlite3_bind_text(handle, index, pointer.assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                                             copy ? SQLITE_TRANSIENT : nil), sql)
    }

    func bindBlob(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws {
        try database.check(sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), SQLITE_TRANSIENT), sql)
    }

    func bindInt64(_ value: Int64, at index: Int32) throws {
        try database.check(sqlite3_bind_int64(handle, index, value), sql)
    }

    func bindNull(at index: Int32) throws {
        try database.check(sqlite3_bind_null(handle, index), sql)
    }

    /// Steps once; true while a row is available.
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        try database.check(rc, sql)
        return false
    }

    /// The number of result columns.
    var columnCount: Int32 { sqlite3_column_count(handle) }

    /// The name of result column `i`.
    func columnName(_ i: Int32) -> String { String(cString: sqlite3_column_name(handle, i)) }

    /// Column `i` of the current row as SQLite holds it, valid until the next step or reset.
    func value(_ i: Int32) -> OpaquePointer? { sqlite3_column_value(handle, i) }

    func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(handle, i) }
    func isNull(_ i: Int32) -> Bool { sqlite3_column_type(handle, i) == SQLITE_NULL }

    /// The bytes of text or blob column `i`, valid until the next step or reset. Read as a blob
    /// either way: `sqlite3_column_text` copies a value that is not NUL-terminated first.
    func bytes(_ i: Int32) -> UnsafeRawBufferPointer {
        let pointer = sqlite3_column_blob(handle, i)
        return UnsafeRawBufferPointer(start: pointer, count: Int(sqlite3_column_bytes(handle, i)))
    }

    func text(_ i: Int32) -> String { String(decoding: bytes(i), as: UTF8.self) }

    private var columnNames: ColumnNames {
        if let names { return names }
        let made = ColumnNames((0..<sqlite3_column_count(handle)).map { String(cString: sqlite3_column_name(handle, $0)) })
        names = made
        return made
    }

    func row() -> Row {
        Row(columns: columnNames, values: (0..<sqlite3_column_count(handle)).map { column in
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, column))
            case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, column))
            case SQLITE_TEXT:
                // Text first, then its length: the order SQLite documents.
                guard let text = sqlite3_column_text(handle, column) else { return .text("") }
                let count = Int(sqlite3_column_bytes(handle, column))
                return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(handle, column))
                guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return .blob(Data()) }
                return .blob(Data(bytes: bytes, count: count))
            default: return .null
            }
        })
    }
}
