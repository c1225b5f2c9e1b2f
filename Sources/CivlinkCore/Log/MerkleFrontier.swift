/// The right border of an RFC 9162 Merkle tree without its nodes: the roots of the perfect
/// subtrees whose sizes are the set bits of the tree's size, largest first (at most 63 hashes).
/// Appending a leaf and computing the root need nothing else, so a replica checks that a source's
/// events make the tree its signed checkpoint names while holding O(log n) hashes, and resumes
/// from the border it stored (civlink-export(5)).
public struct MerkleFrontier: Sendable, Equatable {
    public private(set) var size: UInt64
    public private(set) var border: [MerkleHash]

    public init() {
        size = 0
        border = []
    }

    /// A border as stored: `size` and its hashes, largest subtree first. Nil when the count of
    /// hashes is not the number of set bits of `size`.
    public init?(size: UInt64, border: [MerkleHash]) {
        guard size.nonzeroBitCount == border.count else { return nil }
        self.size = size
        self.border = border
    }

    /// Appends the leaf whose hash is `leafHash` (SHA-256(0x00 || data)).
    public mutating func append(leafHash: MerkleHash, hasher: MerkleHasher) {
        var hash = leafHash
        var level = 0
        while (size >> UInt64(level)) & 1 == 1 {
            hash = hasher.nodeHash(border.removeLast(), hash)
            level += 1
        }
        border.append(hash)
        size += 1
    }

    /// The root of the tree of `size` leaves.
    public func root(hasher: MerkleHasher) -> MerkleHash {
        guard var hash = border.last else { return MerkleHasher.emptyRoot }
        for left in border.dropLast().reversed() { hash = hasher.nodeHash(left, hash) }
        return hash
    }

    /// The border as text: the hashes in hexadecimal, comma-separated.
    public var text: String { border.map(\.hex).joined(separator: ",") }

    public init?(size: UInt64, text: String) {
        var hashes = [MerkleHash]()
        for part in text.split(separator: ",") {
            guard let hash = MerkleHash(hex: part) else { return nil }
            hashes.append(hash)
        }
        self.init(size: size, border: hashes)
    }
}
