import Foundation

/// What a report can be grouped by (combinable, in the order given).
public enum ReportDimension: String, Sendable, CaseIterable {
    case system, procedure, commune, month

    /// The SQL expression of the dimension: fixed text, never a value (values are bound).
    var sql: String {
        switch self {
        case .system: return "p.agency"
        case .procedure: return "p.code"
        case .commune: return "d.commune"
        case .month: return "strftime('%Y-%m', d.received_at + 25200, 'unixepoch')"
        }
    }
}

/// Which dossiers a report covers: those whose complete file reached the desk (`received_at`)
/// between `from` and `to` (local dates, both included), in a province or commune.
public struct ReportScope: Sendable {
    public var from: CivilDate
    public var to: CivilDate
    public var province: String?
    public var commune: String?

    public init(from: CivilDate, to: CivilDate, province: String? = nil, commune: String? = nil) {
        self.from = from
        self.to = to
        self.province = province
        self.commune = commune
    }

    /// The first and last calendar day of the month `now` falls in (local time).
    public static func month(of now: Timestamp) -> (CivilDate, CivilDate) {
        let today = now.localDate
        let first = CivilDate(year: today.year, month: today.month, day: 1)!
        let last = CivilDate(year: today.year, month: today.month, day: CivilDate.daysIn(month: today.month, year: today.year))!
        return (first, last)
    }

    /// Bound parameters ?1...?4: [start instant, end instant), province, commune.
    var parameters: [SQLValue] {
        let start = Timestamp.endOfLocalDay(from.adding(days: -1)).seconds
        let end = Timestamp.endOfLocalDay(to).seconds
        return [.integer(start), .integer(end), SQLValue(province), SQLValue(commune)]
    }

    static let whereClause = "d.received_at >= ?1 AND d.received_at < ?2 AND (?3 IS NULL OR d.province = ?3) AND (?4 IS NULL OR d.commune = ?4)"

    /// Every month `from`...`to` touches, as YYYY-MM.
    public var months: [String] {
        var result: [String] = []
        var (y, m) = (from.year, from.month)
        while (y, m) <= (to.year, to.month) {
            result.append(String(format: "%04d-%02d", y, m))
            m += 1
            if m == 13 { (y, m) = (y + 1, 1) }
        }
        return result
    }
}

/// The figures of one report row. See civlink-report(1) for the exact definitions.
public struct ReportCounts: Sendable, Equatable {
    /// Procedures planned for the period's dossiers.
    public var planned = 0
    /// Received by the procedure's system: civil status at registration, the others once sent.
    public var received = 0
    /// Processed with the result returned: final state (done or completed).
    public var processed = 0
    /// Received, no result yet, neither rejected nor stuck.
    public var pending = 0
    /// Not final and the deadline's local day is over (at report time).
    public var overdue = 0
    public var rejected = 0
    public var stuck = 0
    /// Processed on or before the deadline's local day.
    public var onTime = 0

    public init() {}

    public static let names = ["planned", "received", "processed", "pending", "overdue", "rejected", "stuck", "on_time"]
    public var values: [Int] { [planned, received, processed, pending, overdue, rejected, stuck, onTime] }

    init(row: ArraySlice<SQLValue>) {
        let v = row.map { $0.int ?? 0 }
        (planned, received, processed, pending, overdue, rejected, stuck, onTime) = (v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7])
    }

    static func + (a: ReportCounts, b: ReportCounts) -> ReportCounts {
        var c = ReportCounts()
        c.planned = a.planned + b.planned; c.received = a.received + b.received; c.processed = a.processed + b.processed
        c.pending = a.pending + b.pending; c.overdue = a.overdue + b.overdue; c.rejected = a.rejected + b.rejected
        c.stuck = a.stuck + b.stuck; c.onTime = a.onTime + b.onTime
        return c
    }
}

public struct ReportRow: Sendable {
    /// One value per dimension, in the order of `Report.dimensions`.
    public let keys: [String]
    public let counts: ReportCounts
}

/// A timing figure: the distribution of one duration over the period's dossiers.
public struct TimingFigure: Sendable {
    /// personal-id-return, answer (per agency), declaration-to-last-result.
    public let metric: String
    public let agency: String?
    public let distribution: Distribution
}

/// A report: figures by the chosen dimensions, and timing figures, for one scope.
public struct Report: Sendable {
    public let scope: ReportScope
    public let dimensions: [ReportDimension]
    public let generatedAt: Timestamp
    public let rows: [ReportRow]
    public let timings: [TimingFigure]
    public var totals: ReportCounts { rows.reduce(ReportCounts()) { $0 + $1.counts } }
}

public struct OverdueProcedure: Sendable {
    public let commune: String
    public let agency: String
    public let procedure: String
    public let dossier: String
    public let state: String
    public let deadline: CivilDate
    /// Working days since the deadline, counted on the ledger's calendar.
    public let workingDaysLate: Int
}

