/// Dossiers: registering a validated declaration with its procedure plan, reading a dossier back,
/// and listing dossiers.
extension Ledger {
    /// Registers one validated declaration at once (the desk's one step: received and
    /// registered). Call inside `write`, or alone.
    public func register(_ declaration: Declaration, actor: String, now: Timestamp) throws -> DossierRecord {
        try insertDossier(declaration, state: .registered, channel: .desk, actor: actor, now: now)
    }

    /// Records one validated declaration as received: the statutory clock starts at its
    /// `received_at`; no register number yet, nothing sent. Call inside `write`, or alone.
    public func receive(_ declaration: Declaration, channel: Channel, actor: String, now: Timestamp) throws -> DossierRecord {
        try insertDossier(declaration, state: .received, channel: channel, actor: actor, now: now)
    }

    /// The next number of a commune's register book for a group and year: numbers are never
    /// reused, since cancelled dossiers keep theirs. Call inside `write`.
    func nextRegisterNumber(group: ProcedureGroup, commune: String, year: Int) throws -> Int {
        try database.scalar("""
            SELECT COALESCE(MAX(register_no), 0) + 1 AS next FROM dossiers WHERE grp = ? AND commune = ? AND register_year = ?
            """, [.text(group.rawValue), .text(commune), .integer(Int64(year))]).int ?? 1
    }

