import Foundation
import CivlinkCore
import CivlinkTestSupport
import XCTest

final class RegisterTests: XCTestCase {
    func testInitCreatesPrivateWALLedgerAndRefusesToOverwrite() throws {
        let box = try Sandbox()
        let result = try box.ok("init", "--format", "json")
        XCTAssertEqual(try result.json()["schema_version"] as? Int, OldLedger.latest)   // the latest migration
        let mode = try FileManager.default.attributesOfItem(atPath: box.ledgerPath)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        let journal = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "PRAGMA journal_mode;"])
        XCTAssertEqual(journal.trimmingCharacters(in: .whitespacesAndNewlines), "wal")
        let again = try box.run("init")
        XCTAssertEqual(again.status, 73)
        XCTAssertTrue(again.stderr.contains("exists already"), again.stderr)
    }

    func testMissingLedgerIsAClearError() throws {
        let box = try Sandbox()
        let result = try box.run("status", "--list")
        XCTAssertEqual(result.status, 66)
        XCTAssertTrue(result.stderr.contains("civlink init"), result.stderr)
    }

    func testBirthRegistrationPlansTheWholeGroup() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let dossier = try box.ok("register-birth", "-", stdin: Declarations.text(Declarations.birth())).json()
        XCTAssertEqual(dossier["format"] as? String, "civlink.dossier/1")
        XCTAssertEqual(dossier["group"] as? String, "birth")
        XCTAssertNotNil((dossier["id"] as? String)?.range(of: #"^B26-[0-9A-Z]{4}-[0-9A-Z]{4}$"#, options: .regularExpression))
        XCTAssertEqual((dossier["register"] as? [String: Any])?["number"] as? Int, 1)
        let procedures = dossier["procedures"] as! [[String: Any]]
        XCTAssertEqual(procedures.map { $0["code"] as! String },
                       ["birth-registration", "certificate-copy", "personal-id", "residence-registration", "health-insurance-card"])
        XCTAssertEqual(procedures.map { $0["agency"] as! String }, ["civil-status", "civil-status", "population", "residence", "social-insurance"])
        XCTAssertEqual(procedures.map { $0["state"] as! String }, ["done", "ready", "ready", "waiting", "waiting"])
        // Received Friday 2026-11-20 09:30: ID number by Monday, residence and card by Tuesday.
        XCTAssertEqual(procedures.map { $0["deadline"] as! String }, ["2026-11-20", "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-24"])
        XCTAssertEqual(procedures[3]["waits_on"] as? [String], ["personal-id", "certificate-copy"])
        // Names are stored NFC; the declaration comes back normalised.
        let declaration = dossier["declaration"] as! [String: Any]
        XCTAssertEqual((declaration["child"] as? [String: Any])?["full_name"] as? String, "Nguyễn Thị Ánh")
        XCTAssertEqual(declaration["received_at"] as? String, "2026-11-20T09:30:00+07:00")

        let second = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Nguyễn Văn Bảo", motherID: "040195000999", certificate: "GCS-2026-002"))).json()
        XCTAssertEqual((second["register"] as? [String: Any])?["number"] as? Int, 2)
    }

    func testAfternoonFileCountsFromNextWorkingDayAndResidenceVerificationGetsFiveDays() throws {
        let box = try Sandbox(now: "2026-11-20T16:00:00+07:00")
        try box.ok("init", "--training")
        let declaration = setting(Declarations.birth(), "residence_registration.needs_verification", true)
        let dossier = try box.ok("register-birth", stdin: Declarations.text(declaration)).json()
        let deadlines = (dossier["procedures"] as! [[String: Any]]).map { $0["deadline"] as! String }
        // After 15:00 on a Friday the file counts from Monday 23; residence + 5 working days = Monday 30.
        XCTAssertEqual(deadlines, ["2026-11-23", "2026-11-23", "2026-11-24", "2026-11-30", "2026-11-25"])
    }

    func testDeathRegistrationPicksTheFuneralBenefitByEntitlement() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let allowance = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()
        XCTAssertEqual((allowance["procedures"] as! [[String: Any]]).map { $0["code"] as! String },
                       ["death-registration", "certificate-copy", "residence-deletion", "funeral-allowance"])
        XCTAssertEqual((allowance["benefit"] as? [String: Any])?["amount_vnd"] as? Int, 23_400_000)
        XCTAssertEqual((allowance["procedures"] as! [[String: Any]]).map { $0["state"] as! String }, ["done", "ready", "waiting", "waiting"])

        var support = Declarations.death(personalID: "040058000111", pensioner: false)
        support = setting(support, "entitlement", ["social_assistance": true])
        let supportDossier = try box.ok("register-death", stdin: Declarations.text(support)).json()
        XCTAssertEqual((supportDossier["procedures"] as! [[String: Any]]).last?["code"] as? String, "funeral-support")
        XCTAssertEqual((supportDossier["procedures"] as! [[String: Any]]).last?["agency"] as? String, "social-affairs")

        var none = Declarations.death(personalID: "040058000222", compulsoryMonths: 11, pensioner: false)
        none = setting(none, "beneficiary", nil)
        let noneDossier = try box.ok("register-death", stdin: Declarations.text(none)).json()
        XCTAssertEqual((noneDossier["procedures"] as! [[String: Any]]).count, 3)
        let benefit = noneDossier["benefit"] as! [String: Any]
        XCTAssertEqual(benefit["kind"] as? String, "none")
        XCTAssertTrue((benefit["reason"] as? String ?? "").contains("under 12 months"))

        let voluntary = setting(setting(Declarations.death(personalID: "040058000333", pensioner: false), "entitlement.voluntary_months", 60), "death.date", "2024-06-30")
        let old = try box.run(["register-death"], stdin: Data(Declarations.text(voluntary).utf8))
        XCTAssertEqual(old.status, 0, old.stderr)
        // June 2024 still had the 1,800,000 VND base salary.
        XCTAssertEqual((try old.json()["benefit"] as? [String: Any])?["amount_vnd"] as? Int, 18_000_000)
        XCTAssertEqual(try old.json()["late"] as? Bool, true)
    }

    /// Each bad input: exit 65, one line naming the field and the rule, ledger byte-identical.
    func testBadInputIsRefusedWithTheFieldAndNothingIsWritten() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Phạm Minh", motherID: "001195000001", certificate: "X1")))
        let base = Declarations.birth()
        let cases: [(String, String, String)] = [
            ("missing field", Declarations.text(setting(base, "child.date_of_birth", nil)), "child.date_of_birth: is required"),
            ("unknown field", Declarations.text(setting(base, "mother.full_nmae", "x")), "mother.full_nmae: unknown field"),
            ("wrong type", Declarations.text(setting(base, "child.sex", 1)), "child.sex: must be a string"),
            ("bad enum", Declarations.text(setting(base, "child.sex", "f")), "child.sex: must be one of male, female"),
            ("short id", Declarations.text(setting(base, "mother.personal_id", "04019500012")), "mother.personal_id: must be 12 digits"),
            ("bad province", Declarations.text(setting(base, "mother.personal_id", "999195000123")), "mother.personal_id: first 3 digits must be a province code"),
            ("sex digit", Declarations.text(setting(base, "mother.personal_id", "040095000123")), "mother.personal_id: 4th digit must be 1"),
            ("year digits", Declarations.text(setting(base, "mother.personal_id", "040196000123")), "mother.personal_id: 5th and 6th digits"),
            ("unreal date", Declarations.text(setting(base, "child.date_of_birth", "2026-02-30")), "child.date_of_birth: must be a real date"),
            ("future birth", Declarations.text(setting(base, "child.date_of_birth", "2026-12-01")), "child.date_of_birth: must not be in the future"),
            ("mother younger", Declarations.text(setting(base, "mother.date_of_birth", "2026-11-16")), "mother.date_of_birth: must be before"),
            ("HI over 6", Declarations.text(setting(setting(base, "child.date_of_birth", "2020-01-01"), "medical_birth_certificate.number", "Z9")), "health_insurance: the free health-insurance card is only for a child under 6"),
            ("control char", Declarations.text(setting(base, "child.full_name", "Ánh\u{07}")), "child.full_name: must not contain control"),
            ("too long", Declarations.text(setting(base, "child.full_name", String(repeating: "A", count: 101))), "child.full_name: must be at most 100 characters"),
            ("province", Declarations.text(setting(base, "province", "99")), "province: must be a 2025 province code"),
            ("commune", Declarations.text(setting(base, "commune", "1798")), "commune: must be 5 digits"),
            ("not object", "[1,2,3]", "a declaration must be a JSON object"),
            ("not json", "{\"province\": ", "invalid JSON at byte"),
            ("deep nesting", String(repeating: "{\"a\":", count: 40) + "1" + String(repeating: "}", count: 40), "nesting deeper than"),
            ("duplicate key", "{\"province\":\"40\",\"province\":\"40\"}", "duplicate member name"),
            ("oversize", "{\"province\":\"" + String(repeating: "4", count: 70_000) + "\"}", "over the limit"),
        ]
        let before = try box.ledgerBytes()
        for (name, input, expected) in cases {
            let result = try box.run(["register-birth"], stdin: Data(input.utf8))
            XCTAssertEqual(result.status, 65, "\(name): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(expected), "\(name): expected '\(expected)' in \(result.stderr)")
            // One line per rule broken: the mother born after the child also has an ID number of
            // another year; every other case breaks one rule.
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, name == "mother younger" ? 2 : 1, "\(name): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", name)
            XCTAssertFalse(result.stderr.contains("040195000123"), "\(name): personal data in an error")
        }
        let invalidUTF8 = try box.run(["register-birth"], stdin: Data([0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D]))
        XCTAssertEqual(invalidUTF8.status, 65)
        XCTAssertTrue(invalidUTF8.stderr.contains("not valid UTF-8"), invalidUTF8.stderr)
        let death = setting(Declarations.death(), "death.date", "1957-01-01")
        let deathResult = try box.run(["register-death"], stdin: Data(Declarations.text(death).utf8))
        XCTAssertEqual(deathResult.status, 65)
        XCTAssertTrue(deathResult.stderr.contains("death.date: must not be before deceased.date_of_birth"), deathResult.stderr)
        XCTAssertEqual(try box.ledgerBytes(), before, "a refused declaration changed the ledger")
    }

    func testDuplicatesAreRefusedWithAPointerButTwinsAreNot() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let first = try box.ok("register-birth", stdin: Declarations.text(Declarations.birth())).json()["id"] as! String
        // Same mother, date and name, written without diacritics and in capitals.
        let sameName = try box.run(["register-birth"], stdin: Data(Declarations.text(Declarations.birth(childName: "NGUYEN THI ANH", certificate: "GCS-OTHER")).utf8))
        XCTAssertEqual(sameName.status, 65)
        XCTAssertTrue(sameName.stderr.contains("already registered as dossier \(first)"), sameName.stderr)
        let sameCertificate = try box.run(["register-birth"], stdin: Data(Declarations.text(Declarations.birth(childName: "Nguyễn Thị Bích", certificate: "gcs-2026-001")).utf8))
        XCTAssertEqual(sameCertificate.status, 65)
        XCTAssertTrue(sameCertificate.stderr.contains("medical birth certificate"), sameCertificate.stderr)
        // A twin: same mother and date, another name and certificate.
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Nguyễn Thị Anh Thư", certificate: "GCS-2026-001B")))

        let death = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        let again = try box.run(["register-death"], stdin: Data(Declarations.text(Declarations.death()).utf8))
        XCTAssertEqual(again.status, 65)
        XCTAssertTrue(again.stderr.contains("already registered as dossier \(death)"), again.stderr)
    }

    func testBatchReportsBadLinesByNumberAndCommitsTheGoodOnes() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let lines = [
            Declarations.text(Declarations.birth(childName: "A Một", motherID: "040195000001", certificate: "C1")),
            Declarations.text(setting(Declarations.birth(childName: "B Hai", motherID: "040195000002", certificate: "C2"), "child.sex", "x")),
            "",
            Declarations.text(Declarations.birth(childName: "C Ba", motherID: "040195000003", certificate: "C3")),
            Declarations.text(Declarations.birth(childName: "A MOT", motherID: "040195000001", certificate: "C4")),
        ]
        let result = try box.run(["register-birth", "--batch"], stdin: Data(lines.joined(separator: "\n").utf8))
        XCTAssertEqual(result.status, 65)
        XCTAssertEqual(try result.jsonLines().count, 2)
        XCTAssertTrue(result.stderr.contains("line 2: child.sex: must be one of"), result.stderr)
        XCTAssertTrue(result.stderr.contains("line 5: duplicate"), result.stderr)
        let listed = try box.ok("status", "--list", "--format", "json").jsonLines()
        XCTAssertEqual(listed.count, 2)
    }

    func testTwoProcessesRegisteringAtOnceBothSucceed() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let batches = [0, 1000].map { offset in
            Data((0..<150).map { i in
                Declarations.text(Declarations.birth(childName: "Con \(offset + i)", motherID: String(format: "040195%06d", offset + i),
                                                     certificate: "P\(offset + i)"))
            }.joined(separator: "\n").utf8)
        }
        let results = UnsafeMutableBufferPointer<RunResult?>.allocate(capacity: 2)
        defer { results.deallocate() }
        results.initialize(repeating: nil)
        nonisolated(unsafe) let shared = results
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            shared[i] = try? box.run(["register-birth", "--batch"], stdin: batches[i])
        }
        for result in results {
            XCTAssertEqual(result?.status, 0, result?.stderr ?? "no result")
        }
        let listed = try box.ok("status", "--list", "--format", "json").jsonLines()
        XCTAssertEqual(listed.count, 300)
        let numbers = Set(listed.map { ($0["register"] as! [String: Any])["number"] as! Int })
        XCTAssertEqual(numbers, Set(1...300))
    }

    func testSchemaVersionsOlderMigrateNewerRefused() throws {
        let box = try Sandbox()
        // An empty SQLite file is schema version 0: opening it migrates.
        _ = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "PRAGMA user_version = 0; CREATE TABLE t(x);"])
        try box.ok("register-birth", stdin: Declarations.text(Declarations.birth()))
        _ = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "PRAGMA user_version = 99;"])
        let result = try box.run("status", "--list")
        XCTAssertEqual(result.status, 78)
        XCTAssertTrue(result.stderr.contains("newer than this civlink"), result.stderr)
    }
}

