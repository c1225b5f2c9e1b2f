
/// What a report can be grouped by (combinable, in the order given).
public enum ReportDimension: String, Sendable, CaseIterable {
    case system, procedure, group, province, commune, month

    /// Dimensions of a procedure, not of a whole record: rows grouped by one of them count the
    /// systems' records (one per dossier and procedure), the others whole records (dossiers).
    public var isProcedureLevel: Bool { self == .system || self == .procedure }
}

/// What a report row counts.
public enum ReportUnit: String, Sendable {
    /// One per dossier and procedure (a system's record; civil status counts the registration).
    case procedures
    /// One per dossier: the whole record.
    case records
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

/// The figures of one report row. See civlink-report(1) for the exact definitions; a row counts
/// procedures or records (`ReportUnit`), with the same names.
public struct ReportCounts: Sendable, Equatable {
    /// Planned for the period's dossiers.
    public var planned = 0
    /// Received by the system: civil status at reception, the others once sent.
    public var received = 0
    /// Processed with the result returned (a record: registered, and every procedure processed).
    public var processed = 0
    /// Received, no result yet, and not returned, refused, cancelled, rejected or stuck.
    public var pending = 0
    /// Returned to the declarant to complete, within the time to do so.
    public var returned = 0
    /// Refused by the officer, or not completed in time.
    public var refused = 0
    /// Closed by a cancellation (or dropped by an amendment).
    public var cancelled = 0
    /// Records with a procedure running against its deadline whose local day is over (at report
    /// time), counted against the system that holds that procedure.
    public var overdue = 0
    public var rejected = 0
    public var stuck = 0
    /// Processed on or before the deadline's local day.
    public var onTime = 0
    /// Registrations made later than the law allows (60 days after a birth, 15 after a death):
    /// counted on the registration procedure, so a total counts late dossiers.
    public var late = 0

    public init() {}

    public static let names = ["planned", "received", "processed", "pending", "returned", "refused", "cancelled", "overdue", "rejected",
                               "stuck", "late", "on_time"]
    public var values: [Int] { [planned, received, processed, pending, returned, refused, cancelled, overdue, rejected, stuck, late, onTime] }

    init(values: [Int]) {
        (planned, received, processed, pending, returned, refused) = (values[0], values[1], values[2], values[3], values[4], values[5])
        (cancelled, overdue, rejected, stuck, late, onTime) = (values[6], values[7], values[8], values[9], values[10], values[11])
    }

    static func + (a: ReportCounts, b: ReportCounts) -> ReportCounts {
        ReportCounts(values: zip(a.values, b.values).map(+))
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

/// A report: figures by the chosen dimensions, and timing figures, for one scope. The rows count
/// `rowUnit`; the totals always count whole records (dossiers), as the national figures do.
public struct Report: Sendable {
    public let scope: ReportScope
    public let dimensions: [ReportDimension]
    public let generatedAt: Timestamp
    public let rows: [ReportRow]
    public let totals: ReportCounts
    public let timings: [TimingFigure]
    public var rowUnit: ReportUnit { dimensions.contains(where: \.isProcedureLevel) ? .procedures : .records }
    /// Whether the ledger has a commune table, so the commune dimension has names.
    public var communeNames = false

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
    /// The system that holds it: the agency that has it, else civil status (not sent yet, or
    /// waiting on a step of civil status), or the agency holding what it waits on.
    public let heldBy: String
}
