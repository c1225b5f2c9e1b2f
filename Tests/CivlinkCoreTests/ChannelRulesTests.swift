@testable import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// The hardened channel's rules in process: what makes an answer a receipt, the unconfirmed
/// state's moves, the quarantine store, migration 6 on a ledger with old quarantine rows, and the
/// URL and secret-file rules of an agency.
final class ChannelRulesTests: XCTestCase {
    func testAnAnswerIsAReceiptOnlyForItsOwnMessage() {
        let id = "B26-7K3M-9QXD.personal-id.1"
        func problem(_ text: String) -> String? { Answer.problem(Data(text.utf8), answering: id)?.description }
        XCTAssertEqual(problem(""), "an empty answer, no receipt")
        XCTAssertTrue(problem("<html><body>OK</body></html>")?.hasPrefix("the answer is not a receipt") ?? false)
        XCTAssertTrue(problem("{\"format\":\"civlink.receipt/1\"")?.hasPrefix("the answer is not a receipt") ?? false)
        XCTAssertTrue(problem(#"{"status":"ok"}"#)?.hasPrefix("the answer is not a receipt") ?? false)
        XCTAssertEqual(problem(#"{"format":"civlink.receipt/1","message_id":"B26-0000-0000.personal-id.1","procedure":"personal-id","status":"accepted"}"#),
                       "the receipt answers another message")
        XCTAssertNil(problem(#"{"format":"civlink.receipt/1","message_id":"\#(id)","procedure":"personal-id","status":"accepted"}"#))
    }

    func testUnconfirmedIsPolledThenAnsweredStuckOrRetried() {
        XCTAssertTrue(ProcedureState.ready.allows(.unconfirmed))
        XCTAssertTrue(ProcedureState.sent.allows(.unconfirmed))
        for next in [ProcedureState.accepted, .completed, .rejected, .stuck, .ready] {
            XCTAssertTrue(ProcedureState.unconfirmed.allows(next), "\(next)")
        }
        XCTAssertFalse(ProcedureState.unconfirmed.allows(.done))
        XCTAssertFalse(ProcedureState.waiting.allows(.unconfirmed))
        XCTAssertTrue(ProcedureState.answerable.contains(.unconfirmed), "a late receipt is applied")
        XCTAssertTrue(ProcedureState.pendingStates.contains(.unconfirmed), "reports count it as received, not processed")
        XCTAssertFalse(ProcedureState.unconfirmed.isFinal)
    }

    func testQuarantineKeepsADigestAndABoundedPrefixAndCanBeCleared() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger
        let now = LedgerFixture.at("2026-11-20T09:30:00+07:00")
        let big = Data(repeating: 0x41, count: 100_000)
        let outcome = try ledger.write {
            try ledger.quarantine(big, source: "http:population", agency: "population", messageID: "B26-7K3M-9QXD.personal-id.1",
                                  reason: "HTTP 200: the answer is not a receipt", now: now)
        }
        XCTAssertEqual(outcome, .quarantined("HTTP 200: the answer is not a receipt"))
        let entry = try ledger.quarantine()[0]
        XCTAssertEqual(entry.size, 100_000)
        XCTAssertEqual(entry.prefix.count, Quarantine.prefixBytes)
        XCTAssertEqual(entry.digest, Digest.sha256(big).hexString)
        XCTAssertEqual(entry.agency, "population")
        XCTAssertEqual(entry.messageID, "B26-7K3M-9QXD.personal-id.1")
        // The same bytes again: a duplicate while the entry is open.
        XCTAssertEqual(try ledger.write { try ledger.quarantine(big, source: "x", agency: nil, messageID: nil, reason: "r", now: now) }, .duplicate)
        try ledger.clearQuarantine(entry.id, actor: "support", now: now)
        XCTAssertTrue(try ledger.quarantine().isEmpty)
        XCTAssertEqual(try ledger.quarantine(includeCleared: true).first?.clearedBy, "support")
        XCTAssertThrowsError(try ledger.clearQuarantine(entry.id, actor: "support", now: now))
        XCTAssertThrowsError(try ledger.quarantineEntry(999))
        // After clearing, the same bytes open the entry again.
        XCTAssertEqual(try ledger.write { try ledger.quarantine(big, source: "x", agency: nil, messageID: nil, reason: "r", now: now) },
                       .quarantined("r"))
        XCTAssertEqual(try ledger.quarantine().count, 1)
    }

    func testMigration6CutsOldQuarantineBodiesAndNamesTheirMessage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civlink-m6-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/old.db"
        var receiptSize = 0
        do {
            let old = try SQLiteDatabase(path: path, create: true)
            try old.execute("PRAGMA journal_mode = WAL")
            for (version, sql) in Migrations.ordered where version <= 5 { try old.execute(sql) }
            try old.execute("PRAGMA user_version = 5")
            let receipt = #"{"format":"civlink.receipt/1","message_id":"B26-7K3M-9QXD.personal-id.1","procedure":"personal-id","status":"completed","pad":""#
                + String(repeating: "x", count: 50_000) + "\"}"
            receiptSize = receipt.utf8.count
            try old.run("INSERT INTO quarantine(source, reason, digest, body, received_at) VALUES ('http:population', 'r', 'd1', ?, 1)",
                        [.blob(Data(receipt.utf8))])
            try old.run("INSERT INTO quarantine(source, reason, digest, body, received_at) VALUES ('/spool/inbox/x.json', 'malformed JSON', 'd2', ?, 1)",
                        [.blob(Data("{oops".utf8))])
        }
        let ledger = try Ledger(path: path)
        let entries = try ledger.quarantine()
        XCTAssertEqual(entries.count, 2)
        XCTAssertEqual(entries[0].size, receiptSize)
        XCTAssertEqual(entries[0].prefix.count, 4096)
        XCTAssertEqual(entries[0].messageID, "B26-7K3M-9QXD.personal-id.1")
        XCTAssertEqual(entries[0].agency, "population")
        XCTAssertNil(entries[1].messageID)
        XCTAssertEqual(entries[1].prefix, Data("{oops".utf8))
    }

    func testAgencyURLsTokensAndSecretFiles() throws {
        XCTAssertThrowsError(try AgencyEndpoint(code: "population", kind: .http, target: "http://agency.example/x", tokenFile: "/t"))
        XCTAssertNoThrow(try AgencyEndpoint(code: "population", kind: .http, target: "http://127.0.0.2:8080/x", tokenFile: "/t"))
        XCTAssertNoThrow(try AgencyEndpoint(code: "population", kind: .http, target: "http://[::1]:8080/x", tokenFile: "/t"))
        XCTAssertNoThrow(try AgencyEndpoint(code: "population", kind: .http, target: "http://localhost/x", tokenFile: "/t"))
        XCTAssertNoThrow(try AgencyEndpoint(code: "population", kind: .http, target: "http://agency.example/x"), "no token: nothing to protect")
        XCTAssertThrowsError(try AgencyEndpoint(code: "population", kind: .http, target: "https://user:pw@agency.example/x"))
        XCTAssertThrowsError(try AgencyEndpoint(code: "population", kind: .http, target: "https://a.example/", clientCertificate: "/c"))
        XCTAssertThrowsError(try AgencyEndpoint(code: "population", kind: .http, target: "https://a.example/", proxy: "https://proxy:3128"))
        XCTAssertNoThrow(try AgencyEndpoint(code: "population", kind: .http, target: "https://a.example/", proxy: "http://proxy:3128"))
        XCTAssertThrowsError(try AgencyEndpoint(code: "population", kind: .spool, target: "/s", spoolGroup: "no-such-group-civlink"))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civlink-secret-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let token = directory + "/token"
        FileManager.default.createFile(atPath: token, contents: Data("  secret-token \n".utf8), attributes: [.posixPermissions: 0o644])
        XCTAssertThrowsError(try Files.readPrivate(token, what: "token file")) { error in
            XCTAssertEqual((error as? CivlinkError)?.kind, .permission)
            XCTAssertEqual((error as? CivlinkError)?.remedy, .makePrivate(path: token))
        }
        chmod(token, 0o600)
        XCTAssertEqual(try Files.readPrivate(token, what: "token file"), Data("  secret-token \n".utf8))
        let endpoint = try AgencyEndpoint(code: "population", kind: .http, target: "https://a.example/", tokenFile: token)
        XCTAssertNoThrow(try endpoint.transport())
    }
}
