
/// What a report can be grouped by (combinable, in the order given).
public enum ReportDimension: String, Sendable, CaseIterable {
    case system, procedure, commune, month
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

    public init() {}

    public static let names = ["planned", "received", "processed", "pending", "overdue", "rejected", "stuck", "on_time"]
    public var values: [Int] { [planned, received, processed, pending, overdue, rejected, stuck, onTime] }

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
