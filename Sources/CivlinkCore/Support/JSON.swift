import FoundationEssentials

/// A JSON value as civlink reads and writes it. Object member order is kept as parsed, so a
/// dossier prints in a stable, documented order; `canonical` sorts keys where byte-stable output
/// is needed (hashes, signatures).
public enum JSON: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    public static func == (lhs: JSON, rhs: JSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var numberValue: Double? { if case .number(let n) = self { return n } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSON]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: [(String, JSON)]? { if case .object(let o) = self { return o } else { return nil } }
    public var intValue: Int? {
        guard let n = numberValue, n.rounded() == n, abs(n) < 9_007_199_254_740_992 else { return nil }
        return Int(n)
    }

    public static func int(_ value: Int) -> JSON { .number(Double(value)) }
    public static func optional(_ value: String?) -> JSON { value.map(JSON.string) ?? .null }
}

// MARK: - Reading

/// Limits that keep hostile input from exhausting memory or stack.
public struct JSONLimits: Sendable {
    public var maxBytes: Int
    public var maxDepth: Int
    public var maxStringBytes: Int
    public static let declaration = JSONLimits(maxBytes: 64 * 1024, maxDepth: 16, maxStringBytes: 64 * 1024)
    public static let document = JSONLimits(maxBytes: 16 * 1024 * 1024, maxDepth: 64, maxStringBytes: 8 * 1024 * 1024)
    public init(maxBytes: Int, maxDepth: Int, maxStringBytes: Int) {
        self.maxBytes = maxBytes
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }
}

/// A strict RFC 8259 parser: valid UTF-8 only, no duplicate keys, no trailing garbage, bounded
/// depth and size. Errors are `ValidationError`s whose field is empty (the position is in the rule).
public struct JSONReader {
    private let bytes: [UInt8]
    private var index = 0
    private let limits: JSONLimits

    public static func parse(_ data: Data, limits: JSONLimits = .document) throws -> JSON {
        if data.count > limits.maxBytes {
            throw ValidationError("", "input is \(data.count) bytes, over the limit of \(limits.maxBytes)")
        }
        guard String(validating: data, as: UTF8.self) != nil else {
            throw ValidationError("", "input is not valid UTF-8")
        }
        return try parse(bytes: [UInt8](data), limits: limits)
    }

    /// A Swift string is valid Unicode already, so only the JSON grammar is checked.
    public static func parse(_ text: String, limits: JSONLimits = .document) throws -> JSON {
        let bytes = Array(text.utf8)
        if bytes.count > limits.maxBytes {
            throw ValidationError("", "input is \(bytes.count) bytes, over the limit of \(limits.maxBytes)")
        }
        return try parse(bytes: bytes, limits: limits)
    }

    private static func parse(bytes: [UInt8], limits: JSONLimits) throws -> JSON {
        var reader = JSONReader(bytes: bytes, limits: limits)
        reader.skipWhitespace()
        let value = try reader.parseValue(depth: 0)
        reader.skipWhitespace()
        if reader.index != reader.bytes.count { throw reader.fail("unexpected data after the JSON value") }
        return value
    }

    private init(bytes: [UInt8], limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    private func fail(_ what: Phrase) -> ValidationError {
        ValidationError("", "invalid JSON at byte \(index): \(what)")
    }

    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x09 || bytes[index] == 0x0D { index += 1 }
    }

