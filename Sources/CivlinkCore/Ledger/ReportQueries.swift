extension ReportDimension {
    /// The SQL expression of the dimension over dossiers `d` and procedures `p`: fixed text,
    /// never a value (values are bound).
    var sql: String {
        switch self {
        case .system: return "p.agency"
        case .procedure: return "p.code"
        case .group: return "d.grp"
        case .province: return "d.province"
        case .commune: return "d.commune"
        case .month: return "strftime('%Y-%m', d.received_at + 25200, 'unixepoch')"
        }
    }

    /// The expression over the per-record rows `r` of the records query.
    var recordSQL: String {
        switch self {
        case .system, .procedure: return "NULL"
        case .group: return "r.grp"
        case .province: return "r.province"
        case .commune: return "r.commune"
        case .month: return "strftime('%Y-%m', r.received_at + 25200, 'unixepoch')"
        }
    }

    /// The expression of the dimension for overdue procedures: the system is the one that holds
    /// the procedure (`ReportSQL.holder`), and a step counts against the record it is a step of.
    var overdueSQL: String {
        switch self {
        case .system: return ReportSQL.holder
        case .procedure: return ReportSQL.recordProcedure
        default: return sql
        }
    }
}

extension ReportScope {
    /// Bound parameters ?1...?8: [start instant, end instant), province, commune, today (for the
    /// queries that need it), the first instant of the 2025 units, and the province and commune
    /// codes of records before then that `province` and `commune` cover in the report's units.
    func parameters(today: CivilDate?, reference: ReferenceData) -> [SQLValue] {
        let start = Timestamp.endOfLocalDay(from.adding(days: -1)).seconds
        let end = Timestamp.endOfLocalDay(to).seconds
        let reorganised = Timestamp.endOfLocalDay(ProvinceTable.reorganisation.adding(days: -1)).seconds
        var formerProvinces = province.map { [$0] } ?? []
        var formerCommunes = commune.map { [$0] } ?? []
        if units == .current {
            if let province { formerProvinces = reference.provinces.formerProvinces(of: province) }
            if let commune, let communes = reference.communes { formerCommunes = communes.formerCommunes(of: commune) }
        }
        return [.integer(start), .integer(end), SQLValue(province), SQLValue(commune), SQLValue(today?.description),
                .integer(reorganised), .jsonList(formerProvinces), .jsonList(formerCommunes)]
    }

    /// The period and scope. A record received before the 2025 units is in the province or
    /// commune when its own code is one of those the scope's covers (?7, ?8).
    static let whereClause = """
        d.received_at >= ?1 AND d.received_at < ?2
        AND (?3 IS NULL OR (d.received_at >= ?6 AND d.province = ?3) OR (d.received_at < ?6 AND d.province IN (SELECT value FROM json_each(?7))))
        AND (?4 IS NULL OR (d.received_at >= ?6 AND d.commune = ?4) OR (d.received_at < ?6 AND d.commune IN (SELECT value FROM json_each(?8))))
        """
}

/// The report's SQL pieces made from the state machines and the catalogue: fixed text, never input.
enum ReportSQL {
    static func list(_ values: [String]) -> String { "(" + values.map { "'\($0)'" }.joined(separator: ", ") + ")" }
    static var processed: String { Ledger.processedStates }
    static var pending: String { ProcedureState.sqlList(ProcedureState.pendingStates) }
    static var cancelled: String { ProcedureState.sqlList(ProcedureState.cancelledStates) }
    static var withAgency: String { ProcedureState.sqlList(ProcedureState.withAgency) }
    static var registrations: String { list(ProcedureKind.registrations.map(\.code)) }
    static var steps: String { list(ProcedureKind.all.filter(\.isStep).map(\.code)) }
    static let civilStatus = "'\(Agency.civilStatus.rawValue)'"
    /// Received by its system: civil status receives at reception, the others once sent.
    static let received = "(p.agency = \(civilStatus) OR p.sent_at IS NOT NULL)"

