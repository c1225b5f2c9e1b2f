import CivlinkTestSupport
import Foundation
import XCTest

/// CSV that a spreadsheet in Vietnamese reads as numbers: the files civlink writes go through
/// headless LibreOffice Calc (libreoffice-calc, installed by scripts/dependencies and .ci/run)
/// with its Vietnamese import settings (language vi-VN, LibreOffice's defaults otherwise), are
/// saved as .ods, and every cell's type is read back. No LibreOffice fails the test: it never skips.
final class SpreadsheetTests: XCTestCase {
    struct Cell: Decodable { let type: String?; let value: String?; let text: String; let formula: Bool }

    /// LibreOffice's import of `files` (one soffice run for all) in language `lcid` (1066 vi-VN, 1033 en-US).
    private func open(_ files: [String], lcid: Int, in box: Sandbox, file: StaticString = #filePath, line: UInt = #line) throws -> [String: [[Cell]]] {
        guard let soffice = ["/usr/bin/soffice", "/usr/bin/libreoffice", "/usr/lib/libreoffice/program/soffice"].first(where: FileManager.default.isExecutableFile) else {
            XCTFail("LibreOffice Calc is not installed: run scripts/dependencies test (as root it installs libreoffice-calc-nogui)", file: file, line: line)
            return [:]
        }
        let out = box.path("ods-\(lcid)")
        // 44 comma, 34 quote, 76 UTF-8, from line 1, no column types, the language; the rest as LibreOffice's dialog has them.
        let converted = try box.run(["--headless", "--norestore", "-env:UserInstallation=file://" + box.path("lo-profile"),
                                     "--infilter=CSV:44,34,76,1,,\(lcid)", "--convert-to", "ods", "--outdir", out] + files, executable: soffice)
        XCTAssertEqual(converted.status, 0, converted.stderr, file: file, line: line)
        var sheets: [String: [[Cell]]] = [:]
        for path in files {
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let cells = try box.run(["python3", Sandbox.fixtures.appendingPathComponent("ods_cells.py").path, "\(out)/\(name).ods"],
                                    executable: "/usr/bin/env")
            XCTAssertEqual(cells.status, 0, cells.stderr, file: file, line: line)
            sheets[name] = try JSONDecoder().decode([[Cell]].self, from: Data(cells.stdout.utf8))
        }
        return sheets
    }

    /// Dossiers in commune 00004 (a code with leading zeros) and 17986, whose civil-status share
    /// is not a whole number (one copy signed late: 2 of 3 on time), and an overdue list.
    private func ledger() throws -> Sandbox {
        let box = try Sandbox(now: "2026-11-20T09:30:00+07:00")
        try box.ok("init", "--training")
        var ids: [String] = []
        for (n, commune) in ["17986", "17986", "00004"].enumerated() {
            ids.append(try box.register("birth", setting(Declarations.birth(childName: "Trẻ \(n)", motherID: "04019500010\(n)", certificate: "GCS-S-\(n)",
                                                                            born: "2026-10-01"), "commune", commune), at: "2026-10-05T09:00:00+07:00"))
        }
        // Signed within the hour, by a certificate valid then.
        let now = box.environment["CIVLINK_NOW"]
        box.environment["CIVLINK_NOW"] = "2026-10-05T10:00:00+07:00"
        let (key, cert) = try box.officer()
        try box.ok("sign", ids[0], "--key", key, "--cert", cert)
        box.environment["CIVLINK_NOW"] = now
        return box
    }

