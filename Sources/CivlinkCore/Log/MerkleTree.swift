public enum MerkleTreeError: CivlinkError, Hashable {
    public var kind: FailureKind { .invalidInput }

    /// The store has no hash at a position the tree needs: it is incomplete or not this tree's.
    case missingNode(NodeID)
    /// A tree size beyond the tree's current size was asked for.
    case sizeBeyondTree(requested: UInt64, size: UInt64)
    /// Inclusion proofs need `leafIndex < treeSize`.
    case leafIndexOutOfRange(leafIndex: UInt64, treeSize: UInt64)
    /// Consistency proofs need `oldSize <= newSize`.
    case oldSizeExceedsNewSize(oldSize: UInt64, newSize: UInt64)
    /// The tree holds at most 2^63 - 1 leaves.
    case full

    public var phrase: Phrase {
        switch self {
        case .missingNode(let id): return "the node store has no hash at \(id)"
        case .sizeBeyondTree(let requested, let size): return "tree size \(requested) is beyond the tree's \(size) leaves"
        case .leafIndexOutOfRange(let index, let size): return "leaf index \(index) is not in a tree of size \(size)"
        case .oldSizeExceedsNewSize(let old, let new): return "old size \(old) exceeds new size \(new)"
        case .full: return "the tree is full"
        }
    }
}

/// An append-only RFC 9162 Merkle tree over a `NodeStore` of perfect-subtree hashes.
///
/// Appending a leaf stores its hash and every perfect subtree it completes. The root of any size
/// k <= n, the inclusion proof of any leaf in any such tree and the consistency proof between any
/// two sizes are then assembled from O(log n) stored nodes (one batched `nodes` call each),
/// without rehashing leaves. The current root comes from the right border of perfect subtrees the
/// tree keeps in memory (O(log n) hashes), so appending reads nothing from the store.
public struct MerkleTree<Store: NodeStore> {
    public private(set) var store: Store
    /// The number of leaves.
    public private(set) var size: UInt64
    /// Roots of the perfect subtrees whose sizes are the set bits of `size`, largest first.
    private var border: [MerkleHash]
    public let hasher: MerkleHasher

    /// A tree of `size` leaves whose nodes `store` holds (an empty store for a new tree). Reads the
    /// O(log n) border nodes and throws `missingNode` when the store lacks one.
    public init(store: Store, size: UInt64 = 0, hasher: MerkleHasher = MerkleHasher()) throws {
        guard size < 1 << 63 else { throw MerkleTreeError.full }
        let ids = MerkleTree.decomposition(from: 0, to: size)
        let hashes = try store.nodes(ids)
        var border = [MerkleHash]()
        for (id, hash) in zip(ids, hashes) {
            guard let hash else { throw MerkleTreeError.missingNode(id) }
            border.append(hash)
        }
        self.store = store
        self.size = size
        self.border = border
        self.hasher = hasher
    }

    /// Appends a leaf by its hash (`hasher.leafHash(data)`) and returns its index.
    @discardableResult
    public mutating func append(leafHash: MerkleHash) throws -> UInt64 {
        let n = size
        guard n < (1 << 63) - 1 else { throw MerkleTreeError.full }
        var writes = [StoredNode(id: NodeID(level: 0, index: n), hash: leafHash)]
        var hash = leafHash
        var level: UInt8 = 0
        // The border is read here and changed only once the store has the nodes (no copy of it).
        var kept = border.count
        while (n >> UInt64(level)) & 1 == 1 {
            kept -= 1
            hash = hasher.nodeHash(border[kept], hash)
            level += 1
            writes.append(StoredNode(id: NodeID(level: level, index: n >> UInt64(level)), hash: hash))
        }
        try store.put(writes)
        border.removeLast(border.count - kept)
        border.append(hash)
        size = n + 1
        return n
    }

    /// Appends a leaf by its data (hashed as SHA-256(0x00 || data)) and returns its index.
    @discardableResult
    public mutating func append<Bytes: Collection>(leaf: Bytes) throws -> UInt64 where Bytes.Element == UInt8 {
        try append(leafHash: hasher.leafHash(leaf))
    }

    /// The root of the whole tree (no store access).
    public var root: MerkleHash {
        guard var hash = border.last else { return MerkleHasher.emptyRoot }
        for left in border.dropLast().reversed() {
            hash = hasher.nodeHash(left, hash)
        }
        return hash
    }

    /// The root of the tree of the first `treeSize` leaves (O(log n) node reads).
    public func root(treeSize: UInt64) throws -> MerkleHash {
        guard treeSize <= size else { throw MerkleTreeError.sizeBeyondTree(requested: treeSize, size: size) }
        if treeSize == size { return root }
        if treeSize == 0 { return MerkleHasher.emptyRoot }
        return try fetch([MerkleTree.decomposition(from: 0, to: treeSize)])[0]
    }

