@testable import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// Report figures, the audit's tamper findings and the receipt rules, in process on ledgers
/// built by real transitions (the same rules are also run through the binary in the E2E tests).
final class ReportFigureTests: XCTestCase {
    private let now = Timestamp("2026-11-20T09:30:00+07:00")!

    private func counts(_ row: ReportCounts) -> [Int] { row.values }

    func testEveryFigureBySystemFromRealTransitions() throws {
        let fixture = try LedgerFixture()
        _ = try ReportFlows(ledger: fixture)
        let scope = ReportScope(from: CivilDate("2026-10-01")!, to: CivilDate("2026-11-30")!)
        let report = try fixture.ledger.report(scope, by: [.system], now: now)
        XCTAssertEqual(report.rows.map { $0.keys[0] }, Agency.allCases.map(\.rawValue))
        // planned, received, processed, pending, returned, refused, cancelled, overdue, rejected, stuck, late, on time: the
        // records of each system (civil status: the registrations), overdue charged to the system holding it (ReportTests
        // works each out by hand).
        XCTAssertEqual(report.rows.map { counts($0.counts) }, [
            [4, 4, 4, 0, 0, 0, 0, 2, 0, 0, 0, 4], [3, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2], [4, 3, 2, 0, 0, 0, 0, 0, 1, 0, 0, 1],
            [4, 2, 1, 1, 0, 0, 0, 1, 0, 1, 0, 1], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        ])
        // The totals count whole records: four dossiers, one with every result.
        XCTAssertEqual(counts(report.totals), [4, 4, 1, 3, 0, 0, 0, 3, 1, 1, 0, 0])
        let timings = report.timings.map { [$0.metric, $0.agency ?? "-", "\($0.distribution.count)", "\($0.distribution.median ?? -1)"] }
        XCTAssertEqual(timings[0], ["personal-id-return", "-", "2", "18000"])
        XCTAssertEqual(timings.last, ["declaration-to-last-result", "-", "1", "259200"])
        // Every state was reached through the state machine, with its event: the chain is whole.
        XCTAssertNil(try Audit.verify(fixture.ledger).finding)
    }
}

final class AuditChainTests: XCTestCase {
    /// A ledger with two dossiers signed, and a way to change it behind civlink's back.
    private func tampered(_ sql: String) throws -> AuditFinding? {
        let fixture = try LedgerFixture()
        let birth = try fixture.register(.birth, Declarations.birth(), at: "2026-11-20T09:00:00+07:00")
        let death = try fixture.register(.death, Declarations.death(), at: "2026-11-20T09:05:00+07:00")
        try fixture.sign(birth, at: "2026-11-20T09:10:00+07:00")
        try fixture.sign(death, at: "2026-11-20T09:15:00+07:00")
        XCTAssertNil(try Audit.verify(fixture.ledger).finding)
        try fixture.ledger.database.execute(sql)
        return try Audit.verify(fixture.ledger).finding
    }

    func testEachKindOfHandEditIsNamed() throws {
        XCTAssertEqual(try tampered("UPDATE events SET actor = 'someone else' WHERE seq = 3")?.problem, .modified)
        XCTAssertEqual(try tampered("DELETE FROM events WHERE seq = 2")?.problem, .deleted)
        let inserted = try tampered("""
            UPDATE events SET seq = -seq WHERE seq >= 3;
            UPDATE events SET seq = 1 - seq WHERE seq < 0;
            INSERT INTO events(seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash)
                SELECT 3, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash FROM events WHERE seq = 2
            """)
        XCTAssertEqual(inserted?.problem, .inserted)
        XCTAssertEqual(try tampered("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)")?.problem, .deleted,
                       "the recorded head shows a truncated tail")
        XCTAssertNil(try tampered("UPDATE dossiers SET commune = commune"), "a write that changes nothing is no finding")
    }
}

final class ReceiptRuleTests: XCTestCase {
    /// One birth whose personal-id message is out at the population spool.
    private func sentBirth() throws -> (LedgerFixture, String) {
        let fixture = try LedgerFixture()
        try fixture.useSpools()
        let id = try fixture.register(.birth, Declarations.birth(), at: "2026-11-20T09:00:00+07:00")
        try fixture.transfer(at: "2026-11-20T09:10:00+07:00")
        XCTAssertEqual(try fixture.state(id, "personal-id"), .sent)
        return (fixture, id)
    }

    func testAnAnswerIsAppliedOnceInAnyOrder() throws {
        let (fixture, id) = try sentBirth()
        XCTAssertEqual(try fixture.answer(id, "personal-id", .completed, at: "2026-11-20T10:00:00+07:00", result: ["personal_id": "040326000009"]),
                       .applied("completed"))
        XCTAssertEqual(try fixture.answer(id, "personal-id", .accepted, at: "2026-11-20T10:05:00+07:00"), .recorded,
                       "an acceptance after the result is older news")
        XCTAssertEqual(try fixture.answer(id, "personal-id", .completed, at: "2026-11-20T10:10:00+07:00", result: ["personal_id": "040326000009"]),
                       .duplicate, "the same receipt twice changes nothing")
        XCTAssertEqual(try fixture.state(id, "personal-id"), .completed)
    }

    func testANumberThatCannotBeTheChildsIsQuarantined() throws {
        let (fixture, id) = try sentBirth()
        // A boy's century digit (2) for a girl, a province outside the registering one, a wrong year.
        for wrong in ["040226000009", "001326000009", "040325000009"] {
            guard case .quarantined(let reason) = try fixture.answer(id, "personal-id", .completed, at: "2026-11-20T10:00:00+07:00",
                                                                     result: ["personal_id": wrong]) else {
                return XCTFail("\(wrong) was applied")
            }
            XCTAssertTrue(reason.hasPrefix("result.personal_id:"), reason)
            XCTAssertFalse(reason.contains(wrong), "the number itself is personal data")
        }
        XCTAssertEqual(try fixture.state(id, "personal-id"), .sent)
    }

    func testTheStateMachineRefusesAMoveItDoesNotHave() throws {
        let (fixture, id) = try sentBirth()
        XCTAssertThrowsError(try fixture.ledger.write {
            try fixture.ledger.transition(dossier: id, procedure: "birth-registration", to: .sent, actor: "test",
                                          now: Timestamp("2026-11-20T10:00:00+07:00")!)
        }) { error in XCTAssertEqual((error as? CivlinkError)?.kind, .refused) }
        XCTAssertTrue(ProcedureState.done.allows(.ready), "a revoked copy is signed again")
        XCTAssertFalse(ProcedureState.cancelled.allows(.ready), "a cancelled procedure stays cancelled")
        for state in ProcedureState.allCases { XCTAssertNotNil(ProcedureState.transitions[state], "\(state) has no row in the table") }
    }
}
