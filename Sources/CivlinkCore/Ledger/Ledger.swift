import FoundationEssentials
import Glibc

/// How a ledger is set up when it is created, or first given its log by migration 10.
public struct LedgerSetup: Sendable {
    /// The ledger key's file; nil: beside the ledger, `<ledger>.key`.
    public var keyPath: String?
    /// A training ledger (`init --training`): a fixed clock (`CIVLINK_NOW`) may date signatures.
    public var training: Bool
    /// The province and commune the ledger serves, named in its log's origin.
    public var province: String?
    public var commune: String?

    public init(keyPath: String? = nil, training: Bool = false, province: String? = nil, commune: String? = nil) {
        self.keyPath = keyPath
        self.training = training
        self.province = province
        self.commune = commune
    }
}

/// The SQLite ledger: dossiers, their procedures, and the append-only, hash-chained event log with
/// its Merkle tree. Every write runs inside `write` (BEGIN IMMEDIATE); every change to a dossier
/// appends its event in the same transaction, and every change to a covered table is listed, with
/// the row's digest, in a `rows` event at the end of the transaction (`CoveredTables.swift`). This
/// directory is the only place with SQL; one file per store.
public final class Ledger {
    let database: SQLiteDatabase
    let setup: LedgerSetup
    /// The reference data every rule of this ledger reads: its own tables, else the shipped ones.
    /// A commune table (thousands of rows) is read the first time a rule needs it, so commands
    /// that never look at communes do not pay for it.
    public var reference: ReferenceData {
        if let text = communeText {
            communeText = nil
            loadedReference.communes = try? CommuneTable(text: text, source: "ledger commune table")
        }
        return loadedReference
    }
    private var loadedReference: ReferenceData
    /// The ledger's commune table, not read yet.
    private var communeText: String?
    public private(set) var planner: ProcedurePlanner
    public static let genesisHash = String(repeating: "0", count: 64)
    /// The last event's sequence number and hash, known only while this process holds the write
    /// lock (inside `write`), so a batch does not look them up for every event.
    var chainHead: (seq: Int64, hash: String)?
    var writing = false
    /// Set during `withBackgroundCheckpoints`: each commit asks it for a checkpoint.
    private var checkpointer: BackgroundCheckpointer?
    /// The row changes of the current write transaction (writable ledgers with a log).
    var capture: RowCapture?
    /// The Merkle tree as this transaction extends it, read once per transaction.
    var transactionTree: MerkleTree<LedgerNodeStore>?
    /// The time and actor of the last event appended in this transaction: the `rows` events take them.
    var lastEvent: (at: Timestamp, actor: String)?
    /// Events become leaves of the Merkle tree (schema 10 on).
    var logEnabled = false
    // Made when first used: a read-only command that hashes nothing never loads libcrypto.
    lazy var merkleHasher = MerkleHasher()
    /// Each event's canonical form is written here and hashed with this, one event after another.
    var eventBody: [UInt8] = []
    lazy var eventHasher = SHA256Hasher()
    /// Who a transaction that appends no event of its own is recorded as (its `rows` events).
    public var defaultActor = "civlink"
    /// The clock when it is fixed (`CIVLINK_NOW`), for the `rows` events of such transactions.
    public var fixedNow: Timestamp?

    public var path: String { database.path }

