extension ReportDimension {
    /// The SQL expression of the dimension: fixed text, never a value (values are bound).
    var sql: String {
        switch self {
        case .system: return "p.agency"
        case .procedure: return "p.code"
        case .province: return "d.province"
        case .commune: return "d.commune"
        case .month: return "strftime('%Y-%m', d.received_at + 25200, 'unixepoch')"
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

extension ReportCounts {
    init(row: Row) {
        self.init()
        (planned, received, processed, pending) = (row.int("planned"), row.int("received"), row.int("processed"), row.int("pending"))
        (overdue, rejected, stuck, onTime) = (row.int("overdue"), row.int("rejected"), row.int("stuck"), row.int("on_time"))
        late = row.int("late")
    }
}

/// Reports read the ledger only: one GROUP BY over the period's dossiers and their procedures.
extension Ledger {
    /// Aggregates the ledger in SQL: one GROUP BY over the period's dossiers and their procedures.
    public func reportCounts(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> [ReportRow] {
        // Units are named by their codes of the day; a province or commune dimension also groups
        // by whether the record came before the 2025 units, to name (or map) them by that day.
        let byUnits = dimensions.contains(.province) || dimensions.contains(.commune)
        let keys = dimensions.enumerated().map { "\($1.sql) AS key\($0)" } + (byUnits ? ["d.received_at < ?6 AS before_units"] : [])
        let select = keys.isEmpty ? "" : keys.joined(separator: ", ") + ", "
        let group = keys.isEmpty ? "" : "GROUP BY " + keys.indices.map { "\($0 + 1)" }.joined(separator: ", ") +
            " ORDER BY " + keys.indices.map { "\($0 + 1)" }.joined(separator: ", ")
        let final = Ledger.finalStates
        let received = "(p.agency = 'civil-status' OR p.sent_at IS NOT NULL)"
        let sql = """
            SELECT \(select)count(*) AS planned,
                   sum(\(received)) AS received,
                   sum(p.state IN \(final)) AS processed,
                   sum(\(received) AND p.state IN \(ProcedureState.sqlList(ProcedureState.pendingStates))) AS pending,
                   sum(p.state NOT IN \(final) AND p.deadline < ?5) AS overdue,
                   sum(p.state = 'rejected') AS rejected,
                   sum(p.state = 'stuck') AS stuck,
                   sum(p.state IN \(final) AND date(p.completed_at + 25200, 'unixepoch') <= p.deadline) AS on_time,
                   sum(d.late = 1 AND p.code IN \(Ledger.registrationCodes)) AS late
            FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
            WHERE \(ReportScope.whereClause)
            \(group)
            """
        var rows: [ReportRow] = []
        try database.forEachRow(sql, scope.parameters(today: now.localDate, reference: reference)) { row in
            if dimensions.isEmpty && row.int("planned") == 0 { return }
            rows.append(ReportRow(keys: dimensions.indices.map { row.string("key\($0)") }, counts: ReportCounts(row: row),
                                  names: byUnits ? [row.int("before_units") == 1 ? "before" : ""] : []))
        }
        if byUnits { rows = inUnits(rows, dimensions: dimensions, units: scope.units) }
        if dimensions == [.system] {
            // Every system is listed, as in the national figures, even one that received nothing.
            let found = Dictionary(uniqueKeysWithValues: rows.map { ($0.keys[0], $0) })
            rows = Agency.allCases.map { found[$0.rawValue] ?? ReportRow(keys: [$0.rawValue], counts: ReportCounts()) }
        }
        return rows
    }

    /// Timing figures as histograms read from SQL (one row per distinct duration).
    public func reportTimings(_ scope: ReportScope) throws -> [TimingFigure] {
        let final = Ledger.finalStates
        let sql = """
            SELECT 'personal-id-return' AS metric, NULL AS agency, p.completed_at - d.registered_at AS seconds, count(*) AS n
              FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
             WHERE \(ReportScope.whereClause) AND p.code = 'personal-id' AND p.state IN \(final) AND p.completed_at IS NOT NULL
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
                 WHERE \(ReportScope.whereClause)
                 GROUP BY d.id
                HAVING sum(p.state NOT IN \(final) OR p.completed_at IS NULL) = 0)
             GROUP BY 3
            """
        var figures: [String: Distribution] = [:]
        try database.forEachRow(sql, scope.parameters(today: nil, reference: reference)) { row in
            let key = row.string("metric") + "|" + row.string("agency")
            figures[key, default: Distribution()].add(row["seconds"].int64 ?? 0, count: row.int("n"))
        }
        var result: [TimingFigure] = []
        let order: [(String, String?)] = [("personal-id-return", nil)]
            + Agency.sendable.map { ("answer", $0.rawValue) }
            + [("declaration-to-last-result", nil)]
        for (metric, agency) in order {
            result.append(TimingFigure(metric: metric, agency: agency, distribution: figures[metric + "|" + (agency ?? "")] ?? Distribution()))
        }
        return result
    }

    public func report(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> Report {
        var report = Report(scope: scope, dimensions: dimensions, generatedAt: now,
                            rows: try reportCounts(scope, by: dimensions, now: now), timings: try reportTimings(scope))
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

    /// Overdue procedures (not final, deadline's local day over), by commune, agency, deadline.
    /// `scope` nil covers every dossier in the province/commune regardless of when it was received.
    public func overdueProcedures(_ scope: ReportScope, allPeriods: Bool, now: Timestamp, _ body: (OverdueProcedure) throws -> Void) throws {
        let today = now.localDate
        var parameters = scope.parameters(today: today, reference: reference)
        if allPeriods { parameters[0] = .integer(Int64.min); parameters[1] = .integer(Int64.max) }
        try database.forEachRow("""
            SELECT d.commune, p.agency, p.code, d.id, p.state, p.deadline
              FROM procedures p JOIN dossiers d ON d.id = p.dossier_id
             WHERE p.state NOT IN \(Ledger.finalStates) AND p.deadline < ?5 AND \(ReportScope.whereClause)
             ORDER BY d.commune, p.agency, p.deadline, d.id, p.position
            """, parameters) { row in
            let deadline = CivilDate(row.string("deadline")) ?? today
            try body(OverdueProcedure(commune: row.string("commune"), agency: row.string("agency"), procedure: row.string("code"),
                                      dossier: row.string("id"), state: row.string("state"), deadline: deadline,
                                      workingDaysLate: reference.calendar.workingDays(from: deadline, to: today)))
        }
    }
}
