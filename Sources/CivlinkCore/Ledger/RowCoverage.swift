import CSQLite
import Glibc

/// A covered table as this connection's schema has it: columns in declaration order, the
/// primary key, the column naming the dossier, and the order the digest reads columns in. A class:
/// the hook reads it for every row changed, without copying its arrays.
final class CoveredSchema {
    let table: CoveredTable
    let columns: [String]
    /// Primary-key columns in key order; empty for a table keyed by its rowid only.
    let keyColumns: [Int32]
    let dossierColumn: Int32?
    /// Column indexes sorted by column name: the digest does not depend on declaration order.
    let digestOrder: [Int32]
    let nameBytes: [[UInt8]]
    let tableBytes: [UInt8]
    let excludedKeys: [[UInt8]]

    var name: String { table.name }

    init(table: CoveredTable, columns: [String], primaryKey: [String]) {
        self.table = table
        self.columns = columns
        keyColumns = primaryKey.compactMap { name in columns.firstIndex(of: name).map(Int32.init) }
        switch table.dossier {
        case .none: dossierColumn = nil
        case .column(let name), .message(let name): dossierColumn = columns.firstIndex(of: name).map(Int32.init)
        }
        digestOrder = columns.indices.sorted { Array(columns[$0].utf8).lexicographicallyPrecedes(Array(columns[$1].utf8)) }.map(Int32.init)
        nameBytes = columns.map { Array($0.utf8) }
        tableBytes = Array(table.name.utf8)
        excludedKeys = table.except.map { RowEncoding.keyText([.string($0)]) }
    }

    /// Whether the key is one the table leaves out (the chain head among the settings).
    func isExcluded(_ key: [UInt8]) -> Bool {
        !excludedKeys.isEmpty && excludedKeys.contains(key)
    }

    /// The dossier a row names, from the value of its dossier column.
    func dossier(_ value: OpaquePointer?) -> String? {
        guard let value, sqlite3_value_type(value) == SQLITE_TEXT else { return nil }
        let raw = String(decoding: RowEncoding.textBytes(value), as: UTF8.self)
        if case .message = table.dossier, let dot = raw.firstIndex(of: ".") { return String(raw[..<dot]) }
        return raw
    }
}

/// How a row becomes its digest and its key (civlink-log(5)):
///
///     digest = SHA-256("civlink.row/1" 0x00 <table> 0x00 { <column> 0x00 <value> }...)
///
/// over the columns that are not NULL, in byte order of their names, each value a type tag and its
/// bytes: `i` and 8 bytes big-endian (integer), `r` and the 8 bytes of the IEEE 754 double
/// big-endian (real), `t` or `b`, an 8-byte big-endian length and the bytes (text in UTF-8, blob).
/// So adding a column that is NULL in existing rows, or rebuilding a table with the same values,
/// leaves every digest as it was. The key is the JSON array of the primary-key values (the rowid
/// for a table without a declared key).
enum RowEncoding {
    static let prefix = Array("civlink.row/1".utf8) + [0]

