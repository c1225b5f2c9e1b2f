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

extension Data {
    public var hexString: String { [UInt8](self).hexString }
}

extension Array where Element == UInt8 {
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