extension Ledger {
    /// Aggregates the ledger in SQL: one GROUP BY over the period's dossiers and their procedures.
    public func reportCounts(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> [ReportRow] {
        let keys = dimensions.map(\.sql)
        let select = keys.isEmpty ? "" : keys.joined(separator: ", ") + ", "
        let group = keys.isEmpty ? "" : "GROUP BY " + keys.indices.map { "\($0 + 1)" }.joined(separator: ", ") +
            " ORDER BY " + keys.indices.map { "\($0 + 1)" }.joined(separator: ", ")
        let sql = """
            SELECT \(select)count(*),
                   sum(p.agency = 'civil-status' OR p.sent_at IS NOT NULL),
                   sum(p.state IN ('done', 'completed')),
                   sum((p.agency = 'civil-status' OR p.sent_at IS NOT NULL) AND p.state IN ('waiting', 'ready', 'sent', 'accepted')),
                   sum(p.state NOT IN ('done', 'completed') AND p.deadline < ?5),
                   sum(p.state = 'rejected'),
                   sum(p.state = 'stuck'),
                   sum(p.state IN ('done', 'completed') AND date(p.completed_at + 25200, 'unixepoch') <= p.deadline)
            FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
            WHERE \(ReportScope.whereClause)
            \(group)
            """
        var rows: [ReportRow] = []
        try database.forEachRow(sql, scope.parameters + [.text(now.localDate.description)]) { row in
            if dimensions.isEmpty && (row[0].int ?? 0) == 0 { return }
            rows.append(ReportRow(keys: row[0..<keys.count].map { $0.string ?? "" }, counts: ReportCounts(row: row[keys.count...])))
        }
        if dimensions == [.system] {
            // Every system is listed, as in the national figures, even one that received nothing.
            let found = Dictionary(uniqueKeysWithValues: rows.map { ($0.keys[0], $0) })
            rows = Agency.allCases.map { found[$0.rawValue] ?? ReportRow(keys: [$0.rawValue], counts: ReportCounts()) }
        }
        return rows
    }

    /// Timing figures as histograms read from SQL (one row per distinct duration).
    public func reportTimings(_ scope: ReportScope) throws -> [TimingFigure] {
        let sql = """
            SELECT 'personal-id-return', NULL, p.completed_at - d.registered_at AS s, count(*)
              FROM dossiers d JOIN procedures p ON p.dossier_id = d.id
             WHERE \(ReportScope.whereClause) AND p.code = 'personal-id' AND p.state IN ('done', 'completed') AND p.completed_at IS NOT NULL
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
                HAVING sum(p.state NOT IN ('done', 'completed') OR p.completed_at IS NULL) = 0)
             GROUP BY 3
            """
        var figures: [String: Distribution] = [:]
        try database.forEachRow(sql, scope.parameters) { row in
            let key = (row[0].string ?? "") + "|" + (row[1].string ?? "")
            figures[key, default: Distribution()].add(Int64(row[2].int ?? 0), count: row[3].int ?? 0)
        }
        var result: [TimingFigure] = []
        let order: [(String, String?)] = [("personal-id-return", nil)]
            + Agency.allCases.filter { $0 != .civilStatus }.map { ("answer", $0.rawValue) }
            + [("declaration-to-last-result", nil)]
        for (metric, agency) in order {
            result.append(TimingFigure(metric: metric, agency: agency, distribution: figures[metric + "|" + (agency ?? "")] ?? Distribution()))
        }
        return result
    }

    public func report(_ scope: ReportScope, by dimensions: [ReportDimension], now: Timestamp) throws -> Report {
        Report(scope: scope, dimensions: dimensions, generatedAt: now,
               rows: try reportCounts(scope, by: dimensions, now: now), timings: try reportTimings(scope))
    }

    /// Overdue procedures (not final, deadline's local day over), by commune, agency, deadline.
    /// `scope` nil covers every dossier in the province/commune regardless of when it was received.
    public func overdueProcedures(_ scope: ReportScope, allPeriods: Bool, now: Timestamp, _ body: (OverdueProcedure) throws -> Void) throws {
        let today = now.localDate
        var parameters = scope.parameters
        if allPeriods { parameters[0] = .integer(Int64.min); parameters[1] = .integer(Int64.max) }
        try database.forEachRow("""
            SELECT d.commune, p.agency, p.code, d.id, p.state, p.deadline
              FROM procedures p JOIN dossiers d ON d.id = p.dossier_id
             WHERE p.state NOT IN ('done', 'completed') AND p.deadline < ?5 AND \(ReportScope.whereClause)
             ORDER BY d.commune, p.agency, p.deadline, d.id, p.position
            """, parameters + [.text(today.description)]) { row in
            let deadline = CivilDate(row[5].string ?? "") ?? today
            try body(OverdueProcedure(commune: row[0].string ?? "", agency: row[1].string ?? "", procedure: row[2].string ?? "",
                                      dossier: row[3].string ?? "", state: row[4].string ?? "", deadline: deadline,
                                      workingDaysLate: reference.calendar.workingDays(from: deadline, to: today)))
        }
    }
}
