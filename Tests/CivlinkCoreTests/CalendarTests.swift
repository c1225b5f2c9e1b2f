@testable import CivlinkCore
import XCTest

final class CalendarTests: XCTestCase {
    let calendar = WorkingCalendar.embedded

    func date(_ s: String) -> CivilDate { CivilDate(s)! }

    func testCivilDateArithmetic() {
        XCTAssertNil(CivilDate("2025-02-29"))
        XCTAssertNotNil(CivilDate("2024-02-29"))
        XCTAssertNil(CivilDate("2026-1-05"))
        XCTAssertEqual(date("1970-01-01").dayNumber, 0)
        XCTAssertEqual(CivilDate(dayNumber: date("2026-11-20").dayNumber), date("2026-11-20"))
        XCTAssertEqual(date("2026-11-20").weekday, 5)  // Friday
        XCTAssertEqual(date("2020-01-31").monthsUntil(date("2026-01-30")), 71)
        XCTAssertEqual(date("2020-01-31").monthsUntil(date("2026-01-31")), 72)
    }

    func testWorkingDaysSkipWeekendsAndTet() {
        // Tet 2026: 16-20 February off; Friday 13 + 1 working day is Monday 23.
        XCTAssertEqual(calendar.adding(workingDays: 1, to: date("2026-02-13")), date("2026-02-23"))
        XCTAssertEqual(calendar.adding(workingDays: 5, to: date("2026-02-12")), date("2026-02-26"))
        XCTAssertFalse(calendar.isWorkingDay(date("2026-02-17")))
        XCTAssertEqual(calendar.workingDays(from: date("2026-02-13"), to: date("2026-02-23")), 1)
        // A weekend day swapped in as a working day counts.
        XCTAssertTrue(calendar.isWorkingDay(date("2024-05-04")))
    }

    func testStartDayCutOffAndDaysOff() {
        XCTAssertEqual(calendar.startDay(receivedAt: Timestamp("2026-11-20T14:59:59+07:00")!), date("2026-11-20"))
        XCTAssertEqual(calendar.startDay(receivedAt: Timestamp("2026-11-20T15:00:00+07:00")!), date("2026-11-23"))
        XCTAssertEqual(calendar.startDay(receivedAt: Timestamp("2026-11-21T09:00:00+07:00")!), date("2026-11-23"))
        // 08:00 UTC on Friday is 15:00 in Vietnam.
        XCTAssertEqual(calendar.startDay(receivedAt: Timestamp("2026-11-20T08:00:00Z")!), date("2026-11-23"))
        XCTAssertEqual(calendar.startDay(receivedAt: Timestamp("2026-04-29T09:00:00+07:00")!), date("2026-04-29"))
        XCTAssertEqual(calendar.startDay(receivedAt: Timestamp("2026-04-30T09:00:00+07:00")!), date("2026-05-04"))
    }

    func testHolidayFileErrors() {
        XCTAssertThrowsError(try WorkingCalendar(text: "date\tkind\n2026-13-01\tholiday\n", source: "t")) { error in
            XCTAssertTrue("\(error)".contains("t line 2: date must be a real date"), "\(error)")
        }
        XCTAssertThrowsError(try WorkingCalendar(text: "date\tkind\n2026-12-01\tparty\n", source: "t"))
    }

    func testEmbeddedDataMatchesTheShippedFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for (file, embedded) in [("provinces", EmbeddedData.provinces), ("holidays", EmbeddedData.holidays), ("base-salary", EmbeddedData.baseSalary)] {
            let shipped = try String(contentsOf: root.appendingPathComponent("data/\(file).tsv"), encoding: .utf8)
            XCTAssertEqual(shipped.trimmingCharacters(in: .newlines), embedded.trimmingCharacters(in: .newlines),
                           "data/\(file).tsv changed: run scripts/embed-data.sh")
        }
        XCTAssertEqual(ProvinceTable.embedded.byIDCode.count, 63)
    }

    func testTimestamps() {
        XCTAssertEqual(Timestamp("2026-11-20T02:30:00Z")!.description, "2026-11-20T09:30:00+07:00")
        XCTAssertEqual(Timestamp("2026-11-20T09:30:00.123+07:00")!.seconds, Timestamp("2026-11-20T02:30:00Z")!.seconds)
        XCTAssertNil(Timestamp("2026-11-20 09:30"))
        XCTAssertNil(Timestamp("2026-11-20T25:00:00Z"))
    }
}