    /// The UTF-8 bytes of a text value, in place. Read as a blob: `sqlite3_value_text` would first
    /// copy a value that is not NUL-terminated (every value read from a record), which costs an
    /// allocation for each column of each row.
    @inline(__always)
    static func textBytes(_ value: OpaquePointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: sqlite3_value_blob(value), count: Int(sqlite3_value_bytes(value)))
    }

    static func appendValue(_ value: OpaquePointer?, to out: inout [UInt8]) -> Bool {
        guard let value else { return false }
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER:
            out.append(UInt8(ascii: "i"))
            appendBigEndian(UInt64(bitPattern: sqlite3_value_int64(value)), to: &out)
        case SQLITE_FLOAT:
            out.append(UInt8(ascii: "r"))
            appendBigEndian(sqlite3_value_double(value).bitPattern, to: &out)
        case SQLITE_TEXT:
            out.append(UInt8(ascii: "t"))
            let text = textBytes(value)
            appendBigEndian(UInt64(text.count), to: &out)
            if text.count > 0 { out.append(contentsOf: text) }
        case SQLITE_BLOB:
            out.append(UInt8(ascii: "b"))
            let blob = sqlite3_value_blob(value)
            let count = Int(sqlite3_value_bytes(value))
            appendBigEndian(UInt64(count), to: &out)
            if let blob, count > 0 { out.append(contentsOf: UnsafeRawBufferPointer(start: blob, count: count)) }
        default:
            return false
        }
        return true
    }

    @inline(__always)
    static func appendBigEndian(_ value: UInt64, to out: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    /// The row's encoding, to be hashed: `value(i)` gives column i.
    static func encode(_ schema: CoveredSchema, into out: inout [UInt8], value: (Int32) -> OpaquePointer?) {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: prefix)
        out.append(contentsOf: schema.tableBytes)
        out.append(0)
        for column in schema.digestOrder {
            let mark = out.count
            out.append(contentsOf: schema.nameBytes[Int(column)])
            out.append(0)
            if !appendValue(value(column), to: &out) { out.removeSubrange(mark...) }
        }
    }

    /// The key of a row: the JSON array of its primary-key values (or of its rowid).
    static func appendKey(_ schema: CoveredSchema, rowid: Int64, to out: inout [UInt8], value: (Int32) -> OpaquePointer?) {
        out.removeAll(keepingCapacity: true)
        out.append(UInt8(ascii: "["))
        if schema.keyColumns.isEmpty {
            out.append(contentsOf: String(rowid).utf8)
        } else {
            for (n, column) in schema.keyColumns.enumerated() {
                if n > 0 { out.append(UInt8(ascii: ",")) }
                appendJSON(value(column), to: &out)
            }
        }
        out.append(UInt8(ascii: "]"))
    }

    static func appendJSON(_ value: OpaquePointer?, to out: inout [UInt8]) {
        guard let value else { out.append(contentsOf: "null".utf8); return }
        switch sqlite3_value_type(value) {
        case SQLITE_INTEGER: out.append(contentsOf: JSON.formatNumber(Double(sqlite3_value_int64(value))).utf8)
        case SQLITE_FLOAT: out.append(contentsOf: JSON.formatNumber(sqlite3_value_double(value)).utf8)
        case SQLITE_TEXT:
            JSON.writeString(bytes: textBytes(value), to: &out)
        case SQLITE_BLOB:
            let blob = sqlite3_value_blob(value)
            let hex = [UInt8](UnsafeRawBufferPointer(start: blob, count: Int(sqlite3_value_bytes(value)))).hexString
            JSON.writeString(hex, to: &out)
        default: out.append(contentsOf: "null".utf8)
        }
    }

    /// SQLite's order of two values under the BINARY collation (NULL, numbers, text, blobs):
    /// negative, zero or positive.
    static func compare(_ a: OpaquePointer?, _ b: OpaquePointer?) -> Int {
        func rank(_ value: OpaquePointer?) -> Int {
            guard let value else { return 0 }
            switch sqlite3_value_type(value) {
            case SQLITE_INTEGER, SQLITE_FLOAT: return 1
            case SQLITE_TEXT: return 2
            case SQLITE_BLOB: return 3
            default: return 0
            }
        }
        let ra = rank(a), rb = rank(b)
        if ra != rb { return ra < rb ? -1 : 1 }
        guard let a, let b else { return 0 }
        switch ra {
        case 1:
            if sqlite3_value_type(a) == SQLITE_INTEGER && sqlite3_value_type(b) == SQLITE_INTEGER {
                let x = sqlite3_value_int64(a), y = sqlite3_value_int64(b)
                return x < y ? -1 : x > y ? 1 : 0
            }
            let x = sqlite3_value_double(a), y = sqlite3_value_double(b)
            return x < y ? -1 : x > y ? 1 : 0
        case 2, 3:
            let pa = sqlite3_value_blob(a), pb = sqlite3_value_blob(b)
            let na = Int(sqlite3_value_bytes(a)), nb = Int(sqlite3_value_bytes(b))
            let common = min(na, nb)
            guard common > 0, let pa, let pb else { return na < nb ? -1 : na > nb ? 1 : 0 }
            let c = memcmp(pa, pb, common)
            if c != 0 { return Int(c) }
            return na < nb ? -1 : na > nb ? 1 : 0
        default:
            return 0
        }
    }

    /// The key text of values given as JSON (from an event, or to look a setting up).
    static func keyText(_ values: [JSON]) -> [UInt8] {
        JSON.array(values).bytes(sortKeys: true)
    }
}

/// The preupdate hook's side of a write transaction: the digest of every covered row the
/// transaction inserts or updates and a tombstone for every one it deletes, in the order of the
/// changes. A row changed twice in a row is listed once; a row changed again later is listed again,
/// and the last entry for a row is what the row must be (the audit reads them so), which spares a
/// look-up per change. `Ledger.write` turns them into `rows` events at commit. Used by the
/// writer's thread only.
final class RowCapture {
    struct Entry {
        let table: Int
        /// The key's canonical JSON text.
        let key: [UInt8]
        /// Offset of the digest in `digests`, or -1 for a deleted row.
        var digest: Int
        var dossier: String?
    }

