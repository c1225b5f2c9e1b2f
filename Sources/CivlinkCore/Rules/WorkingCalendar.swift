
/// Working days: Monday to Friday, less public holidays, plus weekend days the government swaps
/// in as working days. Statutory time limits are counted on it.
public struct WorkingCalendar: Sendable {
    public let holidays: Set<CivilDate>
    public let extraWorkdays: Set<CivilDate>
    public let source: String
    /// The holiday file as read, so a ledger can keep the calendar it was given.
    public let text: String
    /// A file that reaches the officer at or after this local hour counts from the next working day.
    public let cutoffHour = 15

    public static let embedded: WorkingCalendar = try! WorkingCalendar(text: EmbeddedData.holidays, source: "embedded holidays 2023-2027")

    public init(text: String, source: String) throws {
        let table = try ReferenceTable(text: text, source: source, requiredColumns: ["date", "kind"])
        var holidays = Set<CivilDate>()
        var workdays = Set<CivilDate>()
        for row in table.rows {
            guard let date = CivilDate(table.value("date", row.fields)) else {
                throw Failure(.configuration, "\(source) line \(row.line): date must be a real date YYYY-MM-DD")
            }
            switch table.value("kind", row.fields) {
            case "holiday": holidays.insert(date)
            case "workday": workdays.insert(date)
            default: throw Failure(.configuration, "\(source) line \(row.line): kind must be holiday or workday")
            }
        }
        self.holidays = holidays
        self.extraWorkdays = workdays
        self.source = source
        self.text = text
    }

    public static func load(path: String) throws -> WorkingCalendar {
        try WorkingCalendar(text: try ReferenceTable.text(path: path), source: path)
    }

    public func isWorkingDay(_ date: CivilDate) -> Bool {
        if holidays.contains(date) { return false }
        return !date.isWeekend || extraWorkdays.contains(date)
    }

    public func nextWorkingDay(onOrAfter date: CivilDate) -> CivilDate {
        var d = date
        while !isWorkingDay(d) { d = d.adding(days: 1) }
        return d
    }

    /// The working day a file received at `instant` counts from: the same day if it is a working
    /// day and the file came before the cut-off, else the next working day.
    public func startDay(receivedAt instant: Timestamp) -> CivilDate {
        let date = instant.localDate
        if isWorkingDay(date) && instant.localSecondsOfDay < cutoffHour * 3600 { return date }
        return nextWorkingDay(onOrAfter: date.adding(days: 1))
    }

    /// `days` working days after the working day `start` (0 gives `start` itself).
    public func adding(workingDays days: Int, to start: CivilDate) -> CivilDate {
        var d = nextWorkingDay(onOrAfter: start)
        var left = days
        while left > 0 {
            d = d.adding(days: 1)
            if isWorkingDay(d) { left -= 1 }
        }
        return d
    }

    /// Working days strictly after `from` up to and including `to` (0 when `to` <= `from`).
    public func workingDays(from: CivilDate, to: CivilDate) -> Int {
        guard from < to else { return 0 }
        var count = 0
        var d = from.adding(days: 1)
        while d <= to {
            if isWorkingDay(d) { count += 1 }
            d = d.adding(days: 1)
        }
        return count
    }
}
