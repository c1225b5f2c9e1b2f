/// The position of a perfect (complete) subtree: the 2^level leaves starting at leaf
/// `index << level`. Level 0 holds the leaf hashes themselves.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let level: UInt8
    public let index: UInt64

    public init(level: UInt8, index: UInt64) {
        precondition(level < 64, "a tree of UInt64 leaves has at most 63 levels above the leaves")
        self.level = level
        self.index = index
    }

    /// The first leaf this subtree covers.
    public var firstLeaf: UInt64 { index << UInt64(level) }

    /// How many leaves it covers.
    public var leafCount: UInt64 { 1 << UInt64(level) }

    public static func < (a: NodeID, b: NodeID) -> Bool {
        (a.level, a.index) < (b.level, b.index)
    }

    public var description: String { "(\(level), \(index))" }
}

/// A node to store: the hash of the perfect subtree at `id`.
public struct StoredNode: Hashable, Sendable {
    public let id: NodeID
    public let hash: MerkleHash

    public init(id: NodeID, hash: MerkleHash) {
        self.id = id
        self.hash = hash
    }
}

/// Storage of perfect-subtree hashes, keyed by (level, index). `MerkleTree` reads at most
/// O(log n) of them per root or proof and writes 1 + (trailing one bits of n) per appended leaf,
/// all in one `put` call (wrap it in one transaction).
///
/// A stored node never changes once written; implementations should refuse a write that would
/// replace a stored hash with a different one (`NodeStoreError.conflictingWrite`).
public protocol NodeStore {
    /// The hash stored at `id`, or nil when there is none.
    func node(_ id: NodeID) throws -> MerkleHash?

    /// The hashes at `ids`, in the same order (nil where none is stored). The tree asks for all the
    /// nodes a root or proof needs in one call, so a database can answer with one query.
    func nodes(_ ids: [NodeID]) throws -> [MerkleHash?]

    /// Stores the nodes one append completed: the new leaf's hash and the perfect subtrees it
    /// completes, lowest level first.
    mutating func put(_ nodes: [StoredNode]) throws
}

extension NodeStore {
    public func nodes(_ ids: [NodeID]) throws -> [MerkleHash?] {
        try ids.map { try node($0) }
    }
}

public enum NodeStoreError: CivlinkError, Hashable {
    public var kind: FailureKind { .invalidInput }

    /// A write would replace the stored hash at this position with a different one.
    case conflictingWrite(NodeID)
    /// A write would leave a gap in a level (this store keeps every level dense).
    case nonContiguousWrite(NodeID)

    public var phrase: Phrase {
        switch self {
        case .conflictingWrite(let id): return "node \(id) is already stored with a different hash"
        case .nonContiguousWrite(let id): return "node \(id) would leave a gap in its level"
        }
    }
}

/// In-memory `NodeStore`: one dense array per level (2n hashes, 64 bytes per leaf in total).
public struct InMemoryNodeStore: NodeStore, Sendable {
    private var levels: [[MerkleHash]] = []

    public init() {}

    /// How many nodes are stored.
    public var count: Int { levels.reduce(0) { $0 + $1.count } }

    public func node(_ id: NodeID) throws -> MerkleHash? {
        let level = Int(id.level)
        guard level < levels.count, id.index < UInt64(levels[level].count) else { return nil }
        return levels[level][Int(id.index)]
    }

    public mutating func put(_ nodes: [StoredNode]) throws {
        // Check everything first so that a refused batch stores nothing.
        var pending = [Int](repeating: 0, count: 64)
        for node in nodes {
            let level = Int(node.id.level)
            let stored = level < levels.count ? UInt64(levels[level].count) : 0
            let next = stored + UInt64(pending[level])
            if node.id.index < stored {
                guard levels[level][Int(node.id.index)] == node.hash else { throw NodeStoreError.conflictingWrite(node.id) }
            } else if node.id.index == next {
                pending[level] += 1
            } else {
                throw NodeStoreError.nonContiguousWrite(node.id)
            }
        }
        for node in nodes {
            let level = Int(node.id.level)
            while levels.count <= level { levels.append([]) }
            if node.id.index == UInt64(levels[level].count) {
                levels[level].append(node.hash)
            }
        }
    }

    /// Reserves room for a tree of `leafCount` leaves.
    public mutating func reserveCapacity(leaves leafCount: Int) {
        var n = leafCount
        var level = 0
        while n > 0 {
            while levels.count <= level { levels.append([]) }
            levels[level].reserveCapacity(n)
            n /= 2
            level += 1
        }
    }
}
