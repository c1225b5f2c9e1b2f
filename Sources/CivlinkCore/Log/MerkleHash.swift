/// A 32-byte SHA-256 value: a leaf hash, an interior node hash or a tree root (RFC 9162 section 2.1).
///
/// Stored inline (four words, in byte order) so that trees of millions of nodes stay compact.
public struct MerkleHash: Hashable, Sendable, CustomStringConvertible {
    public static let byteCount = 32

    private var w0: UInt64 = 0, w1: UInt64 = 0, w2: UInt64 = 0, w3: UInt64 = 0

    /// All zero bytes (not the empty tree's root: see `MerkleHasher.emptyRoot`).
    public static let zero = MerkleHash()

    private init() {}

    /// The hash with these 32 bytes, or nil for any other length.
    public init?<Bytes: Collection>(bytes: Bytes) where Bytes.Element == UInt8 {
        guard bytes.count == MerkleHash.byteCount else { return nil }
        self.init()
        withUnsafeMutableBytes { raw in
            for (i, byte) in bytes.enumerated() { raw[i] = byte }
        }
    }

    /// From 64 hexadecimal digits (either case).
    public init?(hex: some StringProtocol) {
        guard let bytes = [UInt8](hex: hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// From the strict standard base64 of 32 bytes (44 characters), as checkpoints carry root hashes.
    public init?(base64: some StringProtocol) {
        guard let bytes = Base64.decode(base64) else { return nil }
        self.init(bytes: bytes)
    }

    /// From 64 hexadecimal digits in place (a text column), or nil.
    init?(hexBytes digits: UnsafeRawBufferPointer) {
        guard digits.count == 2 * MerkleHash.byteCount else { return nil }
        var hash = MerkleHash.zero
        let ok = hash.withUnsafeMutableBytes { out -> Bool in
            var bad: UInt8 = 0
            for i in 0..<MerkleHash.byteCount {
                let high = hexDigitValues[Int(digits[2 * i])], low = hexDigitValues[Int(digits[2 * i + 1])]
                bad |= high | low
                out[i] = high << 4 | (low & 0x0F)
            }
            return bad & 0xF0 == 0
        }
        guard ok else { return nil }
        self = hash
    }

    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public var hex: String { bytes.hexString }

    public var base64: String { withUnsafeBytes { Base64.encode($0) } }

    public var description: String { hex }

    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: self) { try body(UnsafeRawBufferPointer(rebasing: $0[0..<MerkleHash.byteCount])) }
    }

    mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeMutableBytes(of: &self) { try body(UnsafeMutableRawBufferPointer(rebasing: $0[0..<MerkleHash.byteCount])) }
    }
}

