import FoundationEssentials

/// Base64 (RFC 4648), in the two forms civlink reads and writes: the standard alphabet with `=`
/// padding (section 4), which signed notes, checkpoints, note keys and X.509 `x5c` entries use,
/// and the URL alphabet without padding (section 5), which JWS uses (`Base64URL`).
///
/// Decoding is canonical only: nothing but alphabet characters (and, in the padded form, the
/// padding it needs, only at the end), and the unused low bits of the last character must be zero
/// (RFC 4648 section 3.5). So every byte string has exactly one accepted encoding, and an edit of
/// an encoding's last character that decodes to the same bytes is refused.
public enum Base64 {
    enum Form {
        case standard
        case url

        var alphabet: [UInt8] {
            switch self {
            case .standard: return Base64.standardAlphabet
            case .url: return Base64.urlAlphabet
            }
        }

        var values: [UInt8] {
            switch self {
            case .standard: return Base64.standardValues
            case .url: return Base64.urlValues
            }
        }

        var padded: Bool { self == .standard }
    }

    static let standardAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let urlAlphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    static let standardValues = values(of: standardAlphabet)
    static let urlValues = values(of: urlAlphabet)

    /// 0-63 for alphabet characters, 0xFF otherwise.
    private static func values(of alphabet: [UInt8]) -> [UInt8] {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }

    /// The padded standard encoding.
    public static func encode<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(decoding: encode(bytes, .standard), as: UTF8.self)
    }

    /// The bytes `text` encodes, or nil when it is not the canonical padded standard encoding.
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        decode(bytes: Array(text.utf8), .standard)
    }

    /// Strict decoding of ASCII bytes; nil for anything but the canonical padded encoding.
    public static func decode(bytes text: [UInt8]) -> [UInt8]? {
        decode(bytes: text, .standard)
    }

    static func encode<Bytes: Collection>(_ bytes: Bytes, _ form: Form) -> [UInt8] where Bytes.Element == UInt8 {
        let input = Array(bytes)
        let alphabet = form.alphabet
        var out = [UInt8]()
        out.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= input.count {
            let chunk = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8 | UInt32(input[i + 2])
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            out.append(alphabet[Int(chunk & 63)])
            i += 3
        }
        switch input.count - i {
        case 1:
            let chunk = UInt32(input[i]) << 16
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            if form.padded { out.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "=")]) }
        case 2:
            let chunk = UInt32(input[i]) << 16 | UInt32(input[i + 1]) << 8
            out.append(alphabet[Int(chunk >> 18 & 63)])
            out.append(alphabet[Int(chunk >> 12 & 63)])
            out.append(alphabet[Int(chunk >> 6 & 63)])
            if form.padded { out.append(UInt8(ascii: "=")) }
        default:
            break
        }
        return out
    }

    static func decode(bytes text: [UInt8], _ form: Form) -> [UInt8]? {
        var dataCount = text.count
        if form.padded {
            guard text.count % 4 == 0 else { return nil }
            let equals = UInt8(ascii: "=")
            if dataCount > 0 && text[dataCount - 1] == equals { dataCount -= 1 }
            if dataCount > 0 && text[dataCount - 1] == equals { dataCount -= 1 }
        }
        // A final group of one character cannot encode a byte.
        if dataCount % 4 == 1 { return nil }
        let values = form.values
        var out = [UInt8]()
        out.reserveCapacity(dataCount / 4 * 3 + 2)
        var i = 0
        while i + 4 <= dataCount {
            var chunk: UInt32 = 0
            for j in 0..<4 {
                let value = values[Int(text[i + j])]
                if value == 0xFF { return nil }
                chunk = chunk << 6 | UInt32(value)
            }
            out.append(UInt8(chunk >> 16 & 0xFF))
            out.append(UInt8(chunk >> 8 & 0xFF))
            out.append(UInt8(chunk & 0xFF))
            i += 4
        }
        let rest = dataCount - i
        if rest > 0 {
            var chunk: UInt32 = 0
            for j in 0..<rest {
                let value = values[Int(text[i + j])]
                if value == 0xFF { return nil }
                chunk = chunk << 6 | UInt32(value)
            }
            if rest == 2 {
                guard chunk & 0x0F == 0 else { return nil }   // 4 unused bits must be zero
                out.append(UInt8(chunk >> 4 & 0xFF))
            } else {
                guard chunk & 0x03 == 0 else { return nil }   // 2 unused bits must be zero
                out.append(UInt8(chunk >> 10 & 0xFF))
                out.append(UInt8(chunk >> 2 & 0xFF))
            }
        }
        return out
    }
}

/// Base64url without padding (RFC 4648 section 5), as JWS uses it; canonical decoding only
/// (see `Base64`).
public enum Base64URL {
    public static func encode(_ data: Data) -> String {
        String(decoding: Base64.encode(data, .url), as: UTF8.self)
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        String(decoding: Base64.encode(bytes, .url), as: UTF8.self)
    }

    /// The bytes, or nil when `text` is not the canonical unpadded base64url of them.
    public static func decode(_ text: String) -> Data? {
        Base64.decode(bytes: Array(text.utf8), .url).map { Data($0) }
    }
}