    private(set) var schemas: [CoveredSchema] = []
    private var byName: [String: Int] = [:]
    private(set) var entries: [Entry] = []
    private(set) var digests: [UInt8] = []
    private let hasher = SHA256Hasher()
    private var encoding: [UInt8] = []
    private var keyBytes: [UInt8] = []
    private var oldKeyBytes: [UInt8] = []
    private var detailBuffer: [UInt8] = []
    /// Changes are collected only inside `Ledger.write`.
    var active = false
    /// A statement that had changed rows failed, and SQLite rolled those changes back: the
    /// digests collected may describe rows that are not there, so they are read again at commit.
    private(set) var uncertain = false
    private var calls = 0
    private var mark = 0

    func load(_ schemas: [CoveredSchema]) {
        self.schemas = schemas
        byName = Dictionary(uniqueKeysWithValues: schemas.enumerated().map { ($1.name, $0) })
    }

    var isEmpty: Bool { entries.isEmpty }

    func reset() {
        entries.removeAll(keepingCapacity: true)
        digests.removeAll(keepingCapacity: true)
        uncertain = false
        calls = 0
        mark = 0
    }

    func statementStarts() { mark = calls }
    func statementFailed() { if calls > mark { uncertain = true } }

    /// Called by SQLite before each INSERT, UPDATE or DELETE of this connection.
    func change(_ db: OpaquePointer, _ op: Int32, _ zDb: UnsafePointer<CChar>, _ zName: UnsafePointer<CChar>, _ key1: Int64, _ key2: Int64) {
        guard active, strcmp(zDb, "main") == 0, let t = byName[String(cString: zName)] else { return }
        calls += 1
        let schema = schemas[t]
        if Int(sqlite3_preupdate_count(db)) != schema.columns.count || (op == SQLITE_DELETE && sqlite3_preupdate_blobwrite(db) >= 0) {
            // The table changed shape within this transaction (a migration), or a blob was written
            // in place: read the rows again at commit.
            uncertain = true
        }
        func old(_ i: Int32) -> OpaquePointer? {
            var value: OpaquePointer?
            return sqlite3_preupdate_old(db, i, &value) == SQLITE_OK ? value : nil
        }
        func new(_ i: Int32) -> OpaquePointer? {
            var value: OpaquePointer?
            return sqlite3_preupdate_new(db, i, &value) == SQLITE_OK ? value : nil
        }
        switch op {
        case SQLITE_INSERT:
            RowEncoding.appendKey(schema, rowid: key2, to: &keyBytes, value: new)
            record(t, keyBytes, digestOf: schema, value: new)
        case SQLITE_DELETE:
            RowEncoding.appendKey(schema, rowid: key1, to: &keyBytes, value: old)
            record(t, keyBytes, deletedWith: schema.dossierColumn.flatMap { schema.dossier(old($0)) })
        default:
            RowEncoding.appendKey(schema, rowid: key1, to: &oldKeyBytes, value: old)
            RowEncoding.appendKey(schema, rowid: key2, to: &keyBytes, value: new)
            if oldKeyBytes != keyBytes {
                record(t, oldKeyBytes, deletedWith: schema.dossierColumn.flatMap { schema.dossier(old($0)) })
            }
            record(t, keyBytes, digestOf: schema, value: new)
        }
    }

    private func record(_ table: Int, _ key: [UInt8], digestOf schema: CoveredSchema, value: (Int32) -> OpaquePointer?) {
        if schema.isExcluded(key) { return }
        RowEncoding.encode(schema, into: &encoding, value: value)
        let offset = digests.count
        digests.append(contentsOf: repeatElement(0, count: SHA256Hasher.digestLength))
        hasher.begin()
        encoding.withUnsafeBytes { hasher.update($0) }
        digests.withUnsafeMutableBytes { hasher.finish(into: UnsafeMutableRawBufferPointer(rebasing: $0[offset...])) }
        // A key that starts with the dossier names it already (details leave it out).
        store(table, key, digest: offset, dossier: schema.keyNamesDossier ? nil : schema.dossierColumn.flatMap { schema.dossier(value($0)) })
    }

    private func record(_ table: Int, _ key: [UInt8], deletedWith dossier: String?) {
        if schemas[table].isExcluded(key) { return }
        store(table, key, digest: -1, dossier: dossier)
    }

