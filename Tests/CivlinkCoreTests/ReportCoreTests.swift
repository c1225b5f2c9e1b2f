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

    func testSuppression() {
        let s = Suppression(below: 5)
        XCTAssertEqual(s.count(0), 0)
        XCTAssertNil(s.count(4))
        XCTAssertEqual(s.count(5), 5)
        XCTAssertEqual(Suppression(below: 0).count(1), 1)
    }

    func testChartAxisMaximum() {
        XCTAssertEqual(SVGChart.niceMaximum(0), 2)
        XCTAssertEqual(SVGChart.niceMaximum(3), 5)
        XCTAssertEqual(SVGChart.niceMaximum(78767), 100000)
        XCTAssertEqual(SVGChart.niceMaximum(200), 200)
    }

    func testScopeMonthsAndDefaultPeriod() {
        let scope = ReportScope(from: CivilDate("2025-11-15")!, to: CivilDate("2026-02-01")!)
        XCTAssertEqual(scope.months, ["2025-11", "2025-12", "2026-01", "2026-02"])
        let (first, last) = ReportScope.month(of: Timestamp("2026-02-28T23:30:00+07:00")!)
        XCTAssertEqual("\(first) \(last)", "2026-02-01 2026-02-28")
    }
}
