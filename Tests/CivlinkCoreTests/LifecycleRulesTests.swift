@testable import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// The lifecycle's rules in process: the state tables, merge patches and field changes, the
/// migration that rebuilds the dossiers table, the indexes the queries rely on, and decisions
/// driven through real transitions with `LedgerFixture`.
final class LifecycleRulesTests: XCTestCase {
    func testTheDossierTableAllowsExactlyItsMoves() throws {
        var allowed: [String] = []
        for action in DossierAction.allCases {
            for state in DossierState.allCases {
                if let to = try? action.target(from: state, dossier: "X") { allowed.append("\(action.rawValue):\(state.rawValue)->\(to.rawValue)") }
            }
        }
        XCTAssertEqual(allowed, [
            "register:received->registered", "return:received->returned", "supplement:returned->received",
            "refuse:received->refused", "refuse:returned->refused", "expire:returned->refused",
            "amend:received->received", "amend:registered->registered", "cancel:registered->cancelled",
        ])
        XCTAssertThrowsError(try DossierAction.register.target(from: .registered, dossier: "B26-AAAA-BBBB")) { error in
            XCTAssertEqual((error as? Failure)?.kind, .refused)
            XCTAssertEqual((error as? Failure)?.message, "dossier B26-AAAA-BBBB is registered; register needs a dossier that is received")
        }
        // Final states have no way out; each state's registration mirror is a procedure state.
        for state in DossierState.finalStates {
            XCTAssertFalse(DossierAction.allCases.contains { (try? $0.target(from: state, dossier: "X")) != nil }, state.rawValue)
        }
        XCTAssertEqual(DossierState.allCases.map(\.registrationState), [.ready, .returned, .done, .refused, .cancelled])
    }

    func testProcedureStatesNewTransitionsAndSets() {
        XCTAssertTrue(ProcedureState.ready.allows(.returned))
        XCTAssertTrue(ProcedureState.returned.allows(.ready))
        XCTAssertTrue(ProcedureState.completed.allows(.ready), "an amendment reopens a returned result")
        XCTAssertTrue(ProcedureState.completed.allows(.voiding))
        XCTAssertTrue(ProcedureState.voiding.allows(.cancelled))
        XCTAssertFalse(ProcedureState.cancelled.allows(.ready))
        XCTAssertFalse(ProcedureState.refused.allows(.ready))
        XCTAssertFalse(ProcedureState.done.allows(.completed))
        // Refused and cancelled go nowhere; a processed one only by a correction or a cancellation.
        for state in [ProcedureState.refused, .cancelled] { XCTAssertEqual(ProcedureState.transitions[state], [], state.rawValue) }
        XCTAssertEqual(ProcedureState.transitions[.completed], [.ready, .waiting, .voiding])
        XCTAssertEqual(Set(ProcedureState.transitions.keys), Set(ProcedureState.allCases))
        XCTAssertTrue(Set(ProcedureState.processedStates).isSubset(of: ProcedureState.finalStates))
        XCTAssertTrue(Set(ProcedureState.runningStates).isDisjoint(with: ProcedureState.finalStates))
        XCTAssertEqual(ProcedureState.dueStates, [.ready, .voiding])
        XCTAssertEqual(ProcedureState.answered(.completed, kind: .void), .cancelled)
        XCTAssertEqual(ProcedureState.answered(.rejected, kind: .update), .rejected)
    }

