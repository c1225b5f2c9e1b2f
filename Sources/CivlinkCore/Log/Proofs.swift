/// Why a proof was refused.
public enum ProofError: CivlinkError, Hashable {
    public var kind: FailureKind { .invalidInput }

    /// Inclusion step 1: "If leaf_index is greater than or equal to tree_size, then fail".
    case leafIndexOutOfRange(leafIndex: UInt64, treeSize: UInt64)
    /// The path has more hashes than the tree sizes allow ("If sn is 0, then stop the iteration
    /// and fail the proof verification").
    case pathTooLong
    /// The path ended before reaching the root (sn is not 0 at the end).
    case pathTooShort
    /// The inclusion path leads to a root other than the expected one.
    case rootMismatch(expected: MerkleHash, computed: MerkleHash)
    /// A consistency proof cannot go from a larger tree to a smaller one.
    case oldSizeExceedsNewSize(oldSize: UInt64, newSize: UInt64)
    /// Consistency step 1: "If consistency_path is an empty array, stop and fail".
    case emptyPath
    /// Hashes were given where no proof is due (equal sizes, or from the empty tree).
    case unexpectedPath
    /// Two trees of the same size must have the same root.
    case differentRootsForSameSize
    /// The old tree of size 0 must have the empty tree's root, SHA-256().
    case oldRootNotEmptyTreeHash
    /// The consistency path does not lead to the old root (fr != first_hash).
    case oldRootMismatch(expected: MerkleHash, computed: MerkleHash)
    /// The consistency path does not lead to the new root (sr != second_hash).
    case newRootMismatch(expected: MerkleHash, computed: MerkleHash)

    public var phrase: Phrase {
        switch self {
        case .leafIndexOutOfRange(let index, let size): return "leaf index \(index) is not below tree size \(size)"
        case .pathTooLong: return "the proof has more hashes than the tree sizes allow"
        case .pathTooShort: return "the proof ends before reaching the root"
        case .rootMismatch(let expected, let computed): return "the proof leads to root \(computed), not \(expected)"
        case .oldSizeExceedsNewSize(let old, let new): return "old size \(old) exceeds new size \(new)"
        case .emptyPath: return "the consistency proof is empty"
        case .unexpectedPath: return "the proof has hashes where none are due"
        case .differentRootsForSameSize: return "two trees of the same size have different roots"
        case .oldRootNotEmptyTreeHash: return "the old tree of size 0 does not have the empty tree's root"
        case .oldRootMismatch(let expected, let computed): return "the proof leads to old root \(computed), not \(expected)"
        case .newRootMismatch(let expected, let computed): return "the proof leads to new root \(computed), not \(expected)"
        }
    }
}

/// RFC 9162 section 2.1.3: the hashes needed to recompute the root of a tree of `treeSize` leaves
/// from the hash of leaf `leafIndex`, lowest level first.
public struct InclusionProof: Hashable, Sendable {
    public var leafIndex: UInt64
    public var treeSize: UInt64
    public var path: [MerkleHash]

    public init(leafIndex: UInt64, treeSize: UInt64, path: [MerkleHash]) {
        self.leafIndex = leafIndex
        self.treeSize = treeSize
        self.path = path
    }

    /// The root the proof leads to from `leafHash`: RFC 9162 section 2.1.3.2 steps 1 to 4, and the
    /// "sn is equal to 0" part of step 5.
    public func root(fromLeafHash leafHash: MerkleHash, hasher: MerkleHasher = MerkleHasher()) throws(ProofError) -> MerkleHash {
        // 1. leaf_index >= tree_size fails.
        guard leafIndex < treeSize else { throw .leafIndexOutOfRange(leafIndex: leafIndex, treeSize: treeSize) }
        // 2. fn = leaf_index, sn = tree_size - 1.
        var fn = leafIndex, sn = treeSize - 1
        // 3. r = hash.
        var r = leafHash
        // 4. For each p in inclusion_path:
        for p in path {
            // a. sn == 0: fail.
            guard sn != 0 else { throw .pathTooLong }
            // b. LSB(fn) set, or fn == sn:
            if fn & 1 == 1 || fn == sn {
                // i. r = HASH(0x01 || p || r)
                r = hasher.nodeHash(p, r)
                // ii. If LSB(fn) is not set, right-shift fn and sn until LSB(fn) is set or fn is 0.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                // Otherwise r = HASH(0x01 || r || p)
                r = hasher.nodeHash(r, p)
            }
            // c. Right-shift fn and sn once.
            fn >>= 1
            sn >>= 1
        }
        // 5. sn must be 0.
        guard sn == 0 else { throw .pathTooShort }
        return r
    }