    /// Who holds an open procedure: the agency that has its message and has not answered; for a
    /// procedure waiting on others, the agency holding them when only agencies do, else civil
    /// status (a registration not decided, a copy not signed, a message not sent); and civil
    /// status for everything else (ready, stuck, rejected: the commune must act).
    static var holder: String {
        let prerequisite = "q.dossier_id = p.dossier_id AND instr(',' || p.waits_on || ',', ',' || q.code || ',') > 0"
        return """
            (CASE WHEN p.state IN \(withAgency) THEN p.agency
                  WHEN p.state = '\(ProcedureState.waiting.rawValue)' AND NOT EXISTS (SELECT 1 FROM procedures q WHERE \(prerequisite)
                       AND q.state NOT IN \(processed) AND q.state NOT IN \(withAgency))
                  THEN COALESCE((SELECT q.agency FROM procedures q WHERE \(prerequisite) AND q.state IN \(withAgency) ORDER BY q.position LIMIT 1),
                                \(civilStatus))
                  ELSE \(civilStatus) END)
            """
    }

    /// The procedure a row counts an overdue procedure under: its own, or for a step (the signed
    /// copy) the registration of its record.
    static var recordProcedure: String {
        let birth = ProcedureKind.registration(of: .birth).code, death = ProcedureKind.registration(of: .death).code
        return "(CASE WHEN p.code IN \(steps) THEN (CASE d.grp WHEN '\(ProcedureGroup.birth.rawValue)' THEN '\(birth)' ELSE '\(death)' END) ELSE p.code END)"
    }
}

extension ReportCounts {
    init(row: Row) {
        self.init(values: ReportCounts.names.map { row.int($0) })
    }
}