    /// RFC 7396, appendix A.
    func testMergePatchFollowsRFC7396() throws {
        let cases: [(String, String, String)] = [
            (#"{"a":"b"}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
            (#"{"a":"b"}"#, #"{"b":"c"}"#, #"{"a":"b","b":"c"}"#),
            (#"{"a":"b"}"#, #"{"a":null}"#, #"{}"#),
            (#"{"a":"b","b":"c"}"#, #"{"a":null}"#, #"{"b":"c"}"#),
            (#"{"a":["b"]}"#, #"{"a":"c"}"#, #"{"a":"c"}"#),
            (#"{"a":"c"}"#, #"{"a":["b"]}"#, #"{"a":["b"]}"#),
            (#"{"a":{"b":"c"}}"#, #"{"a":{"b":"d","c":null}}"#, #"{"a":{"b":"d"}}"#),
            (#"{"a":[{"b":"c"}]}"#, #"{"a":[1]}"#, #"{"a":[1]}"#),
            (#"["a","b"]"#, #"["c","d"]"#, #"["c","d"]"#),
            (#"{"a":"b"}"#, #"["c"]"#, #"["c"]"#),
            (#"{"a":"foo"}"#, "null", "null"),
            (#"{"a":"foo"}"#, #""bar""#, #""bar""#),
            (#"{"e":null}"#, #"{"a":1}"#, #"{"e":null,"a":1}"#),
            (#"[1,2]"#, #"{"a":"b","c":null}"#, #"{"a":"b"}"#),
            (#"{}"#, #"{"a":{"bb":{"ccc":null}}}"#, #"{"a":{"bb":{}}}"#),
        ]
        for (target, patch, expected) in cases {
            XCTAssertEqual(try JSONReader.parse(target).merging(try JSONReader.parse(patch)).serialized(), expected, "\(target) + \(patch)")
        }
    }

    func testFieldChangesNameEveryLeafWithOldAndNew() throws {
        let old = try JSONReader.parse(#"{"child":{"full_name":"An","sex":"male"},"father":{"full_name":"Bình"},"province":"40"}"#)
        let new = try JSONReader.parse(#"{"child":{"full_name":"Ân","sex":"male"},"mother":{"full_name":"Chi"},"province":"40"}"#)
        XCTAssertEqual(old.changes(to: new).map { "\($0.field): \($0.old.serialized()) -> \($0.new.serialized())" }, [
            #"child.full_name: "An" -> "Ân""#, #"mother.full_name: null -> "Chi""#, #"father.full_name: "Bình" -> null"#,
        ])
        XCTAssertEqual(new.changes(to: new), [])
    }

    /// A ledger of schema 5 with dossiers, procedures, events, signed copies and messages keeps
    /// every row through migration 7's rebuild, with the foreign keys checked.
    func testMigrationSevenRebuildsDossiersKeepingEveryRow() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("civlink-v5-\(UUID().uuidString).db").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try OldLedger.make(at: path, version: 5)
        do {
            let old = try SQLiteDatabase(path: path)
            try old.execute("PRAGMA foreign_keys = ON")
            for (n, id) in ["B26-AAAA-0001", "B26-AAAA-0002", "D26-AAAA-0003"].enumerated() {
                try old.run("""
                    INSERT INTO dossiers(id, grp, province, commune, register_year, register_no, received_at, registered_at, event_date, late,
                                         duplicate_key, document_key, reference, declaration, benefit)
                    VALUES (?, ?, '40', '17986', 2026, ?, ?, ?, '2026-11-15', 0, ?, ?, NULL, '{"k":1}', 'null')
                    """, [.text(id), .text(id.hasPrefix("B") ? "birth" : "death"), .integer(Int64(n + 1)), .integer(1_700_000_000 + Int64(n)),
                          .integer(1_700_000_100 + Int64(n)), .text("dup\(n)"), .text("doc\(n)")])
                try old.run("""
                    INSERT INTO procedures(dossier_id, code, position, agency, state, waits_on, since, deadline_days, deadline, message_id, sent_at)
                    VALUES (?, 'personal-id', 2, 'population', 'completed', 'birth-registration', 1, 1, '2026-11-23', ?, 5)
                    """, [.text(id), .text("\(id).personal-id.1")])
                try old.run("INSERT INTO messages(id, dossier_id, procedure, agency, body, created_at) VALUES (?, ?, 'personal-id', 'population', '{}', 1)",
                            [.text("\(id).personal-id.1"), .text(id)])
                try old.run("INSERT INTO signed_copies(dossier_id, document, officer, signed_at) VALUES (?, '{}', 'Lan', 1)", [.text(id)])
            }
            try old.run("INSERT INTO events(seq, dossier_id, at, actor, kind, procedure, detail, prev_hash, hash) VALUES (1, 'B26-AAAA-0001', 1, 'a', 'registered', NULL, '{}', 'x', 'y')")
        }
        let ledger = try Ledger(path: path)
        XCTAssertEqual(try ledger.schemaVersion, Migrations.latest)
        XCTAssertEqual(try ledger.database.query("PRAGMA foreign_key_check").count, 0)
        XCTAssertEqual(try ledger.database.scalar("PRAGMA foreign_keys").int, 1, "foreign keys are on again after the rebuild")
        let rows = try ledger.database.query("SELECT id, state, channel, register_no, registered_at FROM dossiers ORDER BY rowid")
        XCTAssertEqual(rows.map { "\($0.string("id")) \($0.string("state")) \($0.string("channel")) \($0.int("register_no"))" },
                       ["B26-AAAA-0001 registered desk 1", "B26-AAAA-0002 registered desk 2", "D26-AAAA-0003 registered desk 3"])
        XCTAssertEqual(try ledger.dossier("B26-AAAA-0002").registeredAt?.seconds, 1_700_000_101)
        for table in ["procedures", "messages", "signed_copies", "events"] {
            XCTAssertGreaterThan(try ledger.database.scalar("SELECT count(*) FROM \(table)").int ?? 0, 0, table)
        }
        XCTAssertEqual(try ledger.database.scalar("SELECT count(*) FROM messages WHERE kind = 'request'").int, 3)
        // A reference to a dossier that does not exist is still refused.
        XCTAssertThrowsError(try ledger.database.run("INSERT INTO signed_copies(dossier_id, document, officer, signed_at) VALUES ('B26-NONE-0000', '{}', 'x', 1)"))
    }

    /// Partial indexes are used only by queries that repeat their condition: the index SQL names
    /// exactly the lists the queries are built from, and the look-ups the clock and transfers run
    /// on every write command go through them.
    func testPartialIndexesNameTheStateTablesAndAreUsed() throws {
        let fixture = try LedgerFixture()
        let database = fixture.ledger.database
        func indexSQL(_ name: String) throws -> String { try database.scalar("SELECT sql FROM sqlite_master WHERE name = ?", [.text(name)]).string ?? "" }
        let open = try indexSQL("procedures_open")
        XCTAssertTrue(open.hasSuffix("WHERE state NOT IN \(Ledger.finalStates)"), open)
        for name in ["dossiers_duplicate", "dossiers_document"] {
            let sql = try indexSQL(name)
            XCTAssertTrue(sql.hasSuffix("WHERE state NOT IN \(Ledger.finalDossierStates)"), sql)
        }
        func plan(_ sql: String, _ values: [SQLValue]) throws -> String {
            try database.query("EXPLAIN QUERY PLAN " + sql, values).map { $0.string("detail") }.joined(separator: "; ")
        }
        let sweep = try plan("""
            SELECT dossier_id FROM procedures WHERE state = ? AND state NOT IN \(Ledger.finalStates) AND deadline < ? ORDER BY deadline, dossier_id
            """, [.text("returned"), .text("2026-12-01")])
        XCTAssertTrue(sweep.contains("procedures_open"), sweep)
        let duplicate = try plan("SELECT id FROM dossiers WHERE duplicate_key = ? AND state NOT IN \(Ledger.finalDossierStates) AND id IS NOT ?",
                                 [.text("k"), .null])
        XCTAssertTrue(duplicate.contains("dossiers_duplicate"), duplicate)
        let records = try plan("""
            SELECT count(*) FROM (SELECT d.id FROM dossiers d JOIN procedures p ON p.dossier_id = d.id WHERE d.received_at >= 0
            GROUP BY d.received_at, d.province, d.commune, d.grp, d.state, d.late, d.registered_at, d.id)
            """, [])
        XCTAssertFalse(records.contains("TEMP B-TREE"), "one group per dossier, without sorting: \(records)")
    }

    /// Decisions in process, each through real transitions; the events they append chain.
    func testDecisionsAndTheClockThroughRealTransitions() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger
        let at = LedgerFixture.at
        func receive(_ name: String, _ mother: String, _ certificate: String, _ time: String) throws -> String {
            let data = try JSONSerialization.data(withJSONObject: Declarations.birth(childName: name, motherID: mother, certificate: certificate),
                                                  options: [.sortedKeys])
            return try Registration.receive(data, group: .birth, channel: .online, ledger: ledger, actor: "t", now: at(time)).id
        }
        let a = try receive("An", "040195000101", "C1", "2026-11-20T09:30:00+07:00")
        let b = try receive("Bình", "040195000102", "C2", "2026-11-20T09:30:00+07:00")
        XCTAssertNil(try ledger.dossier(a).registerNumber)
        let returned = try Lifecycle.returnForCompletion(b, missing: "x", ledger: ledger, actor: "t", now: at("2026-11-20T10:00:00+07:00"))
        XCTAssertEqual(returned.completeBy?.description, "2026-12-01")
        // A province gives 10 working days instead.
        try ledger.setSetting(CompletionLimit.setting, "10")
        let c = try receive("Chi", "040195000103", "C3", "2026-11-20T09:30:00+07:00")
        XCTAssertEqual(try Lifecycle.returnForCompletion(c, missing: "y", ledger: ledger, actor: "t", now: at("2026-11-20T10:00:00+07:00")).completeBy?.description,
                       "2026-12-04")
        // Before the limit nothing happens; after it, the first write refuses b, once.
        XCTAssertEqual(try Lifecycle.refuseExpired(ledger: ledger, now: at("2026-12-01T17:00:00+07:00")), [])
        XCTAssertEqual(try ledger.dossier(b).currentState(now: at("2026-12-02T08:00:00+07:00")), .refused)
        XCTAssertEqual(try ledger.dossier(b).state, .returned)
        XCTAssertEqual(try Lifecycle.refuseExpired(ledger: ledger, now: at("2026-12-02T08:00:00+07:00")), [b])
        XCTAssertEqual(try Lifecycle.refuseExpired(ledger: ledger, now: at("2026-12-02T08:00:00+07:00")), [])
        XCTAssertEqual(try ledger.dossier(b).state, .refused)
        XCTAssertEqual(try ledger.dossier(b).procedures.map(\.state), [.refused, .cancelled, .cancelled, .cancelled, .cancelled])
        // Registering a, twice in one batch: the second is refused, the first numbered.
        let outcomes = try ledger.registerReceived([a, a, "B26-ZZZZ-ZZZZ"], actor: "t", now: at("2026-12-02T09:00:00+07:00"))
        guard case .decided(let decision) = outcomes[0], case .refused(_, let twice) = outcomes[1], case .refused(_, let unknown) = outcomes[2] else {
            return XCTFail("\(outcomes)")
        }
        XCTAssertEqual(decision.register["number"]?.intValue, 1)
        XCTAssertEqual(twice.kind, .refused)
        XCTAssertEqual(unknown.kind, .notFound)
        XCTAssertNil(try Audit.verify(ledger).finding)
    }
}
