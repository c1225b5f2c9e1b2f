import CivlinkTestSupport
import Foundation
import XCTest

/// The slip and the certificate copy as a person gets them: rendered by a real browser engine
/// (headless Chromium) to PNG and PDF. The page is not blank, no text is clipped or outside the
/// sheet, the page fits one sheet of its paper, the Vietnamese text is there with its
/// diacritics, and the QR code in the screenshot decodes with zbarimg to what it must hold.
final class PrintedPagesTests: XCTestCase {
    /// A birth and a death, the birth's copy signed.
    private func ledger() throws -> (Sandbox, birth: String, death: String) {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let birth = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        let death = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        try box.signCopy(birth)
        try box.signCopy(death)
        return (box, birth, death)
    }

    static func require(_ tool: String) throws -> String {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(tool)") {
            return "\(dir)/\(tool)"
        }
        XCTFail("\(tool) is not installed (.ci/run installs it)")
        throw XCTSkip("missing \(tool)")
    }

    /// Runs a tool; its standard error (Chromium's chatter about D-Bus) is shown only when it fails.
    static func quiet(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("civlink-tool-\(UUID().uuidString).err")
        FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errorFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? Data(contentsOf: errorFile)) ?? Data()
        guard process.terminationStatus == 0 else {
            XCTFail("\(tool) failed (\(process.terminationStatus)): \(String(decoding: errors.suffix(2000), as: UTF8.self))")
            throw XCTSkip("\(tool) failed")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs headless Chromium on a file; a profile of its own so runs never share state.
    private func chromium(_ arguments: [String], in box: Sandbox) throws -> String {
        let chromium = try Self.require("chromium")
        let profile = box.path("chromium-profile-\(UUID().uuidString)")
        return try Self.quiet(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run",
                                              "--user-data-dir=\(profile)", "--force-device-scale-factor=1"] + arguments)
    }

    /// What the browser laid out: the sheet's size in CSS pixels, every text box or element
    /// that lies outside the sheet or is cut by an overflowing box, and the page's text.
    private func layout(_ html: String, in box: Sandbox) throws -> (sheet: CGSize, problems: [String], text: String) {
        let probe = """
        <script>
        (function () {
          const sheet = document.querySelector('.sheet'), s = sheet.getBoundingClientRect(), problems = [];
          const outside = r => r.left < s.left - 0.5 || r.right > s.right + 0.5 || r.top < s.top - 0.5 || r.bottom > s.bottom + 0.5;
          for (const el of sheet.querySelectorAll('*')) {
            if (outside(el.getBoundingClientRect())) problems.push('element outside the sheet: ' + el.tagName + ' ' + el.textContent.slice(0, 40));
            if (el.tagName !== 'svg' && el.namespaceURI === 'http://www.w3.org/1999/xhtml' && (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0))
              problems.push('overflows its box: ' + el.tagName + ' ' + el.textContent.slice(0, 40));
          }
          const walker = document.createTreeWalker(sheet, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode;
            if (!node.textContent.trim() || node.parentElement.closest('svg, script')) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            for (const r of range.getClientRects()) if (outside(r)) problems.push('text outside the sheet: ' + node.textContent.slice(0, 40));
          }
          const report = document.createElement('pre');
          report.id = 'layout-report';
          report.textContent = JSON.stringify({ width: s.width, height: s.height, problems: problems, text: sheet.innerText });
          document.body.appendChild(report);
        })();
        </script>
        """
        let path = try box.write("probe-\(UUID().uuidString).html", html.replacingOccurrences(of: "</body>", with: probe + "</body>"))
        let dom = try chromium(["--dump-dom", "file://" + path], in: box)
        guard let start = dom.range(of: "<pre id=\"layout-report\">"), let end = dom.range(of: "</pre>", range: start.upperBound..<dom.endIndex) else {
            XCTFail("no layout report in the dumped DOM")
            return (.zero, ["no report"], "")
        }
        let text = String(dom[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        let report = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        return (CGSize(width: report["width"] as! Double, height: report["height"] as! Double), report["problems"] as! [String],
                report["text"] as! String)
    }

    /// Checks one page: layout, one printed page, the screenshot and its QR code.
    private func check(_ file: String, paper: String, qr expected: String, texts: [String], in box: Sandbox,
                       sourceLine: UInt = #line) throws {
        let html = try String(contentsOfFile: box.path(file), encoding: .utf8)
        XCTAssertFalse(html.contains("<img") || html.contains("src=") || html.contains("href=") || html.contains("@import"),
                       "\(file) is self-contained", line: sourceLine)
        XCTAssertTrue(html.contains("<svg"), "\(file) has an inline SVG QR code", line: sourceLine)

        let (sheet, problems, text) = try layout(html, in: box)
        XCTAssertEqual(problems, [], "\(file): clipped or outside the sheet", line: sourceLine)
        let (widthMM, heightMM) = paper == "a4" ? (210.0, 297.0) : (148.0, 210.0)
        // On screen the sheet is drawn at the paper's size; content that does not fit grows it.
        XCTAssertEqual(sheet.width, widthMM * 96 / 25.4, accuracy: 1.5, "\(file): sheet width", line: sourceLine)
        XCTAssertLessThanOrEqual(sheet.height, heightMM * 96 / 25.4 + 1.5, "\(file): taller than one \(paper) page", line: sourceLine)
        for expected in texts {
            XCTAssertTrue(text.contains(expected), "\(file): the page's text lacks '\(expected)'", line: sourceLine)
        }

        let pdf = box.path(file + ".pdf")
        _ = try chromium(["--no-pdf-header-footer", "--print-to-pdf=\(pdf)", "file://" + box.path(file)], in: box)
        let pdfText = String(decoding: try Data(contentsOf: URL(fileURLWithPath: pdf)), as: UTF8.self)
        let pages = pdfText.components(separatedBy: "/Type /Page").count - 1 - (pdfText.components(separatedBy: "/Type /Pages").count - 1)
        XCTAssertEqual(pages, 1, "\(file) prints on \(pages) pages", line: sourceLine)

        let png = box.path(file + ".png")
        let window = paper == "a4" ? "900,1250" : "700,900"
        _ = try chromium(["--window-size=\(window)", "--screenshot=\(png)", "file://" + box.path(file)], in: box)
        let statsScript = Sandbox.repositoryRoot.appendingPathComponent("Tests/Fixtures/png_stats.py").path
        let stats = try JSONSerialization.jsonObject(with: Data(try Process.capture("/usr/bin/python3", [statsScript, png]).utf8)) as! [String: Any]
        let dark = stats["dark"] as! Double, boxes = stats["box"] as! [Int], height = stats["height"] as! Int
        XCTAssertGreaterThan(dark, 0.01, "\(file): the screenshot is blank", line: sourceLine)
        XCTAssertGreaterThan(Double(boxes[3] - boxes[1]), 0.4 * Double(height), "\(file): ink covers too little of the page", line: sourceLine)
        let zbar = try Self.require("zbarimg")
        let decoded = try Process.capture(zbar, ["--nodbus", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", png])
        XCTAssertEqual(decoded, expected, "\(file): the QR code in the screenshot", line: sourceLine)
        if let keep = ProcessInfo.processInfo.environment["CIVLINK_KEEP_PAGES"] {
            try? FileManager.default.copyItem(atPath: png, toPath: keep + "/" + file + ".png")
        }
    }

    func testTheSlipPrintsOnOneSheetWithItsQRCode() throws {
        let (box, birth, death) = try ledger()
        try box.ok("slip", birth, "--out", "birth-slip.html")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: box.path("birth-slip.html"))[.posixPermissions] as? Int, 0o600)
        // The last due date, as the slip writes it (d/m/yyyy).
        let deadlines = (try box.ok("status", birth, "--format", "json").json()["procedures"] as! [[String: Any]]).map { $0["deadline"] as! String }
        let last = deadlines.max()!.split(separator: "-").map { String(Int($0)!) }
        try check("birth-slip.html", paper: "a5", qr: birth, texts: [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Mã hồ sơ: \(birth)", "Nguyễn Văn Cường", "Đăng ký khai sinh",
            "Cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi", "Hẹn trả kết quả", "Nơi nhận kết quả", "chậm nhất ngày \(last[2])/\(last[1])/\(last[0])",
        ], in: box)
        try box.ok("slip", death, "--paper", "a4", "--out", "death-slip.html")
        try check("death-slip.html", paper: "a4", qr: death, texts: [
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", "Đăng ký khai tử", "Xóa đăng ký thường trú", "Giải quyết trợ cấp mai táng", "Lê Thị Hoa",
        ], in: box)
        try box.ok("slip", death, "--paper", "a5", "--out", "death-slip-a5.html")
        try check("death-slip-a5.html", paper: "a5", qr: death, texts: ["Đăng ký khai tử", "Lê Văn Dũng"], in: box)
        // The same page on standard output; an existing file is not replaced.
        XCTAssertEqual(try box.ok("slip", birth).stdout, try String(contentsOfFile: box.path("birth-slip.html"), encoding: .utf8))
        XCTAssertEqual(try box.run("slip", birth, "--out", "birth-slip.html").status, 73)
        XCTAssertEqual(try box.run("slip").status, 64)
        XCTAssertEqual(try box.run("slip", "B26-0000-0000").status, 66)
        XCTAssertEqual(try box.run("slip", birth, "--paper", "letter").status, 64)
    }

    func testTheCopyPrintsOnOnePageWithAQRCodeOfItsSignature() throws {
        let (box, birth, death) = try ledger()
        try box.ok("copy", birth, "--out", "birth.json")
        let verified = try box.ok("verify", "birth.json", "--trust", box.path("ca/ca.pem"), "--format", "json").json()
        let signer = verified["signer"] as! [String: Any]
        let signedAt = verified["signed_at"] as? String ?? ""
        try box.ok("copy", birth, "--html", "--out", "birth-copy.html")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: box.path("birth-copy.html"))[.posixPermissions] as? Int, 0o600)
        let qr = "civlink-copy/1;dossier=\(birth);issue=1;signed=\(signedAt);signature-sha256=\(verified["signature_sha256"] as! String)"
        try check("birth-copy.html", paper: "a4", qr: qr, texts: [
            "TRÍCH LỤC KHAI SINH", "Birth Certificate Extract", "Nguyễn Thị Ánh", "Trần Thị Bình", "Bệnh viện Sản Nhi Nghệ An",
            signer["officer"] as! String, verified["signature_sha256"] as! String,
        ], in: box)
        try box.ok("copy", birth, "--html", "--paper", "a5", "--out", "birth-copy-a5.html")
        try check("birth-copy-a5.html", paper: "a5", qr: qr, texts: ["TRÍCH LỤC KHAI SINH", "Nguyễn Văn Cường"], in: box)
        try box.ok("copy", death, "--html", "--paper", "a5", "--out", "death-copy.html")
        let deathVerified = try box.ok("verify", "-", "--trust", box.path("ca/ca.pem"), "--format", "json", stdin: try box.ok("copy", death).stdout).json()
        try check("death-copy.html", paper: "a5", qr: "civlink-copy/1;dossier=\(death);issue=1;signed=\(deathVerified["signed_at"] as? String ?? "");signature-sha256=\(deathVerified["signature_sha256"] as! String)",
                  texts: ["TRÍCH LỤC KHAI TỬ", "Death Certificate Extract", "Lê Văn Dũng", "Bệnh viện Đa khoa Nghệ An"], in: box)
        XCTAssertEqual(try box.run("copy", birth, death, "--html").status, 64)
        XCTAssertEqual(try box.run("copy", birth, "--paper", "a4").status, 64)
        let unsigned = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Nguyễn Văn An", certificate: "GCS-2026-009"))).json()["id"] as! String
        XCTAssertEqual(try box.run("copy", unsigned, "--html").status, 66)
    }
}
