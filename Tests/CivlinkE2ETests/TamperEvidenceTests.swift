import Foundation
import CivlinkTestSupport
import XCTest

/// What `civlink audit verify` finds when the ledger's own administrator changes it with the
/// sqlite3 CLI (civlink-audit(1)): each class of tampering, with and without a checkpoint that has
/// left the machine; and no false alarm beside concurrent writers.
final class TamperEvidenceTests: XCTestCase {
    /// A ledger with a birth and a death registered and signed, a message sent and answered, an
    /// agency, officers, certificates and the CA root: every covered table has rows.
    private func ledger() throws -> (box: Sandbox, birth: String, death: String) {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let birth = try box.registerBirth()
        let death = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        let (key, cert) = try box.officer()
        try box.ok("sign", birth, "--key", key, "--cert", cert)
        try box.ok("sign", death, "--key", key, "--cert", cert)
        try box.ok("agency", "add", "population", "--spool", box.path("spool/population"))
        try box.ok("transfer")
        try box.ok("agency", "simulate", "--spool", box.path("spool/population"))
        try box.ok("transfer")
        _ = try box.write("spool/population/inbox/junk.json", "{\"not\":\"a receipt\"}")
        try box.ok("transfer")
        let report = try audit(box)
        XCTAssertEqual(report.status, 0, report.stderr)
        XCTAssertEqual(try report.json()["valid"] as? Bool, true)
        return (box, birth, death)
    }

    private func audit(_ box: Sandbox, _ extra: [String] = []) throws -> RunResult {
        try box.run(["audit", "verify", "--format", "json"] + extra)
    }

    private func sql(_ box: Sandbox, _ statements: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let edit = try tool(["sqlite3", box.ledgerPath, statements], in: box)
        XCTAssertEqual(edit.status, 0, edit.stderr, file: file, line: line)
    }

    private func findings(_ result: RunResult) throws -> [[String: Any]] {
        try result.json()["findings"] as? [[String: Any]] ?? []
    }

    /// Every covered table, edited by hand: the audit names the table and, where the row has one,
    /// the dossier.
    func testAHandEditOfAnyCoveredTableIsReportedWithItsTableAndDossier() throws {
        let (box, birth, death) = try ledger()
        let edits: [(table: String, dossier: String?, sql: String)] = [
            ("dossiers", birth, "UPDATE dossiers SET declaration = replace(declaration, 'Ánh', 'Anh') WHERE id = '\(birth)'"),
            ("dossiers", death, "UPDATE dossiers SET register_no = 99 WHERE id = '\(death)'"),
            ("procedures", birth, "UPDATE procedures SET state = 'completed', result = '{\"personal_id\":\"040326000001\"}' WHERE dossier_id = '\(birth)' AND code = 'residence-registration'"),
            ("signed_copies", death, "UPDATE signed_copies SET revoked_at = 1, revocation_reason = 'by hand' WHERE dossier_id = '\(death)'"),
            ("messages", birth, "UPDATE messages SET body = replace(body, '\(birth)', 'B26-0000-0000') WHERE dossier_id = '\(birth)'"),
            ("receipts", birth, "UPDATE receipts SET status = 'rejected' WHERE message_id LIKE '\(birth)%'"),
            ("quarantine", nil, "UPDATE quarantine SET reason = 'nothing to see'"),
            ("officers", nil, "UPDATE officers SET role = 'chairman'"),
            ("certificates", nil, "UPDATE certificates SET not_after = not_after + 31536000"),
            ("trusted_roots", nil, "UPDATE trusted_roots SET subject = '/CN=Someone else'"),
            ("jws_headers", nil, "UPDATE jws_headers SET protected = protected || 'x'"),
            ("agencies", nil, "UPDATE agencies SET target = '/tmp/elsewhere'"),
            ("settings", nil, "INSERT INTO settings(key, value) VALUES ('deadline.personal-id', '90')"),
            ("certificate_revocations", nil, "INSERT INTO certificate_revocations(fingerprint, revoked_at, reason) SELECT fingerprint, 1, 'x' FROM certificates LIMIT 1"),
            // The search index is worked out again from the dossiers: a key deleted, moved to another
            // dossier (which hides the record from find) or changed.
            ("search_keys", birth, "DELETE FROM search_keys WHERE dossier_id = '\(birth)' AND role LIKE '%mother%'"),
            ("search_keys", death, "UPDATE search_keys SET dossier_id = '\(death)' WHERE dossier_id = '\(birth)' AND role LIKE '%mother%'"),
            ("search_keys", birth, "UPDATE search_keys SET born = '1900-01-01' WHERE dossier_id = '\(birth)' AND born IS NOT NULL"),
        ]
        let path = box.ledgerPath
        for edit in edits {
            let saved = path + ".saved"
            try? FileManager.default.removeItem(atPath: saved)
            try box.ok("backup", saved)
            try sql(box, edit.sql)
            let result = try audit(box)
            XCTAssertEqual(result.status, 1, "\(edit.table): \(result.stdout)")
            let found = try findings(result)
            XCTAssertTrue(found.contains { $0["table"] as? String == edit.table && (edit.dossier == nil || $0["dossier"] as? String == edit.dossier) },
                          "\(edit.table) edit not named: \(found)")
            XCTAssertTrue(result.stderr.contains(edit.table), result.stderr)
            if let dossier = edit.dossier { XCTAssertTrue(result.stderr.contains("dossier \(dossier)"), result.stderr) }
            XCTAssertFalse(result.stderr.contains("Ánh") || result.stderr.contains("040195000123") || result.stderr.contains("Phạm"),
                           "personal data in the findings: \(result.stderr)")
            // Put the ledger back as it was for the next edit.
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            try FileManager.default.removeItem(atPath: path)
            try FileManager.default.moveItem(atPath: saved, toPath: path)
            XCTAssertEqual(try audit(box).status, 0)
        }
        // A doctor run says the same.
        try sql(box, "UPDATE procedures SET state = 'rejected' WHERE dossier_id = '\(birth)' AND code = 'personal-id'")
        let doctor = try box.run("doctor")
        XCTAssertEqual(doctor.status, 1)
        XCTAssertTrue(doctor.stdout.contains("row-edited"), doctor.stdout)
    }

