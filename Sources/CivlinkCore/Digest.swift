import CCrypto
import Foundation

public enum Digest {
    /// OpenSSL 3 looks the algorithm up on every one-shot `SHA256()` call; civlink hashes every
    /// event and every signature, so it fetches the implementation once.
    private final class Fetched: @unchecked Sendable {
        let sha256: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)
    }
    private static let fetched = Fetched()

    public static func sha256(_ data: Data) -> Data {
        data.withUnsafeBytes { sha256($0) }
    }

    public static func sha256(_ bytes: [UInt8]) -> Data {
        bytes.withUnsafeBytes { sha256($0) }
    }

    static func sha256(_ raw: UnsafeRawBufferPointer) -> Data {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        var length: UInt32 = 0
        if let md = fetched.sha256, EVP_Digest(raw.baseAddress, raw.count, &out, &length, md, nil) == 1 {
            return Data(out)
        }
        _ = SHA256(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &out)
        return Data(out)
    }
}

extension Data {
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