    /// The hash of leaf `index`.
    public func leafHash(at index: UInt64) throws -> MerkleHash {
        guard index < size else { throw MerkleTreeError.leafIndexOutOfRange(leafIndex: index, treeSize: size) }
        return try fetch([[NodeID(level: 0, index: index)]])[0]
    }

    /// RFC 9162 section 2.1.3.1 PATH(m, D[n]): the inclusion proof of leaf `leafIndex` in the tree
    /// of the first `treeSize` leaves (the whole tree by default).
    public func inclusionProof(leafIndex: UInt64, treeSize: UInt64? = nil) throws -> InclusionProof {
        let n = treeSize ?? size
        guard n <= size else { throw MerkleTreeError.sizeBeyondTree(requested: n, size: size) }
        guard leafIndex < n else { throw MerkleTreeError.leafIndexOutOfRange(leafIndex: leafIndex, treeSize: n) }
        // Walk down from the root; each step records the subtree not taken, as the ranges of
        // perfect subtrees that make it up. The proof lists them bottom-up.
        var siblings = [[NodeID]]()
        var lo: UInt64 = 0, hi = n
        while hi - lo > 1 {
            let k = largestPowerOfTwo(below: hi - lo)
            if leafIndex < lo + k {
                siblings.append(MerkleTree.decomposition(from: lo + k, to: hi))
                hi = lo + k
            } else {
                siblings.append(MerkleTree.decomposition(from: lo, to: lo + k))
                lo += k
            }
        }
        return InclusionProof(leafIndex: leafIndex, treeSize: n, path: try fetch(siblings).reversed())
    }

    /// RFC 9162 section 2.1.4.1 PROOF(m, D[n]): the consistency proof from the tree of the first
    /// `oldSize` leaves to the tree of the first `newSize` (the whole tree by default). Empty when
    /// `oldSize` is 0 or equals `newSize`, where the RFC defines no proof and none is needed.
    public func consistencyProof(from oldSize: UInt64, to newSize: UInt64? = nil) throws -> ConsistencyProof {
        let n = newSize ?? size
        guard n <= size else { throw MerkleTreeError.sizeBeyondTree(requested: n, size: size) }
        guard oldSize <= n else { throw MerkleTreeError.oldSizeExceedsNewSize(oldSize: oldSize, newSize: n) }
        let m = oldSize
        if m == 0 || m == n { return ConsistencyProof(oldSize: m, newSize: n, path: []) }
        // SUBPROOF(m, D[lo:hi], b), iteratively; m stays absolute, and lo < m <= hi throughout.
        var subtrees = [[NodeID]]()
        var lo: UInt64 = 0, hi = n
        var startsAtOldRoot = true // the RFC's b: the subtree is the old tree itself, known to the verifier
        while m != hi {
            let k = largestPowerOfTwo(below: hi - lo)
            if m - lo <= k {
                subtrees.append(MerkleTree.decomposition(from: lo + k, to: hi))
                hi = lo + k
            } else {
                subtrees.append(MerkleTree.decomposition(from: lo, to: lo + k))
                lo += k
                startsAtOldRoot = false
            }
        }
        if !startsAtOldRoot {
            subtrees.append(MerkleTree.decomposition(from: lo, to: hi))
        }
        return ConsistencyProof(oldSize: m, newSize: n, path: try fetch(subtrees).reversed())
    }

    /// The perfect subtrees that make up MTH(D[lo:hi]) as RFC 9162 splits it, largest first. Every
    /// range the RFC recursion visits starts at a multiple of a power of two that is at least its
    /// length, so each piece is aligned.
    static func decomposition(from lo: UInt64, to hi: UInt64) -> [NodeID] {
        var ids = [NodeID]()
        var start = lo
        while start < hi {
            let level = 63 - (hi - start).leadingZeroBitCount // largest power of two <= remaining
            let k: UInt64 = 1 << UInt64(level)
            precondition(start & (k - 1) == 0, "unaligned subtree in RFC 9162 decomposition")
            ids.append(NodeID(level: UInt8(level), index: start >> UInt64(level)))
            start += k
        }
        return ids
    }

    /// Reads all the groups' nodes in one store call and folds each group into its subtree hash
    /// (right to left: h = H(piece_i, h)).
    private func fetch(_ groups: [[NodeID]]) throws -> [MerkleHash] {
        let ids = groups.flatMap { $0 }
        let hashes = try store.nodes(ids)
        guard hashes.count == ids.count else { throw MerkleTreeError.missingNode(ids[min(hashes.count, ids.count - 1)]) }
        var result = [MerkleHash]()
        result.reserveCapacity(groups.count)
        var offset = 0
        for group in groups {
            var hash: MerkleHash? = nil
            for i in stride(from: offset + group.count - 1, through: offset, by: -1) {
                guard let piece = hashes[i] else { throw MerkleTreeError.missingNode(ids[i]) }
                hash = hash.map { hasher.nodeHash(piece, $0) } ?? piece
            }
            offset += group.count
            result.append(hash!)
        }
        return result
    }
}
