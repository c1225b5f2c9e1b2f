import CSQLite
import Foundation

/// A value bound to or read from a statement.
public enum SQLValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)

    public var int: Int? { if case .integer(let i) = self { return Int(i) } else { return nil } }
    public var string: String? { if case .text(let s) = self { return s } else { return nil } }
    public var double: Double? {
        switch self {
        case .real(let d): return d
        case .integer(let i): return Double(i)
        default: return nil
        }
    }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }
    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }

    /// A list bound as one JSON array, for `IN (SELECT value FROM json_each(?))`: any number of
    /// values through one placeholder, never built into the SQL.
    public static func jsonList(_ values: [String]) -> SQLValue {
        .text(JSON.array(values.map { .string($0) }).serialized())
    }
}

// SQLite's destructor sentinel meaning "copy the bytes now".
private let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A connection to one SQLite file. Owns its prepared statements; checks every result code.
public final class SQLiteDatabase {
    private var handle: OpaquePointer?
    private var statements: [String: Statement] = [:]
    public let path: String

    public init(path: String, readOnly: Bool = false, create: Bool = false) throws {
        self.path = path
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        if rc != SQLITE_OK {
            let reason = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(handle)
            handle = nil
            throw LedgerError("cannot open ledger \(path): \(reason)", exitCode: rc == SQLITE_CANTOPEN ? .noInput : .ioError)
        }
        sqlite3_extended_result_codes(handle, 1)
        try check(sqlite3_busy_timeout(handle, 30_000))
    }

    deinit {
        statements.values.forEach { $0.finalize() }
        sqlite3_close_v2(handle)
    }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func check(_ rc: Int32, _ context: @autoclosure () -> String = "") throws {
        guard rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE else {
            let primary = rc & 0xFF
            let what = context().isEmpty ? "" : " (\(context()))"
            let exit: ExitCode = (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) ? .tempFail
                : (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB) ? .dataError : .ioError
            if primary == SQLITE_CONSTRAINT {
                throw SQLiteConstraintError(message: errorMessage)
            }
            throw LedgerError("ledger \(path): \(errorMessage)\(what)", exitCode: exit)
        }
    }

    /// Runs SQL without parameters (schema, pragmas). Never for values: those are bound.
    public func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &error)
        if let error { sqlite3_free(error) }
        try check(rc, "executing schema")
    }

    /// A cached prepared statement for `sql`.
    public func prepare(_ sql: String) throws -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var stmt: OpaquePointer?
        try check(sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &stmt, nil), "preparing a statement")
        let statement = Statement(handle: stmt!, database: self)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows.
    public func run(_ sql: String, _ values: [SQLValue] = []) throws {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() {}
    }

    /// All rows of a query.
    public func query(_ sql: String, _ values: [SQLValue] = []) throws -> [[SQLValue]] {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        var rows: [[SQLValue]] = []
        while try statement.step() { rows.append(statement.row()) }
        return rows
    }

    /// Calls `body` per row without holding them all in memory.
    public func forEachRow(_ sql: String, _ values: [SQLValue] = [], _ body: ([SQLValue]) throws -> Void) throws {
        let statement = try prepare(sql)
        defer { statement.reset() }
        try statement.bind(values)
        while try statement.step() { try body(statement.row()) }
    }

    /// Inserts `rows` with multi-row `INSERT ... VALUES (?, ...), (?, ...)` statements of up to
    /// `rowsPerStatement` rows: one statement per row costs more than the rows themselves in
    /// bulk work. `insert` is the statement up to VALUES; only placeholders are generated.
    public func insertRows(_ insert: String, _ rows: [[SQLValue]], rowsPerStatement: Int = 32) throws {
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

    public func scalar(_ sql: String, _ values: [SQLValue] = []) throws -> SQLValue {
        try query(sql, values).first?.first ?? .null
    }

    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// A write transaction taken with BEGIN IMMEDIATE, so concurrent writers wait on the busy
    /// timeout at the start instead of failing to upgrade a read lock halfway.
    public func writeTransaction<T>(_ body: () throws -> T) throws -> T {
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

    /// A savepoint inside a transaction: a failing batch line rolls back alone.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try execute("SAVEPOINT line")
        do {
            let result = try body()
            try execute("RELEASE line")
            return result
        } catch {
            try? execute("ROLLBACK TO line")
            try? execute("RELEASE line")
            throw error
        }
    }

    /// Copies the whole database to `destination` with the online backup API.
    public func backup(to destination: String) throws {
        var target: OpaquePointer?
        guard sqlite3_open_v2(destination, &target, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) == SQLITE_OK else {
            sqlite3_close_v2(target)
            throw LedgerError("cannot create backup file \(destination)", exitCode: .cantCreate)
        }
        defer { sqlite3_close_v2(target) }
        guard let backup = sqlite3_backup_init(target, "main", handle, "main") else {
            throw LedgerError("backup failed: \(String(cString: sqlite3_errmsg(target)))", exitCode: .ioError)
        }
        var rc: Int32
        repeat {
            rc = sqlite3_backup_step(backup, 256)
            if rc == SQLITE_BUSY || rc == SQLITE_LOCKED { sqlite3_sleep(50) }
        } while rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED
        sqlite3_backup_finish(backup)
        guard rc == SQLITE_DONE else {
            throw LedgerError("backup failed: \(String(cString: sqlite3_errstr(rc)))", exitCode: .ioError)
        }
    }
}

public struct SQLiteConstraintError: Error {
    public let message: String
}

public final class Statement {
    fileprivate let handle: OpaquePointer
    private unowned let database: SQLiteDatabase

    fileprivate init(handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    fileprivate func finalize() { sqlite3_finalize(handle) }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    public func bind(_ values: [SQLValue]) throws {
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
            try database.check(rc, "binding parameter \(index)")
        }
    }

    /// Steps once; true while a row is available.
    public func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        try database.check(rc)
        return false
    }

    public func row() -> [SQLValue] {
        (0..<sqlite3_column_count(handle)).map { column in
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
        }
    }
}