/// A batch read from a slow pipe commits what it has read and does not hold the ledger's write
/// lock while it waits for more input.
final class SlowInputTests: XCTestCase {
    func testAStalledBatchCommitsWhatItHasAndDoesNotBlockOtherWriters() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let process = Process()
        process.executableURL = Sandbox.binary
        process.arguments = ["register-birth", "--batch", "-"]
        process.environment = box.environment
        process.currentDirectoryURL = box.directory
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        final class Collected: @unchecked Sendable {
            let lock = NSLock()
            var data = Data()
            var lines: Int { lock.lock(); defer { lock.unlock() }; return data.filter { $0 == 0x0A }.count }
        }
        let collected = Collected()
        let drained = DispatchSemaphore(value: 0)
        Thread {
            while case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
                collected.lock.lock()
                collected.data.append(chunk)
                collected.lock.unlock()
            }
            drained.signal()
        }.start()
        // One full chunk and a little more, then the input stalls.
        let lines = (0..<2100).map { i in
            Declarations.text(Declarations.birth(childName: "Con \(i)", motherID: String(format: "040195%06d", i), certificate: "P\(i)"))
        }
        input.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        // The full chunk is committed and printed while the input stalls.
        let deadline = Date().addingTimeInterval(60)
        while collected.lines < 2000, Date() < deadline { usleep(50_000) }
        XCTAssertEqual(collected.lines, 2000, "the stalled batch did not commit the chunk it had")
        // Another writer gets the lock at once.
        let started = Date()
        let other = try box.run("register-birth", stdin: Declarations.text(Declarations.birth(childName: "Khác", motherID: "040195999999",
                                                                                            certificate: "P-OTHER")))
        XCTAssertEqual(other.status, 0, other.stderr)
        XCTAssertLessThan(Date().timeIntervalSince(started), 10, "another writer waited for the stalled batch")
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        drained.wait()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertEqual(collected.lines, 2100)
        XCTAssertEqual(try box.ok("status", "--list", "--format", "json").jsonLines().count, 2101)
        // Input that cannot be read is an I/O error, not an empty batch.
        let unreadable = try box.run("register-birth", "--batch", box.directory.path)
        XCTAssertEqual(unreadable.status, 74)
        XCTAssertTrue(unreadable.stderr.contains("cannot read the input"), unreadable.stderr)
    }
}
