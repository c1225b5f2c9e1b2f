/// Administrative units as data. Until 30 June 2025 Vietnam had 63 provinces (2-digit codes, the
/// last two digits of the 3-digit codes that open personal ID numbers) over districts and
/// communes; from 1 July 2025 local government has two levels, 34 provinces with new 2-digit codes
/// and communes with new 5-digit codes (Decision 19/2025/QD-TTg). A record keeps the codes of the
/// day its file reached the desk; the province table maps the 63 to the 34.
extension ProvinceTable {
    /// The first day of the 34-province units.
    public static let reorganisation = CivilDate(year: 2025, month: 7, day: 1)!

    /// Which units a record of `date` is declared in.
    public static func isBeforeReorganisation(_ date: CivilDate) -> Bool { date < reorganisation }

    /// The 2-digit province code of a 63-province code of personal ID numbers (`040` -> `40`).
    static func provinceCode(ofIDCode idCode: String) -> String { String(idCode.dropFirst()) }

    /// The province codes in force on `date`: the 63 before the reorganisation, the 34 from it.
    public func provinceCodes(on date: CivilDate) -> Set<String> {
        ProvinceTable.isBeforeReorganisation(date) ? Set(byIDCode.keys.map(ProvinceTable.provinceCode(ofIDCode:)))
            : Set(byIDCode.values.map(\.unit2025))
    }

    /// The province's name on `date`, nil for a code not in force then.
    public func provinceName(_ code: String, on date: CivilDate) -> String? {
        if ProvinceTable.isBeforeReorganisation(date) { return byIDCode["0" + code].map(\.name) }
        return byIDCode.values.first { $0.unit2025 == code }?.unit2025Name
    }

    /// The 34-province code a province of `date` belongs to today.
    public func currentProvince(_ code: String, on date: CivilDate) -> String? {
        ProvinceTable.isBeforeReorganisation(date) ? byIDCode["0" + code]?.unit2025 : code
    }

    /// The 63-province codes whose territory is in the 2025 province `code`.
    public func formerProvinces(of code: String) -> [String] {
        byIDCode.values.filter { $0.unit2025 == code }.map { ProvinceTable.provinceCode(ofIDCode: $0.idCode) }.sorted()
    }

    /// The 3-digit codes a personal ID number registered in the province (as of `date`) may open
    /// with: the province's own before the reorganisation, those of the provinces merged into it
    /// from then (numbers keep their codes).
    public func idCodes(ofProvince code: String, on date: CivilDate) -> [String] {
        if ProvinceTable.isBeforeReorganisation(date) { return byIDCode["0" + code] == nil ? [] : ["0" + code] }
        return byIDCode.values.filter { $0.unit2025 == code }.map(\.idCode).sorted()
    }
}

/// Communes with the periods their codes are in force, loaded from a file
/// (`civlink config load communes FILE`; format in civlink-config(1)): there is no national list in
/// civlink, so without one loaded a commune code is checked for its shape only.
public struct CommuneTable: Sendable {
    public struct Commune: Sendable, Equatable {
        public let code: String
        public let name: String
        /// The province code of the commune's period (63-province code before 1 July 2025).
        public let province: String
        public let validFrom: CivilDate?
        public let validUntil: CivilDate?
        /// The commune that took its territory when it ended, if any.
        public let successor: String?

        public func isInForce(on date: CivilDate) -> Bool {
            (validFrom.map { $0 <= date } ?? true) && (validUntil.map { date <= $0 } ?? true)
        }
    }

    public let communes: [Commune]
    private let byCode: [String: [Commune]]
    /// The file as read, so the ledger can keep it.
    public let text: String

    public init(text: String, source: String) throws {
        let table = try ReferenceTable(text: text, source: source, requiredColumns: ["code", "name", "province", "valid_from", "valid_until"])
        let hasSuccessor = table.columns.contains("successor")
        var rows: [Commune] = []
        var byCode: [String: [Commune]] = [:]
        func digits(_ s: String, _ n: Int) -> Bool { s.utf8.count == n && s.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        let column = Dictionary(table.columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let (codeAt, nameAt, provinceAt) = (column["code"]!, column["name"]!, column["province"]!)
        let (fromAt, untilAt, successorAt) = (column["valid_from"]!, column["valid_until"]!, column["successor"])
        for row in table.rows {
            let code = row.fields[codeAt], province = row.fields[provinceAt]
            let from = row.fields[fromAt], until = row.fields[untilAt]
            let successor = hasSuccessor ? row.fields[successorAt!] : ""
            let at = "\(source) line \(row.line)"
            guard digits(code, 5) else { throw Failure(.configuration, "\(at): code must be 5 digits") }
            guard digits(province, 2) else { throw Failure(.configuration, "\(at): province must be 2 digits") }
            guard !row.fields[nameAt].isEmpty else { throw Failure(.configuration, "\(at): name must not be empty") }
            guard from.isEmpty || CivilDate(from) != nil else { throw Failure(.configuration, "\(at): valid_from must be empty or a date YYYY-MM-DD") }
            guard until.isEmpty || CivilDate(until) != nil else { throw Failure(.configuration, "\(at): valid_until must be empty or a date YYYY-MM-DD") }
            guard successor.isEmpty || digits(successor, 5) else { throw Failure(.configuration, "\(at): successor must be empty or 5 digits") }
            let commune = Commune(code: code, name: row.fields[nameAt], province: province, validFrom: CivilDate(from),
                                  validUntil: CivilDate(until), successor: successor.isEmpty ? nil : successor)
            if let a = commune.validFrom, let b = commune.validUntil, b < a {
                throw Failure(.configuration, "\(at): valid_until is before valid_from")
            }
            for other in byCode[code] ?? [] {
                let startsBeforeOtherEnds = (commune.validFrom ?? CivilDate(year: 1, month: 1, day: 1)!) <= (other.validUntil ?? CivilDate(year: 9999, month: 12, day: 31)!)
                let endsAfterOtherStarts = (commune.validUntil ?? CivilDate(year: 9999, month: 12, day: 31)!) >= (other.validFrom ?? CivilDate(year: 1, month: 1, day: 1)!)
                if startsBeforeOtherEnds && endsAfterOtherStarts {
                    throw Failure(.configuration, "\(at): code \(code) is in force twice on the same days")
                }
            }
            rows.append(commune)
            byCode[code, default: []].append(commune)
        }
        communes = rows
        self.byCode = byCode
        self.text = text
    }

    /// The commune with this code in force on `date`, if any.
    public func commune(_ code: String, on date: CivilDate) -> Commune? {
        byCode[code]?.first { $0.isInForce(on: date) }
    }

    /// The commune a commune of a record before the reorganisation is counted under today: the
    /// successor of its last period that ended before the reorganisation (followed along a chain
    /// of mergers), else itself.
    public func currentCommune(_ code: String, on date: CivilDate) -> String {
        ProvinceTable.isBeforeReorganisation(date) ? resolve(code) : code
    }

    private func resolve(_ code: String) -> String {
        var current = code
        for _ in 0..<8 {
            let ended = (byCode[current] ?? []).filter { $0.successor != nil && ($0.validUntil.map { $0 < ProvinceTable.reorganisation } ?? false) }
            guard let last = ended.max(by: { $0.validUntil! < $1.validUntil! }), let next = last.successor, next != current else { break }
            current = next
        }
        return current
    }

    /// The commune codes of records before the reorganisation that count under `code` today.
    public func formerCommunes(of code: String) -> [String] {
        var codes = Set(byCode.keys.filter { resolve($0) == code })
        if resolve(code) == code { codes.insert(code) }
        return codes.sorted()
    }
}
