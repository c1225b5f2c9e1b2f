/// Dossiers: registering a validated declaration with its procedure plan, reading a dossier back,
/// and listing dossiers.
extension Ledger {
    /// Registers one validated declaration. Call inside `write`.
    public func register(_ declaration: Declaration, actor: String, now: Timestamp) throws -> DossierRecord {
        try write {
            let year = now.localDate.year
            let number = try database.scalar("""
                SELECT COALESCE(MAX(register_no), 0) + 1 AS next FROM dossiers WHERE grp = ? AND commune = ? AND register_year = ?
                """, [.text(declaration.group.rawValue), .text(declaration.commune), .integer(Int64(year))]).int ?? 1
            let benefit = DossierRecord.benefitJSON(declaration.options.benefit, group: declaration.group)
            // The unique indexes find duplicates: the insert is the first write of a registration, so
            // a refused insert leaves nothing behind, and the common case costs no extra look-ups.
            var id = DossierID.random(group: declaration.group, year: year)
            var attempts = 0
            while true {
                do {
                    try database.run("""
                        INSERT INTO dossiers(id, grp, province, commune, register_year, register_no, received_at, registered_at, event_date,
                                             late, duplicate_key, document_key, reference, declaration, benefit)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """, [
                        .text(id.text), .text(declaration.group.rawValue), .text(declaration.province), .text(declaration.commune),
                        .integer(Int64(year)), .integer(Int64(number)), .integer(declaration.receivedAt.seconds), .integer(now.seconds),
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
    }

    /// Throws the duplicate error naming the dossier that already holds this declaration's keys.
    private func refuseDuplicate(_ declaration: Declaration) throws {
        if let existing = try database.scalar("SELECT id FROM dossiers WHERE duplicate_key = ?", [.text(declaration.duplicateKey)]).string {
            throw DuplicateError(existingDossier: existing, reason: declaration.duplicateReason)
        }
        if let existing = try database.scalar("SELECT id FROM dossiers WHERE grp = ? AND document_key = ?",
                                              [.text(declaration.group.rawValue), .text(declaration.documentKey)]).string {
            throw DuplicateError(existingDossier: existing, reason: declaration.documentReason)
        }
    }

    // MARK: Reading

    static let dossierColumns = "id, grp, province, commune, register_year, register_no, received_at, registered_at, event_date, late, declaration, benefit"
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
        DossierRecord(
            id: row.string("id"), group: ProcedureGroup(rawValue: row.string("grp")) ?? .birth, province: row.string("province"),
            commune: row.string("commune"), registerYear: row.int("register_year"), registerNumber: row.int("register_no"),
            receivedAt: Timestamp(seconds: row["received_at"].int64 ?? 0), registeredAt: Timestamp(seconds: row["registered_at"].int64 ?? 0),
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
        public var overdueOnly = false
        public init() {}
    }

    /// One summary per dossier, oldest first, streamed.
    public func list(_ filter: ListFilter, now: Timestamp, _ body: (DossierSummary) throws -> Void) throws {
        let today = now.localDate
        try database.forEachRow("""
            SELECT d.id, d.grp, d.province, d.commune, d.register_year, d.register_no, d.received_at,
                   (SELECT group_concat(code || '=' || state || '=' || deadline, ',')
                      FROM (SELECT code, state, deadline FROM procedures WHERE dossier_id = d.id ORDER BY position)) AS procedures
            FROM dossiers d
            WHERE (?1 IS NULL OR d.grp = ?1)
              AND (?2 IS NULL OR d.commune = ?2)
              AND (?3 IS NULL OR EXISTS (SELECT 1 FROM procedures p WHERE p.dossier_id = d.id AND p.state = ?3))
              AND (?4 = 0 OR EXISTS (SELECT 1 FROM procedures p WHERE p.dossier_id = d.id
                                     AND p.state NOT IN \(Ledger.finalStates) AND p.deadline < ?5))
            ORDER BY d.received_at, d.rowid
            """, [SQLValue(filter.group?.rawValue), SQLValue(filter.commune), SQLValue(filter.state?.rawValue),
                  .integer(filter.overdueOnly ? 1 : 0), .text(today.description)]) { row in
            let procedures = row.string("procedures").split(separator: ",").map { entry -> (code: String, state: String, deadline: String) in
                let parts = entry.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
                return (parts[0], parts.count > 1 ? parts[1] : "", parts.count > 2 ? parts[2] : "")
            }
            try body(DossierSummary(id: row.string("id"), group: row.string("grp"), province: row.string("province"), commune: row.string("commune"),
                                    registerYear: row.int("register_year"), registerNumber: row.int("register_no"),
                                    receivedAt: Timestamp(seconds: row["received_at"].int64 ?? 0), procedures: procedures, today: today))
        }
    }

    /// Dossier ids, for completing them on a command line: newest first, at most `limit`.
    public func dossierIDs(limit: Int) throws -> [String] {
        try database.query("SELECT id FROM dossiers ORDER BY received_at DESC, rowid DESC LIMIT ?", [.integer(Int64(limit))]).map { $0.string("id") }
    }

    /// `('done', 'completed')`, for SQL: the final states of the state machine.
    static var finalStates: String { ProcedureState.sqlList(ProcedureState.finalStates) }
}
