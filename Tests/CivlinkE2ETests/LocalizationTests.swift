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
        XCTAssertEqual(messages.stderr, "civlink: province: là bắt buộc\n")

        let dossier = try box.run(["register-birth"], stdin: Data(Declarations.text(Declarations.birth()).utf8), environment: ["LANG": "vi_VN.UTF-8"])
        let id = try dossier.json()["id"] as! String
        let table = try box.run(["status", id], environment: ["LANG": "vi_VN.UTF-8"]).stdout
        XCTAssertTrue(table.contains("THỦ TỤC"), table)
        XCTAssertTrue(table.contains("diễn biến"), table)
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
}
