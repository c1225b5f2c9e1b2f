/// The shape of a JSON input (declaration, receipt): which fields exist, their types and limits.
/// `validate` refuses unknown fields and wrong types, NFC-normalises text and returns the
/// normalised object in schema order, so stored declarations are byte-stable.
public struct Schema: Sendable {
    public indirect enum FieldType: Sendable {
        case name                      // a person's or place's name: NFC, no control characters, <= 100
        case text(Int)                 // free text with a length bound
        case date                      // YYYY-MM-DD, a real date
        case time                      // HH:MM
        case timestamp                 // RFC 3339
        case personalID                // 12 digits (shape only here; rules that need a birth date run later)
        case digits(Int)               // exactly n ASCII digits
        case digitsOf([Int])           // n ASCII digits, n one of these (an old ID card: 9 or 12)
        case countryCode               // ISO 3166-1 alpha-3: three capital letters
        case code(Int)                 // ASCII letters, digits, '-', '/', '.'; up to n characters
        case oneOf([String])
        case bool
        case wholeNumber(ClosedRange<Int>)
        case object(Schema)
        case list(FieldType, Int)      // an array of up to n elements
    }

    public struct Field: Sendable {
        public let name: String
        public let type: FieldType
        public let required: Bool
    }

    public let fields: [Field]
    private let known: Set<String>
    /// Members the schema does not name are kept as they are instead of refused (an agency's
    /// result may carry more than civlink reads).
    public let allowsUnknownFields: Bool

    public init(_ fields: [Field], allowsUnknownFields: Bool = false) {
        self.fields = fields
        self.allowsUnknownFields = allowsUnknownFields
        known = Set(fields.map(\.name))
    }

    /// Validates `value`, throwing every rule it breaks at once (`ValidationErrors`).
    public func validate(_ value: JSON, path: String = "") throws -> JSON {
        var errors = ValidationCollector()
        let out = validate(value, path: path, into: &errors)
        try errors.throwIfAny()
        return out ?? .object([])
    }

    /// Validates `value`, adding each rule it breaks to `errors` and going on. Returns the
    /// normalised object without the members that broke a rule (so later rules skip them), or
    /// nil when `value` is not an object.
    public func validate(_ value: JSON, path: String = "", into errors: inout ValidationCollector) -> JSON? {
        guard case .object(let members) = value else {
            errors.add(path, "must be a JSON object")
            return nil
        }
        for (key, _) in members where !known.contains(key) && !allowsUnknownFields {
            errors.add(join(path, key), "unknown field (allowed: \(fields.map(\.name).joined(separator: ", ")))")
        }
        var out: [(String, JSON)] = []
        for field in fields {
            let fieldPath = join(path, field.name)
            guard let member = members.first(where: { $0.0 == field.name })?.1, member != .null else {
                if field.required { errors.add(fieldPath, "is required") }
                continue
            }
            if let checked = Schema.check(member, as: field.type, path: fieldPath, into: &errors) {
                out.append((field.name, checked))
            }
        }
        if allowsUnknownFields { out += members.filter { !known.contains($0.0) } }
        return .object(out)
    }

    private func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// One value against its type: the normalised value, or nil with the rules it breaks added.
    static func check(_ value: JSON, as type: FieldType, path: String, into errors: inout ValidationCollector) -> JSON? {
        switch type {
        case .object(let schema):
            return schema.validate(value, path: path, into: &errors)
        case .list(let elementType, let max):
            guard case .array(let elements) = value else {
                errors.add(path, "must be a JSON array")
                return nil
            }
            guard elements.count <= max else {
                errors.add(path, "must have at most \(max) elements")
                return nil
            }
            var out: [JSON] = []
            var complete = true
            for (index, element) in elements.enumerated() {
                if let checked = check(element, as: elementType, path: "\(path)[\(index)]", into: &errors) { out.append(checked) } else { complete = false }
            }
            return complete ? .array(out) : nil
        default:
            return errors.check { try scalar(value, as: type, path: path) }
        }
    }

    /// A value that is not an object or a list: its first broken rule is its only one.
    static func scalar(_ value: JSON, as type: FieldType, path: String) throws -> JSON {
        func string() throws -> String {
            guard case .string(let s) = value else { throw ValidationError(path, "must be a string") }
            return s
        }
        func isDigits(_ s: String) -> Bool { s.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        switch type {
        case .name:
            return .string(try TextRules.normalise(try string(), field: path, maxLength: 100))
        case .text(let max):
            return .string(try TextRules.normalise(try string(), field: path, maxLength: max))
        case .date:
            let s = try string()
            guard let date = CivilDate(s) else { throw ValidationError(path, "must be a real date YYYY-MM-DD") }
            return .string(date.description)
        case .time:
            let s = try string()
            let parts = s.split(separator: ":")
            guard s.count == 5, parts.count == 2, let h = Int(parts[0]), let m = Int(parts[1]),
                  (0..<24).contains(h), (0..<60).contains(m), s.allSatisfy(\.isASCII) else {
                throw ValidationError(path, "must be a time HH:MM")
            }
            return .string(s)
        case .timestamp:
            let s = try string()
            guard let stamp = Timestamp(s) else {
                throw ValidationError(path, "must be an RFC 3339 time such as 2026-11-20T09:30:00+07:00")
            }
            return .string(stamp.description)
        case .personalID:
            let s = try string()
            guard s.utf8.count == 12, isDigits(s) else { throw ValidationError(path, "must be 12 digits") }
            return .string(s)
        case .digits(let n):
            let s = try string()
            guard s.utf8.count == n, isDigits(s) else { throw ValidationError(path, "must be \(n) digits") }
            return .string(s)
        case .digitsOf(let counts):
            let s = try string()
            guard counts.contains(s.utf8.count), isDigits(s) else {
                throw ValidationError(path, "must be \(counts.map(String.init).joined(separator: " or ")) digits")
            }
            return .string(s)
        case .countryCode:
            let s = try string()
            guard s.utf8.count == 3, s.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
                throw ValidationError(path, "must be an ISO 3166-1 alpha-3 country code: 3 capital letters such as KOR")
            }
            return .string(s)
        case .code(let max):
            let s = try string()
            guard !s.isEmpty, s.utf8.count <= max,
                  s.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-/._".unicodeScalars.contains($0)) })
            else {
                throw ValidationError(path, "must be 1 to \(max) ASCII letters, digits, '-', '/', '.', '_'")
            }
            return .string(s)
        case .oneOf(let choices):
            let s = try string()
            guard choices.contains(s) else { throw ValidationError(path, "must be one of \(choices.joined(separator: ", "))") }
            return .string(s)
        case .bool:
            guard case .bool = value else { throw ValidationError(path, "must be true or false") }
            return value
        case .wholeNumber(let range):
            guard case .number = value, let n = value.intValue else { throw ValidationError(path, "must be a whole number") }
            guard range.contains(n) else { throw ValidationError(path, "must be between \(range.lowerBound) and \(range.upperBound)") }
            return .int(n)
        case .object, .list:
            var errors = ValidationCollector()
            let out = check(value, as: type, path: path, into: &errors)
            try errors.throwIfAny()
            return out ?? .null
        }
    }
}

extension Schema.Field {
    public static func required(_ name: String, _ type: Schema.FieldType) -> Schema.Field {
        Schema.Field(name: name, type: type, required: true)
    }
    public static func optional(_ name: String, _ type: Schema.FieldType) -> Schema.Field {
        Schema.Field(name: name, type: type, required: false)
    }
}
