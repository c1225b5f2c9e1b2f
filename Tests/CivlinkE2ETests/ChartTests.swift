import CivlinkTestSupport
import Foundation
import XCTest

/// `report --chart`: a 16:9 slide rendered by rsvg-convert (librsvg2-bin, as a viewer or a
/// converter to a presentation would), then checked by Tests/Fixtures/check_chart.py: not blank,
/// every text inside the view box and its panel measured with DejaVu Sans's real advance widths,
/// no two texts overlapping, margins white, and the words the reader should see.
final class ChartTests: XCTestCase {
    /// A year of dossiers: several months, several systems, some counts small enough to hide.
    private func ledger() throws -> Sandbox {
        let box = try Sandbox(now: "2026-12-20T09:30:00+07:00")
        try box.ok("init", "--training")
        var n = 0
        for (month, births) in [("03", 7), ("05", 2), ("07", 9), ("09", 1), ("11", 12)] {
            for _ in 0..<births {
                n += 1
                _ = try box.register("birth", Declarations.birth(childName: "Trẻ \(n)", motherID: "0401950" + String(format: "%05d", n),
                                                                 certificate: "GCS-C-\(n)", born: "2026-\(month)-01"),
                                     at: "2026-\(month)-10T09:00:00+07:00")
            }
        }
        _ = try box.register("death", Declarations.death(), at: "2026-11-19T09:00:00+07:00")
        return box
    }

    private func render(_ box: Sandbox, _ name: String, language: String, arguments: [String], expect: [String],
                        file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let svg = box.path("\(name).svg"), png = box.path("\(name).png")
        let made = try box.run(["report", "--from", "2026-01-01", "--to", "2026-12-31", "--by", "system,month", "--chart", svg] + arguments,
                               environment: ["LANG": language])
        XCTAssertEqual(made.status, 0, made.stderr, file: file, line: line)
        let converted = try box.run(["-w", "1600", "-h", "900", "-o", png, svg], executable: "/usr/bin/rsvg-convert")
        XCTAssertEqual(converted.status, 0, "rsvg-convert: \(converted.stderr)", file: file, line: line)
        let check = try box.run(["python3", Sandbox.fixtures.appendingPathComponent("check_chart.py").path, svg, png, "--min-ink", "0.02"]
                                + expect.flatMap { ["--expect", $0] }, executable: "/usr/bin/env")
        XCTAssertEqual(check.status, 0, "\(check.stdout)\(check.stderr)", file: file, line: line)
        return try String(contentsOfFile: svg, encoding: .utf8)
    }

    func testVietnameseSlideWithProvinceNameLegendValuesAndHiddenBars() throws {
        let box = try ledger()
        let svg = try render(box, "vi", language: "vi_VN.UTF-8", arguments: ["--province", "40", "--suppress-below", "3"],
                             expect: ["Hồ sơ đã tiếp nhận và đã giải quyết, theo hệ thống và tháng", "Nghệ An", "Đã tiếp nhận",
                                      "Đã giải quyết và trả kết quả", "bị ẩn", "Hộ tịch", "Dân cư (số định danh)", "T11", "2026"])
        XCTAssertTrue(svg.contains("viewBox=\"0 0 1600 900\""), "16:9")
        XCTAssertTrue(svg.contains("xml:lang=\"vi\""))
        XCTAssertFalse(svg.contains(">40<") || svg.contains("province 40"), "the province is named, not coded")
        XCTAssertTrue(svg.contains("class=\"suppressed\""), "hidden counts are drawn as marked bars, not as zeros")
        XCTAssertTrue(svg.contains("không phải số 0"), "the footnote says hatched bars are not zeros")
        // Value labels: civil status received 13 records in November (12 births and a death).
        XCTAssertTrue(svg.contains(">13</text>"), "value labels over the bars")
    }

    func testEnglishSlideWithoutSuppression() throws {
        let box = try ledger()
        let svg = try render(box, "en", language: "C.UTF-8", arguments: [],
                             expect: ["Dossiers received and processed, by system and month", "all provinces", "Received",
                                      "Processed and returned", "Civil status", "Social insurance", "Nov", "2026"])
        XCTAssertTrue(svg.contains("xml:lang=\"en\""))
        XCTAssertFalse(svg.contains("class=\"suppressed\""), "nothing hidden without --suppress-below")
        XCTAssertFalse(svg.contains("Counts from 1 to"), "no suppression footnote")
    }
}