    func testDeletedAndInsertedRowsAreReported() throws {
        let (box, birth, death) = try ledger()
        try sql(box, """
            DELETE FROM procedures WHERE dossier_id = '\(death)';
            DELETE FROM dossiers WHERE id = '\(death)';
            INSERT INTO officers(name, commune, role, first_seen) VALUES ('Mallory', '17986', 'civil-status officer', 0);
            DELETE FROM signed_copies WHERE dossier_id = '\(birth)';
            """)
        let result = try audit(box)
        XCTAssertEqual(result.status, 1)
        let found = try findings(result)
        func has(_ problem: String, _ table: String, _ dossier: String?) -> Bool {
            found.contains { $0["problem"] as? String == problem && $0["table"] as? String == table && $0["dossier"] as? String == dossier }
        }
        XCTAssertTrue(has("row-deleted", "dossiers", death), "\(found)")
        XCTAssertTrue(has("row-deleted", "procedures", death), "\(found)")
        XCTAssertTrue(has("row-deleted", "signed_copies", birth), "\(found)")
        XCTAssertTrue(has("row-inserted", "officers", nil), "\(found)")
        XCTAssertTrue(result.stderr.contains("row-deleted: dossier \(death)"), result.stderr)
    }

    /// The tail cut off: events deleted with the head moved back, the head row deleted, every
    /// event deleted. Each is found without any checkpoint.
    func testTruncationsWithoutComputingAHashAreFound() throws {
        let cases: [(String, String)] = [
            ("the last events and the head moved back", """
                DELETE FROM events WHERE seq > (SELECT max(seq) - 3 FROM events);
                UPDATE settings SET value = (SELECT seq || ' ' || hash FROM events ORDER BY seq DESC LIMIT 1) WHERE key = 'audit.head';
                """),
            ("the head row", "DELETE FROM settings WHERE key = 'audit.head'"),
            ("every event and the head", "DELETE FROM events; DELETE FROM settings WHERE key = 'audit.head';"),
            ("every event, node and head", "DELETE FROM events; DELETE FROM log_nodes; DELETE FROM settings WHERE key = 'audit.head';"),
        ]
        for (what, statements) in cases {
            let (box, _, _) = try ledger()
            try sql(box, statements)
            let result = try audit(box)
            XCTAssertEqual(result.status, 1, "\(what) not found: \(result.stdout)")
            XCTAssertFalse(try findings(result).isEmpty, what)
        }
    }