    /// Opens an existing ledger, migrating an older schema. `create` makes a new one (mode 0600)
    /// and its ledger key (mode 0600, see `LedgerSetup.keyPath`).
    public init(path: String, create: Bool = false, readOnly: Bool = false, setup: LedgerSetup = LedgerSetup()) throws {
        self.setup = setup
        let exists = Files.exists(path)
        if create {
            if exists { throw Failure(.cannotCreate, "ledger \(path) exists already") }
            let key = setup.keyPath ?? LedgerKey.defaultPath(ledger: path)
            if Files.exists(key) { throw Failure(.cannotCreate, "ledger key \(key) exists already; a new ledger gets a key of its own") }
            let fd = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw Failure(.cannotCreate, "cannot create ledger \(path): \(Files.reason())") }
            Glibc.close(fd)
        } else if !exists {
            throw Failure(.ledgerMissing, "no ledger at \(path)", remedy: .createLedger)
        }
        if !readOnly && !SQLiteDatabase.hasPreupdateHook {
            throw Failure(.configuration, "this SQLite library was built without the preupdate hook (SQLITE_ENABLE_PREUPDATE_HOOK), which civlink needs to record every row change; install a build that has it (Debian's libsqlite3 does)")
        }
        database = try SQLiteDatabase(path: path, readOnly: readOnly)
        loadedReference = .embedded
        planner = ProcedurePlanner(calendar: loadedReference.calendar)
        if create { try database.execute("PRAGMA journal_mode = WAL") }
        try database.execute("PRAGMA foreign_keys = ON")
        try database.execute("PRAGMA synchronous = NORMAL")
        // Writers: duplicate checks and new rows touch random index pages, and a larger cache keeps
        // big batches from re-reading them. Readers (status, report) scan: SQLite's default 2 MB
        // cache recycles its pages, while a large one allocates fresh memory for every page a
        // 10M-procedure report reads, about 20% slower.
        if !readOnly { try database.execute("PRAGMA cache_size = -65536") }
        if !readOnly, try schemaVersion >= Migrations.log {
            try installRowCapture()
            logEnabled = true
        }
        try migrate(readOnly: readOnly)
        if capture != nil { try installRowCapture() }
        try loadSettings()
    }

    public var schemaVersion: Int {
        get throws { try database.scalar("PRAGMA user_version").int ?? 0 }
    }

    public static var latestSchemaVersion: Int { Migrations.latest }

    private func migrate(readOnly: Bool) throws {
        let current = try schemaVersion
        if current > Migrations.latest {
            throw Failure(.configuration, "ledger \(database.path) has schema version \(current), newer than this civlink understands (\(Migrations.latest)); use a newer civlink")
        }
        if current == Migrations.latest { return }
        if readOnly { throw Failure(.configuration, "ledger \(database.path) needs a schema migration; open it read-write once") }
        // A table rebuild runs with foreign keys off, which SQLite only allows outside a transaction.
        let rebuilds = Migrations.ordered.contains { $0.version > current && Migrations.rebuildsTables.contains($0.version) }
        if rebuilds { try database.execute("PRAGMA foreign_keys = OFF") }
        defer { if rebuilds { try? database.execute("PRAGMA foreign_keys = ON") } }
        try write {
            // Another process may have migrated while this one waited for the write lock.
            let now = try schemaVersion
            for migration in Migrations.ordered where migration.version > now {
                try database.execute(migration.sql)
                try database.execute("PRAGMA user_version = \(migration.version)")
                if migration.version == Migrations.replicas { try addReplicaColumns() }
                if migration.version == Migrations.log {
                    try startLog()
                    // Later migrations' row changes are recorded like any other.
                    try installRowCapture()
                    capture?.active = true
                }
            }
            if rebuilds, let broken = try database.queryFirst("PRAGMA foreign_key_check") {
                throw Failure(.ledgerCorrupt, "ledger \(database.path): the migration left a row of \(broken.string("table")) whose reference is broken; nothing was changed")
            }
        }
    }

    // MARK: Settings

    public func setting(_ key: String) throws -> String? {
        try database.scalar("SELECT value FROM settings WHERE key = ?", [.text(key)]).string
    }

    public func setSetting(_ key: String, _ value: String?) throws {
        try write { try storeSetting(key, value) }
        try loadSettings()
    }

    /// Writes a setting. Call inside `write`.
    func storeSetting(_ key: String, _ value: String?) throws {
        if let value {
            try database.run("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             [.text(key), .text(value)])
        } else {
            try database.run("DELETE FROM settings WHERE key = ?", [.text(key)])
        }
    }

    public func allSettings() throws -> [(String, String)] {
        try database.query("SELECT key, value FROM settings ORDER BY key").map { ($0.string("key"), $0.string("value")) }
    }

    func loadSettings() throws {
        (loadedReference, communeText) = try referenceFromSettings()
        var overrides: [String: Int] = [:]
        for (key, value) in try allSettings() where key.hasPrefix("deadline.") {
            overrides[String(key.dropFirst("deadline.".count))] = Int(value)
        }
        planner = ProcedurePlanner(calendar: loadedReference.calendar, deadlineOverrides: overrides)
    }

    /// Replaces the working calendar for this process only (a holiday file given for one run).
    public func useCalendar(_ calendar: WorkingCalendar) {
        loadedReference.calendar = calendar
        planner = ProcedurePlanner(calendar: calendar, deadlineOverrides: planner.deadlineOverrides)
    }

    // MARK: Transactions

    /// The one way to write: a write transaction (BEGIN IMMEDIATE) in which events are chained
    /// with the head read once. At the end, in the same transaction: the `rows` events of the
    /// covered rows it changed, the Merkle tree's new nodes, and the chain head.
    public func write<T>(_ body: () throws -> T) throws -> T {
        if writing { return try body() }
        defer { checkpointer?.request() }
        return try database.writeTransaction {
            writing = true
            chainHead = nil
            transactionTree = nil
            lastEvent = nil
            capture?.reset()
            capture?.active = true
            defer {
                writing = false
                chainHead = nil
                transactionTree = nil
                lastEvent = nil
                capture?.active = false
                capture?.reset()
            }
            let result = try body()
            try appendRowsEvents()
            try flushTree()
            if lastEvent != nil, let head = chainHead { try recordChainHead(seq: head.seq, hash: head.hash) }
            return result
        }
    }

    /// Runs `body` inside a savepoint of the current write transaction: if it throws, what it
    /// wrote is undone (and the event chain's head with it) and the transaction goes on. One item
    /// of a batch refused halfway leaves nothing behind. Call inside `write`.
    public func undoingOnError<T>(_ body: () throws -> T) throws -> T {
        precondition(writing, "savepoints are taken inside Ledger.write")
        let head = chainHead
        try database.execute("SAVEPOINT item")
        do {
            let result = try body()
            try database.execute("RELEASE item")
            return result
        } catch {
            try database.execute("ROLLBACK TO item")
            try database.execute("RELEASE item")
            chainHead = head
            throw error
        }
    }

    /// Runs `body` on one consistent snapshot of the ledger: what another process commits
    /// meanwhile is not seen.
    public func snapshot<T>(_ body: () throws -> T) throws -> T {
        if writing || database.isInTransaction { return try body() }
        return try database.readTransaction(body)
    }

    /// Runs a long bulk write (a batch registration, `sign --pending`) with the write-ahead log
    /// checkpointed on a thread of its own after each commit, instead of inside the commits of
    /// this connection, which is the one thread that can write.
    public func withBackgroundCheckpoints<T>(_ body: () throws -> T) throws -> T {
        guard checkpointer == nil else { return try body() }
        let started = BackgroundCheckpointer(path: database.path)
        try database.execute("PRAGMA wal_autocheckpoint = 0")
        checkpointer = started
        defer {
            started.stop()
            checkpointer = nil
            try? database.execute("PRAGMA wal_autocheckpoint = 1000")
        }
        return try body()
    }

    /// Keeps multi-row statements' journal in memory during a bulk write: it costs no file writes.
    public func withStatementJournalInMemory<T>(_ body: () throws -> T) throws -> T {
        try database.execute("PRAGMA temp_store = MEMORY")
        defer { try? database.execute("PRAGMA temp_store = DEFAULT") }
        return try body()
    }
}