/// RFC 9162 section 2.1.1 Merkle Tree Hash with SHA-256:
///
///     MTH({})         = SHA-256()
///     leaf hash       = SHA-256(0x00 || d(0))
///     MTH(D[n]), n>1  = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))   k = largest power of two < n
///
/// A hasher owns a libcrypto digest context (see `SHA256Hasher`): it is not `Sendable`, create one per
/// tree, verification or thread.
public final class MerkleHasher {
    /// MTH({}) = SHA-256 of the empty string, e3b0c442…b855.
    public static let emptyRoot = MerkleHash(hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")!

    private let sha = SHA256Hasher()
    /// 0x01 || left || right is assembled here: one contiguous input, one digest update.
    private let nodeInput = UnsafeMutableRawPointer.allocate(byteCount: 65, alignment: 16)

    public init() {
        nodeInput.storeBytes(of: 0x01, as: UInt8.self)
    }

    deinit {
        nodeInput.deallocate()
    }

    /// SHA-256(0x00 || leaf).
    public func leafHash<Bytes: Collection>(_ leaf: Bytes) -> MerkleHash where Bytes.Element == UInt8 {
        if let hash = leaf.withContiguousStorageIfAvailable({ leafHash(raw: UnsafeRawBufferPointer($0)) }) {
            return hash
        }
        return Array(leaf).withUnsafeBytes { leafHash(raw: $0) }
    }

    /// SHA-256(0x00 || leaf) of the bytes at `raw`.
    public func leafHash(raw: UnsafeRawBufferPointer) -> MerkleHash {
        var prefix: UInt8 = 0x00
        var out = MerkleHash.zero
        sha.begin()
        Swift.withUnsafeBytes(of: &prefix) { sha.update($0) }
        sha.update(raw)
        out.withUnsafeMutableBytes { sha.finish(into: $0) }
        return out
    }

    /// SHA-256(0x01 || left || right).
    public func nodeHash(_ left: MerkleHash, _ right: MerkleHash) -> MerkleHash {
        (nodeInput + 1).storeBytes(of: left, as: MerkleHash.self)
        (nodeInput + 33).storeBytes(of: right, as: MerkleHash.self)
        var out = MerkleHash.zero
        sha.begin()
        sha.update(UnsafeRawBufferPointer(start: nodeInput, count: 65))
        out.withUnsafeMutableBytes { sha.finish(into: $0) }
        return out
    }

    /// The root of the tree whose leaves have these hashes, straight from the RFC 9162 recursive
    /// definition (O(n) hashes, O(log n) stack). `StreamingMerkleRoot` is the one-pass form.
    public func root(ofLeafHashes leaves: [MerkleHash]) -> MerkleHash {
        leaves.isEmpty ? MerkleHasher.emptyRoot : subtreeRoot(leaves[...])
    }

    private func subtreeRoot(_ leaves: ArraySlice<MerkleHash>) -> MerkleHash {
        if leaves.count == 1 { return leaves[leaves.startIndex] }
        let k = largestPowerOfTwo(below: UInt64(leaves.count))
        let split = leaves.startIndex + Int(k)
        return nodeHash(subtreeRoot(leaves[..<split]), subtreeRoot(leaves[split...]))
    }
}

/// The largest power of two strictly less than `n` (n ≥ 2), the RFC 9162 split point `k`.
@inline(__always)
func largestPowerOfTwo(below n: UInt64) -> UInt64 {
    precondition(n >= 2)
    return 1 << (63 - (n - 1).leadingZeroBitCount)
}

/// One-pass Merkle root of a stream of leaf hashes: O(n) hashes in total, O(log n) memory (the
/// perfect subtrees of the "right border", as in a compact range). For auditing a whole log
/// without stored interior nodes.
public struct StreamingMerkleRoot {
    /// Roots of the perfect subtrees whose sizes are the set bits of `count`, largest first.
    private var border: [MerkleHash] = []
    public private(set) var count: UInt64 = 0
    private let hasher: MerkleHasher

    public init(hasher: MerkleHasher = MerkleHasher()) {
        self.hasher = hasher
    }

    public mutating func append(leafHash: MerkleHash) {
        var hash = leafHash
        var n = count
        while n & 1 == 1 {
            hash = hasher.nodeHash(border.removeLast(), hash)
            n >>= 1
        }
        border.append(hash)
        count += 1
    }

    public mutating func append<Bytes: Collection>(leaf: Bytes) where Bytes.Element == UInt8 {
        append(leafHash: hasher.leafHash(leaf))
    }

    /// MTH of the leaves appended so far (the empty tree's root when none).
    public var root: MerkleHash {
        guard var hash = border.last else { return MerkleHasher.emptyRoot }
        for left in border.dropLast().reversed() {
            hash = hasher.nodeHash(left, hash)
        }
        return hash
    }

    /// The root of `leafHashes` in one pass.
    public static func root<S: Sequence>(ofLeafHashes leafHashes: S, hasher: MerkleHasher = MerkleHasher()) -> MerkleHash
    where S.Element == MerkleHash {
        var stream = StreamingMerkleRoot(hasher: hasher)
        for hash in leafHashes { stream.append(leafHash: hash) }
        return stream.root
    }
}

/// 0-15 for a hexadecimal digit (either case), 0xFF for anything else.
private let hexDigitValues: [UInt8] = (0..<256).map { hexValue(UInt8($0)) ?? 0xFF }