    func testAForgedHeadIsFound() throws {
        let (box, _, _) = try ledger()
        try sql(box, "UPDATE settings SET value = (SELECT seq || ' ' || '\(String(repeating: "ab", count: 32))' FROM events ORDER BY seq DESC LIMIT 1) WHERE key = 'audit.head'")
        let result = try audit(box)
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual((try result.json()["finding"] as? [String: Any])?["problem"] as? String, "head")
        // An event appended with its hash computed and the head moved on: the tree has no leaf for it.
        let (other, _, _) = try ledger()
        let python = """
            import hashlib, json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            seq, prev = db.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            event = {"seq": seq + 1, "dossier": "", "at": 0, "actor": "mallory", "kind": "note", "procedure": None, "detail": {}, "prev": prev}
            h = hashlib.sha256(json.dumps(event, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
            db.execute("INSERT INTO events VALUES (?, '', 0, 'mallory', 'note', NULL, '{}', ?, ?)", (seq + 1, prev, h))
            db.execute("UPDATE settings SET value = ? WHERE key = 'audit.head'", ("%d %s" % (seq + 1, h),))
            db.commit()
            """
        XCTAssertEqual(try tool(["python3", "-c", python, other.ledgerPath], in: other).status, 0)
        let forged = try audit(other)
        XCTAssertEqual(forged.status, 1)
        XCTAssertTrue(try findings(forged).contains { $0["problem"] as? String == "tree" }, forged.stdout)
    }

    /// What no SQL trick can hide once a checkpoint has left the machine: the ledger put back to an
    /// earlier copy (a truncation that leaves everything consistent), and a history rewritten with
    /// the ledger key itself. Without the checkpoint the audit cannot tell; with it, it does.
    func testAConsistentTruncationOrRewriteIsFoundWithACheckpointThatLeft() throws {
        let (box, _, _) = try ledger()
        try box.ok("backup", "early.db")
        // Later work, and a checkpoint that leaves the machine (to the province, a paper register).
        let later = try box.registerBirth(Declarations.birth(childName: "Trần Văn Sau", motherID: "040195000999", certificate: "GCS-2026-009"))
        try box.ok("audit", "checkpoint", "--out", "left.checkpoint")
        let left = try String(contentsOfFile: box.path("left.checkpoint"), encoding: .utf8)
        let leftSize = Int(left.split(separator: "\n")[1])!

        // 1. The administrator puts the early copy back: a consistent, shorter ledger.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: box.ledgerPath + suffix) }
        try FileManager.default.copyItem(atPath: box.path("early.db"), toPath: box.ledgerPath)
        XCTAssertEqual(try audit(box).status, 0, "a consistent earlier state is, on its own, a valid ledger")
        XCTAssertEqual(try box.run("status", later).status, 66)
        let truncated = try audit(box, ["--checkpoint", box.path("left.checkpoint")])
        XCTAssertEqual(truncated.status, 1)
        let finding = try truncated.json()["finding"] as? [String: Any]
        XCTAssertEqual(finding?["problem"] as? String, "truncated", truncated.stdout)
        XCTAssertTrue(truncated.stderr.contains("truncated"), truncated.stderr)

        // 2. Then writes something else in its place: as many events, signed with the same key.
        while (try audit(box).json()["events"] as! Int) < leftSize {
            _ = try box.ok("agency", "add", "residence", "--spool", box.path("spool/residence-\(UUID().uuidString)"))
        }
        try box.ok("audit", "checkpoint", "--out", "rewritten.checkpoint")
        XCTAssertEqual(try audit(box).status, 0)
        let rewritten = try audit(box, ["--checkpoint", box.path("left.checkpoint")])
        XCTAssertEqual(rewritten.status, 1)
        XCTAssertEqual((try rewritten.json()["finding"] as? [String: Any])?["problem"] as? String, "rewritten", rewritten.stdout)

        // A checkpoint signed by another key (a new key after the rewrite) is not this ledger's.
        let stranger = try Sandbox()
        try stranger.ok("init", "--training")
        try stranger.ok("audit", "checkpoint", "--out", "other.checkpoint")
        let foreign = try audit(box, ["--checkpoint", stranger.path("other.checkpoint")])
        XCTAssertEqual(foreign.status, 1)
        XCTAssertEqual((try foreign.json()["finding"] as? [String: Any])?["problem"] as? String, "checkpoint")
    }

