import CCrypto
import FoundationEssentials

/// A pointer to a libcrypto object that is never changed after it is made (a fetched digest, a
/// loaded key, a parsed certificate). OpenSSL documents such objects as safe to use from several
/// threads at once, which is what this wrapper asserts for the type checker; nothing mutable may
/// be wrapped in it.
struct ImmutableCObject: @unchecked Sendable {
    let pointer: OpaquePointer
}

public enum Digest {
    /// OpenSSL 3 looks the algorithm up on every one-shot `SHA256()` call; civlink hashes every
    /// event and every signature, so it fetches the implementation once.
    private static let sha256Implementation: ImmutableCObject? = EVP_MD_fetch(nil, "SHA256", nil).map(ImmutableCObject.init)
    static var sha256Algorithm: OpaquePointer? { sha256Implementation?.pointer }

    public static func sha256(_ data: Data) -> Data {
        data.withUnsafeBytes { sha256($0) }
    }

    public static func sha256(_ bytes: [UInt8]) -> Data {
        bytes.withUnsafeBytes { sha256($0) }
    }

    static func sha256(_ raw: UnsafeRawBufferPointer) -> Data {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        var length: UInt32 = 0
        if let md = sha256Implementation?.pointer, EVP_Digest(raw.baseAddress, raw.count, &out, &length, md, nil) == 1 {
            return Data(out)
        }
        _ = SHA256(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &out)
        return Data(out)
    }
}

/// SHA-256 through libcrypto with one digest context reused for every hash, for hot loops
/// (Merkle trees, row digests, the audit): a one-shot call allocates a context each time. An
/// instance owns libcrypto state and is not `Sendable`: give each tree, audit or thread its own.
public final class SHA256Hasher {
    public static let digestLength = 32

    private let context: OpaquePointer

    public init() {
        guard let md = Digest.sha256Algorithm, let context = EVP_MD_CTX_new() else {
            fatalError("libcrypto has no SHA-256 implementation (default provider not loaded)")
        }
        guard EVP_DigestInit_ex2(context, md, nil) == 1 else { fatalError("EVP_DigestInit_ex2 failed") }
        self.context = context
    }

    deinit { EVP_MD_CTX_free(context) }

    @inline(__always)
    public func begin() {
        guard EVP_DigestInit_ex2(context, nil, nil) == 1 else { fatalError("EVP_DigestInit_ex2 failed") }
    }

    @inline(__always)
    public func update(_ part: UnsafeRawBufferPointer) {
        guard part.count > 0 else { return }
        guard EVP_DigestUpdate(context, part.baseAddress, part.count) == 1 else { fatalError("EVP_DigestUpdate failed") }
    }

    /// Writes the 32-byte digest to `output`.
    @inline(__always)
    public func finish(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= SHA256Hasher.digestLength)
        var length: UInt32 = 0
        guard EVP_DigestFinal_ex(context, output.baseAddress!.assumingMemoryBound(to: UInt8.self), &length) == 1,
              length == SHA256Hasher.digestLength else { fatalError("EVP_DigestFinal_ex failed") }
    }

    /// SHA-256 of `bytes`.
    public func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: SHA256Hasher.digestLength)
        begin()
        update(bytes)
        out.withUnsafeMutableBytes { finish(into: $0) }
        return out
    }

    public func digest(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { digest($0) }
    }
}

extension Data {
    public var hexString: String { [UInt8](self).hexString }
}

extension Array where Element == UInt8 {
    /// The bytes of 2n hexadecimal digits (either case), or nil.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = hexValue(digits[i]), let low = hexValue(digits[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        self = bytes
    }

    public var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

@inline(__always)
func hexValue(_ digit: UInt8) -> UInt8? {
    switch digit {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
    default: return nil
    }
}