    private func store(_ table: Int, _ key: [UInt8], digest: Int, dossier: String?) {
        if let last = entries.indices.last, entries[last].table == table, entries[last].key == key {
            entries[last].digest = digest
            if dossier != nil { entries[last].dossier = dossier }
        } else {
            // A copy of its own size: the caller's buffer is reused for the next key (keeping it
            // would keep, and reallocate, the buffer's whole capacity for every row).
            entries.append(Entry(table: table, key: key.withUnsafeBufferPointer { Array($0) }, digest: digest, dossier: dossier))
        }
    }

    /// Replaces an entry's digest with one computed from the row as it is (nil: the row is gone).
    func setDigest(_ entry: Int, _ digest: [UInt8]?) {
        if let digest {
            entries[entry].digest = digests.count
            digests.append(contentsOf: digest)
        } else {
            entries[entry].digest = -1
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// A row read from the table (a baseline).
    func recordScanned(_ schema: CoveredSchema, _ key: [UInt8], _ digest: [UInt8], _ dossier: String?) {
        guard let table = byName[schema.name], !schema.isExcluded(key) else { return }
        let offset = digests.count
        digests.append(contentsOf: digest)
        store(table, key, digest: offset, dossier: dossier)
    }

    /// The details of the `rows` events: `{"rows":[[table, key, digest or null, dossier?], ...]}`
    /// (with `"baseline":true` first for a baseline) in canonical form, at most `maxEntries`
    /// entries each, handed to `body` one at a time in one reused buffer.
    func forEachDetail(maxEntries: Int, baseline: Bool = false, _ body: ([UInt8]) throws -> Void) rethrows {
        var start = 0
        while start < entries.count {
            let end = min(entries.count, start + maxEntries)
            detailBuffer.removeAll(keepingCapacity: true)
            detailBuffer.append(contentsOf: (baseline ? #"{"baseline":true,"rows":["# : #"{"rows":["#).utf8)
            for i in start..<end {
                let entry = entries[i]
                if i > start { detailBuffer.append(UInt8(ascii: ",")) }
                detailBuffer.append(UInt8(ascii: "["))
                JSON.writeString(schemas[entry.table].name, to: &detailBuffer)
                detailBuffer.append(UInt8(ascii: ","))
                detailBuffer.append(contentsOf: entry.key)
                detailBuffer.append(UInt8(ascii: ","))
                if entry.digest < 0 {
                    detailBuffer.append(contentsOf: "null".utf8)
                } else {
                    detailBuffer.append(0x22)
                    for byte in digests[entry.digest..<entry.digest + SHA256Hasher.digestLength] {
                        detailBuffer.append(RowCapture.hexDigits[Int(byte >> 4)])
                        detailBuffer.append(RowCapture.hexDigits[Int(byte & 0x0F)])
                    }
                    detailBuffer.append(0x22)
                }
                if let dossier = entry.dossier, !schemas[entry.table].keyNamesDossier {
                    detailBuffer.append(UInt8(ascii: ","))
                    JSON.writeString(dossier, to: &detailBuffer)
                }
                detailBuffer.append(UInt8(ascii: "]"))
            }
            detailBuffer.append(contentsOf: "]}".utf8)
            try body(detailBuffer)
            start = end
        }
    }
}

extension CoveredSchema {
    /// Whether the dossier can be read from the key (its first value), so entries need not repeat it.
    var keyNamesDossier: Bool {
        guard let dossierColumn, case .column = table.dossier else { return false }
        return keyColumns.first == dossierColumn
    }
}

/// SQLite's preupdate hook: hands each change to the connection's `RowCapture`.
let rowCaptureCallback: @convention(c) (UnsafeMutableRawPointer?, OpaquePointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
                                        Int64, Int64) -> Void = { context, db, op, zDb, zName, key1, key2 in
    guard let context, let db, let zDb, let zName else { return }
    Unmanaged<RowCapture>.fromOpaque(context).takeUnretainedValue().change(db, op, zDb, zName, key1, key2)
}

/// Row digests read from the ledger as it is: for the audit, for a migration's baseline, and to
/// recompute what a failed statement left uncertain.
final class RowDigester {
    private let hasher = SHA256Hasher()
    private var encoding: [UInt8] = []
    private var key: [UInt8] = []

    /// The digest of the current row of `statement` (a `SELECT *` of the schema's table).
    func digest(_ schema: CoveredSchema, _ statement: Statement) -> [UInt8] {
        RowEncoding.encode(schema, into: &encoding, value: { statement.value($0) })
        return encoding.withUnsafeBytes { hasher.digest($0) }
    }

    /// The key text of the current row.
    func key(_ schema: CoveredSchema, _ statement: Statement, rowid: Int64) -> [UInt8] {
        RowEncoding.appendKey(schema, rowid: rowid, to: &key, value: { statement.value($0) })
        return key
    }
}