    /// The witness keeps the history honest: it cosigns the commune's checkpoints in order,
    /// refuses one that is not consistent with the last it cosigned, and its cosignature is then
    /// required by the audit and by an offline verifier.
    func testTheWitnessCosignsConsistentCheckpointsAndRefusesARewrite() throws {
        let (box, birth, _) = try ledger()
        let province = try Sandbox()
        let witnessKey = try province.ok("audit", "witness", "--key", "witness.key", "--state", "witness.json", "--new-key", "province-40").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: province.path("witness.key"))[.posixPermissions] as? Int, 0o600)
        let logKey = try box.ok("audit", "key").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let spool = province.path("spool")
        try box.ok("agency", "add", "province", "--spool", spool)
        try box.ok("transfer")
        // The witness does not know this log yet: the key comes the first time.
        XCTAssertEqual(try province.run("audit", "witness", "--key", "witness.key", "--state", "witness.json", "--spool", spool).status, 1)
        try province.ok("audit", "witness", "--key", "witness.key", "--state", "witness.json", "--spool", spool, "--log-key", logKey)
        let report = try box.ok("transfer", "--format", "json").json()
        XCTAssertEqual(report["cosigned"] as? Int, 1)
        // Later checkpoints need no key: the witness checks each against the last one it cosigned.
        try box.registerBirth(Declarations.birth(childName: "Lê Văn Ba", motherID: "040195000888", certificate: "GCS-2026-088"))
        try box.ok("transfer")
        // The spool also carries the exports for the province's replica (civlink-export(5)).
        let shipped = try FileManager.default.contentsOfDirectory(atPath: spool + "/outbox").filter { $0.hasPrefix("checkpoint-") }
        XCTAssertEqual(shipped.count, 1)
        let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: spool + "/outbox/" + shipped[0]))) as! [String: Any]
        XCTAssertFalse((envelope["proofs"] as! [Any]).isEmpty, "a consistency proof travels with the checkpoint")
        try pythonCheck([["id": "envelope", "kind": "civlink-consistency", "log_vkey": logKey,
                          "old": try cosignedNote(province, logKey), "new": envelope["checkpoint"] as! String,
                          "path": ((envelope["proofs"] as! [[String: Any]])[0]["path"] as! [String])]], in: box)
        try province.ok("audit", "witness", "--key", "witness.key", "--state", "witness.json", "--spool", spool)
        try box.ok("transfer")
        let cosignedPath = box.path("cosigned.checkpoint")
        try cosignedNote(province, logKey).write(toFile: cosignedPath, atomically: true, encoding: .utf8)
        let withWitness = try audit(box, ["--checkpoint", cosignedPath, "--witness-key", witnessKey])
        XCTAssertEqual(withWitness.status, 0, withWitness.stderr)
        XCTAssertEqual(((try withWitness.json()["checkpoints"] as! [[String: Any]])[0]["cosigned_by"] as? [String]), ["province-40"])
        let unwitnessed = try box.ok("audit", "checkpoint").stdout
        _ = try box.write("plain.checkpoint", unwitnessed)
        XCTAssertEqual(try audit(box, ["--checkpoint", box.path("plain.checkpoint"), "--witness-key", witnessKey]).status, 1,
                       "a checkpoint without the required cosignature is not enough")
        // The copy and its proof check out offline, against the commune's key and the witness.
        try box.ok("copy", birth, "--out", "copy.json")
        try box.ok("audit", "prove", birth, "--checkpoint", cosignedPath, "--out", "proof.json")
        let verified = try box.ok("verify", "copy.json", "--trust", box.path("ca/ca.pem"), "--proof", "proof.json", "--log-key", logKey,
                                  "--witness-key", witnessKey, "--format", "json").json()
        XCTAssertEqual((verified["log"] as? [String: Any])?["cosigned_by"] as? [String], ["province-40"])

        // The administrator rewrites the ledger from an early copy: the witness refuses to cosign.
        let stateBytes = try Data(contentsOf: URL(fileURLWithPath: province.path("witness.json")))
        let state = try JSONSerialization.jsonObject(with: stateBytes) as! [String: Any]
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: province.path("witness.json"))[.posixPermissions] as? Int, 0o600)
        let size = ((state["logs"] as! [[String: Any]])[0]["size"] as! Int)
        let fork = try Sandbox()
        try FileManager.default.removeItem(at: fork.directory)
        try FileManager.default.copyItem(at: box.directory, to: fork.directory)
        fork.environment["CIVLINK_LEDGER"] = fork.path("civlink.db")
        // Rewritten in full: an early event changed, then the chain, the tree and the head
        // recomputed, as a careful administrator with the ledger key would.
        // (It must also drop the checkpoints the ledger keeps: the audit checks those too.)
        try rewriteHistory(fork, "UPDATE events SET actor = 'rewritten' WHERE seq = 3")
        let sloppy = try audit(fork)
        XCTAssertEqual(sloppy.status, 1)
        XCTAssertTrue(try findings(sloppy).contains { $0["problem"] as? String == "rewritten" }, sloppy.stdout)
        try sql(fork, "DELETE FROM log_checkpoints")
        XCTAssertEqual(try audit(fork).status, 0, "a full rewrite is consistent on its own")
        while (try audit(fork).json()["events"] as! Int) <= size {
            try fork.ok("agency", "add", "residence", "--spool", fork.path("spool/r-\(UUID().uuidString)"))
        }
        try fork.ok("transfer")
        let refused = try province.run("audit", "witness", "--key", "witness.key", "--state", "witness.json", "--spool", spool)
        XCTAssertEqual(refused.status, 1, refused.stdout)
        // It cannot prove its new tree extends the one the witness cosigned (the unit tests show the
        // witness refusing a proof from a forked tree too).
        XCTAssertTrue(refused.stderr.contains("refused: log ") && refused.stderr.contains("consistency proof"), refused.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: province.path("witness.json"))), stateBytes,
                       "the witness state is unchanged by a refused checkpoint")
        XCTAssertEqual(try audit(fork, ["--checkpoint", cosignedPath]).status, 1, "the cosigned checkpoint shows the rewrite")
    }

    /// The witness's cosigned note, as its state keeps it.
    private func cosignedNote(_ province: Sandbox, _ logKey: String) throws -> String {
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: province.path("witness.json")))) as! [String: Any]
        return (state["logs"] as! [[String: Any]])[0]["checkpoint"] as! String
    }

    /// Applies `edit` to the events, then rebuilds every event's hash, the chain, the head and the
    /// Merkle tree from the events as they now are (with Python's sqlite3): the history the holder
    /// of the ledger key can make, consistent on its own.
    private func rewriteHistory(_ box: Sandbox, _ edit: String) throws {
        let script = """
            import hashlib, json, sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.executescript(sys.argv[2])
            prev = "0" * 64
            db.execute("DELETE FROM log_nodes")
            leaves = []
            for seq, dossier, at, actor, kind, procedure, detail, _, _ in db.execute("SELECT * FROM events ORDER BY seq").fetchall():
                event = {"seq": seq, "dossier": dossier, "at": at, "actor": actor, "kind": kind, "procedure": procedure,
                         "detail": json.loads(detail), "prev": prev}
                h = hashlib.sha256(json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
                db.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, h, seq))
                leaves.append(hashlib.sha256(b"\\x00" + bytes.fromhex(h)).digest())
                prev = h
            db.execute("UPDATE settings SET value = ? WHERE key = 'audit.head'", ("%d %s" % (len(leaves), prev),))
            # Every perfect subtree, as civlink stores them (level, index).
            level, nodes = 0, leaves
            while nodes:
                for i, node in enumerate(nodes):
                    db.execute("INSERT INTO log_nodes VALUES (?, ?, ?)", (level, i, node))
                nodes = [hashlib.sha256(b"\\x01" + nodes[i] + nodes[i + 1]).digest() for i in range(0, len(nodes) - 1, 2)]
                level += 1
            db.commit()
            """
        let result = try tool(["python3", "-c", script, box.ledgerPath, edit], in: box)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    /// Proofs from the ledger, checked by the independent Python verifier (Tests/Fixtures/rfc9162.py):
    /// inclusion proofs of a dossier's events, consistency proofs from old checkpoints, and the
    /// whole ledger's chain and tree root recomputed from its events.
    func testProofsCheckOutWithTheIndependentVerifier() throws {
        let (box, birth, death) = try ledger()
        let logKey = try box.ok("audit", "key").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        var checkpoints: [String] = []
        for i in 0..<6 {
            try box.ok("audit", "checkpoint", "--out", "cp\(i)")
            checkpoints.append(box.path("cp\(i)"))
            _ = try box.registerBirth(Declarations.birth(childName: "Con Thứ \(i)", motherID: String(format: "040195%06d", 500 + i), certificate: "GCS-P-\(i)"))
        }
        try box.ok("audit", "checkpoint", "--out", "last")
        var cases: [[String: Any]] = []
        for id in [birth, death] {
            let proof = try JSONSerialization.jsonObject(with: Data(box.ok("audit", "prove", id).stdout.utf8)) as! [String: Any]
            XCTAssertGreaterThan((proof["events"] as! [Any]).count, 2)
            cases.append(["id": "proof \(id)", "kind": "civlink-proof", "proof": proof, "log_vkey": logKey])
            let old = try JSONSerialization.jsonObject(with: Data(box.ok("audit", "prove", id, "--checkpoint", checkpoints[0]).stdout.utf8)) as! [String: Any]
            cases.append(["id": "old proof \(id)", "kind": "civlink-proof", "proof": old, "log_vkey": logKey])
        }
        let report = try audit(box, checkpoints.flatMap { ["--checkpoint", $0] })
        XCTAssertEqual(report.status, 0, report.stderr)
        let last = try String(contentsOfFile: box.path("last"), encoding: .utf8)
        let lastSize = Int(last.split(separator: "\n")[1])!
        XCTAssertEqual(try report.json()["events"] as? Int, lastSize)
        for (n, check) in (try report.json()["checkpoints"] as! [[String: Any]]).enumerated() {
            let proof = check["proof"] as! [String: Any]
            cases.append(["id": "consistency \(n)", "kind": "civlink-consistency", "log_vkey": logKey,
                          "old": try String(contentsOfFile: checkpoints[n], encoding: .utf8), "new": last, "path": proof["path"] as! [String]])
        }
        cases.append(["id": "ledger", "kind": "civlink-ledger", "ledger": box.ledgerPath, "checkpoint": last, "log_vkey": logKey])
        let results = try pythonCheck(cases, in: box)
        XCTAssertEqual(results.first { $0["id"] as? String == "ledger" }?["events"] as? Int, lastSize)

        // Tampered proofs are refused by both verifiers.
        var proof = try JSONSerialization.jsonObject(with: Data(box.ok("audit", "prove", birth).stdout.utf8)) as! [String: Any]
        var events = proof["events"] as! [[String: Any]]
        var event = events[0]["event"] as! [String: Any]
        event["actor"] = "mallory"
        events[0]["event"] = event
        events[0]["event_hash"] = nil
        proof["events"] = events
        try pythonCheck([["id": "tampered", "kind": "civlink-proof", "proof": proof, "log_vkey": logKey]], in: box, expect: false)
        try JSONSerialization.data(withJSONObject: proof).write(to: URL(fileURLWithPath: box.path("tampered.json")))
        try box.ok("copy", birth, "--out", "copy.json")
        let refused = try box.run(["verify", "copy.json", "--trust", box.path("ca/ca.pem"), "--proof", "tampered.json", "--log-key", logKey, "--format", "json"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertEqual(try refused.json()["reason"] as? String, "bad-proof")
        let otherKey = try { () -> String in
            let stranger = try Sandbox()
            try stranger.ok("init", "--training")
            return try stranger.ok("audit", "key").stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }()
        try box.ok("audit", "prove", birth, "--out", "proof.json")
        let wrongKey = try box.run(["verify", "copy.json", "--trust", box.path("ca/ca.pem"), "--proof", "proof.json", "--log-key", otherKey, "--format", "json"])
        XCTAssertEqual(try wrongKey.json()["reason"] as? String, "bad-proof")
        try box.ok("audit", "prove", death, "--out", "death-proof.json")
        let wrongDossier = try box.run(["verify", "copy.json", "--trust", box.path("ca/ca.pem"), "--proof", "death-proof.json", "--log-key", logKey, "--format", "json"])
        XCTAssertEqual(try wrongDossier.json()["reason"] as? String, "not-logged")
        let logged = try box.ok("verify", "copy.json", "--trust", box.path("ca/ca.pem"), "--proof", "proof.json", "--log-key", logKey)
        XCTAssertTrue(logged.stdout.contains("logged: event "), logged.stdout)
    }

    /// Runs rfc9162.py over `cases`; each must be accepted (or, with `expect: false`, refused).
    @discardableResult
    private func pythonCheck(_ cases: [[String: Any]], in box: Sandbox, expect: Bool = true, file: StaticString = #filePath,
                             line: UInt = #line) throws -> [[String: Any]] {
        let path = box.path("cases-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["cases": cases]).write(to: URL(fileURLWithPath: path))
        let run = try tool(["python3", Sandbox.fixtures.appendingPathComponent("rfc9162.py").path, "check", path], in: box)
        XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
        let results = (try JSONSerialization.jsonObject(with: run.stdoutData) as! [String: Any])["results"] as! [[String: Any]]
        XCTAssertEqual(results.count, cases.count, file: file, line: line)
        for result in results {
            XCTAssertEqual(result["ok"] as? Bool, expect, "rfc9162.py on \(result["id"] ?? ""): \(result["reason"] ?? "accepted")", file: file, line: line)
        }
        return results
    }

    /// Many audits while other civlink processes register, sign and transfer: not one false alarm.
    func testNoFalseAlarmBesideConcurrentWriters() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let (key, cert) = try box.officer()
        for agency in ["population", "residence", "social-insurance", "social-affairs"] {
            try box.ok("agency", "add", agency, "--spool", box.path("spool/\(agency)"))
        }
        var batches: [String] = []
        for b in 0..<4 {
            let lines = (0..<300).map { i in
                Declarations.text(Declarations.birth(childName: "Con \(b)-\(i)", motherID: String(format: "040195%06d", b * 1000 + i), certificate: "C\(b)-\(i)"))
            }
            batches.append(try box.write("batch\(b).jsonl", lines.joined(separator: "\n") + "\n"))
        }
        let writers = try batches.map { try box.start(["register-birth", "--batch", $0]) }
            + [try box.start(["sign", "--pending", "--key", key, "--cert", cert])]
        var others: [Process] = []
        var runs = 0, alarms: [String] = []
        let deadline = Date().addingTimeInterval(120)
        while writers.contains(where: \.isRunning) || runs < 40, Date() < deadline {
            if runs % 5 == 0 {
                others.append(try box.start(["transfer"]))
                others.append(try box.start(["sign", "--pending", "--key", key, "--cert", cert]))
            }
            let result = try box.run("audit", "verify")
            runs += 1
            if result.status != 0 { alarms.append(result.stderr) }
            if runs % 4 == 0 {
                let doctor = try box.run("doctor", "--format", "json")
                if doctor.stdout.contains("\"check\":\"history\",\"level\":\"fail\"") { alarms.append("doctor: " + doctor.stdout) }
            }
        }
        (writers + others).forEach { $0.waitUntilExit() }
        XCTAssertGreaterThanOrEqual(runs, 40)
        XCTAssertEqual(alarms, [], "false alarms in \(runs) runs")
        let final = try audit(box)
        XCTAssertEqual(final.status, 0, final.stderr)
        XCTAssertGreaterThan(try final.json()["rows"] as! Int, 1200 * 5)
    }
}
