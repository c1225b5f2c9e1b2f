import Foundation
import CivlinkCore
import CivlinkTestSupport
import XCTest

/// Every case a commune desk meets, through the real binary: the examples of each special case
/// end to end, every error at once, identity checks, schema versions and duplicates.
final class DeskCaseTests: XCTestCase {
    static let agencies = ["population", "residence", "social-insurance", "social-affairs"]
    let examples = Sandbox.repositoryRoot.appendingPathComponent("examples")

    private func spoolBox() throws -> Sandbox {
        let box = try Sandbox()
        try box.ok("init", "--training")
        for agency in DeskCaseTests.agencies { try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)")) }
        return box
    }

    private func example(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: examples.appendingPathComponent(name))) as! [String: Any]
    }

    private func procedures(_ box: Sandbox, _ id: String) throws -> [[String: Any]] {
        try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
    }

    private func procedure(_ box: Sandbox, _ id: String, _ code: String) throws -> [String: Any]? {
        try procedures(box, id).first { $0["code"] as? String == code }
    }

    private func simulate(_ box: Sandbox) throws {
        for agency in DeskCaseTests.agencies { try box.ok("agency", "simulate", "--spool", box.path("spool/\(agency)")) }
    }

    /// Registers `declaration` and returns the refusal: exit 65, nothing printed, nothing written.
    private func refused(_ box: Sandbox, _ group: String, _ declaration: [String: Any], _ extra: [String] = [],
                         file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let before = try box.ledgerBytes()
        let result = try box.run(["register-\(group)"] + extra, stdin: Data(Declarations.text(declaration).utf8))
        XCTAssertEqual(result.status, 65, result.stderr, file: file, line: line)
        XCTAssertEqual(result.stdout, "", file: file, line: line)
        XCTAssertEqual(try box.ledgerBytes(), before, "a refused declaration changed the ledger", file: file, line: line)
        return result
    }

    // MARK: The examples, end to end

    /// One declaration per special case in examples/, registered by the real binary, signed and
    /// transferred to the simulated agencies until every procedure has its result.
    func testEverySpecialCaseExampleRunsEndToEnd() throws {
        let box = try spoolBox()
        let files: [(String, String)] = [
            ("birth", "birth-foreign-mother.json"), ("birth", "birth-absent-father.json"), ("birth", "birth-at-home.json"),
            ("birth", "birth-late.json"), ("death", "death-without-number.json"), ("death", "death-survivor-benefit.json"),
        ]
        var ids: [String: String] = [:]
        var dossiers: [String: [String: Any]] = [:]
        for (group, file) in files {
            let result = try box.run(["register-\(group)", examples.appendingPathComponent(file).path])
            XCTAssertEqual(result.status, 0, "\(file): \(result.stderr)")
            let dossier = try result.json()
            ids[file] = dossier["id"] as? String
            dossiers[file] = dossier
        }
        func codes(_ file: String) -> [String] { (dossiers[file]!["procedures"] as! [[String: Any]]).map { $0["code"] as! String } }
        let birthGroup = ["birth-registration", "certificate-copy", "personal-id", "residence-registration", "health-insurance-card"]
        // The child's personal ID number is always asked for; residence registration goes with an address.
        XCTAssertEqual(codes("birth-foreign-mother.json"), birthGroup)
        XCTAssertEqual(codes("birth-absent-father.json"), birthGroup)
        XCTAssertEqual(codes("birth-at-home.json"), birthGroup)
        XCTAssertEqual(codes("death-without-number.json"), ["death-registration", "certificate-copy", "residence-deletion", "funeral-support"])
        XCTAssertEqual(codes("death-survivor-benefit.json"),
                       ["death-registration", "certificate-copy", "residence-deletion", "funeral-allowance", "survivor-benefit"])
        let survivor = (dossiers["death-survivor-benefit.json"]!["procedures"] as! [[String: Any]]).last!
        XCTAssertEqual(survivor["agency"] as? String, "social-insurance")
        XCTAssertEqual(survivor["waits_on"] as? [String], ["death-registration", "certificate-copy"])
        XCTAssertEqual(survivor["deadline_days"] as? Int, 5)
        // Late: born 10 June, registered 20 November (more than 60 days).
        XCTAssertEqual(dossiers["birth-late.json"]!["late"] as? Bool, true)
        XCTAssertEqual(dossiers["birth-at-home.json"]!["late"] as? Bool, false)
        // The home birth's address needs verification: 5 working days.
        let home = (dossiers["birth-at-home.json"]!["procedures"] as! [[String: Any]])[3]
        XCTAssertEqual(home["deadline_days"] as? Int, 5)

        try box.ok("transfer")
        try simulate(box)
        try box.ok("transfer")
        for id in ids.values { try box.signCopy(id) }
        for _ in 0..<2 {
            try box.ok("transfer")
            try simulate(box)
        }
        try box.ok("transfer")
        for (file, id) in ids {
            for p in try procedures(box, id) {
                XCTAssertTrue(["done", "completed"].contains(p["state"] as! String), "\(file): \(p["code"]!) is \(p["state"]!)")
            }
        }
        XCTAssertEqual(try box.ok("transfer", "--quarantine", "--format", "json").stdout, "", "a simulated result was quarantined")

        // The foreign mother's child gets a number of the registering province; the message
        // carries her passport and nationality, and no personal ID number she does not have.
        let foreign = ids["birth-foreign-mother.json"]!
        let number = try procedure(box, foreign, "personal-id")!["result"] as! [String: Any]
        XCTAssertTrue((number["personal_id"] as! String).hasPrefix("040326"), "\(number)")
        let message = try spoolMessage(box, "population", foreign)
        let mother = (message["data"] as! [String: Any])["mother"] as! [String: Any]
        XCTAssertEqual((mother["identity_document"] as? [String: Any])?["issuing_country"] as? String, "KOR")
        XCTAssertEqual(mother["nationality"] as? String, "Hàn Quốc")
        XCTAssertNil(mother["personal_id"])
        // The absent father's message has no father.
        XCTAssertNil((try spoolMessage(box, "population", ids["birth-absent-father.json"]!)["data"] as! [String: Any])["father"])
        // The deceased without a number: residence deletion gets the address and the reason.
        let deletion = try spoolMessage(box, "residence", ids["death-without-number.json"]!)
        let deceased = (deletion["data"] as! [String: Any])["deceased"] as! [String: Any]
        XCTAssertNil(deceased["personal_id"])
        XCTAssertNotNil(deceased["no_id_reason"])
        XCTAssertNotNil(deceased["residence"])
        // The survivor benefit: the request and its representative go to social insurance, the
        // decision comes back as monthly, from the month after the death.
        let benefit = try procedure(box, ids["death-survivor-benefit.json"]!, "survivor-benefit")!["result"] as! [String: Any]
        XCTAssertEqual(benefit["kind"] as? String, "monthly")
        XCTAssertEqual(benefit["from"] as? String, "2026-12-01")
        XCTAssertEqual(benefit["monthly_amount_vnd"] as? Int, 2_340_000)   // half the base salary for each of two relatives
        let request = try spoolMessage(box, "social-insurance", ids["death-survivor-benefit.json"]!, procedure: "survivor-benefit")
        XCTAssertEqual(((request["data"] as! [String: Any])["survivor_benefit"] as? [String: Any])?["kind"] as? String, "monthly")
        XCTAssertNotNil(request["certificate_copy"], "the survivor benefit waits on and carries the signed copy")

        // The report counts the late registrations, in the civil-status row.
        let report = try box.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--format", "json").json()
        let rows = report["rows"] as! [[String: Any]]
        XCTAssertEqual(rows.first { $0["system"] as? String == "civil-status" }?["late"] as? Int, 1)
        XCTAssertEqual((report["totals"] as! [String: Any])["late"] as? Int, 1)
        let late = try box.ok("report", "--from", "2026-11-01", "--to", "2026-11-30", "--by", "procedure", "--format", "csv").stdout
        XCTAssertTrue(late.contains("\r\nbirth-registration,4,4,4,0,0,0,0,0,0,0,1,4,"), late)
    }

    /// The HTTP stand-in agency answers the survivor benefit, and its HI cards pass civlink's
    /// rules (a child born in October keeps the card to the day before the sixth birthday).
    func testTheHTTPAgencyAnswersTheSurvivorBenefitAndValidCards() throws {
        let server = try AgencyServer()
        let box = try Sandbox()
        try box.ok("init", "--training")
        for agency in DeskCaseTests.agencies { try box.ok("agency", "add", agency, "--url", "\(server.url)/\(agency)") }
        let death = try box.ok("register-death", examples.appendingPathComponent("death-survivor-benefit.json").path).json()["id"] as! String
        let october = Declarations.birth(childName: "Trần Thu", motherID: "040195000444", certificate: "GCS-OCT", born: "2025-10-01")
        let birth = try box.ok("register-birth", stdin: Declarations.text(october)).json()["id"] as! String
        try box.ok("transfer")
        try box.signCopy(death)
        try box.signCopy(birth)
        try box.ok("transfer")
        try box.ok("transfer")
        XCTAssertEqual(try box.ok("transfer", "--quarantine", "--format", "json").stdout, "")
        let survivor = try procedure(box, death, "survivor-benefit")!
        XCTAssertEqual(survivor["state"] as? String, "completed")
        XCTAssertEqual((survivor["result"] as? [String: Any])?["kind"] as? String, "monthly")
        XCTAssertEqual((survivor["result"] as? [String: Any])?["from"] as? String, "2026-12-01")
        let card = try procedure(box, birth, "health-insurance-card")!
        XCTAssertEqual(card["state"] as? String, "completed")
        XCTAssertEqual((card["result"] as? [String: Any])?["valid_until"] as? String, "2031-09-30")
    }

    /// The message civlink sent an agency for a dossier's procedure, as the ledger keeps it.
    private func spoolMessage(_ box: Sandbox, _ agency: String, _ id: String, procedure: String? = nil) throws -> [String: Any] {
        let body = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath,
            "SELECT body FROM messages WHERE dossier_id = '\(id)' AND agency = '\(agency)'" + (procedure.map { " AND procedure = '\($0)'" } ?? "") + " LIMIT 1;"])
        return try JSONSerialization.jsonObject(with: Data(body.utf8)) as! [String: Any]
    }

    // MARK: Every error at once

    func testEveryErrorIsReportedAtOnceInTextAndJSON() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        var three = setting(Declarations.birth(), "child.sex", "f")
        three = setting(three, "mother.personal_id", "04019500012")
        three = setting(three, "commune", "1798")
        let text = try refused(box, "birth", three)
        XCTAssertEqual(text.stderr, """
            civlink: commune: must be 5 digits
            civlink: child.sex: must be one of male, female
            civlink: mother.personal_id: must be 12 digits

            """)
        let json = try refused(box, "birth", three, ["--format", "json"])
        let object = try JSONSerialization.jsonObject(with: Data(json.stderr.utf8)) as! [String: Any]
        XCTAssertEqual(object["format"] as? String, "civlink.errors/1")
        XCTAssertEqual(object["count"] as? Int, 3)
        XCTAssertEqual(object["kind"] as? String, "invalid")
        let errors = object["errors"] as! [[String: String]]
        XCTAssertEqual(errors.map { $0["field"]! }, ["commune", "child.sex", "mother.personal_id"])
        XCTAssertEqual(errors[2]["rule"], "must be 12 digits")
        XCTAssertEqual(errors[2]["message"], "mother.personal_id: must be 12 digits")
        // Machine output does not follow the locale.
        let vietnamese = try box.run(["register-birth", "--format", "json"], stdin: Data(Declarations.text(three).utf8), environment: ["LANG": "vi_VN.UTF-8"])
        XCTAssertEqual(vietnamese.stderr, json.stderr)

        // Many errors: twenty lines, then how many more.
        var many = Declarations.birth()
        for i in 0..<30 { many = setting(many, "child.extra\(i)", "x") }
        let bounded = try refused(box, "birth", many)
        let lines = bounded.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 21)
        XCTAssertEqual(lines.last, "civlink: and 10 more")
        let all = try refused(box, "birth", many, ["--format", "json"])
        let allObject = try JSONSerialization.jsonObject(with: Data(all.stderr.utf8)) as! [String: Any]
        XCTAssertEqual(allObject["count"] as? Int, 30)
        XCTAssertEqual((allObject["errors"] as! [Any]).count, 30)

        // A rule that needs a broken field is not run: an invalid date of birth is one error, not
        // also a personal ID number that does not match it.
        let date = try refused(box, "birth", setting(Declarations.birth(), "mother.date_of_birth", "1995-02-30"))
        XCTAssertEqual(date.stderr, "civlink: mother.date_of_birth: must be a real date YYYY-MM-DD\n")
    }

    func testBatchReportsEveryErrorPerLine() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let good = Declarations.text(Declarations.birth())
        let two = Declarations.text(setting(setting(Declarations.birth(childName: "B", motherID: "040195000002", certificate: "C2"),
                                                    "child.sex", "x"), "province", "99"))
        let dup = Declarations.text(Declarations.birth(childName: "NGUYEN THI ANH", certificate: "C3"))
        let input = Data([good, two, dup].joined(separator: "\n").utf8)
        let text = try box.run(["register-birth", "--batch"], stdin: input)
        XCTAssertEqual(text.status, 65)
        XCTAssertEqual(try text.jsonLines().count, 1)
        let lines = text.stderr.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, text.stderr)
        XCTAssertTrue(lines[0].hasPrefix("civlink: line 2: province: must be a 2025 province code"), lines[0])
        XCTAssertTrue(lines[1].hasPrefix("civlink: line 2: child.sex: must be one of"), lines[1])
        XCTAssertTrue(lines[2].hasPrefix("civlink: line 3: duplicate: a birth with the same mother"), lines[2])

        let box2 = try Sandbox()
        try box2.ok("init", "--training")
        let json = try box2.run(["register-birth", "--batch", "--format", "json"], stdin: input)
        XCTAssertEqual(json.status, 65)
        let objects = try json.stderr.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        XCTAssertEqual(objects.map { $0["line"] as? Int }, [2, 3])
        XCTAssertEqual(objects[0]["count"] as? Int, 2)
        XCTAssertEqual(objects[1]["kind"] as? String, "duplicate")
        XCTAssertEqual(objects[1]["duplicate_of"] as? String, try json.jsonLines()[0]["id"] as? String)
    }

    // MARK: Identity checks

    func testEveryPersonalIDNumberIsCheckedAgainstWhatIsKnown() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        // The issue's case: a declarant whose digits put the birth in 2393.
        let example = try example("birth.json")
        let future = try refused(box, "birth", setting(example, "declarant.personal_id", "040993000456"))
        XCTAssertTrue(future.stderr.contains("declarant.personal_id: the century and year digits give a birth in 2393"), future.stderr)
        // 2093, and a declarant who would be ten.
        XCTAssertTrue(try refused(box, "birth", setting(example, "declarant.personal_id", "040293000456")).stderr.contains("a birth in 2093"))
        XCTAssertTrue(try refused(box, "birth", setting(example, "declarant.personal_id", "040216000456")).stderr.contains("born in 2011 or earlier"))
        // A declarant of 15 may declare (a young mother).
        let young = setting(setting(example, "declarant.personal_id", "040311000456"), "medical_birth_certificate.number", "Y1")
        XCTAssertEqual(try box.run(["register-birth"], stdin: Data(Declarations.text(young).utf8)).status, 0)
        // The beneficiary of a funeral benefit, and a representative of the survivor benefit.
        let death = setting(Declarations.death(), "beneficiary.personal_id", "040899000111")
        XCTAssertTrue(try refused(box, "death", death).stderr.contains("beneficiary.personal_id: the century and year digits give a birth in 2399"))
        var survivor = try self.example("death-survivor-benefit.json")
        survivor = setting(survivor, "survivor_benefit.representative.personal_id", "040625000111")
        XCTAssertTrue(try refused(box, "death", survivor).stderr.contains("survivor_benefit.representative.personal_id: the century and year digits give a birth in 2225"))
    }

    // MARK: Schema versions and the cases of version 2

    func testVersionOneStaysValidAndNamesWhatVersionTwoAdds() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        // Today's declarations, without a format member, register as before.
        let v1 = try box.ok("register-birth", examples.appendingPathComponent("birth.json").path).json()
        XCTAssertNil((v1["declaration"] as! [String: Any])["format"], "a version 1 declaration is stored as given")
        try box.ok("register-death", examples.appendingPathComponent("death.json").path)
        // Version 1 does not know version 2's members; the format must name the group.
        let passport = setting(Declarations.birth(childName: "Khác", motherID: "040195000777", certificate: "V1"), "mother.identity_document",
                               ["type": "passport", "number": "M1", "issuing_country": "KOR"])
        XCTAssertTrue(try refused(box, "birth", passport).stderr.contains("mother.identity_document: unknown field"))
        let wrong = setting(Declarations.birth(), "format", "civlink.death-declaration/2")
        XCTAssertTrue(try refused(box, "birth", wrong).stderr.contains("format: names a death declaration, not a birth declaration"))
        XCTAssertTrue(try refused(box, "birth", setting(Declarations.birth(), "format", "civlink.birth-declaration/9")).stderr
            .contains("format: must be one of civlink.birth-declaration/1, civlink.birth-declaration/2"))
        // Version 1 named explicitly is version 1.
        let explicit = setting(Declarations.birth(childName: "Một", motherID: "040195000778", certificate: "V1-1"), "format", "civlink.birth-declaration/1")
        try box.ok("register-birth", stdin: Declarations.text(explicit))
    }

    func testVersionTwoParentsFathersAndHomeBirthsAreCheckedFieldByField() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let foreign = try example("birth-foreign-mother.json")
        // A passport needs the nationality; a person is identified one way, not two.
        var noNationality = setting(foreign, "mother.nationality", nil)
        noNationality = setting(noNationality, "father.identity_document", ["type": "passport", "number": "B7654321", "issuing_country": "VNM"])
        XCTAssertEqual(try refused(box, "birth", noNationality).stderr, """
            civlink: mother.nationality: is required with an identity_document
            civlink: father.identity_document: must not be given with personal_id: give one of them

            """)
        let nobody = setting(setting(foreign, "mother.identity_document", nil), "declarant.personal_id", nil)
        XCTAssertEqual(try refused(box, "birth", nobody).stderr, """
            civlink: mother.personal_id: is required, or identity_document (a passport or foreign ID) for a person without one
            civlink: declarant.personal_id: is required, or identity_document (a passport or foreign ID) for a person without one

            """)
        let country = setting(foreign, "mother.identity_document.issuing_country", "Korea")
        XCTAssertTrue(try refused(box, "birth", country).stderr.contains("mother.identity_document.issuing_country: must be an ISO 3166-1 alpha-3 country code"))
        // Version 2 asks whether there is a father: a father, or father_absent with the reason.
        let absent = try example("birth-absent-father.json")
        XCTAssertEqual(try refused(box, "birth", setting(absent, "father_absent", nil)).stderr,
                       "civlink: father: is required, or father_absent with the reason when no father is declared\n")
        let both = setting(absent, "father", ["full_name": "X", "date_of_birth": "1990-01-01", "personal_id": "040090000001"])
        XCTAssertTrue(try refused(box, "birth", both).stderr.contains("father_absent: must not be given with father"))
        // A home birth: the witness's confirmation instead of the certificate, not neither, not both.
        let home = try example("birth-at-home.json")
        XCTAssertEqual(try refused(box, "birth", setting(home, "birth_witness", nil)).stderr,
                       "civlink: medical_birth_certificate: is required, or birth_witness for a birth without one (at home)\n")
        let twice = setting(home, "medical_birth_certificate", ["number": "GCS-H", "issuer": "Trạm y tế"])
        XCTAssertTrue(try refused(box, "birth", twice).stderr.contains("birth_witness: must not be given with medical_birth_certificate"))
        let early = setting(home, "birth_witness.confirmed_on", "2026-11-01")
        XCTAssertTrue(try refused(box, "birth", early).stderr.contains("birth_witness.confirmed_on: must not be before child.date_of_birth"))
        let child = setting(home, "birth_witness.personal_id", "040318000321")
        XCTAssertTrue(try refused(box, "birth", child).stderr.contains("birth_witness.personal_id: the century and year digits give a birth in 2018"))
    }

    func testHomeBirthsAndDeathsWithoutANumberFindTheirDuplicates() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let home = try example("birth-at-home.json")
        let first = try box.ok("register-birth", stdin: Declarations.text(home)).json()["id"] as! String
        // The same birth again (no certificate number to compare): the mother, date and name.
        let again = try refused(box, "birth", setting(home, "child.full_name", "LO VAN PHUC"))
        XCTAssertTrue(again.stderr.contains("already registered as dossier \(first)"), again.stderr)
        // Twins at home: the same mother and date, another name.
        try box.ok("register-birth", stdin: Declarations.text(setting(home, "child.full_name", "Lò Văn Phú")))
        // A foreign mother is found by her passport.
        let foreign = try example("birth-foreign-mother.json")
        let child = try box.ok("register-birth", stdin: Declarations.text(foreign)).json()["id"] as! String
        let copy = setting(setting(foreign, "medical_birth_certificate.number", "GCS-OTHER"), "child.full_name", "Nguyen Minh Anh")
        XCTAssertTrue(try refused(box, "birth", copy).stderr.contains("already registered as dossier \(child)"))

        // A deceased without a number: the same name, dates of birth and death.
        let none = try example("death-without-number.json")
        let death = try box.ok("register-death", stdin: Declarations.text(none)).json()["id"] as! String
        let repeated = try refused(box, "death", setting(none, "deceased.full_name", "HOANG THI TY"))
        XCTAssertTrue(repeated.stderr.contains("a death of a person with the same name, date of birth and date of death; already registered as dossier \(death)"),
                      repeated.stderr)
        // An old ID card number identifies a deceased too, 9 or 12 digits.
        var card = setting(setting(none, "deceased.no_id_reason", nil), "deceased.old_id_card", "186123456")
        card = setting(card, "deceased.full_name", "Hoàng Văn Tư")
        let carded = try box.ok("register-death", stdin: Declarations.text(card)).json()["id"] as! String
        XCTAssertTrue(try refused(box, "death", setting(card, "death_notice.number", "X2")).stderr.contains("the same old ID card number; already registered as dossier \(carded)"))
        XCTAssertTrue(try refused(box, "death", setting(card, "deceased.old_id_card", "1861234567")).stderr.contains("deceased.old_id_card: must be 9 or 12 digits"))
        // One way only; and without a number the police need the address.
        let two = setting(card, "deceased.personal_id", "040031000111")
        XCTAssertTrue(try refused(box, "death", two).stderr.contains("deceased: give one of personal_id, old_id_card or no_id_reason, not personal_id and old_id_card"))
        let nowhere = setting(none, "deceased.residence", nil)
        XCTAssertTrue(try refused(box, "death", nowhere).stderr.contains("deceased.residence: is required for residence deletion when the deceased has no personal ID number"))
        let neither = setting(none, "deceased.no_id_reason", nil)
        XCTAssertTrue(try refused(box, "death", neither).stderr.contains("deceased.personal_id: is required, or old_id_card (9 or 12 digits), or no_id_reason"))
    }

    func testSurvivorBenefitIsCheckedAgainstTheDeceasedsInsurance() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let survivor = try example("death-survivor-benefit.json")
        // Monthly needs a pension, 15 years of compulsory insurance or a work accident.
        let short = setting(survivor, "entitlement", ["social_insurance_code": "4098765432", "compulsory_months": 120])
        XCTAssertTrue(try refused(box, "death", short).stderr.contains("survivor_benefit.kind: monthly needs a deceased who received a pension"))
        let accident = setting(setting(short, "entitlement.work_accident", true), "funeral_benefit", false)
        try box.ok("register-death", stdin: Declarations.text(accident))
        let noRelatives = setting(setting(survivor, "survivor_benefit.relatives", nil), "deceased.personal_id", "040061000902")
        XCTAssertTrue(try refused(box, "death", noRelatives).stderr.contains("survivor_benefit.relatives: is required for a monthly benefit"))
        // One-off needs some insurance; the social insurance code always.
        var oneOff = setting(survivor, "survivor_benefit.kind", "one-off")
        oneOff = setting(setting(oneOff, "entitlement", ["social_assistance": true]), "deceased.personal_id", "040061000903")
        let stderr = try refused(box, "death", oneOff).stderr
        XCTAssertTrue(stderr.contains("entitlement.social_insurance_code: is required for the survivor benefit"), stderr)
        XCTAssertTrue(stderr.contains("survivor_benefit: needs a deceased who received a pension or paid social insurance"), stderr)
        let bank = setting(survivor, "survivor_benefit.representative.account", nil)
        XCTAssertTrue(try refused(box, "death", bank).stderr.contains("survivor_benefit.representative.account: is required when payment is bank"))
        // A relative's number is checked against the relative's date of birth.
        var relatives = (survivor["survivor_benefit"] as! [String: Any])["relatives"] as! [[String: Any]]
        relatives[1]["personal_id"] = "040311000211"
        let relative = setting(survivor, "survivor_benefit.relatives", relatives)
        XCTAssertTrue(try refused(box, "death", relative).stderr.contains("survivor_benefit.relatives[1].personal_id: 5th and 6th digits"))
    }
}