    private func insertDossier(_ declaration: Declaration, state: DossierState, channel: Channel, actor: String, now: Timestamp) throws -> DossierRecord {
        try write {
            let registered = state == .registered
            let year = now.localDate.year
            let number = registered ? try nextRegisterNumber(group: declaration.group, commune: declaration.commune, year: year) : nil
            let benefit = DossierRecord.benefitJSON(declaration.options.benefit, group: declaration.group)
            // The unique indexes find duplicates: the insert is the first write of a registration, so
            // a refused insert leaves nothing behind, and the common case costs no extra look-ups.
            var id = DossierID.random(group: declaration.group, year: year)
            var attempts = 0
            while true {
                do {
                    try database.run("""
                        INSERT INTO dossiers(id, grp, state, channel, province, commune, register_year, register_no, received_at, registered_at,
                                             event_date, late, duplicate_key, document_key, reference, declaration, benefit)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [
                        .text(id.text), .text(declaration.group.rawValue), .text(state.rawValue), .text(channel.rawValue),
                        .text(declaration.province), .text(declaration.commune),
                        registered ? .integer(Int64(year)) : .null, SQLValue(number), .integer(declaration.receivedAt.seconds),
                        registered ? .integer(now.seconds) : .null,
                        .text(declaration.eventDate.description), .integer(declaration.late ? 1 : 0),
                        .text(declaration.duplicateKey), .text(declaration.documentKey), SQLValue(declaration.normalised["reference"]?.stringValue),
                        .text(declaration.normalisedText), .text(benefit.serialized()),
                    ])
                    break
                } catch let error as SQLiteError where error.isUniquenessViolation {
                    // Only a uniqueness violation can be a duplicate or a taken id; a CHECK or NOT
                    // NULL failure is a bug and is reported as one.
                    try refuseDuplicate(declaration)
                    // Neither key is taken, so the random id was: draw another.
                    attempts += 1
                    if attempts > 8 { throw Failure(.internalError, "could not draw a free dossier id") }
                    id = DossierID.random(group: declaration.group, year: year)
                }
            }
            let plan = planner.plan(for: declaration, intake: !registered)
            try insertProcedures(plan, dossier: id.text, now: now)
            var detail: [(String, JSON)] = []
            if registered {
                detail.append(("register", .object([("book", .string(declaration.group.rawValue)), ("year", .int(year)), ("number", .int(number!))])))
            } else {
                detail.append(("channel", .string(channel.rawValue)))
            }
            try storeSearchKeys(dossier: id.text, group: declaration.group, declaration: declaration.normalised, results: [:], isNew: true)
            detail.append(("procedures", .object(plan.map { ($0.kind.code, .string($0.state.rawValue)) })))
            try appendEvent(dossier: id.text, at: now, actor: actor, kind: registered ? "registered" : "received", procedure: nil, detail: .object(detail))
            return DossierRecord(id: id.text, declaration: declaration, state: state, channel: channel, registerYear: registered ? year : nil,
                                 registerNumber: number, registeredAt: registered ? now : nil,
                                 benefit: benefit, procedures: plan.map { ProcedureRecord(planned: $0, since: now) })
        }
    }

    /// Inserts planned procedures of a dossier. Call inside `write`.
    func insertProcedures(_ plan: [PlannedProcedure], dossier id: String, now: Timestamp, positions: [String: Int] = [:]) throws {
        for (index, step) in plan.enumerated() {
            try database.run("""
                INSERT INTO procedures(dossier_id, code, position, agency, state, waits_on, since, deadline_days, deadline,
                                       ready_at, completed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, [
                .text(id), .text(step.kind.code), .integer(Int64(positions[step.kind.code] ?? index)), .text(step.kind.agency.rawValue),
                .text(step.state.rawValue), .text(step.waitsOn.joined(separator: ",")), .integer(now.seconds),
                .integer(Int64(step.deadlineDays)), .text(step.deadline.description),
                step.state == .ready ? .integer(now.seconds) : .null,
                step.state.isFinal ? .integer(now.seconds) : .null,
            ])
        }
    }

    /// Throws the duplicate error naming the dossier that already holds this declaration's keys
    /// (a refused or cancelled dossier holds none; the conditions repeat the partial indexes').
    func refuseDuplicate(_ declaration: Declaration, except dossier: String? = nil) throws {
        let open = "state NOT IN \(Ledger.finalDossierStates)"
        if let existing = try database.scalar("SELECT id FROM dossiers WHERE duplicate_key = ? AND \(open) AND id IS NOT ?",
                                              [.text(declaration.duplicateKey), SQLValue(dossier)]).string {
            throw DuplicateError(existingDossier: existing, reason: declaration.duplicateReason)
        }
        if let existing = try database.scalar("SELECT id FROM dossiers WHERE grp = ? AND document_key = ? AND \(open) AND id IS NOT ?",
                                              [.text(declaration.group.rawValue), .text(declaration.documentKey), SQLValue(dossier)]).string {
            throw DuplicateError(existingDossier: existing, reason: declaration.documentReason)
        }
    }

    // MARK: Reading

    static let dossierColumns = "id, grp, state, channel, province, commune, register_year, register_no, received_at, registered_at, event_date, late, declaration, benefit"
    static let procedureColumns = "code, agency, state, waits_on, since, deadline_days, deadline, result"

    public func dossier(_ id: String) throws -> DossierRecord {
        guard let row = try database.queryFirst("SELECT \(Ledger.dossierColumns) FROM dossiers WHERE id = ?", [.text(id)]) else {
            throw Failure(.notFound, "no dossier \(id) in this ledger")
        }
        let procedures = try database.query("SELECT \(Ledger.procedureColumns) FROM procedures WHERE dossier_id = ? ORDER BY position",
                                            [.text(id)]).map(Ledger.procedure(from:))
        return try Ledger.dossier(from: row, procedures: procedures)
    }

    /// Whether the ledger holds a dossier with this id.
    public func hasDossier(_ id: String) throws -> Bool {
        try database.scalar("SELECT 1 FROM dossiers WHERE id = ?", [.text(id)]) != .null
    }

    public func dossierCount() throws -> Int {
        try database.scalar("SELECT count(*) FROM dossiers").int ?? 0
    }

    static func dossier(from row: Row, procedures: [ProcedureRecord]) throws -> DossierRecord {
        guard let state = DossierState(rawValue: row.string("state")) else {
            throw Failure(.ledgerCorrupt, "ledger holds an unknown dossier state '\(row.string("state"))'")
        }
        return DossierRecord(
            id: row.string("id"), group: ProcedureGroup(rawValue: row.string("grp")) ?? .birth, state: state,
            channel: Channel(rawValue: row.string("channel")) ?? .desk, province: row.string("province"),
            commune: row.string("commune"), registerYear: row["register_year"].int, registerNumber: row["register_no"].int,
            receivedAt: Timestamp(seconds: row["received_at"].int64 ?? 0), registeredAt: row.timestamp("registered_at"),
            eventDate: CivilDate(row.string("event_date")) ?? CivilDate(year: 1970, month: 1, day: 1)!, late: row.int("late") == 1,
            declaration: try JSONReader.parse(row["declaration"].string ?? "{}"), benefit: try JSONReader.parse(row["benefit"].string ?? "null"),
            procedures: procedures)
    }

    static func procedure(from row: Row) throws -> ProcedureRecord {
        guard let state = ProcedureState(rawValue: row.string("state")) else {
            throw Failure(.ledgerCorrupt, "ledger holds an unknown procedure state '\(row.string("state"))'")
        }
        return ProcedureRecord(
            code: row.string("code"), agency: row.string("agency"), state: state,
            waitsOn: row.string("waits_on").split(separator: ",").map(String.init), since: Timestamp(seconds: row["since"].int64 ?? 0),
            deadlineDays: row.int("deadline_days"), deadline: CivilDate(row.string("deadline")) ?? CivilDate(year: 1970, month: 1, day: 1)!,
            result: try row["result"].string.map { try JSONReader.parse($0) })
    }

    public struct ListFilter: Sendable {
        public var group: ProcedureGroup?
        public var commune: String?
        public var state: ProcedureState?
        /// Dossiers in this state, as stored (a returned file past its time is refused at the next write).
        public var dossierState: DossierState?
        public var overdueOnly = false
        public init() {}
    }

    /// One summary per dossier, oldest first, streamed.
    public func list(_ filter: ListFilter, now: Timestamp, _ body: (DossierSummary) throws -> Void) throws {
        let today = now.localDate
        try database.forEachRow("""
            SELECT d.id, d.grp, d.state, d.channel, d.province, d.commune, d.register_year, d.register_no, d.received_at,
                   (SELECT group_concat(code || '=' || state || '=' || deadline, ',')
                      FROM (SELECT code, state, deadline FROM procedures WHERE dossier_id = d.id ORDER BY position)) AS procedures
            FROM dossiers d
            WHERE (?1 IS NULL OR d.grp = ?1)
              AND (?2 IS NULL OR d.commune = ?2)
              AND (?3 IS NULL OR EXISTS (SELECT 1 FROM procedures p WHERE p.dossier_id = d.id AND p.state = ?3))
              AND (?4 = 0 OR EXISTS (SELECT 1 FROM procedures p WHERE p.dossier_id = d.id
                                     AND p.state IN \(Ledger.runningStates) AND p.state NOT IN \(Ledger.finalStates) AND p.deadline < ?5)
                          AND d.state NOT IN \(Ledger.pausedDossierStates))
              AND (?6 IS NULL OR d.state = ?6)
            ORDER BY d.received_at, d.rowid
            """, [SQLValue(filter.group?.rawValue), SQLValue(filter.commune), SQLValue(filter.state?.rawValue),
                  .integer(filter.overdueOnly ? 1 : 0), .text(today.description), SQLValue(filter.dossierState?.rawValue)]) { row in
            let procedures = row.string("procedures").split(separator: ",").map { entry -> (code: String, state: String, deadline: String) in
                let parts = entry.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "", parts.count > 2 ? parts[2] : "")
            }
            try body(DossierSummary(id: row.string("id"), group: row.string("grp"), state: row.string("state"), channel: row.string("channel"),
                                    province: row.string("province"), commune: row.string("commune"),
                                    registerYear: row["register_year"].int, registerNumber: row["register_no"].int,
                                    receivedAt: Timestamp(seconds: row["received_at"].int64 ?? 0), procedures: procedures, today: today))
        }
    }

    /// Dossier ids, for completing them on a command line: newest first, at most `limit`.
    public func dossierIDs(limit: Int) throws -> [String] {
        try database.query("SELECT id FROM dossiers ORDER BY received_at DESC, rowid DESC LIMIT ?", [.integer(Int64(limit))]).map { $0.string("id") }
    }

    /// `('done', 'completed', 'refused', 'cancelled')`, for SQL: the final states of the state
    /// machine, as the partial index procedures_open names them.
    static var finalStates: String { ProcedureState.sqlList(ProcedureState.finalStates) }
    /// The states a procedure can be overdue in.
    static var runningStates: String { ProcedureState.sqlList(ProcedureState.runningStates) }
    /// `('done', 'completed')`: processed, with the result returned.
    static var processedStates: String { ProcedureState.sqlList(ProcedureState.processedStates) }
    /// `('refused', 'cancelled')`, for SQL: the final dossier states, as the partial unique
    /// indexes on duplicate keys name them.
    static var finalDossierStates: String { DossierState.sqlList(DossierState.finalStates) }
    /// `('returned')`: dossiers with the declarant, whose procedures are not overdue.
    static var pausedDossierStates: String { DossierState.sqlList(DossierState.pausedStates) }
}
