import CivlinkCore
import Foundation
import XCTest

/// Four dossiers with known flows, built through civlink's own operations at fixed times, whose
/// report figures the tests work out by hand; report time is Friday 2026-11-20 09:30 (+07:00):
/// - A, birth, Mon 2026-10-05 09:00, commune 17986: everything returned; residence one day late.
/// - B, birth, Tue 2026-10-20 09:00, commune 17986: ID in 24h10m; residence rejected; card stuck, never sent.
/// - C, birth, Mon 2026-11-16 09:00, commune 17987: nothing done since registration.
/// - D, death, Mon 2026-10-26 09:00, commune 17986: residence deleted; funeral allowance accepted, no result.
public struct ReportFlows {
    public let a: String, b: String, c: String, d: String

    public init(ledger: LedgerFixture) throws {
        try ledger.useSpools()
        let card: [String: Any] = ["card_number": "TE1400123456789", "valid_from": "2026-10-01", "valid_until": "2032-09-30"]

        a = try ledger.register(.birth, Declarations.birth(childName: "Nguyễn Văn An", certificate: "GCS-A", born: "2026-10-01"),
                                at: "2026-10-05T09:00:00+07:00")
        try ledger.sign(a, at: "2026-10-05T10:00:00+07:00")
        try ledger.transfer(at: "2026-10-05T10:00:00+07:00")
        try ledger.answer(a, "personal-id", .completed, at: "2026-10-05T14:00:00+07:00", result: ["personal_id": "040326000001"])
        try ledger.transfer(at: "2026-10-06T09:00:00+07:00")
        try ledger.answer(a, "residence-registration", .accepted, at: "2026-10-06T11:00:00+07:00")
        try ledger.answer(a, "health-insurance-card", .completed, at: "2026-10-07T09:00:00+07:00", result: card)
        try ledger.answer(a, "residence-registration", .completed, at: "2026-10-08T09:00:00+07:00", result: ["confirmation": "DKTT-40-00000001"])

        b = try ledger.register(.birth, Declarations.birth(childName: "Nguyễn Thị Bích", certificate: "GCS-B", born: "2026-10-15"),
                                at: "2026-10-20T09:00:00+07:00")
        try ledger.transfer(at: "2026-10-20T09:10:00+07:00")
        try ledger.sign(b, at: "2026-10-20T10:00:00+07:00")
        try ledger.answer(b, "personal-id", .completed, at: "2026-10-21T09:10:00+07:00", result: ["personal_id": "040326000002"])
        // The card cannot be handed over (nothing listens on the agency's port) and gives up at
        // once: stuck, never sent.
        try ledger.ledger.saveAgency(try AgencyEndpoint(code: "social-insurance", kind: .http, target: "http://127.0.0.1:9/unreachable"),
                                     now: LedgerFixture.at("2026-10-21T09:00:00+07:00"))
        try ledger.transfer(at: "2026-10-21T10:00:00+07:00", maxAttempts: 1)
        try ledger.reach("social-insurance", spool: ledger.spool("social-insurance"))
        try ledger.answer(b, "residence-registration", .rejected, at: "2026-10-22T10:00:00+07:00")

        d = try ledger.register(.death, setting(Declarations.death(), "death.date", "2026-10-20"), at: "2026-10-26T09:00:00+07:00")
        try ledger.sign(d, at: "2026-10-26T10:00:00+07:00")
        try ledger.transfer(at: "2026-10-26T10:00:00+07:00")
        try ledger.answer(d, "funeral-allowance", .accepted, at: "2026-10-26T12:00:00+07:00")
        try ledger.answer(d, "residence-deletion", .accepted, at: "2026-10-26T13:00:00+07:00")
        try ledger.answer(d, "residence-deletion", .completed, at: "2026-10-27T10:00:00+07:00", result: ["confirmation": "XTT-40-00000001"])

        c = try ledger.register(.birth, setting(Declarations.birth(childName: "Nguyễn Văn Cường", certificate: "GCS-C", born: "2026-11-10"),
                                                "commune", "17987"), at: "2026-11-16T09:00:00+07:00")
        XCTAssertEqual(try ledger.state(b, "health-insurance-card"), .stuck)
        XCTAssertEqual(try ledger.state(d, "funeral-allowance"), .accepted)
    }
}
