@testable import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// The rules of the desk cases in process: validation as a pure function, the administrative
/// units, settings, and the health-insurance card result.
final class DeskRulesTests: XCTestCase {
    let now = Timestamp("2026-11-20T09:30:00+07:00")!

    private func json(_ object: [String: Any]) throws -> JSON {
        try JSONReader.parse(JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }

    private func errors(_ object: [String: Any], _ group: ProcedureGroup = .birth, reference: ReferenceData = .embedded) throws -> [String] {
        do {
            _ = try Declaration.validate(try json(object), group: group, now: now, reference: reference)
            return []
        } catch let errors as ValidationErrors {
            return errors.errors.map(\.phrase.description)
        }
    }

    func testValidationIsAPureFunctionThatCollectsEveryError() throws {
        var bad = setting(Declarations.birth(), "child.sex", "f")
        bad = setting(bad, "mother.date_of_birth", "2027-01-01")
        bad = setting(bad, "declarant.personal_id", "040693000456")
        let first = try errors(bad)
        XCTAssertEqual(first, [
            "child.sex: must be one of male, female",
            "mother.date_of_birth: must be before the child's date of birth",
            "mother.personal_id: 4th digit must be 3 for a woman born in the 2000s",
            "declarant.personal_id: the century and year digits give a birth in 2293: someone who acts for the family must be born in 2011 or earlier (15 years before the registration)",
        ])
        XCTAssertEqual(try errors(bad), first, "the same declaration and reference data give the same errors")
        // A valid one gives the same declaration each time, byte for byte.
        let a = try Declaration.validate(try json(Declarations.birth()), group: .birth, now: now, reference: .embedded)
        let b = try Declaration.validate(try json(Declarations.birth()), group: .birth, now: now, reference: .embedded)
        XCTAssertEqual(a.normalisedText, b.normalisedText)
        XCTAssertEqual(a.duplicateKey, "040195000123|2026-11-15|nguyen thi anh")
        XCTAssertEqual(a.documentKey, "GCS-2026-001")
        XCTAssertEqual(a.version, 1)
    }

    func testPersonalIDWithoutSexChecksTheCenturyAndYear() throws {
        let provinces = ProvinceTable.embedded
        XCTAssertNoThrow(try PersonalID.validate("040312000211", field: "f", provinces: provinces, born: CivilDate("2012-02-11")!))
        XCTAssertNoThrow(try PersonalID.validate("040212000211", field: "f", provinces: provinces, born: CivilDate("2012-02-11")!))
        XCTAssertThrowsError(try PersonalID.validate("040012000211", field: "f", provinces: provinces, born: CivilDate("2012-02-11")!))
        XCTAssertEqual(PersonalID.birthYear("040993000456"), 2393)
        XCTAssertEqual(PersonalID.birthYear("040195000123"), 1995)
    }

    func testProvincesBeforeAndAfterTheReorganisation() {
        let p = ProvinceTable.embedded
        let before = CivilDate("2025-06-30")!, after = CivilDate("2025-07-01")!
        XCTAssertEqual(p.provinceCodes(on: before).count, 63)
        XCTAssertEqual(p.provinceCodes(on: after).count, 34)
        XCTAssertTrue(p.provinceCodes(on: before).contains("02"))
        XCTAssertFalse(p.provinceCodes(on: after).contains("02"))
        XCTAssertEqual(p.provinceName("24", on: before), "Bắc Giang")
        XCTAssertEqual(p.provinceName("24", on: after), "Bắc Ninh")
        XCTAssertEqual(p.currentProvince("02", on: before), "08")
        XCTAssertEqual(p.currentProvince("24", on: before), "24")
        XCTAssertEqual(p.currentProvince("27", on: before), "24")
        XCTAssertEqual(p.formerProvinces(of: "24"), ["24", "27"])
        XCTAssertEqual(p.idCodes(ofProvince: "24", on: after), ["024", "027"])
        XCTAssertEqual(p.idCodes(ofProvince: "27", on: before), ["027"])
        XCTAssertEqual(MessagePayload.idProvinceCode(for: "02", on: before), "002")
        XCTAssertEqual(MessagePayload.idProvinceCode(for: "08", on: after), "008")
    }

    func testCommuneTableFormatAndMapping() throws {
        let text = """
            # a test table
            code\tname\tprovince\tvalid_from\tvalid_until\tsuccessor
            00001\tPhường Cũ A\t24\t\t2025-06-30\t09001
            00002\tXã Cũ B\t27\t2010-01-01\t2025-06-30\t09001
            09001\tPhường Mới\t24\t2025-07-01\t\t
            00003\tXã Giữ Mã\t40\t\t2025-06-30\t
            00003\tXã Giữ Mã\t40\t2025-07-01\t\t
            """
        let table = try CommuneTable(text: text, source: "test")
        XCTAssertEqual(table.commune("00001", on: CivilDate("2024-01-01")!)?.name, "Phường Cũ A")
        XCTAssertNil(table.commune("00001", on: CivilDate("2025-07-01")!))
        XCTAssertEqual(table.currentCommune("00002", on: CivilDate("2024-05-05")!), "09001")
        XCTAssertEqual(table.currentCommune("00003", on: CivilDate("2024-05-05")!), "00003")
        XCTAssertEqual(table.formerCommunes(of: "09001"), ["00001", "00002", "09001"])
        XCTAssertEqual(table.formerCommunes(of: "00003"), ["00003"])
        // A file saved with CRLF line ends reads the same.
        let crlf = try CommuneTable(text: text.replacingOccurrences(of: "\n", with: "\r\n"), source: "crlf")
        XCTAssertEqual(crlf.communes, table.communes)
        XCTAssertEqual(try BaseSalaryTable(text: "from\tvnd\r\n2024-07-01\t2340000\r\n", source: "crlf").steps.count, 1)
        for (bad, expected) in [
            ("code\tname\tprovince\tvalid_from\tvalid_until\n1234\tX\t40\t\t\n", "code must be 5 digits"),
            ("code\tname\tprovince\tvalid_from\tvalid_until\n12345\tX\t40\t2025-13-01\t\n", "valid_from must be empty or a date"),
            ("code\tname\tprovince\tvalid_from\tvalid_until\n12345\tX\t40\t2025-07-01\t2025-06-01\n", "valid_until is before valid_from"),
            ("code\tname\tprovince\tvalid_from\tvalid_until\n12345\tX\t40\t\t\n12345\tY\t40\t2020-01-01\t\n", "in force twice"),
            ("code\tname\tprovince\n12345\tX\t40\n", "no column 'valid_from'"),
        ] {
            XCTAssertThrowsError(try CommuneTable(text: bad, source: "f")) { error in
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
    }

    func testACommuneTableMakesCommuneCodesReal() throws {
        var reference = ReferenceData.embedded
        reference.communes = try CommuneTable(text: "code\tname\tprovince\tvalid_from\tvalid_until\n17986\tPhường Trường Vinh\t40\t2025-07-01\t\n18001\tXã X\t38\t2025-07-01\t\n",
                                              source: "t")
        XCTAssertEqual(try errors(Declarations.birth(), reference: reference), [])
        XCTAssertEqual(try errors(setting(Declarations.birth(), "commune", "17987"), reference: reference),
                       ["commune: must be a commune in force on 2026-11-20 in the commune table"])
        XCTAssertEqual(try errors(setting(Declarations.birth(), "commune", "18001"), reference: reference),
                       ["commune: is a commune of province 38 in the commune table, not of 40"])
        // Before the reorganisation a province is one of the 63.
        var old = setting(Declarations.birth(), "received_at", "2025-03-03T09:00:00+07:00")
        old = setting(setting(old, "child.date_of_birth", "2025-03-01"), "health_insurance", nil)
        XCTAssertEqual(try errors(setting(old, "province", "02")), [])
        XCTAssertEqual(try errors(setting(setting(old, "province", "03"), "received_at", "2025-03-03T09:00:00+07:00")),
                       ["province: must be a province code in force on 2025-03-03: before 2025-07-01, one of the 63 (id_code in provinces.tsv without its leading 0)"])
        XCTAssertEqual(try errors(setting(Declarations.birth(), "province", "02")), ["province: must be a 2025 province code (unit_2025 in provinces.tsv)"])
    }

    func testSettingKeysAndValues() throws {
        XCTAssertEqual(try Setting(parsing: "deadline.survivor-benefit"), .deadline(procedure: "survivor-benefit"))
        XCTAssertEqual(try Setting(parsing: "agency.social-affairs.name"), .agencyName(.socialAffairs))
        XCTAssertEqual(try Setting(parsing: "communes"), .table(.communes))
        XCTAssertEqual(try Setting(parsing: "base-salary.2026-07-01"), .baseSalary(from: CivilDate("2026-07-01")!))
        for (key, expected) in [("deadline.x", "unknown procedure"), ("base-salary.2026-02-30", "must end with a real date"),
                                ("agency.police.name", "unknown agency"), ("colour", "unknown setting 'colour'")] {
            XCTAssertThrowsError(try Setting(parsing: key)) { error in
                XCTAssertEqual((error as? ValidationError)?.field, "key")
                XCTAssertTrue("\(error)".contains(expected), "\(error)")
            }
        }
        XCTAssertEqual(try Setting.deadline(procedure: "personal-id").normalise("3"), "3")
        XCTAssertThrowsError(try Setting.deadline(procedure: "personal-id").normalise("61"))
        XCTAssertThrowsError(try Setting.deadline(procedure: "personal-id").normalise("2.5"))
        XCTAssertThrowsError(try Setting.baseSalary(from: CivilDate("2026-07-01")!).normalise("2,530,000"))
        XCTAssertThrowsError(try Setting.workday(CivilDate("2026-05-04")!).normalise("x")) { error in
            XCTAssertEqual((error as? ValidationError)?.field, "workday.2026-05-04")
        }
        XCTAssertEqual(try Setting.workday(CivilDate("2026-05-09")!).normalise("swapped"), "swapped")
    }

    func testSettingsThroughTheLedgerChangeTheRules() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger
        try ledger.configure(.deadline(procedure: "personal-id"), value: "3")
        try ledger.configure(.baseSalary(from: CivilDate("2026-07-01")!), value: "2530000")
        try ledger.configure(.holiday(CivilDate("2026-11-23")!), value: "a local holiday")
        XCTAssertEqual(ledger.reference.baseSalary.baseSalary(on: CivilDate("2026-11-18")!), 2_530_000)
        XCTAssertFalse(ledger.reference.calendar.isWorkingDay(CivilDate("2026-11-23")!))
        let birth = try fixture.register(.birth, Declarations.birth(), at: "2026-11-20T09:30:00+07:00")
        // Received Friday 20 November; Monday 23 is now a holiday: 3 working days is Thursday 26.
        XCTAssertEqual(try ledger.dossier(birth).procedures.first { $0.code == "personal-id" }?.deadline.description, "2026-11-26")
        let death = try fixture.register(.death, Declarations.death(), at: "2026-11-20T09:30:00+07:00")
        XCTAssertEqual(try ledger.dossier(death).benefit["amount_vnd"]?.intValue, 25_300_000)
        // Unset: back to the default and the shipped rows; a missing row is not found.
        try ledger.unconfigure(.deadline(procedure: "personal-id"))
        XCTAssertEqual(try ledger.configuration(.deadline(procedure: "personal-id"))?.source, "default")
        try ledger.unconfigure(.holiday(CivilDate("2026-11-23")!))
        XCTAssertThrowsError(try ledger.unconfigure(.holiday(CivilDate("2026-11-23")!))) { error in
            XCTAssertEqual((error as? Failure)?.kind, .notFound)
        }
        XCTAssertThrowsError(try ledger.loadReferenceTable(.baseSalary, text: "from\tvnd\n2024-07-01\tlots\n", source: "bad.tsv")) { error in
            XCTAssertEqual((error as? ValidationError)?.field, "base-salary")
        }
        // A second ledger process sees the same settings.
        let reopened = try Ledger(path: ledger.path)
        XCTAssertEqual(reopened.reference.baseSalary.baseSalary(on: CivilDate("2026-11-18")!), 2_530_000)
    }

    func testHealthInsuranceCardResultsAreCheckedAgainstTheChild() throws {
        let fixture = try LedgerFixture()
        try fixture.useSpools()
        let id = try fixture.register(.birth, Declarations.birth(born: "2023-03-10"), at: "2026-11-20T09:30:00+07:00")
        try fixture.transfer(at: "2026-11-20T09:40:00+07:00")
        try fixture.answer(id, "personal-id", .completed, at: "2026-11-20T10:00:00+07:00", result: ["personal_id": "040323000001"])
        try fixture.sign(id, at: "2026-11-20T10:10:00+07:00")
        try fixture.transfer(at: "2026-11-20T10:20:00+07:00")
        func card(_ number: String, _ from: String, _ until: String) throws -> IngestOutcome {
            try fixture.answer(id, "health-insurance-card", .completed, at: "2026-11-20T11:00:00+07:00",
                               result: ["card_number": number, "valid_from": from, "valid_until": until])
        }
        // The cases: province 99; a validity from 2001 to 2099 for a 2023 child.
        XCTAssertEqual(try card("TE1994012345678", "2023-03-10", "2029-09-30"),
                       .quarantined("result.card_number: 4th and 5th characters must be a province code (see provinces.tsv)"))
        XCTAssertEqual(try card("TE1404012345678", "2001-01-01", "2099-12-31"),
                       .quarantined("result.valid_from: must not be before the child's date of birth"))
        XCTAssertEqual(try card("TE1404012345678", "2023-03-10", "2099-12-31"),
                       .quarantined("result.valid_until: must be 2029-09-30: 72 months from the child's birth, or 30 September of that year"))
        XCTAssertEqual(try card("TE10140123456", "2023-03-10", "2029-09-30"),
                       .quarantined("result.card_number: must be 15 characters: TE1, a 2-digit province code and a 10-digit social insurance code"))
        XCTAssertEqual(try card("TE1014012345678", "2023-03-10", "2029-09-30"),
                       .quarantined("result.card_number: 4th and 5th characters must be the code of the registering province"))
        XCTAssertEqual(try card("TE1404012345678", "2023-03-10", "2029-09-30"), .applied("completed"))
        // A child born in October keeps the card to the day before the sixth birthday.
        XCTAssertEqual(HealthInsurance.validUntil(born: CivilDate("2023-10-01")!).description, "2029-09-30")
        XCTAssertEqual(HealthInsurance.validUntil(born: CivilDate("2023-11-15")!).description, "2029-11-14")
    }

    func testSurvivorBenefitResultRule() throws {
        let kind = ProcedureKind.survivorBenefit
        XCTAssertEqual(kind.agency, .socialInsurance)
        XCTAssertTrue(ProcedureKind.deathGroup.contains { $0.code == "survivor-benefit" })
        var random = SeededRandom(seed: 7)
        let message: JSON = .object([("data", .object([("death", .object([("date", .string("2026-11-17"))])),
                                                        ("survivor_benefit", .object([("kind", .string("one-off"))]))]))])
        let result = kind.simulatedResult!(message, &random)
        XCTAssertEqual(result["kind"]?.stringValue, "one-off")
        XCTAssertNoThrow(try kind.result!.check(result, nil, .embedded))
        XCTAssertThrowsError(try kind.result!.check(.object([("decision", .string("d")), ("kind", .string("one-off"))]), nil, .embedded))
        XCTAssertThrowsError(try kind.result!.check(.object([("decision", .string("d")), ("kind", .string("monthly")),
                                                              ("monthly_amount_vnd", .int(1))]), nil, .embedded))
    }
}
