import Glibc

/// A calendar date with no time zone, as written in civil-status registers (YYYY-MM-DD).
public struct CivilDate: Comparable, Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
              (1...CivilDate.daysIn(month: month, year: year)).contains(day) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses exactly `YYYY-MM-DD`; nil for anything else, including dates that do not exist.
    public init?(_ text: String) {
        // On the bytes: dates are parsed for every declaration and every row of a commune list.
        guard text.utf8.count == 10 else { return nil }
        var values = [0, 0, 0], part = 0
        for (index, byte) in text.utf8.enumerated() {
            if index == 4 || index == 7 {
                guard byte == UInt8(ascii: "-") else { return nil }
                part += 1
            } else {
                guard (0x30...0x39).contains(byte) else { return nil }
                values[part] = values[part] * 10 + Int(byte - 0x30)
            }
        }
        self.init(year: values[0], month: values[1], day: values[2])
    }

    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public init(dayNumber z: Int) {
        let z = z + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    /// 1 = Monday ... 7 = Sunday.
    public var weekday: Int {
        let w = (dayNumber + 3) % 7  // 1970-01-01 was a Thursday
        return (w < 0 ? w + 7 : w) + 1
    }

    public var isWeekend: Bool { weekday >= 6 }

    public var description: String {
        pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    public static func < (a: CivilDate, b: CivilDate) -> Bool { a.dayNumber < b.dayNumber }

    /// Whole months from `self` to `later` (the age in months on `later`).
    public func monthsUntil(_ later: CivilDate) -> Int {
        var months = (later.year - year) * 12 + (later.month - month)
        if later.day < day { months -= 1 }
        return months
    }

    /// The same day `years` later; 29 February becomes 28 February in a common year.
    public func adding(years: Int) -> CivilDate {
        CivilDate(year: year + years, month: month, day: min(day, CivilDate.daysIn(month: month, year: year + years)))!
    }
}

/// An instant, read and written as RFC 3339 text. Vietnam keeps one offset all year (+07:00, no
/// daylight saving), which is the offset civlink writes and counts working days in.
public struct Timestamp: Comparable, Hashable, Sendable, CustomStringConvertible {
    public static let vietnamOffsetSeconds = 7 * 3600
    /// Seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    /// The clock: the real one, or `CIVLINK_NOW` (RFC 3339) for training, replays and tests.
    public static func now(environment: [String: String]) throws -> Timestamp {
        if let fixed = environment["CIVLINK_NOW"], !fixed.isEmpty {
            guard let stamp = Timestamp(fixed) else {
                throw Failure(.configuration, "CIVLINK_NOW: must be an RFC 3339 time such as 2026-11-20T09:30:00+07:00")
            }
            return stamp
        }
        return wallClock
    }

    /// The system clock, whatever `CIVLINK_NOW` says.
    public static var wallClock: Timestamp { Timestamp(seconds: Int64(MonotonicClock.wallSeconds())) }

    /// Whether the clock is fixed by `CIVLINK_NOW`.
    public static func isFixed(environment: [String: String]) -> Bool { !(environment["CIVLINK_NOW"] ?? "").isEmpty }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff](Z|+HH:MM|-HH:MM)`.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count >= 20, u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t") || u[10] == UInt8(ascii: " "),
              let date = CivilDate(String(decoding: u[0..<10], as: UTF8.self)) else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? {
            guard b <= u.count, u[a..<b].allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
            return Int(String(decoding: u[a..<b], as: UTF8.self))
        }
        guard u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let hh = num(11, 13), let mm = num(14, 16), let ss = num(17, 19),
              hh < 24, mm < 60, ss < 60 else { return nil }
        var i = 19
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < u.count, (0x30...0x39).contains(u[i]) { i += 1 }
            if i == start { return nil }
        }
        guard i < u.count else { return nil }
        var offset = 0
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            guard i + 1 == u.count else { return nil }
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            guard i + 6 == u.count, u[i + 3] == UInt8(ascii: ":"), let oh = num(i + 1, i + 3), let om = num(i + 4, i + 6),
                  oh < 24, om < 60 else { return nil }
            offset = (oh * 3600 + om * 60) * (u[i] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        seconds = Int64(date.dayNumber) * 86400 + Int64(hh * 3600 + mm * 60 + ss) - Int64(offset)
    }

    /// The local (Vietnam) calendar date.
    public var localDate: CivilDate {
        let local = seconds + Int64(Timestamp.vietnamOffsetSeconds)
        return CivilDate(dayNumber: Int(floorDiv(local, 86400)))
    }

    /// Seconds since local midnight.
    public var localSecondsOfDay: Int {
        let local = seconds + Int64(Timestamp.vietnamOffsetSeconds)
        return Int(local - floorDiv(local, 86400) * 86400)
    }

    /// RFC 3339 in Vietnam time, e.g. 2026-11-20T09:30:00+07:00.
    public var description: String {
        let s = localSecondsOfDay
        return "\(localDate)T" + pad(s / 3600, 2) + ":" + pad(s / 60 % 60, 2) + ":" + pad(s % 60, 2) + "+07:00"
    }

    /// Shorter form for tables: 2026-11-20 09:30.
    public var shortDescription: String {
        let s = localSecondsOfDay
        return "\(localDate) " + pad(s / 3600, 2) + ":" + pad(s / 60 % 60, 2)
    }

    /// The first instant of the local day after `date`: a deadline ends there.
    public static func endOfLocalDay(_ date: CivilDate) -> Timestamp {
        Timestamp(seconds: Int64(date.dayNumber + 1) * 86400 - Int64(vietnamOffsetSeconds))
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.seconds < b.seconds }
}

private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
