@testable import CivlinkCore
import Foundation
import XCTest

/// How signed copies are stored and how many dossiers change at once: the schema 5 migration,
/// the document put together from its parts, `transitionAll` against `transition`, and the
/// threads `sign --pending` uses.
final class SigningStorageTests: XCTestCase {
    private let now = Timestamp(seconds: 1_795_660_200)   // 2026-11-20T09:30:00+07:00

    private func temporaryPath() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("civlink-\(UUID().uuidString).db").path
        addTeardownBlock {
            for suffix in ["", "-wal", "-shm", ".key"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
        return path
    }

    private func death(_ number: Int) -> Data {
        Data("""
        {"province":"40","commune":"17986",
         "deceased":{"full_name":"Lê Văn Dũng","sex":"male","date_of_birth":"1958-01-20","personal_id":"04005800\(String(format: "%04d", number))",
                     "ethnicity":"Kinh","nationality":"Việt Nam","residence":"Khối 5, phường Trường Vinh, Nghệ An"},
         "death":{"date":"2026-11-18","time":"14:20","place":"Bệnh viện Đa khoa Nghệ An","cause":"bệnh tim"},
         "death_notice":{"number":"GBT-2026-\(number)","issuer":"Bệnh viện Đa khoa Nghệ An"},
         "declarant":{"full_name":"Lê Thị Hoa","relationship":"daughter","personal_id":"040185000321"},
         "residence_deletion":true,"funeral_benefit":true,
         "entitlement":{"social_insurance_code":"4012345678","pensioner":true},
         "beneficiary":{"full_name":"Lê Thị Hoa","relationship":"daughter","payment":"bank","account":"0123456789"}}
        """.utf8)
    }

    /// A ledger with `count` death dossiers registered, in registration order.
    private func ledgerWithDeaths(_ count: Int) throws -> (Ledger, [String]) {
        let ledger = try Ledger(path: temporaryPath(), create: true)
        let ids = try ledger.write {
            try (0..<count).map { number in
                try ledger.register(try Declaration.parse(death(number), group: .death, now: now, reference: ledger.reference),
                                    actor: "test", now: now).id
            }
        }
        return (ledger, ids)
    }

    func testTransitionAllMakesTheChangesAndEventsTransitionMakes() throws {
        let (one, oneIDs) = try ledgerWithDeaths(3)
        let (all, allIDs) = try ledgerWithDeaths(3)
        let detail: [(String, JSON)] = [("note", .string("signed"))]
        try one.write {
            for id in oneIDs { try one.transition(dossier: id, procedure: "certificate-copy", to: .done, actor: "test", now: now, detail: detail) }
        }
        try all.write {
            try all.transitionAll(allIDs.map { Ledger.Change(dossier: $0, procedure: "certificate-copy", to: .done, detail: detail) },
                                  known: try all.procedureStatuses(of: allIDs), actor: "test", now: now)
        }
        for (a, b) in zip(oneIDs, allIDs) {
            let left = try one.dossier(a), right = try all.dossier(b)
            XCTAssertEqual(left.procedures.map(\.state), right.procedures.map(\.state))
            XCTAssertEqual(left.procedures.first { $0.code == "residence-deletion" }?.state, .ready, "the signed copy releases what waits on it")
            let leftEvents = try one.events(of: a).map { [$0.kind, $0.procedure ?? "", $0.detail.serialized()] }
            let rightEvents = try all.events(of: b).map { [$0.kind, $0.procedure ?? "", $0.detail.serialized()] }
            XCTAssertEqual(leftEvents, rightEvents)
            XCTAssertEqual(leftEvents.count, 4, "registered, the copy done, two procedures released")
        }
        XCTAssertNil(try Audit.verify(all).finding)
        XCTAssertThrowsError(try all.write {
            try all.transitionAll([Ledger.Change(dossier: allIDs[0], procedure: "no-such-procedure", to: .done)],
                                  known: try all.procedureStatuses(of: [allIDs[0]]), actor: "test", now: now)
        })
    }

    func testDocumentFromItsPartsIsTheJSONWriterOutput() throws {
        let copy = JSON.object([("format", .string(SignedCopy.copyFormat)), ("dossier", .string("B26-7K3M-9QXD")), ("issue", .int(1)),
                                ("child", .object([("full_name", .string("Nguyễn Thị \"Ánh\"")), ("sex", .string("female"))]))])
        let payload = String(decoding: copy.canonicalData, as: UTF8.self)
        let text = SignedCopy.documentText(payload: payload, protected: "eyJhbGciOiJFZERTQSJ9", signature: "c2ln")
        let expected = JSON.object([
            ("format", .string(SignedCopy.format)), ("copy", try JSONReader.parse(payload)),
            ("jws", .object([("protected", .string("eyJhbGciOiJFZERTQSJ9")), ("payload", .string(Base64URL.encode(copy.canonicalData))),
                             ("signature", .string("c2ln"))])),
        ]).serialized()
        XCTAssertEqual(text, expected)
        XCTAssertEqual(try JSONReader.parse(text)["copy"]?.canonicalData, copy.canonicalData)
    }

    func testVersion4LedgerKeepsItsStoredDocumentsThroughTheMigration() throws {
        let path = temporaryPath()
        do {
            let old = try SQLiteDatabase(path: path, create: true)
            try old.execute("PRAGMA journal_mode = WAL")
            for migration in Migrations.ordered where migration.version <= 4 {
                try old.execute(migration.sql)
                try old.execute("PRAGMA user_version = \(migration.version)")
            }
            try old.run("""
                INSERT INTO dossiers(id, grp, province, commune, register_year, register_no, received_at, registered_at, event_date, late,
                                     duplicate_key, document_key, declaration, benefit)
                VALUES ('D26-AAAA-BBBB', 'death', '40', '17986', 2026, 1, 0, 0, '2026-11-18', 0, 'k', 'd', '{}', 'null')
                """)
            try old.run("INSERT INTO signed_copies(dossier_id, document, officer, signed_at, signature_sha256) VALUES (?, ?, ?, ?, ?)",
                        ["D26-AAAA-BBBB", #"{"format":"civlink.signed-copy/1","old":true}"#, "Phạm Thị Lan", 1, "abc"])
        }
        let ledger = try Ledger(path: path)
        XCTAssertEqual(try ledger.schemaVersion, Migrations.latest)
        XCTAssertEqual(try ledger.currentSignedCopy(dossier: "D26-AAAA-BBBB"), #"{"format":"civlink.signed-copy/1","old":true}"#)
        let indexes = try ledger.database.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('procedures', 'signed_copies') ORDER BY name")
            .map { $0.string("name") }
        XCTAssertEqual(indexes, ["procedures_open", "signed_copies_dossier"])
        XCTAssertEqual(try ledger.database.query("PRAGMA foreign_key_check").count, 0)
        // A row with neither a document nor all its parts is refused.
        XCTAssertThrowsError(try ledger.database.run("INSERT INTO signed_copies(dossier_id, officer, signed_at, payload) VALUES (?, ?, ?, ?)",
                                                     ["D26-AAAA-BBBB", "x", 1, "{}"]))
    }

    func testHandoffQueueKeepsOrderAndStopsAProducerWhenCancelled() {
        let queue = HandoffQueue<Int>(capacity: 2)
        let produced = DispatchSemaphore(value: 0)
        Thread {
            for value in 0..<100 where !queue.put(value) { break }
            queue.close()
            produced.signal()
        }.start()
        var received: [Int] = []
        while let items = queue.takeAll() {
            XCTAssertLessThanOrEqual(items.count, 2)
            received += items
        }
        produced.wait()
        XCTAssertEqual(received, Array(0..<100))

        let blocked = HandoffQueue<Int>(capacity: 1)
        XCTAssertTrue(blocked.put(1))
        let stopped = DispatchSemaphore(value: 0)
        final class Flag: @unchecked Sendable { var value: Bool? }
        let result = Flag()
        Thread {
            result.value = blocked.put(2)   // waits for room until cancelled
            stopped.signal()
        }.start()
        blocked.cancel()
        stopped.wait()
        XCTAssertEqual(result.value, false)
    }

    func testParallelMapKeepsOrderOnBothKindsOfThreads() {
        let input = Array(0..<1000)
        XCTAssertEqual(input.parallelMap(workers: 3) { $0 * 2 }, input.map { $0 * 2 })
        XCTAssertEqual(input.parallelMap(workers: 3, background: true) { $0 * 2 }, input.map { $0 * 2 })
        XCTAssertEqual([Int]().parallelMap { $0 }, [])
    }
}
