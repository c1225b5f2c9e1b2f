@testable import CivlinkCore
import XCTest

final class TextAndNumberTests: XCTestCase {
    func testVietnameseLettersHaveTheirBaseWidths() {
        XCTAssertEqual(TextWidth.width("Tiếp nhận", fontSize: 20), TextWidth.width("Tiep nhan", fontSize: 20))
        XCTAssertEqual(TextWidth.width("Đã giải quyết", fontSize: 10, bold: true) - TextWidth.width("Đ", fontSize: 10, bold: true),
                       TextWidth.width("a giai quyet", fontSize: 10, bold: true))
        XCTAssertGreaterThan(TextWidth.width("Ư", fontSize: 10), TextWidth.width("U", fontSize: 10), "the horn makes Ư wider")
        // Decomposed input: combining marks add nothing.
        XCTAssertEqual(TextWidth.width("e\u{0302}\u{0301}", fontSize: 10), TextWidth.width("e", fontSize: 10))
        // "M" in DejaVu Sans is 1767/2048 em.
        XCTAssertEqual(TextWidth.width("M", fontSize: 2048), 1767)
    }

    func testWrapAndTruncate() {
        let lines = TextWidth.wrap("một hai ba bốn năm sáu bảy tám chín mười", fontSize: 10, maxWidth: 60, maxLines: 2)
        XCTAssertEqual(lines.count, 2)
        for l in lines { XCTAssertLessThanOrEqual(TextWidth.width(l, fontSize: 10), 60) }
        XCTAssertTrue(lines[1].hasSuffix("…"))
        XCTAssertEqual(TextWidth.wrap("short", fontSize: 10, maxWidth: 100), ["short"])
        let cut = TextWidth.truncate("Cơ sở dữ liệu quốc gia về dân cư", fontSize: 20, maxWidth: 120)
        XCTAssertTrue(cut.hasSuffix("…"))
        XCTAssertLessThanOrEqual(TextWidth.width(cut, fontSize: 20), 120)
        let fit = TextWidth.fit("Bảo hiểm xã hội", fontSize: 30, minSize: 10, maxWidth: 150)
        XCTAssertLessThan(fit.fontSize, 30)
        XCTAssertEqual(fit.text, "Bảo hiểm xã hội")
    }

    func testNumberFormatting() {
        XCTAssertEqual(NumberFormat.grouped(1_234_567, separator: "."), "1.234.567")
        XCTAssertEqual(NumberFormat.grouped(999, separator: ","), "999")
        XCTAssertEqual(NumberFormat.grouped(-1000, separator: ","), "-1,000")
        XCTAssertEqual(NumberFormat.decimal(2.25, places: 1), "2.3")
        XCTAssertEqual(NumberFormat.decimal(-0.04, places: 1), "0.0")
        XCTAssertEqual(NumberFormat.decimal(87.5, places: 1, mark: ","), "87,5")
        XCTAssertEqual(NumberFormat.decimal(3, places: 0), "3")
        XCTAssertEqual(NumberFormat.svg(12.0), "12")
        XCTAssertEqual(NumberFormat.svg(12.34), "12.3")
    }

    func testMonthLabels() {
        let labels = ChartLabels(language: "vi", received: "", processed: "", suppressed: "", suppressedMark: "x", noData: "",
                                 monthNames: (1...12).map { "T\($0)" }, monthYearSeparator: "/", thousandsSeparator: ".")
        XCTAssertEqual(labels.monthLabel("2026-11"), "T11/2026")
        XCTAssertEqual(labels.monthLabel("bad"), "bad")
    }
}
