@testable import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// The log as the ledger keeps it, in process: row digests and what the preupdate hook collects,
/// the `rows` events, the tree, the migration that starts the log, and the witness's rules.
final class LedgerLogTests: XCTestCase {
    private let now = Timestamp("2026-11-20T09:30:00+07:00")!

    func testCanonicalBytesAreThoseOfTheCanonicalBody() {
        var rng = SeededGenerator(seed: testSeed("canonical events"))
        let texts = ["", "Nguyễn Thị Ánh", "quote \" backslash \\ tab \t nl \n ctl \u{1}", "😀 B26-7K3M-9QXD", "/slash"]
        for _ in 0..<200 {
            func pick() -> String { texts[Int.random(in: 0..<texts.count, using: &rng)] }
            let detail = JSON.object([("b", .string(pick())), ("a", .array([.int(Int.random(in: -5...1_000_000, using: &rng)), .null, .bool(true)]))])
            let event = LedgerEvent(seq: Int64.random(in: 1...1_000_000, using: &rng), dossier: pick(), at: Timestamp(seconds: Int64.random(in: 0...2_000_000_000, using: &rng)),
                                    actor: pick(), kind: pick(), procedure: Bool.random(using: &rng) ? nil : pick(), detail: detail,
                                    previousHash: String(repeating: "ab", count: 32))
            var out: [UInt8] = []
            LedgerEvent.canonicalBytes(seq: event.seq, dossier: event.dossier, at: event.at.seconds, actor: event.actor, kind: event.kind,
                                       procedure: event.procedure, detail: detail.bytes(sortKeys: true), prev: event.previousHash, into: &out)
            XCTAssertEqual(out, event.canonicalBody.bytes(sortKeys: true))
        }
    }

