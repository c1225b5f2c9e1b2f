import Foundation
import XCTest
@testable import CivlinkCore

/// Everything civlink emits, checked by the independent Python verifier (Tests/Fixtures/rfc9162.py):
/// valid proofs, notes and cosignatures must be accepted by both, tampered ones refused by both.
final class CrossCheckTests: XCTestCase {
    /// Cases for rfc9162.py and the verdict each must get.
    struct Cases {
        var list: [[String: Any]] = []
        var expected: [String: Bool] = [:]
        /// Extra fields Python must report identically, per case id.
        var reports: [String: [String: Any]] = [:]

        mutating func add(_ name: String, expect: Bool, _ fields: [String: Any], report: [String: Any]? = nil) {
            var id = name
            var k = 2
            while expected[id] != nil { id = "\(name) #\(k)"; k += 1 }
            var c = fields
            c["id"] = id
            list.append(c)
            expected[id] = expect
            if let report { reports[id] = report }
        }
    }

    /// Writes the cases, runs the Python verifier and checks each verdict.
    func crossCheck(_ cases: Cases, file: StaticString = #filePath, line: UInt = #line) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tlog-cases-\(UUID().uuidString).json")
        try JSONSerialization.data(withJSONObject: ["cases": cases.list]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        if let keep = ProcessInfo.processInfo.environment["TLOG_KEEP_CASES"] {
            // For inspection: TLOG_KEEP_CASES=DIR keeps each case file there.
            try? FileManager.default.copyItem(at: url, to: URL(fileURLWithPath: keep).appendingPathComponent(url.lastPathComponent))
        }
        let started = Date()
        let output = try runPythonVerifier(["check", url.path], file: file, line: line)
        let object = try JSONSerialization.jsonObject(with: output) as? [String: Any]
        let results = try XCTUnwrap(object?["results"] as? [[String: Any]], file: file, line: line)
        XCTAssertEqual(results.count, cases.list.count, file: file, line: line)
        var accepted = 0, refused = 0
        for result in results {
            let id = result["id"] as! String
            let ok = result["ok"] as! Bool
            ok ? (accepted += 1) : (refused += 1)
            XCTAssertEqual(ok, cases.expected[id], "Python verifier on \(id): \(result["reason"] ?? "accepted")", file: file, line: line)
            if let rootOK = result["root_ok"] as? Bool {
                XCTAssertTrue(rootOK, "Python computes another root than Swift for \(id)", file: file, line: line)
            }
            for (key, value) in cases.reports[id] ?? [:] {
                XCTAssertEqual("\(result[key] ?? "nil")", "\(value)", "Python's \(key) for \(id)", file: file, line: line)
            }
        }
        print("rfc9162.py: \(accepted) accepted, \(refused) refused, as expected, in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    func testPythonVerifierSelfTest() throws {
        let output = try runPythonVerifier(["selftest"])
        XCTAssertEqual(String(decoding: output, as: UTF8.self), "selftest ok\n")
    }

    /// Every inclusion proof and every consistency proof (0 <= m <= n <= 70), and tampered ones.
    func testSmallTreesAgainstPython() throws {
        var rng = SeededGenerator(seed: testSeed("small trees"))
        let h = MerkleHasher()
        let seed = "small"
        let count = 80
        let leafSet: [String: Any] = ["seed": seed, "count": count]
        var tree = try MerkleTree(store: InMemoryNodeStore(), hasher: h)
        for i in 0..<count { try tree.append(leaf: generatedLeaf(seed: seed, i)) }
        let roots = try (0...count).map { try tree.root(treeSize: UInt64($0)) }
        var cases = Cases()
        for n in 0...count {
            cases.add("root \(n)", expect: true, ["kind": "root", "leaves": leafSet, "size": n, "root": roots[n].hex])
        }
        // The RFC 6962 vectors' leaves too.
        let kat = MerkleTreeTests.leaves.map { $0.map { String(format: "%02x", $0) }.joined() }
        for n in 0...8 {
            let root = n == 0 ? MerkleHasher.emptyRoot : MerkleTreeTests.roots[n - 1]
            cases.add("kat root \(n)", expect: true, ["kind": "root", "leaves": ["hex": kat], "size": n, "root": root.hex])
        }
        func inclusion(_ id: String, _ proof: InclusionProof, leaf: Int, rootSize: Int) {
            let leafHash = h.leafHash(generatedLeaf(seed: seed, leaf))
            let swiftOK = (try? proof.verify(leafHash: leafHash, root: roots[rootSize], hasher: h)) != nil
            let expect = proof.leafIndex == UInt64(leaf) && proof.treeSize == UInt64(rootSize) && id.hasPrefix("valid")
            XCTAssertEqual(swiftOK, expect, "Swift verifier on \(id)")
            cases.add(id, expect: expect, ["kind": "inclusion", "leaves": leafSet, "leaf": leaf, "index": proof.leafIndex,
                                          "size": proof.treeSize, "path": proof.path.map(\.hex), "root": roots[rootSize].hex,
                                          "root_size": rootSize])
        }
        func consistency(_ id: String, _ proof: ConsistencyProof, oldRootSize: Int, newRootSize: Int) {
            let swiftOK = (try? proof.verify(oldRoot: roots[oldRootSize], newRoot: roots[newRootSize], hasher: h)) != nil
            let expect = id.hasPrefix("valid")
            XCTAssertEqual(swiftOK, expect, "Swift verifier on \(id)")
            cases.add(id, expect: expect, ["kind": "consistency", "leaves": leafSet, "old_size": proof.oldSize, "new_size": proof.newSize,
                                          "path": proof.path.map(\.hex), "old_root": roots[oldRootSize].hex, "new_root": roots[newRootSize].hex,
                                          "old_root_size": oldRootSize, "new_root_size": newRootSize])
        }
        for n in 1...70 {
            let tampered = Set((0..<3).map { _ in Int.random(in: 0..<n, using: &rng) })
            for i in 0..<n {
                let proof = try tree.inclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n))
                inclusion("valid inclusion \(i) in \(n)", proof, leaf: i, rootSize: n)
                guard tampered.contains(i) else { continue }
                var p = proof
                if !p.path.isEmpty {
                    let j = Int.random(in: 0..<p.path.count, using: &rng)
                    p.path[j] = p.path[j].flipped(byte: Int.random(in: 0..<32, using: &rng))
                    inclusion("flipped byte: inclusion \(i) in \(n)", p, leaf: i, rootSize: n)
                    p = proof
                    p.path.removeLast()
                    inclusion("truncated: inclusion \(i) in \(n)", p, leaf: i, rootSize: n)
                }
                p = proof
                p.path.append(roots[n])
                inclusion("extended: inclusion \(i) in \(n)", p, leaf: i, rootSize: n)
                p = proof
                p.treeSize += 1
                inclusion("size + 1: inclusion \(i) in \(n)", p, leaf: i, rootSize: n + 1)
                if i < n - 1 {
                    p = proof
                    p.treeSize -= 1
                    inclusion("size - 1: inclusion \(i) in \(n)", p, leaf: i, rootSize: n - 1)
                }
                if i ^ 1 < n {
                    p = proof
                    p.leafIndex ^= 1
                    inclusion("index ^ 1: inclusion \(i) in \(n)", p, leaf: i, rootSize: n)
                }
            }
            for m in 0...n {
                let proof = try tree.consistencyProof(from: UInt64(m), to: UInt64(n))
                consistency("valid consistency \(m) -> \(n)", proof, oldRootSize: m, newRootSize: n)
                guard !proof.path.isEmpty, tampered.contains(m) || m == n - 1 else { continue }
                var p = proof
                let j = Int.random(in: 0..<p.path.count, using: &rng)
                p.path[j] = p.path[j].flipped(byte: Int.random(in: 0..<32, using: &rng))
                consistency("flipped byte: consistency \(m) -> \(n)", p, oldRootSize: m, newRootSize: n)
                p = proof
                p.path.removeLast()
                consistency("truncated: consistency \(m) -> \(n)", p, oldRootSize: m, newRootSize: n)
                p = proof
                p.path.append(roots[m])
                consistency("extended: consistency \(m) -> \(n)", p, oldRootSize: m, newRootSize: n)
                p = proof
                p.newSize += 1
                consistency("new size + 1: consistency \(m) -> \(n)", p, oldRootSize: m, newRootSize: n + 1)
                if m + 1 < n {
                    p = proof
                    p.oldSize += 1
                    consistency("old size + 1: consistency \(m) -> \(n)", p, oldRootSize: m + 1, newRootSize: n)
                }
                p = proof
                (p.oldSize, p.newSize) = (p.newSize, p.oldSize)
                consistency("swapped sizes: consistency \(m) -> \(n)", p, oldRootSize: n, newRootSize: m)
            }
        }
        try crossCheck(cases)
    }

