
/// What a report can be grouped by (combinable, in the order given).
public enum ReportDimension: String, Sendable, CaseIterable {
    case system, procedure, province, commune, month
}

/// Which administrative units a report counts records in (the 2025 reorganisation: 63 provinces
/// became 34, communes got new codes): those of the day the record's file was received, or
/// today's, a former province counted under the 2025 province it belongs to (provinces.tsv) and
/// a former commune under its successor in the commune table.
public enum ReportUnits: String, Sendable, CaseIterable {
    case asOf = "as-of"
    case current
}

/// Which dossiers a report covers: those whose complete file reached the desk (`received_at`)
/// between `from` and `to` (local dates, both included), in a province or commune.
public struct ReportScope: Sendable {
    public var from: CivilDate
    public var to: CivilDate
    public var province: String?
    public var commune: String?
    /// The units `province`, `commune` and the rows name.
    public var units: ReportUnits = .current

    public init(from: CivilDate, to: CivilDate, province: String? = nil, commune: String? = nil, units: ReportUnits = .current) {
        self.from = from
        self.to = to
        self.province = province
        self.commune = commune
        self.units = units
    }

    /// The first and last calendar day of the month `now` falls in (local time).
    public static func month(of now: Timestamp) -> (CivilDate, CivilDate) {
        let today = now.localDate
        let first = CivilDate(year: today.year, month: today.month, day: 1)!
        let last = CivilDate(year: today.year, month: today.month, day: CivilDate.daysIn(month: today.month, year: today.year))!
        return (first, last)
    }

    /// Every month `from`...`to` touches, as YYYY-MM.
    public var months: [String] {
        var result: [String] = []
        var (y, m) = (from.year, from.month)
        while (y, m) <= (to.year, to.month) {
            result.append(pad(y, 4) + "-" + pad(m, 2))
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
    /// Registrations made later than the law allows (60 days after a birth, 15 after a death):
    /// counted on the registration procedure, so a total counts late dossiers.
    public var late = 0

    public init() {}

    public static let names = ["planned", "received", "processed", "pending", "overdue", "rejected", "stuck", "on_time", "late"]
    public var values: [Int] { [planned, received, processed, pending, overdue, rejected, stuck, onTime, late] }

    static func + (a: ReportCounts, b: ReportCounts) -> ReportCounts {
        var c = ReportCounts()
        c.planned = a.planned + b.planned; c.received = a.received + b.received; c.processed = a.processed + b.processed
        c.pending = a.pending + b.pending; c.overdue = a.overdue + b.overdue; c.rejected = a.rejected + b.rejected
        c.stuck = a.stuck + b.stuck; c.onTime = a.onTime + b.onTime; c.late = a.late + b.late
        return c
    }
}

public struct ReportRow: Sendable {
    /// One value per dimension, in the order of `Report.dimensions`.
    public let keys: [String]
    public let counts: ReportCounts
    /// The unit's name for the province and commune dimensions (of the units the report uses),
    /// "" for the others or when unknown.
    public var names: [String] = []

    public init(keys: [String], counts: ReportCounts, names: [String] = []) {
        self.keys = keys
        self.counts = counts
        self.names = names
    }

    public func name(_ index: Int) -> String { index < names.count ? names[index] : "" }
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
    /// Whether the ledger has a commune table, so the commune dimension has names.
    public var communeNames = false
    public var totals: ReportCounts { rows.reduce(ReportCounts()) { $0 + $1.counts } }

    /// The dimensions shown with a name column beside their code.
    public func hasNameColumn(_ dimension: ReportDimension) -> Bool {
        dimension == .province || (dimension == .commune && communeNames)
    }
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
