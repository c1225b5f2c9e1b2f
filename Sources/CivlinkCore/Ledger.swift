import Foundation

/// The SQLite ledger: dossiers, their procedures, and the append-only, hash-chained event log.
/// Every write runs inside `BEGIN IMMEDIATE`; every change to a dossier appends its event in the
/// same transaction.
public final class Ledger {
    public let database: SQLiteDatabase
    public private(set) var reference: ReferenceData
    public private(set) var planner: ProcedurePlanner
    public static let genesisHash = String(repeating: "0", count: 64)
    /// The last event's sequence number and hash, known only while this process holds the write
    /// lock (inside `write`), so a batch does not look them up for every event.
    private var chainHead: (seq: Int64, hash: String)?
    private var writing = false
    /// Set during `withBackgroundCheckpoints`: each commit asks it for a checkpoint.
    private var checkpointer: BackgroundCheckpointer?

    /// Opens an existing ledger, migrating an older schema. `create` makes a new one (mode 0600).
    public init(path: String, create: Bool = false, readOnly: Bool = false) throws {
        let exists = FileManager.default.fileExists(atPath: path)
        if create {
            if exists { throw LedgerError("ledger \(path) exists already", exitCode: .cantCreate) }
            let fd = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw LedgerError("cannot create ledger \(path): \(String(cString: strerror(errno)))", exitCode: .cantCreate)
            }
            Glibc.close(fd)
        } else if !exists {
            throw LedgerError("no ledger at \(path); create one with 'civlink init' or name it with --ledger or CIVLINK_LEDGER",
                              exitCode: .noInput)
        }
        database = try SQLiteDatabase(path: path, readOnly: readOnly)
        reference = .embedded
        planner = ProcedurePlanner(calendar: reference.calendar)
        if create { try database.execute("PRAGMA journal_mode = WAL") }
        try database.execute("PRAGMA foreign_keys = ON")
        try database.execute("PRAGMA synchronous = NORMAL")
        // Writers: duplicate checks and new rows touch random index pages, and a larger cache keeps
        // big batches from re-reading them. Readers (status, report) scan: SQLite's default 2 MB
        // cache recycles its pages, while a large one allocates fresh memory for every page a
        // 10M-procedure report reads, about 20% slower.
        if !readOnly { try database.execute("PRAGMA cache_size = -65536") }
        try migrate(readOnly: readOnly)
        try loadSettings()
    }

    public var schemaVersion: Int {
        get throws { try database.scalar("PRAGMA user_version").int ?? 0 }
    }

    private func migrate(readOnly: Bool) throws {
        let current = try schemaVersion
        if current > Migrations.latest {
            throw LedgerError("ledger \(database.path) has schema version \(current), newer than this civlink understands (\(Migrations.latest)); use a newer civlink",
                              exitCode: .config)
        }
        if current == Migrations.latest { return }
        if readOnly { throw LedgerError("ledger \(database.path) needs a schema migration; open it read-write once", exitCode: .config) }
        try database.writeTransaction {
            // Another process may have migrated while this one waited for the write lock.
            let now = try schemaVersion
            for migration in Migrations.ordered where migration.version > now {
                try database.execute(migration.sql)
                try database.execute("PRAGMA user_version = \(migration.version)")
            }
        }
    }

    // MARK: Settings

    public func setting(_ key: String) throws -> String? {
        try database.scalar("SELECT value FROM settings WHERE key = ?", [.text(key)]).string
    }

    public func setSetting(_ key: String, _ value: String?) throws {
        try database.writeTransaction {
            if let value {
                try database.run("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                                 [.text(key), .text(value)])
            } else {
                try database.run("DELETE FROM settings WHERE key = ?", [.text(key)])
            }
        }
        try loadSettings()
    }

    public func allSettings() throws -> [(String, String)] {
        try database.query("SELECT key, value FROM settings ORDER BY key").map { ($0[0].string ?? "", $0[1].string ?? "") }
    }

    private func loadSettings() throws {
        if let holidays = try setting("holidays") {
            reference.calendar = try WorkingCalendar(text: holidays, source: "ledger setting 'holidays'")
        }
        var overrides: [String: Int] = [:]
        for (key, value) in try allSettings() where key.hasPrefix("deadline.") {
            overrides[String(key.dropFirst("deadline.".count))] = Int(value)
        }
        planner = ProcedurePlanner(calendar: reference.calendar, deadlineOverrides: overrides)
    }

    /// Replaces the working calendar for this process only (`--holidays FILE`).
    public func useCalendar(_ calendar: WorkingCalendar) {
        reference.calendar = calendar
        planner = ProcedurePlanner(calendar: calendar, deadlineOverrides: planner.deadlineOverrides)
    }

    /// Runs a long bulk write (a batch registration, `sign --pending`) with the write-ahead log
    /// checkpointed on a thread of its own after each commit, instead of inside the commits of
    /// this connection, which is the one thread that can write.
    public func withBackgroundCheckpoints<T>(_ body: () throws -> T) throws -> T {
        guard checkpointer == nil, let started = BackgroundCheckpointer(path: database.path) else { return try body() }
        try database.execute("PRAGMA wal_autocheckpoint = 0")
        checkpointer = started
        defer {
            started.stop()
            checkpointer = nil
            try? database.execute("PRAGMA wal_autocheckpoint = 1000")
        }
        return try body()
    }

    /// A write transaction (BEGIN IMMEDIATE) for ledger changes.
    public func write<T>(_ body: () throws -> T) throws -> T {
        defer { checkpointer?.request() }
        return try database.writeTransaction {
            writing = true
            chainHead = nil
            defer {
                writing = false
                chainHead = nil
            }
            let result = try body()
            // The chain head is recorded once per transaction, not once per event.
            if let head = chainHead { try recordChainHead(seq: head.seq, hash: head.hash) }
            return result
        }
    }

    /// The last event's number and hash, so `civlink audit verify` sees events deleted or added
    /// at the end of the chain.
    private func recordChainHead(seq: Int64, hash: String) throws {
        try database.run("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                         [.text(AuditChain.headSetting), .text("\(seq) \(hash)")])
    }

    // MARK: Events

    /// Appends an event to the hash chain. Call inside a write transaction.
    @discardableResult
    public func appendEvent(dossier: String, at: Timestamp, actor: String, kind: String, procedure: String?, detail: JSON) throws -> Int64 {
        try appendEvents([(dossier, kind, procedure, detail)], at: at, actor: actor)
    }

    /// Appends events to the hash chain in order, inserted a few dozen per statement. Call inside
    /// a write transaction. Returns the last event's sequence number.
    @discardableResult
    public func appendEvents(_ events: [(dossier: String, kind: String, procedure: String?, detail: JSON)], at: Timestamp,
                             actor: String) throws -> Int64 {
        var head: (seq: Int64, hash: String)
        if writing, let cached = chainHead {
            head = cached
        } else {
            let row = try database.query("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").first
            head = (Int64(row?[0].int ?? 0), row?[1].string ?? Ledger.genesisHash)
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
        if writing {
            chainHead = head
        } else {
            try recordChainHead(seq: head.seq, hash: head.hash)
        }
        return head.seq
    }

    public func events(of dossier: String) throws -> [LedgerEvent] {
        try database.query("SELECT seq, dossier_id, at, actor, kind, procedure, detail, prev_hash FROM events WHERE dossier_id = ? ORDER BY seq",
                           [.text(dossier)]).map(LedgerEvent.init(row:))
    }

    // MARK: Registering

    /// Registers one validated declaration. Call inside a write transaction.
    public func register(_ declaration: Declaration, actor: String, now: Timestamp) throws -> DossierRecord {
        let year = now.localDate.year
        let number = try database.scalar("SELECT COALESCE(MAX(register_no), 0) + 1 FROM dossiers WHERE grp = ? AND commune = ? AND register_year = ?",
                                         [.text(declaration.group.rawValue), .text(declaration.commune), .integer(Int64(year))]).int ?? 1
        let benefit = DossierRecord.benefitJSON(declaration.options.benefit, group: declaration.group)
        // The unique indexes find duplicates: the insert is the first write of a registration, so a
        // refused insert leaves nothing behind, and the common case costs no extra look-ups.
        var id = DossierID.random(group: declaration.group, year: year)
        var attempts = 0
        while true {
            do {
                try database.run("""
                    INSERT INTO dossiers(id, grp, province, commune, register_year, register_no, received_at, registered_at, event_date, late,
                                         duplicate_key, document_key, reference, declaration, benefit)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, [
                    .text(id.text), .text(declaration.group.rawValue), .text(declaration.province), .text(declaration.commune),
                    .integer(Int64(year)), .integer(Int64(number)), .integer(declaration.receivedAt.seconds), .integer(now.seconds),
                    .text(declaration.eventDate.description), .integer(declaration.late ? 1 : 0),
                    .text(declaration.duplicateKey), .text(declaration.documentKey), SQLValue(declaration.normalised["reference"]?.stringValue),
                    .text(declaration.normalisedText), .text(benefit.serialized()),
                ])
                break
            } catch is SQLiteConstraintError {
                try refuseDuplicate(declaration)
                // Neither key is taken, so the random id was: draw another.
                attempts += 1
                if attempts > 8 { throw LedgerError("could not draw a free dossier id", exitCode: .software) }
                id = DossierID.random(group: declaration.group, year: year)
            }
        }
        let plan = planner.plan(for: declaration)
        for (position, step) in plan.enumerated() {
            try database.run("""
                INSERT INTO procedures(dossier_id, code, position, agency, state, waits_on, since, deadline_days, deadline,
                                       ready_at, completed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                .text(id.text), .text(step.kind.code), .integer(Int64(position)), .text(step.kind.agency.rawValue), .text(step.state.rawValue),
                .text(step.waitsOn.joined(separator: ",")), .integer(now.seconds), .integer(Int64(step.deadlineDays)),
                .text(step.deadline.description),
                step.state == .ready ? .integer(now.seconds) : .null,
                step.state.isFinal ? .integer(now.seconds) : .null,
            ])
        }
        try appendEvent(dossier: id.text, at: now, actor: actor, kind: "registered", procedure: nil, detail: .object([
            ("register", .object([("book", .string(declaration.group.rawValue)), ("year", .int(year)), ("number", .int(number))])),
            ("procedures", .object(plan.map { ($0.kind.code, .string($0.state.rawValue)) })),
        ]))
        return DossierRecord(id: id.text, declaration: declaration, registerYear: year, registerNumber: number, registeredAt: now,
                             benefit: benefit, procedures: plan.map { ProcedureRecord(planned: $0, since: now) })
    }

    /// Throws the duplicate error naming the dossier that already holds this declaration's keys.
    private func refuseDuplicate(_ declaration: Declaration) throws {
        if let existing = try database.scalar("SELECT id FROM dossiers WHERE duplicate_key = ?", [.text(declaration.duplicateKey)]).string {
            throw DuplicateError(existingDossier: existing, reason: declaration.group == .birth
                ? "a birth with the same mother, date of birth and child's name"
                : "a death for the same personal ID number")
        }
        if let existing = try database.scalar("SELECT id FROM dossiers WHERE grp = ? AND document_key = ?",
                                              [.text(declaration.group.rawValue), .text(declaration.documentKey)]).string {
            throw DuplicateError(existingDossier: existing, reason: declaration.group == .birth
                ? "the same medical birth certificate number"
                : "a death for the same personal ID number")
        }
    }

    // MARK: Changing state

    /// Moves one procedure to `state`, records the event, and makes ready every waiting procedure
    /// of the dossier whose prerequisites are now all final. Call inside a write transaction.
    /// Every state change in civlink goes through here, so none is made without its event.
    /// `known` is the dossier's procedures as read in this transaction, when the caller has them.
    public func transition(dossier: String, procedure: String, to state: ProcedureState, actor: String, now: Timestamp,
                           result: JSON? = nil, detail: [(String, JSON)] = [], known: [ProcedureStatus]? = nil) throws {
        try transitionAll([Change(dossier: dossier, procedure: procedure, to: state, result: result, detail: detail)],
                          known: known.map { [dossier: $0] } ?? [:], actor: actor, now: now)
    }

    /// One change of a dossier's procedure for `transitionAll`.
    public struct Change: Sendable {
        public let dossier: String
        public let procedure: String
        public let state: ProcedureState
        public let result: JSON?
        public let detail: [(String, JSON)]
        public init(dossier: String, procedure: String, to state: ProcedureState, result: JSON? = nil, detail: [(String, JSON)] = []) {
            self.dossier = dossier
            self.procedure = procedure
            self.state = state
            self.result = result
            self.detail = detail
        }
    }

    /// `transition` for many dossiers (each at most once), with the same changes, releases and
    /// events in the same order, written with one UPDATE per procedure, state and result instead
    /// of one per dossier. `known` holds procedures as read in this transaction; a dossier not in
    /// it is read here. Call inside a write transaction.
    public func transitionAll(_ changes: [Change], known: [String: [ProcedureStatus]], actor: String, now: Timestamp) throws {
        var events: [(dossier: String, kind: String, procedure: String?, detail: JSON)] = []
        var updates: [String: (procedure: String, state: ProcedureState, result: String?, dossiers: [String])] = [:]
        var updateOrder: [String] = []
        let missing = changes.map(\.dossier).filter { known[$0] == nil }
        let read = missing.isEmpty ? [:] : try procedureStatuses(of: missing)
        for change in changes {
            var procedures = known[change.dossier] ?? read[change.dossier] ?? []
            for step in try plannedSteps(dossier: change.dossier, procedure: change.procedure, to: change.state, detail: change.detail,
                                         result: change.result, procedures: &procedures) {
                // A released procedure keeps its result; only the changed one takes the new result.
                let result = step.procedure == change.procedure ? change.result?.serialized() : nil
                let key = [step.procedure, step.state.rawValue, result ?? ""].joined(separator: "\u{0}")
                if updates[key] == nil {
                    updates[key] = (step.procedure, step.state, result, [])
                    updateOrder.append(key)
                }
                updates[key]!.dossiers.append(change.dossier)
                events.append((change.dossier, "state", step.procedure, step.detail))
            }
        }
        for key in updateOrder {
            let update = updates[key]!
            try database.run("""
                UPDATE procedures SET state = ?1, since = ?2, result = COALESCE(?3, result),
                       ready_at = CASE WHEN ?1 = 'ready' THEN ?2 ELSE ready_at END,
                       completed_at = CASE WHEN ?1 IN ('done', 'completed') THEN ?2 ELSE completed_at END
                WHERE code = ?4 AND dossier_id IN (SELECT value FROM json_each(?5))
                """, [.text(update.state.rawValue), .integer(now.seconds), SQLValue(update.result), .text(update.procedure),
                      .jsonList(update.dossiers)])
        }
        try appendEvents(events, at: now, actor: actor)
    }

    /// The state changes one transition makes, in order: the procedure itself, then each waiting
    /// procedure whose prerequisites are all final afterwards. Updates `procedures` to match.
    private func plannedSteps(dossier: String, procedure: String, to state: ProcedureState, detail: [(String, JSON)], result: JSON?,
                              procedures: inout [ProcedureStatus]) throws -> [(procedure: String, state: ProcedureState, detail: JSON)] {
        guard let index = procedures.firstIndex(where: { $0.code == procedure }) else {
            throw NotFoundError("dossier \(dossier) has no procedure \(procedure)")
        }
        var eventDetail: [(String, JSON)] = [("from", .string(procedures[index].state)), ("to", .string(state.rawValue))] + detail
        if let result { eventDetail.append(("result", result)) }
        var steps: [(procedure: String, state: ProcedureState, detail: JSON)] = [(procedure, state, .object(eventDetail))]
        procedures[index].state = state.rawValue
        guard state.isFinal else { return steps }
        let finals = Set(procedures.filter { ProcedureState(rawValue: $0.state)?.isFinal ?? false }.map(\.code))
        let planned = Set(procedures.map(\.code))
        for position in procedures.indices where procedures[position].state == ProcedureState.waiting.rawValue {
            let prerequisites = procedures[position].waitsOn.split(separator: ",").map(String.init).filter(planned.contains)
            if prerequisites.allSatisfy(finals.contains) {
                steps.append((procedures[position].code, .ready,
                              .object([("from", .string(procedures[position].state)), ("to", .string(ProcedureState.ready.rawValue))])))
                procedures[position].state = ProcedureState.ready.rawValue
            }
        }
        return steps
    }

    /// A procedure's state as `transition` needs it.
    public struct ProcedureStatus: Sendable {
        public let code: String
        public var state: String
        public let waitsOn: String
    }

    /// The procedures of `dossiers`, in plan order, read with one statement.
    public func procedureStatuses(of dossiers: [String]) throws -> [String: [ProcedureStatus]] {
        var statuses: [String: [ProcedureStatus]] = [:]
        let sql = "SELECT dossier_id, code, state, waits_on FROM procedures WHERE dossier_id IN (SELECT value FROM json_each(?)) ORDER BY dossier_id, position"
        try database.forEachRow(sql, [.jsonList(dossiers)]) { row in
            statuses[row[0].string ?? "", default: []].append(ProcedureStatus(code: row[1].string ?? "", state: row[2].string ?? "",
                                                                               waitsOn: row[3].string ?? ""))
        }
        return statuses
    }

    // MARK: Reading

    public func dossier(_ id: String) throws -> DossierRecord {
        let rows = try database.query("""
            SELECT id, grp, province, commune, register_year, register_no, received_at, registered_at, event_date, late, declaration, benefit
            FROM dossiers WHERE id = ?
            """, [.text(id)])
        guard let row = rows.first else { throw NotFoundError("no dossier \(id) in this ledger") }
        let procedures = try database.query("""
            SELECT code, agency, state, waits_on, since, deadline_days, deadline, result
            FROM procedures WHERE dossier_id = ? ORDER BY position
            """, [.text(id)]).map(ProcedureRecord.init(row:))
        return try DossierRecord(row: row, procedures: procedures)
    }

    public struct ListFilter: Sendable {
        public var group: ProcedureGroup?
        public var commune: String?
        public var state: ProcedureState?
        public var overdueOnly = false
        public init() {}
    }

    /// One summary per dossier, oldest first, streamed.
    public func list(_ filter: ListFilter, now: Timestamp, _ body: (DossierSummary) throws -> Void) throws {
        let today = now.localDate.description
        try database.forEachRow("""
            SELECT d.id, d.grp, d.province, d.commune, d.register_year, d.register_no, d.received_at,
                   (SELECT group_concat(code || '=' || state || '=' || deadline, ',')
                      FROM (SELECT code, state, deadline FROM procedures WHERE dossier_id = d.id ORDER BY position))
            FROM dossiers d
            WHERE (?1 IS NULL OR d.grp = ?1)
              AND (?2 IS NULL OR d.commune = ?2)
              AND (?3 IS NULL OR EXISTS (SELECT 1 FROM procedures p WHERE p.dossier_id = d.id AND p.state = ?3))
              AND (?4 = 0 OR EXISTS (SELECT 1 FROM procedures p WHERE p.dossier_id = d.id
                                     AND p.state NOT IN ('done', 'completed') AND p.deadline < ?5))
            ORDER BY d.received_at, d.rowid
            """, [SQLValue(filter.group?.rawValue), SQLValue(filter.commune), SQLValue(filter.state?.rawValue),
                  .integer(filter.overdueOnly ? 1 : 0), .text(today)]) { row in
            try body(DossierSummary(row: row, today: now.localDate))
        }
    }
}
