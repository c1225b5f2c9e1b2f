import Foundation
import CivlinkTestSupport
import XCTest

final class LocalizationTests: XCTestCase {
    func testVietnameseMessagesWhenTheLocaleAsksAndStableMachineOutput() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let bad = Declarations.text(setting(Declarations.birth(), "mother.personal_id", "04019500012"))
        let english = try box.run(["register-birth"], stdin: Data(bad.utf8))
        XCTAssertEqual(english.stderr, "civlink: mother.personal_id: must be 12 digits\n")
        let vietnamese = try box.run(["register-birth"], stdin: Data(bad.utf8), environment: ["LANG": "vi_VN.UTF-8"])
        XCTAssertEqual(vietnamese.status, 65)
        XCTAssertEqual(vietnamese.stderr, "civlink: mother.personal_id: phải gồm 12 chữ số\n")
        let messages = try box.run(["register-birth"], stdin: Data("{}".utf8), environment: ["LANG": "C", "LC_MESSAGES": "vi_VN.UTF-8"])
        XCTAssertTrue(messages.stderr.hasPrefix("civlink: province: là bắt buộc\ncivlink: commune: là bắt buộc\n"), messages.stderr)

        let dossier = try box.run(["register-birth"], stdin: Data(Declarations.text(Declarations.birth()).utf8), environment: ["LANG": "vi_VN.UTF-8"])
        let id = try dossier.json()["id"] as! String
        let table = try box.run(["status", id], environment: ["LANG": "vi_VN.UTF-8"]).stdout
        XCTAssertTrue(table.contains("THỦ TỤC"), table)
        XCTAssertTrue(table.contains("Diễn biến"), table)
        let json = try box.run(["status", id, "--format", "json"], environment: ["LANG": "vi_VN.UTF-8"])
        let english_json = try box.run(["status", id, "--format", "json"])
        XCTAssertEqual(json.stdout, english_json.stdout, "machine output must not depend on the language")
        let help = try box.run(["--help"], environment: ["LANG": "vi_VN.UTF-8"]).stdout
        XCTAssertTrue(help.contains("Đăng ký khai sinh"), help)
        XCTAssertTrue(help.contains("Ký số bản sao điện tử"), help)
        let report = try box.run(["report"], environment: ["LANG": "vi_VN.UTF-8"]).stdout
        XCTAssertTrue(report.contains("HỆ THỐNG") && report.contains("ĐÃ GIẢI QUYẾT"), report)
        let csv = try box.run(["report", "--format", "csv"], environment: ["LANG": "vi_VN.UTF-8"]).stdout
        XCTAssertEqual(csv, try box.run(["report", "--format", "csv"]).stdout, "CSV keeps English keys")
    }

    /// The examples of phrase substitution, and the places that stayed English.
    func testWholeSentencesInVietnamese() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let vi = ["LANG": "vi_VN.UTF-8"]
        let death = try box.register("death", Declarations.death(), at: "2026-11-19T09:00:00+07:00")
        let status = try box.run(["status", death], environment: vi).stdout
        XCTAssertTrue(status.contains("khai tử năm 2026, số 1; xã 17986, tỉnh 40"), "not 'sổ đăng ký death book 2026, no. 1': \(status)")
        XCTAssertTrue(status.contains("trợ cấp mai táng, 23400000 đồng"), status)
        XCTAssertTrue(status.contains("2026-11-19 09:00  officer-test  đăng ký"), "timeline lines: \(status)")
        XCTAssertTrue(status.contains("chờ thủ tục trước") || status.contains("sẵn sàng"), "states: \(status)")
        for word in ["death", "book", "no.", "waiting", "registered"] {
            XCTAssertFalse(status.contains(" \(word) "), "English '\(word)' left in: \(status)")
        }
        // Option help: "list dossiers, one a line" was "one a dòng".
        let help = try box.run(["status", "--help"], environment: vi).stdout
        XCTAssertTrue(help.contains("liệt kê hồ sơ, mỗi hồ sơ một dòng (JSON Lines với --format json)"), help)
        XCTAssertFalse(help.contains("one a"), help)
        // Doctor details and fixes.
        let doctor = try box.run(["doctor"], environment: vi)
        XCTAssertTrue(doctor.stdout.contains("chưa cấu hình hệ thống tiếp nhận nào"), doctor.stdout)
        XCTAssertTrue(doctor.stderr.contains("cần khắc phục trước tiên: cơ quan: chạy civlink agency add MÃ --spool THƯ_MỤC"), doctor.stderr)
        // Report labels and timings.
        let report = try box.run(["report", "--suppress-below", "3"], environment: vi).stdout
        XCTAssertTrue(report.hasPrefix("Kỳ báo cáo từ 2026-11-01 đến 2026-11-30, toàn quốc; lập lúc 2026-11-20 09:30"), report)
        XCTAssertTrue(report.contains("từ đăng ký đến khi có số định danh"), report)
        XCTAssertTrue(report.contains("tổng cộng"), report)
        // Errors from the core, and usage errors.
        XCTAssertEqual(try box.run(["status", "--lsit"], environment: vi).stderr, "civlink: không có tùy chọn --lsit; có phải ý bạn là --list?\n")
    }
}
