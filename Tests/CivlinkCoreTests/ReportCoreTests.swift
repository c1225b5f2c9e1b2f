@testable import CivlinkCore
import XCTest

final class ReportCoreTests: XCTestCase {
    func testNearestRankPercentiles() {
        var d = Distribution()
        XCTAssertNil(d.median)
        for v: Int64 in [4, 1, 3, 2] { d.add(v) }
        XCTAssertEqual(d.median, 2)
        XCTAssertEqual(d.p90, 4)
        d.add(10, count: 6)   // 1, 2, 3, 4, then six 10s
        XCTAssertEqual(d.count, 10)
        XCTAssertEqual(d.percentile(40), 4)
        XCTAssertEqual(d.percentile(41), 10)
        XCTAssertEqual(d.percentile(0), 1)
    }

    func testCSVQuotingFollowsRFC4180() {
        var w = CSVWriter(bom: true)
        w.row(["plain", "a,b", "say \"hi\"", "two\nlines", "Xã Hưng Dũng"])
        XCTAssertEqual(w.text, "\u{FEFF}plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",Xã Hưng Dũng\r\n")
    }

    func testChartAxisTicks() {
        XCTAssertEqual(NiceAxis.ticks(maximum: 0, maxTicks: 5).top, 1)
        XCTAssertEqual(NiceAxis.ticks(maximum: 3, maxTicks: 5).top, 3)
        XCTAssertEqual(NiceAxis.ticks(maximum: 78767, maxTicks: 5).top, 80000)
        XCTAssertEqual(NiceAxis.ticks(maximum: 200, maxTicks: 4).step, 50)
    }

    func testScopeMonthsAndDefaultPeriod() {
        let scope = ReportScope(from: CivilDate("2025-11-15")!, to: CivilDate("2026-02-01")!)
        XCTAssertEqual(scope.months, ["2025-11", "2025-12", "2026-01", "2026-02"])
        let (first, last) = ReportScope.month(of: Timestamp("2026-02-28T23:30:00+07:00")!)
        XCTAssertEqual("\(first) \(last)", "2026-02-01 2026-02-28")
    }
}
