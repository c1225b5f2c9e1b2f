import CCrypto
import Foundation

public enum Digest {
    public static func sha256(_ data: Data) -> Data {
        var out = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        data.withUnsafeBytes { raw in
            _ = SHA256(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, &out)
        }
        return Data(out)
    }
}

extension Data {
    public var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