    /// A 1,000,003-leaf tree: roots, inclusion and consistency proofs at random sizes.
    func testLargeRandomTreeAgainstPython() throws {
        let seedValue = testSeed("large tree")
        var rng = SeededGenerator(seed: seedValue)
        let h = MerkleHasher()
        let seed = "large-\(seedValue)"
        let n = 1_000_003
        var store = InMemoryNodeStore()
        store.reserveCapacity(leaves: n)
        var tree = try MerkleTree(store: store, hasher: h)
        let started = Date()
        for i in 0..<n { try tree.append(leaf: generatedLeaf(seed: seed, i)) }
        print("large tree: appended \(n) leaves in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        let leafSet: [String: Any] = ["seed": seed, "count": n]
        var cases = Cases()
        var sizes: [UInt64] = [UInt64(n), 1, 2, 1 << 19, (1 << 19) + 1, UInt64(n) - 1]
        for _ in 0..<12 { sizes.append(UInt64.random(in: 1...UInt64(n), using: &rng)) }
        var roots = [UInt64: MerkleHash]()
        func root(_ size: UInt64) throws -> MerkleHash {
            if let r = roots[size] { return r }
            let r = try tree.root(treeSize: size)
            roots[size] = r
            return r
        }
        for size in sizes {
            cases.add("root \(size)", expect: true, ["kind": "root", "leaves": leafSet, "size": size, "root": try root(size).hex])
        }
        for (k, size) in sizes.enumerated() {
            for _ in 0..<3 {
                let index = UInt64.random(in: 0..<size, using: &rng)
                let proof = try tree.inclusionProof(leafIndex: index, treeSize: size)
                let leafHash = h.leafHash(generatedLeaf(seed: seed, Int(index)))
                XCTAssertNoThrow(try proof.verify(leafHash: leafHash, root: try root(size), hasher: h))
                func add(_ id: String, _ p: InclusionProof, rootSize: UInt64, expect: Bool) throws {
                    let swiftOK = (try? p.verify(leafHash: leafHash, root: try root(rootSize), hasher: h)) != nil
                    XCTAssertEqual(swiftOK, expect, id)
                    cases.add(id, expect: expect, ["kind": "inclusion", "leaves": leafSet, "leaf": index, "index": p.leafIndex,
                                                  "size": p.treeSize, "path": p.path.map(\.hex), "root": try root(rootSize).hex,
                                                  "root_size": rootSize])
                }
                try add("valid inclusion \(index) in \(size)", proof, rootSize: size, expect: true)
                if k % 3 == 0, !proof.path.isEmpty {
                    var p = proof
                    p.path[p.path.count / 2] = p.path[p.path.count / 2].flipped(byte: 31)
                    try add("flipped byte: inclusion \(index) in \(size)", p, rootSize: size, expect: false)
                    p = proof
                    p.path.removeLast()
                    try add("truncated: inclusion \(index) in \(size)", p, rootSize: size, expect: false)
                    if size < UInt64(n) {
                        p = proof
                        p.treeSize += 1
                        try add("size + 1: inclusion \(index) in \(size)", p, rootSize: size + 1, expect: false)
                    }
                }
            }
            for _ in 0..<3 {
                let old = UInt64.random(in: 1...size, using: &rng)
                let proof = try tree.consistencyProof(from: old, to: size)
                func add(_ id: String, _ p: ConsistencyProof, oldRootSize: UInt64, newRootSize: UInt64, expect: Bool) throws {
                    let swiftOK = (try? p.verify(oldRoot: try root(oldRootSize), newRoot: try root(newRootSize), hasher: h)) != nil
                    XCTAssertEqual(swiftOK, expect, id)
                    cases.add(id, expect: expect, ["kind": "consistency", "leaves": leafSet, "old_size": p.oldSize, "new_size": p.newSize,
                                                  "path": p.path.map(\.hex), "old_root": try root(oldRootSize).hex,
                                                  "new_root": try root(newRootSize).hex, "old_root_size": oldRootSize,
                                                  "new_root_size": newRootSize])
                }
                try add("valid consistency \(old) -> \(size)", proof, oldRootSize: old, newRootSize: size, expect: true)
                if k % 3 == 1, !proof.path.isEmpty {
                    var p = proof
                    p.path[0] = p.path[0].flipped(byte: 0)
                    try add("flipped byte: consistency \(old) -> \(size)", p, oldRootSize: old, newRootSize: size, expect: false)
                    p = proof
                    p.path.removeLast()
                    try add("truncated: consistency \(old) -> \(size)", p, oldRootSize: old, newRootSize: size, expect: false)
                    if old > 1 {
                        p = proof
                        p.oldSize -= 1
                        try add("old size - 1: consistency \(old) -> \(size)", p, oldRootSize: old - 1, newRootSize: size, expect: false)
                    }
                }
            }
        }
        try crossCheck(cases)
    }

    /// Signed checkpoints, cosignatures and keys, valid and tampered.
    func testNotesAndCosignaturesAgainstPython() throws {
        let seedValue = testSeed("notes")
        let seed = "notes-\(seedValue)"
        var tree = try MerkleTree(store: InMemoryNodeStore())
        for i in 0..<300 { try tree.append(leaf: generatedLeaf(seed: seed, i)) }
        let leafSet: [String: Any] = ["seed": seed, "count": 300]
        let origin = "civlink.example/ledger"
        let log = try Ed25519NoteSigner.generate(name: origin)
        let stranger = try Ed25519NoteSigner.generate(name: origin)
        let w1 = try CosignatureV1Signer.generate(name: "witness.example/w1", clock: { 1_760_000_000 })
        let w2 = try CosignatureV1Signer.generate(name: "witness.example/w2")
        let witnessKeys = [w1.verifierKey, w2.verifierKey]
        var cases = Cases()

        func checkpointCase(_ id: String, _ note: String, expect: Bool, quorum: Int = 2, witnesses: [String] = witnessKeys, logKey: String = log.verifierKey) {
            let verifiers = try! witnesses.map { try CosignatureV1Verifier(verifierKey: $0) }
            var report: [String: Any]? = nil
            do {
                let verified = try Checkpoint.verify(note, log: Ed25519NoteVerifier(verifierKey: logKey), witnesses: verifiers, quorum: quorum)
                XCTAssertEqual(try tree.root(treeSize: verified.checkpoint.size), verified.checkpoint.rootHash)
                XCTAssertTrue(expect, "Swift accepted \(id)")
                report = ["size": verified.checkpoint.size, "root": verified.checkpoint.rootHash.hex,
                          "cosignatures": verified.cosignatures.map { [$0.name, $0.timestamp] }.sorted { "\($0)" < "\($1)" }]
            } catch {
                XCTAssertFalse(expect, "Swift refused \(id): \(error)")
            }
            cases.add(id, expect: expect, ["kind": "checkpoint", "note": note, "log_vkey": logKey, "witness_vkeys": witnesses,
                                          "quorum": quorum, "leaves": leafSet], report: report)
        }

        for size in [0, 1, 2, 7, 8, 255, 300] as [UInt64] {
            let checkpoint = try Checkpoint(origin: origin, size: size, rootHash: try tree.root(treeSize: size))
            let signed = try checkpoint.sign(signers: [log])
            let cosigned = try CosignatureV1.cosign(note: CosignatureV1.cosign(note: signed, signer: w1), signer: w2)
            checkpointCase("valid checkpoint \(size)", cosigned, expect: true)
            checkpointCase("log only, quorum 0: checkpoint \(size)", signed, expect: true, quorum: 0)
            checkpointCase("quorum not met: checkpoint \(size)", try CosignatureV1.cosign(note: signed, signer: w1), expect: false)
            let other = try tree.root(treeSize: size == 300 ? 299 : size + 1)
            checkpointCase("modified root: checkpoint \(size)", cosigned.replacingOccurrences(of: checkpoint.rootHash.base64, with: other.base64), expect: false)
            checkpointCase("modified size: checkpoint \(size)", cosigned.replacingOccurrences(of: "\n\(size)\n", with: "\n\(size + 1)\n"), expect: false)
            checkpointCase("wrong log key: checkpoint \(size)", cosigned, expect: false, logKey: stranger.verifierKey)
            checkpointCase("CRLF: checkpoint \(size)", cosigned.replacingOccurrences(of: "\n", with: "\r\n"), expect: false)
            checkpointCase("unknown extra signature: checkpoint \(size)",
                           try SignedNote.addSignatures(to: cosigned, signers: [stranger.withName("other.example/log")]), expect: true)

            // Non-canonical base64: set the unused low bits of the last character (same bytes to a lax decoder).
            let (_, signatures) = try SignedNote.parse(Array(cosigned.utf8))
            for signature in signatures {
                let b64 = signature.base64
                let padding = b64.reversed().prefix { $0 == "=" }.count
                var chars = Array(b64)
                let last = chars.count - 1 - padding
                let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
                chars[last] = alphabet[alphabet.firstIndex(of: chars[last])! + 1]
                let lax = Data(base64Encoded: String(chars))
                XCTAssertEqual(lax.map { [UInt8]($0) }, Base64.decode(b64), "lax decoders read the same bytes")
                let tampered = cosigned.replacingOccurrences(of: b64, with: String(chars))
                checkpointCase("non-canonical base64 of \(signature.name): checkpoint \(size)", tampered, expect: false)
            }
            // A cosignature whose timestamp was changed.
            let w1Signature = signatures.first { $0.name == w1.name }!
            var retimed = w1Signature.signature
            retimed[7] &+= 1
            checkpointCase("retimed cosignature: checkpoint \(size)",
                           cosigned.replacingOccurrences(of: w1Signature.line, with: NoteSignature(name: w1.name, keyID: w1.keyID, signature: retimed).line),
                           expect: false)
        }

        // Checkpoint with extension lines; a cosignature covers them.
        let extended = try Checkpoint(origin: origin, size: 300, rootHash: tree.root, extensionLines: ["civlink ledger seq 300", "— not a signature"])
        let extendedNote = try CosignatureV1.cosign(note: extended.sign(signers: [log]), signer: w1)
        checkpointCase("valid extension lines", extendedNote, expect: true, quorum: 1)
        checkpointCase("modified extension line", extendedNote.replacingOccurrences(of: "seq 300", with: "seq 301"), expect: false, quorum: 1)

        // Plain notes: text with blank lines and Unicode.
        let text = "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"
        let note = try SignedNote.sign(text: text, signers: [log, stranger.withName("quasimodo.example/salvatore")])
        let opened = try SignedNote.open(note, verifiers: [log.verifier])
        cases.add("note with blank line", expect: true, ["kind": "note", "note": note, "vkeys": [log.verifierKey]],
                  report: ["text": opened.text, "verified": [origin]])
        cases.add("note, no known key", expect: false, ["kind": "note", "note": note, "vkeys": [w1.verifierKey]])
        XCTAssertThrowsError(try SignedNote.open(note, verifiers: [w1.verifier]))

        // Keys.
        cases.add("log keys", expect: true, ["kind": "keys", "skey": log.signerKey, "vkey": log.verifierKey])
        cases.add("witness keys", expect: true, ["kind": "keys", "skey": w1.signerKey, "vkey": w1.verifierKey])
        cases.add("mismatched keys", expect: false, ["kind": "keys", "skey": log.signerKey, "vkey": stranger.verifierKey])
        cases.add("Go keys", expect: true, ["kind": "keys", "skey": NoteTests.peterSKey, "vkey": NoteTests.peterVKey])
        try crossCheck(cases)
    }
}

extension Ed25519NoteSigner {
    func withName(_ name: String) -> Ed25519NoteSigner {
        try! Ed25519NoteSigner(name: name, privateKey: privateKey)
    }
}