    private mutating func parseValue(depth: Int) throws -> JSON {
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws {
        let utf8 = Array(literal.utf8)
        guard index + utf8.count <= bytes.count, Array(bytes[index..<index + utf8.count]) == utf8 else {
            throw fail("expected \(literal)")
        }
        index += utf8.count
    }

    private mutating func parseObject(depth: Int) throws -> JSON {
        if depth > limits.maxDepth { throw fail("nesting deeper than \(limits.maxDepth)") }
        index += 1
        var members: [(String, JSON)] = []
        // Objects are small: a linear scan finds a duplicate name faster than hashing, until one is not.
        var seen: Set<String>?
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
            let key = try parseString()
            if members.count < 16 {
                if members.contains(where: { $0.0 == key }) { throw fail("duplicate member name") }
            } else {
                if seen == nil { seen = Set(members.map(\.0)) }
                if !seen!.insert(key).inserted { throw fail("duplicate member name") }
            }
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipWhitespace()
            members.append((key, try parseValue(depth: depth)))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return .object(members) }
            throw fail("expected ',' or '}'")
        }
    }

    private mutating func parseArray(depth: Int) throws -> JSON {
        if depth > limits.maxDepth { throw fail("nesting deeper than \(limits.maxDepth)") }
        index += 1
        var elements: [JSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            guard index < bytes.count else { throw fail("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return .array(elements) }
            throw fail("expected ',' or ']'")
        }
    }

    private mutating func parseHex4() throws -> UInt16 {
        guard index + 4 <= bytes.count else { throw fail("short \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let digit: UInt16
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt16(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt16(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt16(c - UInt8(ascii: "A") + 10)
            default: throw fail("bad \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseString() throws -> String {
        index += 1
        // Most strings have no escape: take them as one slice.
        let start = index
        while index < bytes.count, index - start <= limits.maxStringBytes {
            let c = bytes[index]
            if c == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: bytes[start..<index - 1], as: UTF8.self)
            }
            if c == UInt8(ascii: "\\") || c < 0x20 { break }
            index += 1
        }
        var out = Array(bytes[start..<index])
        while true {
            guard index < bytes.count else { throw fail("unterminated string") }
            let c = bytes[index]
            if out.count > limits.maxStringBytes { throw fail("string longer than \(limits.maxStringBytes) bytes") }
            switch c {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"):
                index += 1
                guard index < bytes.count else { throw fail("unterminated escape") }
                let e = bytes[index]
                index += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    let unit = try parseHex4()
                    var scalar: Unicode.Scalar?
                    if (0xD800...0xDBFF).contains(unit) {
                        guard index + 2 <= bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                            throw fail("lone surrogate in \\u escape")
                        }
                        index += 2
                        let low = try parseHex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw fail("lone surrogate in \\u escape") }
                        scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
                    } else {
                        scalar = Unicode.Scalar(unit)
                    }
                    guard let s = scalar else { throw fail("lone surrogate in \\u escape") }
                    out.append(contentsOf: Array(String(Character(s)).utf8))
                default: throw fail("unknown escape")
                }
            case 0x00..<0x20:
                throw fail("control character in string")
            default:
                out.append(c)
                index += 1
            }
        }
    }

    private mutating func parseNumber() throws -> Double {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        func digits() -> Int {
            let s = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - s
        }
        guard index < bytes.count else { throw fail("bad number") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
        } else if digits() == 0 {
            throw fail("bad number")
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            if digits() == 0 { throw fail("bad number") }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            if digits() == 0 { throw fail("bad number") }
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Double(text), value.isFinite else { throw fail("number out of range") }
        return value
    }
}

// MARK: - Writing

extension JSON {
    /// Compact JSON in member order (`sortKeys` false) or with keys sorted by UTF-16 code units
    /// and numbers in ECMAScript form: the RFC 8785 canonical form when `sortKeys` is true.
    public func serialized(sortKeys: Bool = false) -> String {
        String(decoding: bytes(sortKeys: sortKeys), as: UTF8.self)
    }

    /// The serialised bytes; the fast path every writer uses.
    public func bytes(sortKeys: Bool = false) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(to: &out, sortKeys: sortKeys, indent: nil, level: 0)
        return out
    }

    /// Indented output for people.
    public func pretty() -> String {
        var out: [UInt8] = []
        write(to: &out, sortKeys: false, indent: Array("  ".utf8), level: 0)
        return String(decoding: out, as: UTF8.self)
    }

    /// The RFC 8785 (JCS) canonical bytes.
    public var canonicalData: Data { Data(bytes(sortKeys: true)) }

    private static func newline(_ out: inout [UInt8], _ indent: [UInt8]?, _ level: Int) {
        guard let indent else { return }
        out.append(0x0A)
        for _ in 0..<level { out.append(contentsOf: indent) }
    }

    private func write(to out: inout [UInt8], sortKeys: Bool, indent: [UInt8]?, level: Int) {
        switch self {
        case .null: out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C])
        case .bool(let b): out.append(contentsOf: b ? Array("true".utf8) : Array("false".utf8))
        case .number(let n): out.append(contentsOf: JSON.formatNumber(n).utf8)
        case .string(let s): JSON.writeString(s, to: &out)
        case .array(let elements):
            if elements.isEmpty { out.append(contentsOf: [0x5B, 0x5D]); return }
            out.append(0x5B)
            for (i, element) in elements.enumerated() {
                if i > 0 { out.append(0x2C) }
                JSON.newline(&out, indent, level + 1)
                element.write(to: &out, sortKeys: sortKeys, indent: indent, level: level + 1)
            }
            JSON.newline(&out, indent, level)
            out.append(0x5D)
        case .object(let members):
            if members.isEmpty { out.append(contentsOf: [0x7B, 0x7D]); return }
            let ordered = sortKeys && !JSON.inCanonicalOrder(members) ? members.sorted { JSON.canonicallyPrecedes($0.0, $1.0) } : members
            out.append(0x7B)
            for (i, (key, value)) in ordered.enumerated() {
                if i > 0 { out.append(0x2C) }
                JSON.newline(&out, indent, level + 1)
                JSON.writeString(key, to: &out)
                out.append(0x3A)
                if indent != nil { out.append(0x20) }
                value.write(to: &out, sortKeys: sortKeys, indent: indent, level: level + 1)
            }
            JSON.newline(&out, indent, level)
            out.append(0x7D)
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// RFC 8785 orders member names by UTF-16 code units. For ASCII names that is byte order,
    /// which needs no UTF-16 view.
    static func canonicallyPrecedes(_ a: String, _ b: String) -> Bool {
        if let ascii = a.utf8.withContiguousStorageIfAvailable({ x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool? in
                x.allSatisfy { $0 < 0x80 } && y.allSatisfy { $0 < 0x80 } ? x.lexicographicallyPrecedes(y) : nil
            } ?? nil
        }), let ascii { return ascii }
        return a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    /// Objects built in canonical order need no sort.
    static func inCanonicalOrder(_ members: [(String, JSON)]) -> Bool {
        var index = 1
        while index < members.count {
            if !canonicallyPrecedes(members[index - 1].0, members[index].0) { return false }
            index += 1
        }
        return true
    }

    /// Escapes only what RFC 8785 escapes: quote, backslash and control characters; everything
    /// else is copied as UTF-8.
    static func writeString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        let plain = s.utf8.withContiguousStorageIfAvailable { buffer in
            !buffer.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }
        } ?? false
        if plain {
            out.append(contentsOf: s.utf8)
            out.append(0x22)
            return
        }
        for byte in s.utf8 { appendEscaped(byte, to: &out) }
        out.append(0x22)
    }

    /// One byte of a string's UTF-8 as RFC 8785 writes it: the two-character escapes, `\\u00XX` for
    /// the other control characters, every other byte as it is.
    @inline(__always)
    static func appendEscaped(_ byte: UInt8, to out: inout [UInt8]) {
        switch byte {
        case 0x22: out.append(0x5C); out.append(0x22)
        case 0x5C: out.append(0x5C); out.append(0x5C)
        case 0x08: out.append(0x5C); out.append(0x62)
        case 0x0C: out.append(0x5C); out.append(0x66)
        case 0x0A: out.append(0x5C); out.append(0x6E)
        case 0x0D: out.append(0x5C); out.append(0x72)
        case 0x09: out.append(0x5C); out.append(0x74)
        case 0x00..<0x20:
            out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0xF)]])
        default: out.append(byte)
        }
    }

    /// `writeString` for the UTF-8 bytes of a string (a text column read in place).
    static func writeString(bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(0x22)
        for byte in bytes { appendEscaped(byte, to: &out) }
        out.append(0x22)
    }

    /// ECMAScript Number::toString (ECMA-262 7.1.12.1), as RFC 8785 requires: the shortest digits
    /// that round-trip, plain notation for exponents -7 < n <= 21, exponent notation otherwise.
    public static func formatNumber(_ value: Double) -> String {
        if value == 0 { return "0" }
        if value.rounded() == value && abs(value) < 1e15 { return String(Int64(value)) }
        if value < 0 { return "-" + formatNumber(-value) }
        // Swift's description gives the shortest round-trip digits; take them apart.
        let described = "\(value)"
        var mantissa = described
        var exponent = 0
        if let e = described.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(described[..<e])
            exponent = Int(described[described.index(after: e)...])!
        }
        var intPart = mantissa
        var fracPart = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = String(mantissa[..<dot])
            fracPart = String(mantissa[mantissa.index(after: dot)...])
        }
        var digits = intPart + fracPart
        var pointPosition = intPart.count + exponent  // decimal point after this many digits
        let leadingZeros = digits.prefix { $0 == "0" }.count
        digits.removeFirst(leadingZeros)
        pointPosition -= leadingZeros
        while digits.hasSuffix("0") { digits.removeLast() }
        let k = digits.count
        let n = pointPosition
        if k <= n && n <= 21 {
            return digits + String(repeating: "0", count: n - k)
        }
        if 0 < n && n <= 21 {
            let i = digits.index(digits.startIndex, offsetBy: n)
            return digits[..<i] + "." + digits[i...]
        }
        if -6 < n && n <= 0 {
            return "0." + String(repeating: "0", count: -n) + digits
        }
        let e = n - 1
        let sign = e < 0 ? "-" : "+"
        let first = digits.prefix(1)
        let rest = digits.dropFirst()
        return first + (rest.isEmpty ? "" : "." + rest) + "e" + sign + String(abs(e))
    }
}