/// Reports read the ledger only: GROUP BYs over the period's dossiers and their procedures.
extension Ledger {
    /// The figures by `dimensions`: procedures (one per dossier and procedure, steps left out)
    /// when a dimension is system or procedure, else whole records; overdue ones charged to the
    /// system that holds them.
    public func reportCounts(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> [ReportRow] {
        let procedureLevel = dimensions.contains(where: \.isProcedureLevel)
        // Units are named by their codes of the day; a province or commune dimension also groups
        // by whether the record came before the 2025 units (a last key, taken off below), to name
        // or map them by that day.
        let byUnits = Ledger.groupsByUnits(dimensions)
        var rows = procedureLevel ? try procedureCounts(scope, by: dimensions, now: now) : try recordCounts(scope, by: dimensions, now: now)
        if procedureLevel {
            // Overdue from the open procedures only (the partial index), under the system holding each.
            var byKey = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1.keys, $0) })
            for (keys, overdue) in try overdueCounts(scope, by: dimensions, now: now) {
                if let index = byKey[keys] {
                    var counts = rows[index].counts
                    counts.overdue = overdue
                    rows[index] = ReportRow(keys: keys, counts: counts)
                } else {
                    var counts = ReportCounts()
                    counts.overdue = overdue
                    byKey[keys] = rows.count
                    rows.append(ReportRow(keys: keys, counts: counts))
                }
            }
            rows.sort { $0.keys.lexicographicallyPrecedes($1.keys) }
        }
        if byUnits {
            rows = rows.map { row in
                ReportRow(keys: Array(row.keys.dropLast()), counts: row.counts, names: [row.keys.last == "1" ? "before" : ""])
            }
            rows = inUnits(rows, dimensions: dimensions, units: scope.units)
        }
        if dimensions == [.system] {
            // Every system is listed, as in the national figures, even one that received nothing.
            let found = Dictionary(uniqueKeysWithValues: rows.map { ($0.keys[0], $0) })
            rows = Agency.allCases.map { found[$0.rawValue] ?? ReportRow(keys: [$0.rawValue], counts: ReportCounts()) }
        }
        return rows
    }

    static func groupsByUnits(_ dimensions: [ReportDimension]) -> Bool { dimensions.contains(.province) || dimensions.contains(.commune) }

    /// The grouping keys of `dimensions`, with the before-2025-units flag last when they name units.
    private func groupingKeys(_ dimensions: [ReportDimension], _ expression: (ReportDimension) -> String, receivedAt: String) -> [String] {
        dimensions.map(expression) + (Ledger.groupsByUnits(dimensions) ? ["CAST(\(receivedAt) < ?6 AS TEXT)"] : [])
    }

    private func grouping(_ keys: [String]) -> (select: String, group: String) {
        let select = keys.enumerated().map { "\($1) AS key\($0)" }.joined(separator: ", ")
        let group = keys.isEmpty ? "" : "GROUP BY " + keys.indices.map { "\($0 + 1)" }.joined(separator: ", ")
        return (keys.isEmpty ? "" : select + ", ", group)
    }

    private func keys(of row: Row, _ count: Int) -> [String] { (0..<count).map { row.string("key\($0)") } }

    /// Procedures of the period's dossiers (steps left out: the signed copy is the result of the
    /// registration, not a record of its own), by dimension. Overdue is filled in separately.
    private func procedureCounts(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> [ReportRow] {
        let keyExpressions = groupingKeys(dimensions, \.sql, receivedAt: "d.received_at")
        let (select, group) = grouping(keyExpressions)
        let sql = """
            SELECT \(select)count(*) AS planned,
                   sum(\(ReportSQL.received)) AS received,
                   sum(p.state IN \(ReportSQL.processed)) AS processed,
                   sum(\(ReportSQL.received) AND p.state IN \(ReportSQL.pending)) AS pending,
                   sum(p.state = '\(ProcedureState.returned.rawValue)' AND p.deadline >= ?5) AS returned,
                   sum(p.state = '\(ProcedureState.refused.rawValue)' OR (p.state = '\(ProcedureState.returned.rawValue)' AND p.deadline < ?5)) AS refused,
                   sum(p.state IN \(ReportSQL.cancelled)) AS cancelled,
                   0 AS overdue,
                   sum(p.state = '\(ProcedureState.rejected.rawValue)') AS rejected,
                   sum(p.state = '\(ProcedureState.stuck.rawValue)') AS stuck,
                   sum(p.state = '\(ProcedureState.done.rawValue)' AND d.late = 1 AND p.code IN \(ReportSQL.registrations)) AS late,
                   sum(p.state IN \(ReportSQL.processed) AND date(p.completed_at + 25200, 'unixepoch') <= p.deadline) AS on_time
            FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
            WHERE \(ReportScope.whereClause) AND p.code NOT IN \(ReportSQL.steps)
            \(group)
            """
        var rows: [ReportRow] = []
        try database.forEachRow(sql, scope.parameters(today: now.localDate, reference: reference)) { row in
            rows.append(ReportRow(keys: keys(of: row, keyExpressions.count), counts: ReportCounts(row: row)))
        }
        return rows
    }

    /// Overdue records by dimension, the system being the one that holds each overdue procedure
    /// (a record counts once per row however many of its procedures are late there): read
    /// through the partial index over open procedures, whose condition the query repeats.
    private func overdueCounts(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> [([String], Int)] {
        let keyExpressions = groupingKeys(dimensions, \.overdueSQL, receivedAt: "d.received_at")
        let (select, group) = grouping(keyExpressions)
        let sql = """
            SELECT \(select)count(DISTINCT p.dossier_id) AS overdue
            FROM procedures p JOIN dossiers d ON d.id = p.dossier_id
            WHERE p.state IN \(Ledger.runningStates) AND p.state NOT IN \(Ledger.finalStates) AND p.deadline < ?5 AND \(ReportScope.whereClause)
              AND d.state NOT IN \(Ledger.pausedDossierStates)
            \(group)
            """
        var result: [([String], Int)] = []
        try database.forEachRow(sql, scope.parameters(today: now.localDate, reference: reference)) { row in
            result.append((keys(of: row, keyExpressions.count), row.int("overdue")))
        }
        return result
    }

    /// Whole records (dossiers) by the record dimensions (group, commune, month; none for the
    /// totals). A record is processed once registered with every procedure processed, pending
    /// while received or in progress; returned, refused and cancelled by its state (a returned
    /// file past its time is refused, computed from the clock).
    func recordCounts(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> [ReportRow] {
        let recordDimensions = dimensions.filter { !$0.isProcedureLevel }
        let keyExpressions = groupingKeys(recordDimensions, \.recordSQL, receivedAt: "r.received_at")
        let (select, group) = grouping(keyExpressions)
        let registered = "r.state = '\(DossierState.registered.rawValue)'"
        let done = "(\(registered) AND r.unprocessed = 0)"
        // Grouping by every column of dossiers_report in its order (the id last) makes one group
        // per dossier without sorting: the join already visits them in that order.
        let sql = """
            SELECT \(select)count(*) AS planned, count(*) AS received,
                   sum(\(done)) AS processed,
                   sum(r.state = '\(DossierState.received.rawValue)' OR (\(registered) AND r.unprocessed > 0)) AS pending,
                   sum(r.state = '\(DossierState.returned.rawValue)' AND r.expired = 0) AS returned,
                   sum(r.state = '\(DossierState.refused.rawValue)' OR (r.state = '\(DossierState.returned.rawValue)' AND r.expired = 1)) AS refused,
                   sum(r.state = '\(DossierState.cancelled.rawValue)') AS cancelled,
                   sum(r.overdue) AS overdue, sum(r.rejected) AS rejected, sum(r.stuck) AS stuck,
                   sum(r.late = 1 AND \(registered)) AS late,
                   sum(\(done) AND r.overran = 0) AS on_time
            FROM (SELECT d.grp AS grp, d.province AS province, d.commune AS commune, d.received_at AS received_at, d.state AS state, d.late AS late,
                         sum(p.state NOT IN \(ReportSQL.processed) AND p.state NOT IN \(ReportSQL.cancelled)) AS unprocessed,
                         max(p.state IN \(Ledger.runningStates) AND p.deadline < ?5 AND d.state NOT IN \(Ledger.pausedDossierStates)) AS overdue,
                         max(p.state = '\(ProcedureState.rejected.rawValue)') AS rejected, max(p.state = '\(ProcedureState.stuck.rawValue)') AS stuck,
                         max(p.state = '\(ProcedureState.returned.rawValue)' AND p.deadline < ?5) AS expired,
                         sum(p.state IN \(ReportSQL.processed) AND date(p.completed_at + 25200, 'unixepoch') > p.deadline) AS overran
                  FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
                  WHERE \(ReportScope.whereClause)
                  GROUP BY d.received_at, d.province, d.commune, d.grp, d.state, d.late, d.registered_at, d.id) r
            \(group)
            """
        var rows: [ReportRow] = []
        try database.forEachRow(sql, scope.parameters(today: now.localDate, reference: reference)) { row in
            if recordDimensions.isEmpty && row.int("planned") == 0 { return }
            rows.append(ReportRow(keys: keys(of: row, keyExpressions.count), counts: ReportCounts(row: row)))
        }
        return rows
    }

    /// Timing figures as histograms read from SQL (one row per distinct duration).
    public func reportTimings(_ scope: ReportScope) throws -> [TimingFigure] {
        let processed = Ledger.processedStates
        let sql = """
            SELECT 'personal-id-return' AS metric, NULL AS agency, p.completed_at - d.registered_at AS seconds, count(*) AS n
              FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
             WHERE \(ReportScope.whereClause) AND p.code = 'personal-id' AND p.state IN \(processed) AND p.completed_at IS NOT NULL
               AND d.registered_at IS NOT NULL
             GROUP BY 3
            UNION ALL
            SELECT 'registration-to-signed-copy', NULL, p.completed_at - d.registered_at, count(*)
              FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
             WHERE \(ReportScope.whereClause) AND p.code IN \(ReportSQL.steps) AND p.state IN \(processed) AND p.completed_at IS NOT NULL
               AND d.registered_at IS NOT NULL
             GROUP BY 3
            UNION ALL
            SELECT 'answer', p.agency, p.answered_at - p.sent_at, count(*)
              FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
             WHERE \(ReportScope.whereClause) AND p.sent_at IS NOT NULL AND p.answered_at IS NOT NULL
             GROUP BY 2, 3
            UNION ALL
            SELECT 'declaration-to-last-result', NULL, s, count(*) FROM (
                SELECT max(p.completed_at) - d.received_at AS s
                  FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
                 WHERE \(ReportScope.whereClause) AND d.state = '\(DossierState.registered.rawValue)' AND p.state NOT IN \(ReportSQL.cancelled)
                 GROUP BY d.received_at, d.province, d.commune, d.grp, d.state, d.late, d.registered_at, d.id
                HAVING sum(p.state NOT IN \(processed) OR p.completed_at IS NULL) = 0)
             GROUP BY 3
            """
        var figures: [String: Distribution] = [:]
        try database.forEachRow(sql, scope.parameters(today: nil, reference: reference)) { row in
            let key = row.string("metric") + "|" + row.string("agency")
            figures[key, default: Distribution()].add(row["seconds"].int64 ?? 0, count: row.int("n"))
        }
        var result: [TimingFigure] = []
        let order: [(String, String?)] = [("personal-id-return", nil), ("registration-to-signed-copy", nil)]
            + Agency.sendable.map { ("answer", $0.rawValue) }
            + [("declaration-to-last-result", nil)]
        for (metric, agency) in order {
            result.append(TimingFigure(metric: metric, agency: agency, distribution: figures[metric + "|" + (agency ?? "")] ?? Distribution()))
        }
        return result
    }

    public func report(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> Report {
        let totals = try recordCounts(scope, by: [], now: now).first?.counts ?? ReportCounts()
        var report = Report(scope: scope, dimensions: dimensions, generatedAt: now, rows: try reportCounts(scope, by: dimensions, now: now),
                            totals: totals, timings: try reportTimings(scope))
        report.communeNames = reference.communes != nil
        return report
    }

    /// `('birth-registration', 'death-registration')`: the registrations, on which late
    /// registrations are counted (fixed text from the catalogue).
    static var registrationCodes: String {
        "(" + ProcedureKind.all.filter(\.isRegistration).map { "'\($0.code)'" }.joined(separator: ", ") + ")"
    }

    /// Rows grouped by units of the day (and whether before the 2025 units) in the report's
    /// units, with the units' names: as of the record's day, or today's, a former province under
    /// its 2025 province and a former commune under its successor. Rows that name the same units
    /// are added together.
    func inUnits(_ rows: [ReportRow], dimensions: [ReportDimension], units: ReportUnits) -> [ReportRow] {
        let before = ProvinceTable.reorganisation.adding(days: -1), after = ProvinceTable.reorganisation
        var merged: [[String]: ReportRow] = [:]
        for row in rows {
            let day = row.name(0) == "before" ? before : after
            let named = units == .current ? after : day
            var keys = row.keys, names = Array(repeating: "", count: dimensions.count)
            for (index, dimension) in dimensions.enumerated() {
                switch dimension {
                case .province:
                    if units == .current { keys[index] = reference.provinces.currentProvince(keys[index], on: day) ?? keys[index] }
                    names[index] = reference.provinces.provinceName(keys[index], on: named) ?? ""
                case .commune:
                    guard let communes = reference.communes else { continue }
                    if units == .current { keys[index] = communes.currentCommune(keys[index], on: day) }
                    names[index] = communes.commune(keys[index], on: named)?.name ?? ""
                default: continue
                }
            }
            let key = keys + names
            merged[key] = ReportRow(keys: keys, counts: (merged[key]?.counts ?? ReportCounts()) + row.counts, names: names)
        }
        return merged.values.sorted { a, b in
            a.keys != b.keys ? a.keys.lexicographicallyPrecedes(b.keys) : a.names.lexicographicallyPrecedes(b.names)
        }
    }

    /// Overdue procedures (running, deadline's local day over), by commune, agency, deadline,
    /// with the system that holds each. `allPeriods` covers every dossier in the province or
    /// commune regardless of when it was received.
    public func overdueProcedures(_ scope: ReportScope, allPeriods: Bool, now: Timestamp, _ body: (OverdueProcedure) throws -> Void) throws {
        let today = now.localDate
        var parameters = scope.parameters(today: today, reference: reference)
        if allPeriods { parameters[0] = .integer(Int64.min); parameters[1] = .integer(Int64.max) }
        try database.forEachRow("""
            SELECT d.commune, p.agency, p.code, d.id, p.state, p.deadline, \(ReportSQL.holder) AS held_by
              FROM procedures p JOIN dossiers d ON d.id = p.dossier_id
             WHERE p.state IN \(Ledger.runningStates) AND p.state NOT IN \(Ledger.finalStates) AND p.deadline < ?5 AND \(ReportScope.whereClause)
               AND d.state NOT IN \(Ledger.pausedDossierStates)
             ORDER BY d.commune, p.agency, p.deadline, d.id, p.position
            """, parameters) { row in
            let deadline = CivilDate(row.string("deadline")) ?? today
            try body(OverdueProcedure(commune: row.string("commune"), agency: row.string("agency"), procedure: row.string("code"),
                                      dossier: row.string("id"), state: row.string("state"), deadline: deadline,
                                      workingDaysLate: reference.calendar.workingDays(from: deadline, to: today),
                                      heldBy: row.string("held_by")))
        }
    }
}
