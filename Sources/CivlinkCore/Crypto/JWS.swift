import Foundation

public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        var bytes = Array(data.base64EncodedData())
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for i in bytes.indices {
            if bytes[i] == UInt8(ascii: "+") { bytes[i] = UInt8(ascii: "-") } else if bytes[i] == UInt8(ascii: "/") { bytes[i] = UInt8(ascii: "_") }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func decode(_ text: String) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}

/// A JWS (RFC 7515) in flattened JSON form. The protected header carries `alg`, the signer's
/// chain in `x5c` and the signing time in `sigT` (RFC 3339, UTC, as in ETSI JAdES).
public struct JWS: Sendable {
    public let protected: String
    public let payload: String
    public let signature: String

    public var signingInput: Data { Data((protected + "." + payload).utf8) }
    public var compact: String { protected + "." + payload + "." + signature }
    public var json: JSON { .object([("protected", .string(protected)), ("payload", .string(payload)), ("signature", .string(signature))]) }

    public init(protected: String, payload: String, signature: String) {
        self.protected = protected
        self.payload = payload
        self.signature = signature
    }

    public static func sign(payload: Data, key: PrivateKey, chain: [Certificate], at: Timestamp) throws -> JWS {
        try sign(payload: payload, key: key, x5c: chain.map { $0.der.base64EncodedString() }, at: at)
    }

    public static func sign(payload: Data, key: PrivateKey, x5c: [String], at: Timestamp) throws -> JWS {
        let header = JSON.object([
            ("alg", .string(key.type.jwsAlgorithm)),
            ("typ", .string("civlink.signed-copy+jws")),
            ("x5c", .array(x5c.map { .string($0) })),
            ("sigT", .string(utcText(at))),
        ])
        let protected = Base64URL.encode(header.canonicalData)
        let body = Base64URL.encode(payload)
        let signature = try key.sign(Data((protected + "." + body).utf8))
        return JWS(protected: protected, payload: body, signature: Base64URL.encode(signature))
    }

    public static func utcText(_ t: Timestamp) -> String {
        var time = time_t(t.seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
