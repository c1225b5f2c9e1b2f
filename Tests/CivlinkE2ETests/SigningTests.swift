import Foundation
import CivlinkTestSupport
import XCTest

final class SigningTests: XCTestCase {
    private func signedBox() throws -> (Sandbox, String, String) {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try box.registerBirth()
        let (key, cert) = try box.officer()
        try box.ok("sign", id, "--key", key, "--cert", cert, "--out", "copy.json")
        return (box, id, box.path("copy.json"))
    }

    private func procedures(_ box: Sandbox, _ id: String) throws -> [String: String] {
        let list = try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: list.map { ($0["code"] as! String, $0["state"] as! String) })
    }

    func testSignReleasesWaitingProceduresAndVerifies() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try box.registerBirth()
        let (key, cert) = try box.officer()
        XCTAssertEqual(try procedures(box, id)["certificate-copy"], "ready")
        let signed = try box.ok("sign", id, "--key", key, "--cert", cert)
        let document = try signed.json()
        XCTAssertEqual(document["format"] as? String, "civlink.signed-copy/1")
        let copy = document["copy"] as! [String: Any]
        XCTAssertEqual(copy["document"] as? String, "birth-certificate-extract")
        XCTAssertEqual((copy["child"] as! [String: Any])["full_name"] as? String, "Nguyễn Thị Ánh")
        XCTAssertNil((copy["mother"] as! [String: Any])["personal_id"], "an extract shows no ID numbers")
        XCTAssertEqual(try procedures(box, id)["certificate-copy"], "done")
        let timeline = try box.ok("status", id, "--format", "json").json()["timeline"] as! [[String: Any]]
        XCTAssertEqual(timeline.last?["procedure"] as? String, "certificate-copy")
        _ = try box.write("copy.json", signed.stdout)
        let verified = try box.ok("verify", "copy.json", "--trust", box.path("ca/ca.pem"), "--format", "json").json()
        XCTAssertEqual(verified["valid"] as? Bool, true)
        XCTAssertEqual(verified["dossier"] as? String, id)
        XCTAssertEqual(verified["signed_at"] as? String, "2026-11-20T02:30:00Z")
        XCTAssertEqual((verified["signer"] as! [String: Any])["commune"] as? String, "17986")
        let table = try box.ok("verify", "-", "--trust", box.path("ca/ca.pem"), stdin: signed.stdout).stdout
        XCTAssertTrue(table.contains("signed by Phạm Thị Lan (civil-status officer, commune 17986) at 2026-11-20T02:30:00Z"), table)
        let stored = try tool(["sqlite3", box.ledgerPath, "SELECT count(*) FROM signed_copies WHERE dossier_id = '\(id)' AND revoked_at IS NULL; SELECT count(*) FROM officers; SELECT count(*) FROM certificates;"], in: box)
        XCTAssertEqual(stored.stdout, "1\n1\n1\n")
    }

    func testDeathCopyReleasesFuneralBenefit() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        let (key, cert) = try box.officer()
        let before = try procedures(box, id)
        let waiting = before.filter { $0.value == "waiting" }.map(\.key)
        XCTAssertFalse(waiting.isEmpty)
        let copy = try box.ok("sign", id, "--key", key, "--cert", cert).json()["copy"] as! [String: Any]
        XCTAssertEqual(copy["document"] as? String, "death-certificate-extract")
        let after = try procedures(box, id)
        // Residence deletion and the funeral benefit waited on the signed copy only: ready now.
        XCTAssertTrue(waiting.contains("residence-deletion"), "\(before)")
        for code in waiting { XCTAssertEqual(after[code], "ready", code) }
    }

    func testRefusals() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try box.registerBirth()
        let (key, cert) = try box.officer()
        chmod(key, 0o640)
        let loose = try box.run("sign", id, "--key", key, "--cert", cert)
        XCTAssertEqual(loose.status, 77)
        XCTAssertTrue(loose.stderr.contains("readable by group or others"), loose.stderr)
        chmod(key, 0o600)

        let expired = try box.officer("expired", validFrom: "2025-01-01", days: "30")
        let e = try box.run("sign", id, "--key", expired.key, "--cert", expired.cert)
        XCTAssertEqual(e.status, 77)
        XCTAssertTrue(e.stderr.contains("expired"), e.stderr)
        let future = try box.officer("future", validFrom: "2027-01-01")
        let f = try box.run("sign", id, "--key", future.key, "--cert", future.cert)
        XCTAssertEqual(f.status, 77)
        XCTAssertTrue(f.stderr.contains("not valid before"), f.stderr)
        let other = try box.officer("other", commune: "00001")
        let o = try box.run("sign", id, "--key", other.key, "--cert", other.cert)
        XCTAssertEqual(o.status, 77)
        XCTAssertTrue(o.stderr.contains("commune"), o.stderr)
        let mismatch = try box.run("sign", id, "--key", other.key, "--cert", cert)
        XCTAssertEqual(mismatch.status, 77)
        XCTAssertEqual(try procedures(box, id)["certificate-copy"], "ready", "a refused signature changes nothing")

        try box.ok("sign", id, "--key", key, "--cert", cert)
        let twice = try box.run("sign", id, "--key", key, "--cert", cert)
        XCTAssertEqual(twice.status, 65)
        XCTAssertTrue(twice.stderr.contains("signed copy already"), twice.stderr)
        XCTAssertFalse(loose.stderr.contains("Ánh") || e.stderr.contains("Ánh") || twice.stderr.contains("Ánh"), "personal data in errors")
    }

    func testTamperingFailsVerification() throws {
        let (box, _, copyPath) = try signedBox()
        let original = try String(contentsOfFile: copyPath, encoding: .utf8)
        let trust = box.path("ca/ca.pem")
        func verdict(_ text: String) throws -> (Int32, String?) {
            let r = try box.run(["verify", "-", "--trust", trust, "--format", "json"], stdin: Data(text.utf8))
            return (r.status, (try? r.json())?["reason"] as? String)
        }
        XCTAssertEqual(try verdict(original).0, 0)
        // One byte of the copy: the register number 1 becomes 2.
        let copyByte = original.replacingOccurrences(of: "\"number\":1,", with: "\"number\":2,")
        XCTAssertNotEqual(copyByte, original)
        XCTAssertEqual(try verdict(copyByte).0, 1)
        XCTAssertEqual(try verdict(copyByte).1, "payload-mismatch")
        // One byte of the signature.
        let document = try JSONSerialization.jsonObject(with: Data(original.utf8)) as! [String: Any]
        let signature = (document["jws"] as! [String: Any])["signature"] as! String
        let flipped = String(signature.prefix(10)) + (signature[signature.index(signature.startIndex, offsetBy: 10)] == "A" ? "B" : "A") + String(signature.dropFirst(11))
        let sigByte = original.replacingOccurrences(of: signature, with: flipped)
        XCTAssertEqual(try verdict(sigByte).0, 1)
        XCTAssertEqual(try verdict(sigByte).1, "bad-signature")
        XCTAssertEqual(try verdict("{}").1, "malformed")
        // Several files: each gets its verdict, and one invalid file makes the exit status 1.
        let tamperedPath = try box.write("tampered.json", sigByte)
        let both = try box.run(["verify", copyPath, tamperedPath, "--trust", trust, "--format", "json"])
        XCTAssertEqual(both.status, 1)
        XCTAssertEqual(try both.jsonLines().map { $0["valid"] as! Bool }, [true, false])
        XCTAssertTrue(both.stderr.contains("tampered.json: invalid (bad-signature)"), both.stderr)
        // Another CA is not trusted.
        let stranger = try Sandbox()
        try stranger.ok("ca", "init", "--dir", "ca", "--name", "Stranger CA")
        let untrusted = try box.run(["verify", copyPath, "--trust", stranger.path("ca/ca.pem"), "--format", "json"])
        XCTAssertEqual(untrusted.status, 1)
        XCTAssertEqual(try untrusted.json()["reason"] as? String, "untrusted-chain")
        XCTAssertTrue(untrusted.stderr.contains("invalid (untrusted-chain)"), untrusted.stderr)
    }

    func testRevocationListIsExportedAndChecked() throws {
        let (box, id, copyPath) = try signedBox()
        XCTAssertEqual(try box.run("revoke", id).status, 64)
        try box.ok("revoke", id, "--reason", "correction")
        XCTAssertEqual(try procedures(box, id)["certificate-copy"], "ready")
        let list = try box.ok("revoke", "--export").stdout
        let path = try box.write("revoked.json", list)
        let r = try box.run(["verify", copyPath, "--trust", box.path("ca/ca.pem"), "--revoked", path, "--format", "json"])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(try r.json()["reason"] as? String, "revoked")
        XCTAssertEqual(try box.run(["verify", copyPath, "--trust", box.path("ca/ca.pem")]).status, 0, "without the list it still verifies")
        // Revoked, it can be signed again; the new copy is not in the list.
        let (key, cert) = (box.path("officer.key"), box.path("officer.pem"))
        try box.ok("sign", id, "--key", key, "--cert", cert, "--out", "copy2.json")
        XCTAssertEqual(try box.run(["verify", box.path("copy2.json"), "--trust", box.path("ca/ca.pem"), "--revoked", path]).status, 0)
        XCTAssertEqual(try box.run("revoke", "B26-0000-0000", "--reason", "x").status, 66)
    }

    func testSignPendingSignsTheCommunesWaitingCopies() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let a = try box.registerBirth()
        let b = try box.registerBirth(Declarations.birth(childName: "Nguyễn Văn Bảo", motherID: "040195000999", certificate: "GCS-2026-002"))
        let c = try box.ok("register-death", stdin: Declarations.text(Declarations.death())).json()["id"] as! String
        let (key, cert) = try box.officer()
        try box.ok("sign", b, "--key", key, "--cert", cert)
        let signed = try box.ok("sign", "--pending", "--key", key, "--cert", cert, "--format", "json").jsonLines().map { $0["id"] as! String }
        XCTAssertEqual(Set(signed), [a, c])
        XCTAssertEqual(try box.ok("sign", "--pending", "--key", key, "--cert", cert).stdout, "")
        let other = try box.officer("other", commune: "00001")
        let d = try box.registerBirth(Declarations.birth(childName: "Trần Văn Đức", motherID: "040195000777", certificate: "GCS-2026-003"))
        XCTAssertEqual(try box.ok("sign", "--pending", "--key", other.key, "--cert", other.cert).stdout, "", "another commune's officer signs nothing")
        XCTAssertEqual(try procedures(box, d)["certificate-copy"], "ready")
    }

    func testECDSAAndRSAKeys() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let first = try box.registerBirth()
        let second = try box.registerBirth(Declarations.birth(childName: "Nguyễn Văn Bảo", motherID: "040195000999", certificate: "GCS-2026-002"))
        for (id, type, alg) in [(first, "ecdsa-p256", "ES256"), (second, "rsa", "RS256")] {
            let (key, cert) = try box.officer(type, type: type)
            try box.ok("sign", id, "--key", key, "--cert", cert, "--out", "\(type).json")
            let verified = try box.ok("verify", box.path("\(type).json"), "--trust", box.path("ca/ca.pem"), "--format", "json").json()
            XCTAssertEqual(verified["algorithm"] as? String, alg)
        }
        XCTAssertEqual(try box.run("keygen", "--out", "small.key", "--type", "rsa", "--bits", "1024").status, 64)
    }

    /// The signature checks out with the openssl CLI over the exact signing input, and the payload
    /// is the canonical form of the copy as Python serialises it independently.
    func testOpenSSLVerifiesTheSignature() throws {
        let (box, _, copyPath) = try signedBox()
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: copyPath))) as! [String: Any]
        let jws = document["jws"] as! [String: String]
        _ = try box.write("input.txt", jws["protected"]! + "." + jws["payload"]!)
        try b64url(jws["signature"]!).write(to: URL(fileURLWithPath: box.path("sig.bin")))
        let payload = b64url(jws["payload"]!)
        let python = try tool(["python3", "-c", """
            import json, sys
            d = json.load(open(sys.argv[1]))
            sys.stdout.write(json.dumps(d["copy"], sort_keys=True, separators=(",", ":"), ensure_ascii=False))
            """, copyPath], in: box)
        XCTAssertEqual(python.status, 0, python.stderr)
        XCTAssertEqual(payload, python.stdoutData, "the payload is the canonical copy")
        let pub = try tool(["openssl", "x509", "-in", box.path("officer.pem"), "-pubkey", "-noout", "-out", "pub.pem"], in: box)
        XCTAssertEqual(pub.status, 0, pub.stderr)
        let ok = try tool(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "input.txt", "-sigfile", "sig.bin"], in: box)
        XCTAssertEqual(ok.status, 0, ok.stdout + ok.stderr)
        _ = try box.write("input.txt", jws["protected"]! + "." + jws["payload"]! + "x")
        let bad = try tool(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-in", "input.txt", "-sigfile", "sig.bin"], in: box)
        XCTAssertNotEqual(bad.status, 0)
    }

    /// An independent JOSE library (Python jwcrypto, python3-jwcrypto, see scripts/dependencies) verifies the JWS.
    func testJwcryptoVerifiesTheJWS() throws {
        let (box, _, copyPath) = try signedBox()
        _ = try tool(["openssl", "x509", "-in", box.path("officer.pem"), "-pubkey", "-noout", "-out", "pub.pem"], in: box)
        let script = """
            import json, sys
            from jwcrypto import jwk, jws
            d = json.load(open(sys.argv[1]))
            key = jwk.JWK.from_pem(open("pub.pem", "rb").read())
            token = jws.JWS()
            token.allowed_algs = ["EdDSA", "ES256", "RS256"]
            token.deserialize(json.dumps(d["jws"]))
            token.verify(key)
            print(json.loads(token.payload)["dossier"])
            print(token.jose_header["sigT"])
            """
        let r = try tool(["python3", "-c", script, copyPath], in: box)
        XCTAssertEqual(r.status, 0, r.stderr)
        let id = (try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: copyPath))) as! [String: Any])["copy"].flatMap { ($0 as! [String: Any])["dossier"] as? String }
        XCTAssertEqual(r.stdout, "\(id!)\n2026-11-20T02:30:00Z\n")
        let tampered = try String(contentsOfFile: copyPath, encoding: .utf8).replacingOccurrences(of: "\"signature\":\"", with: "\"signature\":\"AA")
        _ = try box.write("tampered.json", tampered)
        XCTAssertNotEqual(try tool(["python3", "-c", script, box.path("tampered.json")], in: box).status, 0)
    }

    func testImportRecordsACertificateChain() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let (_, cert) = try box.officer()
        try box.ok("ca", "import", cert)
        let rows = try tool(["sqlite3", box.ledgerPath, "SELECT officer, commune, role FROM certificates"], in: box)
        XCTAssertEqual(rows.stdout, "Phạm Thị Lan|17986|civil-status officer\n")
        XCTAssertEqual(try box.run("ca", "import", box.path("nothing.pem")).status, 66)
    }
}

