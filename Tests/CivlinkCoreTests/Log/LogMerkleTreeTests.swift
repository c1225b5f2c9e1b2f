import XCTest
@testable import CivlinkCore

/// RFC 6962 / RFC 9162 known answers (the classic 8-leaf vectors of the certificate-transparency
/// and transparency-dev/merkle test suites), and the stored tree against the RFC definitions.
final class MerkleTreeTests: XCTestCase {
    static let leaves: [[UInt8]] = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                                    "606162636465666768696a6b6c6d6e6f"].map { bytes(hex: $0) }

    /// Roots of the trees of the first 1...8 leaves.
    static let roots: [MerkleHash] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ].map(hash)

    /// Every perfect subtree of the 8-leaf tree, by level.
    static let nodes: [[MerkleHash]] = [
        ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
         "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
         "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
         "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
         "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
         "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
         "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
         "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1"].map(hash),
        ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
         "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
         "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
         "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0"].map(hash),
        ["d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
         "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"].map(hash),
        ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"].map(hash),
    ]

    /// (leaf index, tree size, path), from transparency-dev/merkle proof/verify_test.go (whose
    /// leaf numbers are 1-based).
    static let inclusionVectors: [(UInt64, UInt64, [MerkleHash])] = [
        (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"].map(hash)),
        (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"].map(hash)),
        (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"].map(hash)),
        (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"].map(hash)),
        (0, 1, []),
    ]

    /// (old size, new size, path), from the same file.
    static let consistencyVectors: [(UInt64, UInt64, [MerkleHash])] = [
        (1, 1, []),
        (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"].map(hash)),
        (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"].map(hash)),
        (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"].map(hash)),
        (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"].map(hash)),
    ]

    func knownTree() throws -> MerkleTree<InMemoryNodeStore> {
        var tree = try MerkleTree(store: InMemoryNodeStore())
        for leaf in Self.leaves { try tree.append(leaf: leaf) }
        return tree
    }

    func root(_ size: UInt64) -> MerkleHash { size == 0 ? MerkleHasher.emptyRoot : Self.roots[Int(size) - 1] }

    func testHashingKnownAnswers() {
        let h = MerkleHasher()
        XCTAssertEqual(MerkleHasher.emptyRoot.hex, [UInt8](Digest.sha256([UInt8]())).map { String(format: "%02x", $0) }.joined())
        XCTAssertEqual(h.leafHash([UInt8]()), hash("6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"))
        for (i, leaf) in Self.leaves.enumerated() { XCTAssertEqual(h.leafHash(leaf), Self.nodes[0][i]) }
        XCTAssertEqual(h.nodeHash(Self.nodes[0][0], Self.nodes[0][1]), Self.nodes[1][0])
        XCTAssertEqual(h.root(ofLeafHashes: []), MerkleHasher.emptyRoot)
        for n in 1...8 { XCTAssertEqual(h.root(ofLeafHashes: Array(Self.nodes[0][..<n])), Self.roots[n - 1], "size \(n)") }
    }

    func testTreeRootsAndStoredNodesMatchVectors() throws {
        var tree = try MerkleTree(store: InMemoryNodeStore())
        XCTAssertEqual(tree.root, MerkleHasher.emptyRoot)
        for (i, leaf) in Self.leaves.enumerated() {
            XCTAssertEqual(try tree.append(leaf: leaf), UInt64(i))
            XCTAssertEqual(tree.root, Self.roots[i], "root after \(i + 1) leaves")
        }
        for size in 0...8 { XCTAssertEqual(try tree.root(treeSize: UInt64(size)), root(UInt64(size))) }
        for (level, hashes) in Self.nodes.enumerated() {
            for (index, expected) in hashes.enumerated() {
                XCTAssertEqual(try tree.store.node(NodeID(level: UInt8(level), index: UInt64(index))), expected)
            }
        }
        XCTAssertEqual(tree.store.count, 15)
        XCTAssertThrowsError(try tree.root(treeSize: 9))
    }

    func testInclusionVectors() throws {
        let tree = try knownTree()
        let h = MerkleHasher()
        for (index, size, path) in Self.inclusionVectors {
            let proof = try tree.inclusionProof(leafIndex: index, treeSize: size)
            XCTAssertEqual(proof.path, path, "inclusion of \(index) in \(size)")
            let leafHash = Self.nodes[0][Int(index)]
            XCTAssertNoThrow(try proof.verify(leafHash: leafHash, root: root(size), hasher: h))
            // A probe claiming another size is checked against that size's true root.
            for (probe, name) in corruptions(of: proof) where probe.treeSize <= 8 {
                XCTAssertThrowsError(try probe.verify(leafHash: leafHash, root: root(probe.treeSize), hasher: h), "\(name) accepted")
            }
            XCTAssertThrowsError(try proof.verify(leafHash: h.leafHash(Array("WrongLeaf".utf8)), root: root(size), hasher: h))
            XCTAssertThrowsError(try proof.verify(leafHash: leafHash, root: MerkleHasher.emptyRoot, hasher: h))
        }
    }

    func testConsistencyVectors() throws {
        let tree = try knownTree()
        let h = MerkleHasher()
        for (m, n, path) in Self.consistencyVectors {
            let proof = try tree.consistencyProof(from: m, to: n)
            XCTAssertEqual(proof.path, path, "consistency \(m) -> \(n)")
            XCTAssertNoThrow(try proof.verify(oldRoot: root(m), newRoot: root(n), hasher: h))
            guard !path.isEmpty else { continue }
            for (probe, name) in corruptions(of: proof) where probe.oldSize <= 8 && probe.newSize <= 8 {
                XCTAssertThrowsError(try probe.verify(oldRoot: root(probe.oldSize), newRoot: root(probe.newSize), hasher: h), "\(name) accepted")
            }
            XCTAssertThrowsError(try proof.verify(oldRoot: root(n), newRoot: root(m), hasher: h), "swapped roots accepted")
            XCTAssertThrowsError(try proof.verify(oldRoot: root(m).flipped(), newRoot: root(n), hasher: h))
            XCTAssertThrowsError(try proof.verify(oldRoot: root(m), newRoot: root(n).flipped(), hasher: h))
        }
    }

    /// transparency-dev/merkle's trivial consistency cases.
    func testConsistencyEdgeCases() {
        let h = MerkleHasher()
        let a = hash(String(repeating: "ab", count: 32)), b = hash(String(repeating: "cd", count: 32))
        let empty = MerkleHasher.emptyRoot
        func check(_ m: UInt64, _ n: UInt64, _ r1: MerkleHash, _ r2: MerkleHash, _ path: [MerkleHash]) -> ProofError? {
            do { try ConsistencyProof(oldSize: m, newSize: n, path: path).verify(oldRoot: r1, newRoot: r2, hasher: h); return nil }
            catch { return error }
        }
        XCTAssertEqual(check(0, 0, a, b, []), .differentRootsForSameSize)
        XCTAssertEqual(check(1, 1, a, b, []), .differentRootsForSameSize)
        XCTAssertNil(check(0, 0, empty, empty, []))
        XCTAssertNil(check(1, 1, b, b, []))
        XCTAssertNil(check(0, 1, empty, b, []))
        XCTAssertEqual(check(0, 1, a, b, []), .oldRootNotEmptyTreeHash)
        XCTAssertEqual(check(1, 0, a, b, []), .oldSizeExceedsNewSize(oldSize: 1, newSize: 0))
        XCTAssertEqual(check(2, 1, a, b, []), .oldSizeExceedsNewSize(oldSize: 2, newSize: 1))
        XCTAssertEqual(check(1, 2, a, b, []), .emptyPath)
        XCTAssertEqual(check(0, 0, empty, empty, [empty]), .unexpectedPath)
        XCTAssertEqual(check(0, 1, empty, empty, [empty]), .unexpectedPath)
        XCTAssertEqual(check(1, 1, empty, empty, [empty]), .unexpectedPath)
    }

    func testInclusionEdgeCases() {
        let h = MerkleHasher()
        let leaf = h.leafHash(Array("data".utf8))
        XCTAssertNoThrow(try InclusionProof(leafIndex: 0, treeSize: 1, path: []).verify(leafHash: leaf, root: leaf, hasher: h))
        for (index, size) in [(0, 0), (1, 0), (1, 1), (2, 1)] as [(UInt64, UInt64)] {
            XCTAssertThrowsError(try InclusionProof(leafIndex: index, treeSize: size, path: []).verify(leafHash: leaf, root: leaf, hasher: h)) {
                XCTAssertEqual($0 as? ProofError, .leafIndexOutOfRange(leafIndex: index, treeSize: size))
            }
        }
        XCTAssertThrowsError(try InclusionProof(leafIndex: 0, treeSize: 1, path: [leaf]).verify(leafHash: leaf, root: leaf, hasher: h)) {
            XCTAssertEqual($0 as? ProofError, .pathTooLong)
        }
        XCTAssertThrowsError(try InclusionProof(leafIndex: 0, treeSize: 2, path: []).verify(leafHash: leaf, root: leaf, hasher: h)) {
            XCTAssertEqual($0 as? ProofError, .pathTooShort)
        }
    }

    /// The stored tree, the streaming root and the RFC definitions agree for every size up to 200,
    /// and every inclusion and consistency proof up to 70 leaves equals PATH / PROOF and verifies.
    func testTreeMatchesRFCDefinitionsExhaustively() throws {
        let h = MerkleHasher()
        let leafHashes = (0..<200).map { h.leafHash(generatedLeaf(seed: "exhaustive", $0)) }
        var tree = try MerkleTree(store: InMemoryNodeStore(), hasher: h)
        var stream = StreamingMerkleRoot(hasher: h)
        var roots = [MerkleHasher.emptyRoot]
        for leaf in leafHashes {
            try tree.append(leafHash: leaf)
            stream.append(leafHash: leaf)
            let expected = Reference.mth(leafHashes[..<Int(tree.size)], h)
            XCTAssertEqual(tree.root, expected)
            XCTAssertEqual(stream.root, expected)
            roots.append(expected)
        }
        for n in 0...200 { XCTAssertEqual(try tree.root(treeSize: UInt64(n)), roots[n]) }
        for n in 1...70 {
            let d = leafHashes[..<n]
            for i in 0..<n {
                let proof = try tree.inclusionProof(leafIndex: UInt64(i), treeSize: UInt64(n))
                XCTAssertEqual(proof.path, Reference.path(i, d, h), "PATH(\(i), D[\(n)])")
                XCTAssertNoThrow(try proof.verify(leafHash: leafHashes[i], root: roots[n], hasher: h))
                for (probe, name) in corruptions(of: proof) {
                    XCTAssertThrowsError(try probe.verify(leafHash: leafHashes[i], root: roots[Int(probe.treeSize)], hasher: h),
                                         "inclusion \(i) in \(n): \(name) accepted")
                }
            }
            for m in 0...n {
                let proof = try tree.consistencyProof(from: UInt64(m), to: UInt64(n))
                let expected = (m == 0 || m == n) ? [] : Reference.subproof(m, d, true, h)
                XCTAssertEqual(proof.path, expected, "PROOF(\(m), D[\(n)])")
                XCTAssertNoThrow(try proof.verify(oldRoot: roots[m], newRoot: roots[n], hasher: h))
                guard !proof.path.isEmpty else { continue }
                for (probe, name) in corruptions(of: proof) {
                    XCTAssertThrowsError(try probe.verify(oldRoot: roots[Int(probe.oldSize)], newRoot: roots[Int(probe.newSize)], hasher: h),
                                         "consistency \(m) -> \(n): \(name) accepted")
                }
            }
        }
    }

    /// A tree reopened over its store (as civlink reopens its ledger) goes on identically, and a
    /// store missing a border node is refused.
    func testReopenAndStoreErrors() throws {
        let h = MerkleHasher()
        var tree = try MerkleTree(store: InMemoryNodeStore(), hasher: h)
        for i in 0..<37 { try tree.append(leaf: generatedLeaf(seed: "reopen", i)) }
        var reopened = try MerkleTree(store: tree.store, size: 37, hasher: h)
        XCTAssertEqual(reopened.root, tree.root)
        for i in 37..<80 {
            try tree.append(leaf: generatedLeaf(seed: "reopen", i))
            try reopened.append(leaf: generatedLeaf(seed: "reopen", i))
        }
        XCTAssertEqual(reopened.root, tree.root)
        XCTAssertEqual(try reopened.inclusionProof(leafIndex: 3, treeSize: 50), try tree.inclusionProof(leafIndex: 3, treeSize: 50))
        XCTAssertThrowsError(try MerkleTree(store: InMemoryNodeStore(), size: 5, hasher: h)) {
            XCTAssertEqual($0 as? MerkleTreeError, .missingNode(NodeID(level: 2, index: 0)))
        }
        XCTAssertThrowsError(try tree.inclusionProof(leafIndex: 80, treeSize: 80))
        XCTAssertThrowsError(try tree.inclusionProof(leafIndex: 0, treeSize: 81))
        XCTAssertThrowsError(try tree.consistencyProof(from: 9, to: 8))
        var store = tree.store
        XCTAssertThrowsError(try store.put([StoredNode(id: NodeID(level: 0, index: 3), hash: MerkleHash.zero)])) {
            XCTAssertEqual($0 as? NodeStoreError, .conflictingWrite(NodeID(level: 0, index: 3)))
        }
        XCTAssertThrowsError(try store.put([StoredNode(id: NodeID(level: 0, index: 99), hash: MerkleHash.zero)]))
    }

    /// Proof lookups are O(log n): count the nodes a store is asked for.
    func testProofsReadLogarithmicallyManyNodes() throws {
        final class CountingStore: NodeStore {
            var inner = InMemoryNodeStore()
            var reads = 0
            func node(_ id: NodeID) throws -> MerkleHash? { reads += 1; return try inner.node(id) }
            func put(_ nodes: [StoredNode]) throws { try inner.put(nodes) }
        }
        let store = CountingStore()
        var tree = try MerkleTree(store: store)
        let n = 100_003
        for i in 0..<n { try tree.append(leafHash: tree.hasher.leafHash(generatedLeaf(seed: "count", i))) }
        XCTAssertEqual(store.reads, 0, "appending reads nothing")
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let size = UInt64.random(in: 2...UInt64(n), using: &rng)
            store.reads = 0
            _ = try tree.inclusionProof(leafIndex: UInt64.random(in: 0..<size, using: &rng), treeSize: size)
            XCTAssertLessThanOrEqual(store.reads, 2 * 17 + 2)
            store.reads = 0
            _ = try tree.consistencyProof(from: UInt64.random(in: 1...size, using: &rng), to: size)
            XCTAssertLessThanOrEqual(store.reads, 2 * 17 + 2)
            store.reads = 0
            _ = try tree.root(treeSize: size - 1)
            XCTAssertLessThanOrEqual(store.reads, 17)
        }
    }

    func testHashEncodings() {
        let h = Self.roots[7]
        XCTAssertEqual(MerkleHash(hex: h.hex.uppercased()), h)
        XCTAssertEqual(MerkleHash(base64: h.base64), h)
        XCTAssertEqual(MerkleHash(bytes: h.bytes), h)
        XCTAssertNil(MerkleHash(bytes: [1, 2, 3]))
        XCTAssertNil(MerkleHash(hex: "00"))
        XCTAssertNil(MerkleHash(base64: "AAAA"))
    }
}

/// transparency-dev/merkle-style corruptions of a valid proof.
func corruptions(of proof: InclusionProof) -> [(InclusionProof, String)] {
    var probes = [(InclusionProof, String)]()
    func with(_ name: String, _ change: (inout InclusionProof) -> Void) {
        var p = proof
        change(&p)
        if p != proof { probes.append((p, name)) }
    }
    if proof.leafIndex > 0 { with("leafIndex - 1") { $0.leafIndex -= 1 } }
    with("leafIndex + 1") { $0.leafIndex += 1 }
    with("leafIndex ^ 2") { $0.leafIndex ^= 2 }
    with("treeSize * 2") { $0.treeSize *= 2 }
    with("treeSize / 2") { $0.treeSize /= 2 }
    with("treeSize + 1") { $0.treeSize += 1 }
    with("trailing garbage") { $0.path.append(MerkleHash.zero) }
    with("preceding garbage") { $0.path.insert(MerkleHash.zero, at: 0) }
    for i in proof.path.indices { with("flipped path[\(i)]") { $0.path[i] = $0.path[i].flipped() } }
    if !proof.path.isEmpty { with("truncated") { $0.path.removeLast() } }
    if proof.path.count > 1 { with("swapped") { $0.path.swapAt(0, 1) } }
    return probes
}

func corruptions(of proof: ConsistencyProof) -> [(ConsistencyProof, String)] {
    var probes = [(ConsistencyProof, String)]()
    func with(_ name: String, _ change: (inout ConsistencyProof) -> Void) {
        var p = proof
        change(&p)
        if p != proof { probes.append((p, name)) }
    }
    with("oldSize - 1") { $0.oldSize -= 1 }
    with("oldSize + 1") { $0.oldSize += 1 }
    with("oldSize ^ 2") { $0.oldSize ^= 2 }
    with("newSize * 2") { $0.newSize *= 2 }
    with("newSize / 2") { $0.newSize /= 2 }
    with("newSize + 1") { $0.newSize += 1 }
    with("empty path") { $0.path = [] }
    with("trailing garbage") { $0.path.append(MerkleHash.zero) }
    with("preceding garbage") { $0.path.insert(MerkleHash.zero, at: 0) }
    with("preceding proof[0]") { $0.path.insert($0.path[0], at: 0) }
    for i in proof.path.indices { with("flipped path[\(i)]") { $0.path[i] = $0.path[i].flipped() } }
    with("truncated") { $0.path.removeLast() }
    return probes
}