    func testBase64URLIsCanonicalOnly() {
        XCTAssertEqual(Base64URL.encode(Data([0xFB, 0xFF])), "-_8")
        XCTAssertEqual(Base64URL.decode("-_8"), Data([0xFB, 0xFF]))
        XCTAssertEqual(Base64URL.decode(""), Data())
        for bad in ["-_9", "YR", "YWJ", "Y", "YQ==", "YQ=", "+/8", "Y Q", "YQ\n"] { XCTAssertNil(Base64URL.decode(bad), bad) }
        var rng = SeededGenerator(seed: testSeed("base64url"))
        for count in 0..<70 {
            let data = Data((0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) })
            let text = Base64URL.encode(data)
            XCTAssertEqual(Base64URL.decode(text), data)
            // Every other last character that a lax decoder maps to the same bytes is refused.
            if let last = text.last {
                for other in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" where other != last {
                    XCTAssertNotEqual(Base64URL.decode(String(text.dropLast()) + String(other)), data)
                }
            }
        }
    }

    /// A statement that fails after changing rows is rolled back by SQLite, and the transaction
    /// goes on: the digests collected for the rows it took back are recomputed, so no false alarm.
    func testAFailedStatementThatChangedRowsLeavesNoFalseAlarm() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger
        _ = try fixture.register(.birth, Declarations.birth(), at: "2026-11-20T09:00:00+07:00")
        try ledger.write {
            try ledger.database.run("INSERT INTO officers(name, commune, role, first_seen) VALUES ('A', '17986', 'x', 1)")
            // The second row breaks NOT NULL after the first was inserted: SQLite takes the statement back.
            XCTAssertThrowsError(try ledger.database.run("INSERT INTO officers(name, commune, role, first_seen) VALUES ('B', '17986', 'x', 1), ('C', '17986', NULL, 1)"))
            XCTAssertTrue(ledger.capture!.uncertain)
            try ledger.database.run("UPDATE officers SET role = 'y' WHERE name = 'A'")
        }
        XCTAssertEqual(try ledger.database.scalar("SELECT count(*) FROM officers").int, 1)
        let report = try Audit.verify(ledger)
        XCTAssertNil(report.finding, "\(report.findings.map(\.detail))")
        // A refused duplicate (a uniqueness check before any row changes) needs no recomputing.
        XCTAssertThrowsError(try fixture.register(.birth, Declarations.birth(), at: "2026-11-20T09:10:00+07:00"))
        XCTAssertNil(try Audit.verify(ledger).finding)
    }

    /// A rows event that is not in the canonical form civlink writes is still read (as JSON).
    func testARowsEventInAnotherFormIsStillReplayed() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger
        try ledger.write { try ledger.database.run("INSERT INTO officers(name, commune, role, first_seen) VALUES ('X', '17986', 'x', 1)") }
        XCTAssertNil(try Audit.verify(ledger).finding)
        try ledger.write {
            _ = try ledger.appendSerialized([("", LedgerEvent.rowsKind, nil, Array(#"{ "rows": [ ["officers", ["X", "17986"], null] ] }"#.utf8))],
                                            at: now, actor: "test")
        }
        let finding = try Audit.verify(ledger).finding
        XCTAssertEqual(finding?.problem, .rowInserted, "the tombstone was read")
        XCTAssertEqual(finding?.table, "officers")
        XCTAssertNil(finding?.key, "an officer's key is a name: findings do not show it")
    }

    /// A transaction that changes more rows than one event lists appends several; a table that
    /// gains a column NULL in every row keeps its digests.
    func testBigTransactionsAndAddedColumns() throws {
        let fixture = try LedgerFixture()
        let ledger = fixture.ledger
        let before = try ledger.lastEventSeq()
        try ledger.write {
            try ledger.database.insertRows("INSERT INTO officers(name, commune, role, first_seen)",
                                           (0..<(Ledger.rowsPerEvent + 5)).map { [.text("Officer \($0)"), .text("17986"), .text("x"), .integer(1)] })
        }
        let kinds = try ledger.database.query("SELECT kind FROM events WHERE seq > ?", [.integer(before)]).map { $0.string("kind") }
        XCTAssertEqual(kinds, ["rows", "rows"])
        XCTAssertNil(try Audit.verify(ledger).finding)
        try ledger.database.execute("ALTER TABLE officers ADD COLUMN nickname TEXT")
        let reopened = try Ledger(path: ledger.path)
        let report = try Audit.verify(reopened)
        XCTAssertNil(report.finding, "\(report.findings.map(\.detail))")
        XCTAssertGreaterThan(report.rowsChecked, Ledger.rowsPerEvent)
        try reopened.database.execute("UPDATE officers SET nickname = 'x' WHERE name = 'Officer 7'")
        XCTAssertEqual(try Audit.verify(reopened).finding?.problem, .rowEdited)
    }

    /// A ledger from before the log gets it when opened read-write: its tree over the old events,
    /// its key (mode 0600), its origin naming its one commune, and a baseline of every row.
    func testAnOlderLedgerGetsItsLogKeyAndBaselineOnMigration() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("civlink-migrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.db").path
        do {
            let old = try SQLiteDatabase(path: path, create: true)
            try old.execute("PRAGMA journal_mode = WAL")
            for migration in Migrations.ordered where migration.version <= 5 {
                try old.execute(migration.sql)
                try old.execute("PRAGMA user_version = \(migration.version)")
            }
            try old.run("""
                INSERT INTO dossiers(id, grp, province, commune, register_year, register_no, received_at, registered_at, event_date, late,
                                     duplicate_key, document_key, declaration, benefit)
                VALUES ('D26-AAAA-BBBB', 'death', '40', '17986', 2026, 1, 0, 0, '2026-11-18', 0, 'k', 'd', '{}', 'null')
                """)
            // Two events chained as civlink 0.1 wrote them.
            var prev = Ledger.genesisHash
            for seq in 1...2 {
                let event = LedgerEvent(seq: Int64(seq), dossier: "D26-AAAA-BBBB", at: Timestamp(seconds: 0), actor: "old", kind: "registered",
                                        procedure: nil, detail: .object([("n", .int(seq))]), previousHash: prev)
                try old.run("INSERT INTO events VALUES (?, ?, 0, 'old', 'registered', NULL, ?, ?, ?)",
                            [.integer(Int64(seq)), "D26-AAAA-BBBB", .text(event.detail.serialized(sortKeys: true)), .text(prev), .text(event.hash)])
                prev = event.hash
            }
            try old.run("INSERT INTO settings(key, value) VALUES ('audit.head', ?)", [.text("2 \(prev)")])
        }
        let ledger = try Ledger(path: path)
        XCTAssertEqual(try ledger.schemaVersion, Migrations.latest)
        XCTAssertEqual(Files.mode(path + ".key"), 0o600)
        XCTAssertTrue(try ledger.logIdentity().origin.hasPrefix("civlink/40/17986/"))
        XCTAssertEqual(try ledger.events(of: "").first?.kind, "rows")
        XCTAssertEqual(try ledger.database.scalar("SELECT count(*) FROM log_nodes WHERE level = 0").int, 3, "a leaf for each old event and the baseline")
        let report = try Audit.verify(ledger)
        XCTAssertNil(report.finding, "\(report.findings.map(\.detail))")
        XCTAssertEqual(report.events, 3)
        // The old rows are covered from then on.
        try ledger.database.execute("UPDATE dossiers SET register_no = 2")
        XCTAssertEqual(try Audit.verify(ledger).finding?.dossier, "D26-AAAA-BBBB")
    }

    func testTheWitnessRules() throws {
        let log = try Ed25519NoteSigner.generate(name: "civlink/40/17986/test")
        let witnessKey = try CosignatureV1Signer.generate(name: "province-40")
        var witness = Witness(signer: witnessKey, state: WitnessState())
        func tree(_ leaves: [String]) throws -> MerkleTree<InMemoryNodeStore> {
            var tree = try MerkleTree(store: InMemoryNodeStore())
            for leaf in leaves { try tree.append(leaf: Array(leaf.utf8)) }
            return tree
        }
        func envelope(_ tree: MerkleTree<InMemoryNodeStore>, proofsFrom sizes: [UInt64] = [], signer: Ed25519NoteSigner? = nil) throws -> CheckpointEnvelope {
            let checkpoint = try Checkpoint(origin: log.name, size: tree.size, rootHash: tree.root)
            return try CheckpointEnvelope(note: try checkpoint.sign(signers: [signer ?? log]), proofs: try sizes.map { try tree.consistencyProof(from: $0) })
        }
        let honest = (0..<20).map { "event \($0)" }
        let first = try envelope(try tree(Array(honest[..<8])))
        guard case .refused = witness.witness(first, logKeys: [], now: 100) else { return XCTFail("an unknown log was cosigned") }
        guard case .cosigned(let note) = witness.witness(first, logKeys: [log.verifierKey], now: 100) else { return XCTFail("not cosigned") }
        let verified = try Checkpoint.verify(note, log: log.verifier, witnesses: [witnessKey.verifier], quorum: 1)
        XCTAssertEqual(verified.cosignatures.map(\.timestamp), [100])
        // Grows with a proof from the size it cosigned: cosigned; without one: refused.
        guard case .refused = witness.witness(try envelope(try tree(Array(honest[..<12]))), logKeys: [], now: 101) else { return XCTFail("no proof") }
        guard case .cosigned = witness.witness(try envelope(try tree(Array(honest[..<12])), proofsFrom: [3, 8]), logKeys: [], now: 101) else {
            return XCTFail("a consistent checkpoint was refused")
        }
        XCTAssertEqual(witness.state.logs[log.name]?.size, 12)
        // A fork: the same size with another root, and a longer tree whose start differs.
        var forked = honest
        forked[5] = "rewritten"
        guard case .refused(let why) = witness.witness(try envelope(try tree(Array(forked[..<12]))), logKeys: [], now: 102) else { return XCTFail("fork") }
        XCTAssertTrue(why.description.contains("rewritten"), why.description)
        guard case .refused = witness.witness(try envelope(try tree(forked), proofsFrom: [12]), logKeys: [], now: 102) else {
            return XCTFail("a proof from a forked tree was accepted")
        }
        // Older: skipped. Signed by another key for the same origin: refused. Its state is unchanged.
        guard case .skipped = witness.witness(first, logKeys: [], now: 103) else { return XCTFail("older") }
        let impostor = try Ed25519NoteSigner.generate(name: log.name)
        guard case .refused = witness.witness(try envelope(try tree(honest), proofsFrom: [12], signer: impostor), logKeys: [impostor.verifierKey], now: 104) else {
            return XCTFail("another key for the log")
        }
        XCTAssertEqual(witness.state.logs[log.name]?.size, 12)
        // The state round-trips through its file.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("witness-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try witness.state.save(path: path)
        XCTAssertEqual(Files.mode(path), 0o600)
        let loaded = try WitnessState.load(path: path)
        XCTAssertEqual(loaded.logs[log.name]?.root, witness.state.logs[log.name]?.root)
    }
}
