/// What `civlink find` looks a dossier up by, and the index rows a dossier has for it.
public enum SearchKeyKind: String, Sendable, CaseIterable {
    /// A personal ID number: the child's (once assigned), mother's, father's, deceased's or declarant's.
    case personalID = "personal-id"
    /// A person's name, optionally with their date of birth.
    case name
    /// The medical birth certificate number or the death notice number.
    case document
    /// The declaration's own reference.
    case reference
}

/// One row of the search index: the key, whose key it is, and for names the name's comparison
/// key and the person's date of birth (to check candidates and filter by birth date).
public struct SearchKey: Sendable, Hashable {
    public let key: String
    public let role: String
    public let name: String?
    public let born: String?
}

/// A search as asked: which kind of key and its value, or a name with a date of birth.
public struct SearchQuery: Sendable {
    public let kinds: [SearchKeyKind]
    /// The index keys to look up; for names, candidates still to be checked.
    let lookups: [String]
    /// The comparison key of a name searched.
    let name: String?
    public let born: CivilDate?

    public var isName: Bool { name != nil }

    /// What the search event records: the kinds of key, never their values.
    public var recordedKind: String {
        kinds.map(\.rawValue).joined(separator: "|") + (born != nil ? "+date-of-birth" : "")
    }

    public static func personalID(_ text: String) throws -> SearchQuery {
        let digits = SearchKeys.compact(text)
        guard digits.utf8.count == 12, digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw ValidationError("id", "must be a 12-digit personal ID number")
        }
        return SearchQuery(kinds: [.personalID], lookups: [SearchKeys.personalIDKey(digits)], name: nil, born: nil)
    }

    public static func name(_ text: String, born: CivilDate? = nil) throws -> SearchQuery {
        let normalised = try TextRules.normalise(text, field: "name", maxLength: 100)
        let key = TextRules.comparisonKey(normalised)
        guard key.contains(where: { $0.isLetter }) else { throw ValidationError("name", "must contain letters") }
        return SearchQuery(kinds: [.name], lookups: NameMatch.lookupKeys(key), name: key, born: born)
    }

    public static func document(_ text: String) throws -> SearchQuery {
        let code = try SearchKeys.code(text, field: "document")
        return SearchQuery(kinds: [.document], lookups: [SearchKeys.documentKey(code)], name: nil, born: nil)
    }

    public static func reference(_ text: String) throws -> SearchQuery {
        let code = try SearchKeys.code(text, field: "reference")
        return SearchQuery(kinds: [.reference], lookups: [SearchKeys.referenceKey(code)], name: nil, born: nil)
    }

    /// A key typed without saying its kind: 12 digits are a personal ID number; text with a space,
    /// a letter outside ASCII or no digit is a name; any other code is a document number or a
    /// reference.
    public static func guess(_ text: String, born: CivilDate? = nil) throws -> SearchQuery {
        let compact = SearchKeys.compact(text)
        if born == nil, compact.utf8.count == 12, compact.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
            return try personalID(compact)
        }
        let trimmed = TextRules.trimSpaces(text)
        if born != nil || trimmed.contains(" ") || trimmed.unicodeScalars.contains(where: { !$0.isASCII })
            || !trimmed.unicodeScalars.contains(where: { $0.properties.numericType != nil }) {
            return try name(text, born: born)
        }
        let code = try SearchKeys.code(text, field: "key")
        return SearchQuery(kinds: [.document, .reference], lookups: [SearchKeys.documentKey(code), SearchKeys.referenceKey(code)],
                           name: nil, born: nil)
    }

    /// Whether a candidate row found by `lookups` answers the query, and how closely: 0 exact,
    /// 1 one typo; nil when it does not.
    func distance(of row: SearchKey) -> Int? {
        guard let name else { return 0 }
        guard let stored = row.name else { return nil }
        if let born, row.born != born.description { return nil }
        return NameMatch.distanceAtMostOne(name, stored)
    }
}

/// The index rows of a dossier, from its declaration and the results agencies returned.
public enum SearchKeys {
    static func personalIDKey(_ digits: String) -> String { "id:" + digits }
    static func documentKey(_ code: String) -> String { "doc:" + code }
    static func referenceKey(_ code: String) -> String { "ref:" + code }

    /// Without spaces or dashes, as people copy numbers off paper.
    static func compact(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != " " && $0 != "-" && $0 != "\t" }))
    }

    /// A document number or reference as indexed: printable ASCII, upper case, at most 64 characters.
    static func code(_ text: String, field: String) throws -> String {
        let trimmed = TextRules.trimSpaces(text)
        guard !trimmed.isEmpty else { throw ValidationError(field, "must not be empty") }
        guard trimmed.utf8.count <= 64, trimmed.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw ValidationError(field, "must be at most 64 printable ASCII characters without spaces")
        }
        return trimmed.uppercased()
    }

    /// The persons of a dossier: the role, the declaration member, whether it has a date of birth.
    static func persons(_ group: ProcedureGroup) -> [String] {
        group == .birth ? ["child", "mother", "father", "declarant"] : ["deceased", "declarant"]
    }

    /// Every index row of a dossier. `results` maps procedure codes to the results returned
    /// (the child's personal ID number comes back from the population database). A declarant
    /// who is the father or the mother (the same personal ID number and name) is one person with
    /// two roles (`father,declarant`), indexed once.
    public static func of(group: ProcedureGroup, declaration d: JSON, results: [String: JSON]) -> [SearchKey] {
        var persons: [(roles: [String], id: String?, name: String?, born: String?)] = []
        for role in self.persons(group) {
            guard let person = d[role] else { continue }
            var id = person["personal_id"]?.stringValue
            if role == "child" { id = results[ProcedureKind.personalID.code]?["personal_id"]?.stringValue }
            let name = person["full_name"]?.stringValue.map(TextRules.comparisonKey)
            if role == "declarant", let id, let same = persons.firstIndex(where: { $0.id == id && $0.name == name }) {
                persons[same].roles.append(role)
                continue
            }
            persons.append(([role], id, name, person["date_of_birth"]?.stringValue))
        }
        var keys: [SearchKey] = []
        for person in persons {
            let role = person.roles.joined(separator: ",")
            if let id = person.id { keys.append(SearchKey(key: personalIDKey(id), role: role, name: nil, born: nil)) }
            if let name = person.name {
                for key in NameMatch.indexKeys(name) { keys.append(SearchKey(key: key, role: role, name: name, born: person.born)) }
            }
        }
        let document = group == .birth ? d["medical_birth_certificate"]?["number"] : d["death_notice"]?["number"]
        if let number = document?.stringValue {
            keys.append(SearchKey(key: documentKey(number.uppercased()), role: group == .birth ? "medical-birth-certificate" : "death-notice",
                                  name: nil, born: nil))
        }
        if let reference = d["reference"]?.stringValue {
            keys.append(SearchKey(key: referenceKey(reference.uppercased()), role: "reference", name: nil, born: nil))
        }
        var seen = Set<String>()
        return keys.filter { seen.insert($0.key + "\u{0}" + $0.role).inserted }
    }
}
