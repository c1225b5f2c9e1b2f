@testable import CivlinkCore
import XCTest

final class RulesTests: XCTestCase {
    func testPersonalIDRules() throws {
        let provinces = ProvinceTable.embedded
        let born = CivilDate("1995-03-02")!
        XCTAssertNoThrow(try PersonalID.validate("040195000123", field: "f", provinces: provinces, born: born, sex: .female))
        XCTAssertThrowsError(try PersonalID.validate("040095000123", field: "f", provinces: provinces, born: born, sex: .female))
        XCTAssertThrowsError(try PersonalID.validate("003195000123", field: "f", provinces: provinces, born: born, sex: .female)) { error in
            XCTAssertEqual((error as? ValidationError)?.field, "f")
        }
        XCTAssertEqual(PersonalID.centurySexDigit(year: 2026, sex: .male), 2)
        XCTAssertEqual(PersonalID.centurySexDigit(year: 2026, sex: .female), 3)
        XCTAssertEqual(PersonalID.centurySexDigit(year: 2150, sex: .female), 5)
        XCTAssertEqual(PersonalID.centurySexDigit(year: 2399, sex: .male), 8)
        XCTAssertNil(PersonalID.centurySexDigit(year: 1899, sex: .male))
    }

    func testNameComparisonIgnoresDiacriticsCaseAndSpacing() {
        XCTAssertEqual(TextRules.comparisonKey("Nguyễn Thị  Ánh"), "nguyen thi anh")
        XCTAssertEqual(TextRules.comparisonKey("ĐẶNG ĐỨC"), "dang duc")
        XCTAssertNotEqual(TextRules.comparisonKey("Nguyễn Thị Ánh"), TextRules.comparisonKey("Nguyễn Thị Anh Thư"))
    }

    func testNamesAreStoredNFC() throws {
        let decomposed = "Nguye\u{0302}\u{0303}n"
        let stored = try TextRules.normalise(decomposed, field: "n", maxLength: 100)
        XCTAssertEqual(Array(stored.unicodeScalars), Array("Nguyễn".precomposedStringWithCanonicalMapping.unicodeScalars))
        XCTAssertThrowsError(try TextRules.normalise("a\u{200B}b", field: "n", maxLength: 100))
        XCTAssertThrowsError(try TextRules.normalise("   ", field: "n", maxLength: 100))
    }

    func testDossierIDsParseWhatPeopleType() throws {
        XCTAssertEqual(try DossierID(parsing: "b26-7k3m-9qxd").text, "B26-7K3M-9QXD")
        XCTAssertEqual(try DossierID(parsing: "B267K3M9QXD").text, "B26-7K3M-9QXD")
        XCTAssertEqual(try DossierID(parsing: "D26-OOLI-0000").text, "D26-0011-0000")
        XCTAssertThrowsError(try DossierID(parsing: "B26-7K3M-9QX"))
        XCTAssertThrowsError(try DossierID(parsing: "../etc/passwd"))
        let random = DossierID.random(group: .death, year: 2026)
        XCTAssertEqual(try DossierID(parsing: random.text), random)
    }

    func testFuneralBaseSalaryIsDated() {
        XCTAssertEqual(BaseSalaryTable.embedded.baseSalary(on: CivilDate("2024-07-15")!), 2_340_000)
        XCTAssertEqual(BaseSalaryTable.embedded.baseSalary(on: CivilDate("2024-06-30")!), 1_800_000)
    }
}

final class MigrationTests: XCTestCase {
    func testMigrationsAreNumberedOneToLatestWithoutGaps() {
        XCTAssertEqual(Migrations.ordered.map(\.version), Array(1...Migrations.latest))
        XCTAssertEqual(Set(Migrations.all.map(\.version)).count, Migrations.all.count, "two migrations share a number")
    }
}