/// `sign --pending` at scale: the copies a run prints are stored; two runs at once sign each copy
/// once; a run killed with SIGKILL loses nothing and a second run finishes the work.
final class BulkSigningTests: XCTestCase {
    private func boxWithBirths(_ count: Int) throws -> Sandbox {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let lines = (0..<count).map { i in
            Declarations.text(Declarations.birth(childName: "Con \(i)", motherID: String(format: "040195%06d", i), certificate: "S\(i)"))
        }
        let input = try box.write("births.jsonl", lines.joined(separator: "\n") + "\n")
        try box.ok("register-birth", "--batch", input)
        return box
    }

    /// Signed copies, live copies, distinct dossiers with a live copy, certificate-copy done.
    private func counts(_ box: Sandbox) throws -> [Int] {
        try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, """
            SELECT count(*) FROM signed_copies; SELECT count(*) FROM signed_copies WHERE revoked_at IS NULL;
            SELECT count(DISTINCT dossier_id) FROM signed_copies WHERE revoked_at IS NULL;
            SELECT count(*) FROM procedures WHERE code = 'certificate-copy' AND state = 'done';
            SELECT count(*) FROM events WHERE procedure = 'certificate-copy';
            """]).split(separator: "\n").map { Int($0)! }
    }

    func testCopyPrintsTheSignedBytesAgainAndFollowsRevocation() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let id = try box.registerBirth()
        let (key, cert) = try box.officer()
        XCTAssertEqual(try box.run("copy", id).status, 66, "no copy before signing")
        let signed = try box.ok("sign", id, "--key", key, "--cert", cert).stdout
        let again = try box.ok("copy", id).stdout
        XCTAssertEqual(again, signed, "copy prints the bytes sign printed")
        try box.ok("copy", id, "--out", "again.json")
        XCTAssertEqual(try String(contentsOfFile: box.path("again.json"), encoding: .utf8), signed)
        XCTAssertEqual(try box.run(["verify", box.path("again.json"), "--trust", box.path("ca/ca.pem")]).status, 0)
        // The copy member is the signed payload's bytes.
        let document = try JSONSerialization.jsonObject(with: Data(signed.utf8)) as! [String: Any]
        let payload = b64url((document["jws"] as! [String: Any])["payload"] as! String)
        XCTAssertTrue(signed.contains(#""copy":"# + String(decoding: payload, as: UTF8.self) + #","jws":"#))
        try box.ok("revoke", id, "--reason", "correction")
        let revoked = try box.run("copy", id)
        XCTAssertEqual(revoked.status, 66)
        XCTAssertTrue(revoked.stderr.contains("no current signed copy"), revoked.stderr)
        let reissued = try box.ok("sign", id, "--key", key, "--cert", cert).stdout
        XCTAssertEqual(try box.ok("copy", id).stdout, reissued)
        XCTAssertNotEqual(reissued, signed)
        XCTAssertEqual(try box.run("copy").status, 64)
        XCTAssertEqual(try box.run("copy", "B26-0000-0000").status, 66)
        // Several ids: like cat, what exists is printed and the missing one sets the status.
        let mixed = try box.run("copy", "B26-0000-0000", id)
        XCTAssertEqual(mixed.status, 66)
        XCTAssertEqual(mixed.stdout, reissued)
        XCTAssertTrue(mixed.stderr.contains("B26-0000-0000"), mixed.stderr)
        XCTAssertEqual(try box.run("copy", id, id, "--out", "two.json").status, 64)
        XCTAssertEqual(try box.run("copy", "not-an-id").status, 65)
    }

    func testPendingPrintsOnlyStoredCopiesAndTwoRunsSignEachOnce() throws {
        let count = 3000
        let box = try boxWithBirths(count)
        let (key, cert) = try box.officer()
        let outputs = [box.path("a.jsonl"), box.path("b.jsonl")]
        let runs = try outputs.map { path -> (Process, FileHandle) in
            FileManager.default.createFile(atPath: path, contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            return (try box.start(["sign", "--pending", "--key", key, "--cert", cert, "--format", "json"], output: handle), handle)
        }
        for (process, handle) in runs {
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            try handle.close()
        }
        let printed = try outputs.flatMap { path in
            try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                (try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["id"] as! String
            }
        }
        XCTAssertEqual(printed.count, count, "together the two runs report each dossier once")
        XCTAssertEqual(Set(printed).count, count)
        XCTAssertEqual(try counts(box), [count, count, count, count, count])
        XCTAssertTrue(try box.ok("audit", "verify").stdout.contains("intact"))
        XCTAssertEqual(try box.ok("sign", "--pending", "--key", key, "--cert", cert).stdout, "")
        // Every stored copy reads back and verifies.
        let sample = printed[printed.count / 2]
        try box.ok("copy", sample, "--out", "sample.json")
        XCTAssertEqual(try box.run(["verify", box.path("sample.json"), "--trust", box.path("ca/ca.pem")]).status, 0)
    }

    func testVerifyingManyFilesGivesEachItsOwnVerdictInOrder() throws {
        let count = 300
        let box = try boxWithBirths(count)
        let (key, cert) = try box.officer()
        let ids = try box.ok("sign", "--pending", "--key", key, "--cert", cert).stdout.split(separator: "\n").map { String($0.dropFirst("signed ".count)) }
        XCTAssertEqual(ids.count, count)
        let copied = try box.run(["copy"] + ids)
        XCTAssertEqual(copied.status, 0, copied.stderr)
        let lines = copied.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, count)
        // Every tenth copy gets one byte of its signature changed; they share the chain and signing
        // time with the valid ones, so a cached chain must not carry a verdict over.
        var files: [String] = []
        var expected: [Bool] = []
        for (i, line) in lines.enumerated() {
            var text = line
            if i % 10 == 3 {
                let document = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                let signature = (document["jws"] as! [String: Any])["signature"] as! String
                let flipped = (signature.first == "A" ? "B" : "A") + signature.dropFirst()
                text = line.replacingOccurrences(of: signature, with: flipped)
            }
            files.append(try box.write("copy-\(i).json", text + "\n"))
            expected.append(i % 10 != 3)
        }
        // A copy from another CA's officer in the middle: untrusted, and the next ones still valid.
        let stranger = try Sandbox()
        try stranger.ok("init", "--training")
        let strangerID = try stranger.registerBirth()
        let strangerOfficer = try stranger.officer()
        try stranger.ok("sign", strangerID, "--key", strangerOfficer.key, "--cert", strangerOfficer.cert, "--out", "copy.json")
        files.insert(stranger.path("copy.json"), at: 150)
        expected.insert(false, at: 150)
        let result = try box.run(["verify"] + files + ["--trust", box.path("ca/ca.pem"), "--format", "json"])
        XCTAssertEqual(result.status, 1)
        let verdicts = try result.jsonLines()
        XCTAssertEqual(verdicts.map { $0["valid"] as! Bool }, expected)
        XCTAssertEqual(verdicts[150]["reason"] as? String, "untrusted-chain")
        XCTAssertEqual(verdicts[3]["reason"] as? String, "bad-signature")
        XCTAssertEqual(Set(verdicts.compactMap { $0["dossier"] as? String }), Set(ids.enumerated().filter { $0.offset % 10 != 3 }.map(\.element)))
        // A file that cannot be read stops the run after the verdicts before it.
        let missing = try box.run(["verify", files[0], box.path("no-such-file.json"), files[1], "--trust", box.path("ca/ca.pem"), "--format", "json"])
        XCTAssertEqual(missing.status, 66)
        XCTAssertEqual(try missing.jsonLines().count, 1)
    }

    func testKilledPendingRunLosesNothingAndARerunFinishes() throws {
        let count = 6000
        let box = try boxWithBirths(count)
        let (key, cert) = try box.officer()
        let printed = box.path("printed.jsonl")
        FileManager.default.createFile(atPath: printed, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: printed))
        let process = try box.start(["sign", "--pending", "--key", key, "--cert", cert], output: out)
        // Kill once the first transaction is reported, while the run is still signing.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: printed)[.size] as? Int) ?? 0) ?? 0 == 0, process.isRunning {
            usleep(1000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try out.close()
        let reported = try String(contentsOfFile: printed, encoding: .utf8).split(separator: "\n").map { String($0.dropFirst("signed ".count)) }
        let afterKill = try counts(box)
        XCTAssertLessThan(afterKill[1], count, "killed before the run finished")
        XCTAssertGreaterThanOrEqual(afterKill[1], reported.count, "everything reported is stored")
        XCTAssertEqual(afterKill[1], afterKill[2], "no dossier has two live copies")
        XCTAssertEqual(afterKill[1], afterKill[3], "a stored copy and its procedure change are committed together")
        for id in reported.prefix(10) {
            XCTAssertEqual(try box.run("copy", id).status, 0, "reported copy \(id) is not stored")
        }
        try box.ok("sign", "--pending", "--key", key, "--cert", cert)
        XCTAssertEqual(try counts(box), [count, count, count, count, count])
        XCTAssertTrue(try box.ok("audit", "verify").stdout.contains("intact"))
        let integrity = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "PRAGMA integrity_check;"])
        XCTAssertEqual(integrity, "ok\n")
    }
}