    func testVietnameseSpreadsheetReadsNumbersCodesDatesAndHeadings() throws {
        let box = try ledger()
        var files: [String] = []
        for (name, arguments) in [("report", ["report", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "commune,system"]),
                                  ("overdue", ["report", "--overdue"]), ("list", ["status", "--list"])] {
            let result = try box.run(arguments + ["--format", "csv", "--spreadsheet", "vi"])
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertTrue(result.stdoutData.starts(with: [0xEF, 0xBB, 0xBF]), "a spreadsheet CSV starts with a byte order mark")
            files.append(try box.write("\(name).csv", result.stdout))
        }
        // The same report for programs, to show what a Vietnamese spreadsheet makes of it.
        files.append(try box.write("machine.csv", try box.ok("report", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "commune,system",
                                                             "--format", "csv").stdout))
        let sheets = try open(files, lcid: 1066, in: box)

        let report = try XCTUnwrap(sheets["report"])
        XCTAssertEqual(report[0].map(\.text), ["Xã", "Hệ thống", "Theo kế hoạch", "Đã tiếp nhận", "Đã giải quyết", "Đang giải quyết",
                                               "Trả lại để bổ sung", "Từ chối", "Đã hủy", "Quá hạn", "Bị từ chối", "Bị kẹt",
                                               "Đăng ký quá hạn", "Đúng hạn", "Tỷ lệ đúng hạn"], "Vietnamese headings")
        let zeros = try XCTUnwrap(report.first { $0[0].text == "00004" && $0[1].text == "civil-status" }, "commune 00004 keeps its zeros")
        XCTAssertEqual(zeros[0].type, "string", "a code stays text")
        let civil = try XCTUnwrap(report.first { $0[0].text == "17986" && $0[1].text == "civil-status" })
        guard civil.count > 14 else { return XCTFail("report row: \(civil.map(\.text))") }
        for cell in civil[2...13] { XCTAssertEqual(cell.type, "float", "counts are numbers: \(cell)") }
        XCTAssertEqual(civil[2].value, "2")
        XCTAssertEqual(civil[14].type, "float", "the share is a number, not text: \(civil[14])")
        XCTAssertEqual(try XCTUnwrap(Double(civil[14].value ?? "")), 1, accuracy: 0.0001)
        let total = try XCTUnwrap(report.last)
        guard total.count > 2 else { return XCTFail("total row: \(total.map(\.text))") }
        XCTAssertEqual(total[0].text, "tổng cộng")
        XCTAssertEqual(total[2].type, "float", "the total's counts are numbers")

        let overdue = try XCTUnwrap(sheets["overdue"])
        XCTAssertEqual(overdue[0].first?.text, "Xã")
        let late = try XCTUnwrap(overdue.first { $0[0].text == "00004" })
        XCTAssertEqual(late[0].type, "string")
        guard late.count > 6 else { return XCTFail("overdue row: \(late.map(\.text))") }
        XCTAssertEqual(late[5].type, "date", "a deadline is a date: \(late[5])")
        XCTAssertEqual(late[6].type, "float", "working days late is a number")

        let list = try XCTUnwrap(sheets["list"])
        XCTAssertEqual(list[0][0].text, "Mã hồ sơ")
        let dossier = try XCTUnwrap(list.dropFirst().first)
        guard dossier.count > 8 else { return XCTFail("list row: \(dossier.map(\.text))") }
        XCTAssertEqual(dossier[3].text, "40", "province code")
        XCTAssertEqual(dossier[3].type, "string")
        XCTAssertEqual(dossier[7].type, "date", "received at is a date and time: \(dossier[7])")
        XCTAssertEqual(dossier[7].value, "2026-10-05T09:00:00")
        XCTAssertEqual(dossier[8].type, "float")

        // The CSV for programs is what the issue found: in a Vietnamese spreadsheet 00004 becomes 4
        // and the share is text. (It stays this way: it is for programs.)
        let machine = try XCTUnwrap(sheets["machine"])
        XCTAssertTrue(machine.contains { $0[0].text == "4" && $0[0].type == "float" }, "a program's CSV has bare codes: 00004 became 4")
        let row = try XCTUnwrap(machine.first { $0[0].text == "17986" && $0[1].text == "civil-status" })
        XCTAssertEqual(row.count > 14 ? row[14].text : "\(row.map(\.text))", "1.0000")
    }

    func testEnglishSpreadsheet() throws {
        let box = try ledger()
        let result = try box.run(["report", "--from", "2026-10-01", "--to", "2026-10-31", "--by", "commune,system", "--format", "csv", "--spreadsheet", "en"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let sheet = try XCTUnwrap(try open([try box.write("en.csv", result.stdout)], lcid: 1033, in: box)["en"])
        XCTAssertEqual(sheet[0].map(\.text).prefix(3), ["Commune", "System", "Planned"])
        let zeros = try XCTUnwrap(sheet.first { $0[0].text == "00004" })
        XCTAssertEqual(zeros[0].type, "string")
        let other = try XCTUnwrap(sheet.first { $0[0].text == "17986" && $0[1].text == "civil-status" })
        XCTAssertEqual(other[14].type, "float")
        XCTAssertEqual(try XCTUnwrap(Double(other[14].value ?? "")), 1, accuracy: 0.0001)
        XCTAssertEqual(sheet.last?[0].text, "total")
    }
}
