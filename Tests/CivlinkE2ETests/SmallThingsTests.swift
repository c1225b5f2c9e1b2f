import CivlinkTestSupport
import Foundation
import XCTest

/// The small things, each as a user meets it.
final class SmallThingsTests: XCTestCase {
    func testADeclarationStartingWithAByteOrderMarkIsAccepted() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let bom = Data([0xEF, 0xBB, 0xBF])
        let path = box.path("notepad.json")
        try (bom + Data(Declarations.text(Declarations.birth()).utf8)).write(to: URL(fileURLWithPath: path))
        let single = try box.run("register-birth", path)
        XCTAssertEqual(single.status, 0, single.stderr)
        let batch = bom + Data((Declarations.text(Declarations.birth(childName: "Trần Văn Nam", certificate: "GCS-BOM-2")) + "\n").utf8)
        let lines = try box.run(["register-birth", "--batch"], stdin: batch)
        XCTAssertEqual(lines.status, 0, lines.stderr)
        XCTAssertEqual(try lines.jsonLines().count, 1)
        // A BOM anywhere else is still refused: only a file's first bytes are a byte order mark.
        let inside = try box.run(["register-birth"], stdin: Data("{\u{FEFF}}".utf8))
        XCTAssertEqual(inside.status, 65)
    }

    func testIDsTypedWithOForZeroAndIOrLForOneAreRead() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        var id = ""
        // Register until an id has a 0 or a 1 to mistype (ids are random).
        for n in 0..<60 where !(id.contains("0") || id.contains("1")) {
            id = try box.registerBirth(Declarations.birth(childName: "Trẻ Số \(n)", motherID: "0401950" + String(format: "%05d", n), certificate: "GCS-O-\(n)"))
        }
        XCTAssertTrue(id.contains("0") || id.contains("1"), id)
        let typed = String(id.lowercased().dropFirst(3).map { $0 == "0" ? "o" : $0 == "1" ? (Bool.random() ? "i" : "l") : $0 })
        let status = try box.run("status", "b26" + typed.replacingOccurrences(of: "-", with: ""), "--format", "json")
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertEqual(try status.json()["id"] as? String, id)
        XCTAssertEqual(try box.run("status", "B26-UUUU-UUUU").status, 65, "U is not in the alphabet")
    }

    func testCertificateSubjectsAreStoredReadable() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let (_, cert) = try box.officer()
        try box.ok("ca", "import", cert)
        let stored = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "SELECT subject, issuer FROM certificates;"])
        XCTAssertTrue(stored.contains("CN=Phạm Thị Lan"), "UTF-8 kept, not \\xE1\\xBA escapes: \(stored)")
        XCTAssertTrue(stored.contains("L=17986"), stored)
        XCTAssertTrue(stored.contains("CN=Nghệ An Province CA"), stored)
        XCTAssertFalse(stored.contains("\\x"), stored)
    }

    func testInitWithAMissingHolidayFileSaysItIsMissing() throws {
        let box = try Sandbox()
        let result = try box.run("init", "--holidays", "missing.tsv")
        XCTAssertEqual(result.status, 66)
        XCTAssertEqual(result.stderr, "civlink: missing.tsv does not exist\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: box.ledgerPath), "nothing written")
        let vietnamese = try box.run(["init", "--holidays", "missing.tsv"], environment: ["LANG": "vi_VN.UTF-8"])
        XCTAssertEqual(vietnamese.stderr, "civlink: missing.tsv không tồn tại\n")
        let directory = try box.run("register-birth", box.directory.path)
        XCTAssertTrue(directory.stderr.contains("is a directory, not a file") || directory.stderr.contains("no ledger"), directory.stderr)
    }
}
