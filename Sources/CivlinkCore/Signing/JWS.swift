import FoundationEssentials
import Glibc

/// A JWS (RFC 7515) in flattened JSON form. The protected header carries `alg`, the signer's
/// chain in `x5c` and the signing time in `sigT` (RFC 3339, UTC, as in ETSI JAdES).
public struct JWS: Sendable {
    public let protected: String
    public let payload: String
    public let signature: String

    public var signingInput: Data { Data((protected + "." + payload).utf8) }
    public var compact: String { protected + "." + payload + "." + signature }

    public init(protected: String, payload: String, signature: String) {
        self.protected = protected
        self.payload = payload
        self.signature = signature
    }

    /// The encoded protected header. It depends only on the key, the chain and the time, so a batch
    /// signed at one time encodes it once.
    public static func protectedHeader(algorithm: String, x5c: [String], at: Timestamp) -> String {
        let header = JSON.object([
            ("alg", .string(algorithm)),
            ("typ", .string("civlink.signed-copy+jws")),
            ("x5c", .array(x5c.map { .string($0) })),
            ("sigT", .string(utcText(at))),
        ])
        return Base64URL.encode(header.canonicalData)
    }

    /// Signs `payload` under an encoded protected header; also returns the raw signature bytes.
    public static func sign(payload: Data, key: PrivateKey, protected: String) throws -> (jws: JWS, signature: Data) {
        let body = Base64URL.encode(payload)
        var input: [UInt8] = []
        input.reserveCapacity(protected.utf8.count + 1 + body.utf8.count)
        input.append(contentsOf: protected.utf8)
        input.append(UInt8(ascii: "."))
        input.append(contentsOf: body.utf8)
        let signature = try key.sign(Data(input))
        return (JWS(protected: protected, payload: body, signature: Base64URL.encode(signature)), signature)
    }

    /// RFC 3339 in UTC, e.g. 2026-11-20T02:30:00Z. Built by hand: it runs once per signed copy.
    public static func utcText(_ t: Timestamp) -> String {
        var time = time_t(t.seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var out: [UInt8] = []
        out.reserveCapacity(20)
        func digits(_ value: Int32, _ width: Int) {
            var divisor: Int32 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = value
            while divisor > 0 {
                out.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                rest %= divisor
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2); out.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2); out.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2); out.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }
}
