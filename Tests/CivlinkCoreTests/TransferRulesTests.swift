@testable import CivlinkCore
import Foundation
import XCTest

final class TransferRulesTests: XCTestCase {
    func testBackoffDoublesWithJitterAndIsCapped() {
        XCTAssertEqual(backoffSeconds(attempts: 1, base: 60, cap: 3600, random: 1.0), 60)
        XCTAssertEqual(backoffSeconds(attempts: 3, base: 60, cap: 3600, random: 1.0), 240)
        XCTAssertEqual(backoffSeconds(attempts: 3, base: 60, cap: 3600, random: 0.5), 120)
        XCTAssertEqual(backoffSeconds(attempts: 20, base: 60, cap: 3600, random: 1.0), 3600)
        for attempts in 1...10 {
            let wait = backoffSeconds(attempts: attempts, base: 60, cap: 3600)
            XCTAssertGreaterThanOrEqual(wait, min(3600, 60 << (attempts - 1)) / 2)
            XCTAssertLessThanOrEqual(wait, 3600)
        }
    }

    func testReceiptsAreCheckedAgainstTheirProcedure() throws {
        func parse(_ text: String) throws -> Receipt { try Receipt.parse(Data(text.utf8)) }
        let ok = try parse(#"{"format":"civlink.receipt/1","message_id":"m","procedure":"personal-id","status":"completed","result":{"personal_id":"040326123456"}}"#)
        XCTAssertEqual(ok.status, .completed)
        XCTAssertThrowsError(try parse(#"{"format":"civlink.receipt/1","message_id":"m","procedure":"personal-id","status":"completed","result":{"personal_id":"0403"}}"#))
        XCTAssertThrowsError(try parse(#"{"format":"civlink.receipt/1","message_id":"m","procedure":"health-insurance-card","status":"completed","result":{"card_number":"TE140123","valid_from":"2026-11-15","valid_until":"2032-11-14"}}"#))
        XCTAssertNoThrow(try parse(#"{"format":"civlink.receipt/1","message_id":"m","procedure":"health-insurance-card","status":"completed","result":{"card_number":"TE1400123456789","valid_from":"2026-11-15","valid_until":"2032-11-14"}}"#))
        XCTAssertThrowsError(try parse(#"{"format":"civlink.receipt/1","message_id":"m","procedure":"funeral-allowance","status":"rejected"}"#))
        XCTAssertThrowsError(try parse(#"{"format":"civlink.receipt/1","message_id":"m","procedure":"funeral-allowance","status":"completed","result":{"decision":"QD","amount_vnd":-1}}"#))
        XCTAssertThrowsError(try parse("[1]"))
        XCTAssertThrowsError(try parse("{"))
    }

    func testHealthInsuranceCardValidity() {
        // Turns 72 months in November: valid until the day before.
        XCTAssertEqual(HealthInsurance.validUntil(born: CivilDate("2026-11-15")!).description, "2032-11-14")
        // Turns 72 months before the school year: until 30 September of that year.
        XCTAssertEqual(HealthInsurance.validUntil(born: CivilDate("2026-03-02")!).description, "2032-09-30")
    }

    func testSimulatedPersonalIDFollowsTheRule() {
        var rng = SeededRandom(seed: 20261201)
        let message = try! JSONReader.parse(#"{"province":"40","data":{"province_id_code":"040","child":{"sex":"male","date_of_birth":"2026-11-15"}}}"#)
        let id = AgencySimulator.result(procedure: "personal-id", message: message, random: &rng)["personal_id"]!.stringValue!
        XCTAssertTrue(id.hasPrefix("040226"), id)
        XCTAssertEqual(id.count, 12)
        XCTAssertEqual(MessageBuilder.idProvinceCode(for: "40"), "040")
        XCTAssertEqual(MessageBuilder.idProvinceCode(for: "01"), "001")
    }
}