    /// RFC 9162 section 2.1.3.2: throws the reason unless the proof shows the leaf with hash
    /// `leafHash` at `leafIndex` in the tree of `treeSize` leaves with root `root`.
    public func verify(leafHash: MerkleHash, root expected: MerkleHash, hasher: MerkleHasher = MerkleHasher()) throws(ProofError) {
        let computed = try root(fromLeafHash: leafHash, hasher: hasher)
        guard computed == expected else { throw .rootMismatch(expected: expected, computed: computed) }
    }
}

/// RFC 9162 section 2.1.4: the hashes showing that the tree of `newSize` leaves extends the tree of
/// `oldSize` leaves (the first `oldSize` leaves are the same).
public struct ConsistencyProof: Hashable, Sendable {
    public var oldSize: UInt64
    public var newSize: UInt64
    public var path: [MerkleHash]

    public init(oldSize: UInt64, newSize: UInt64, path: [MerkleHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.path = path
    }

    /// RFC 9162 section 2.1.4.2 for 0 < oldSize < newSize. The RFC's algorithm covers only that
    /// case; outside it, a tree is consistent with itself (equal sizes: equal roots, empty path)
    /// and the empty tree (whose root must be SHA-256()) with every tree (empty path).
    public func verify(oldRoot: MerkleHash, newRoot: MerkleHash, hasher: MerkleHasher = MerkleHasher()) throws(ProofError) {
        guard oldSize <= newSize else { throw .oldSizeExceedsNewSize(oldSize: oldSize, newSize: newSize) }
        if oldSize == newSize {
            guard path.isEmpty else { throw .unexpectedPath }
            guard oldRoot == newRoot else { throw .differentRootsForSameSize }
            return
        }
        if oldSize == 0 {
            guard path.isEmpty else { throw .unexpectedPath }
            guard oldRoot == MerkleHasher.emptyRoot else { throw .oldRootNotEmptyTreeHash }
            return
        }
        // 1. An empty consistency_path fails.
        guard !path.isEmpty else { throw .emptyPath }
        // 2. If first is an exact power of 2, prepend first_hash.
        var consistencyPath = path
        if oldSize & (oldSize - 1) == 0 { consistencyPath.insert(oldRoot, at: 0) }
        // 3. fn = first - 1, sn = second - 1.
        var fn = oldSize - 1, sn = newSize - 1
        // 4. If LSB(fn) is set, right-shift fn and sn until it is not.
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        // 5. fr = sr = the first value.
        var fr = consistencyPath[0], sr = consistencyPath[0]
        // 6. For each subsequent value c:
        for c in consistencyPath.dropFirst() {
            // a. sn == 0: fail.
            guard sn != 0 else { throw .pathTooLong }
            // b. LSB(fn) set, or fn == sn:
            if fn & 1 == 1 || fn == sn {
                // i. fr = HASH(0x01 || c || fr); ii. sr = HASH(0x01 || c || sr)
                fr = hasher.nodeHash(c, fr)
                sr = hasher.nodeHash(c, sr)
                // iii. If LSB(fn) is not set, right-shift fn and sn until LSB(fn) is set or fn is 0.
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                // Otherwise sr = HASH(0x01 || sr || c)
                sr = hasher.nodeHash(sr, c)
            }
            // c. Right-shift fn and sn once.
            fn >>= 1
            sn >>= 1
        }
        // 7. fr == first_hash, sr == second_hash and sn == 0.
        guard sn == 0 else { throw .pathTooShort }
        guard fr == oldRoot else { throw .oldRootMismatch(expected: oldRoot, computed: fr) }
        guard sr == newRoot else { throw .newRootMismatch(expected: newRoot, computed: sr) }
    }
}
