/// What a province configures (civlink-config(1)): time limits, dated base-salary rows, holidays,
/// agency display names and the reference tables. The ledger stores them in its settings; this is
/// the part without storage: which keys exist and which values each accepts.
public enum Setting: Sendable, Equatable, Hashable {
    /// `deadline.CODE`: a procedure's time limit in working days.
    case deadline(procedure: String)
    /// `base-salary.YYYY-MM-DD`: the base salary in VND from that day.
    case baseSalary(from: CivilDate)
    /// `holiday.YYYY-MM-DD`: a public holiday (value: its name).
    case holiday(CivilDate)
    /// `workday.YYYY-MM-DD`: a weekend day worked in exchange for a holiday (value: why).
    case workday(CivilDate)
    /// `agency.CODE.name`: how the agency is named to people.
    case agencyName(Agency)
    /// A whole reference table, loaded from a file.
    case table(ReferenceTableKind)

    /// The longest time limit a province may set, in working days.
    public static let maximumDeadlineDays = 60

    /// What `key` may be, for error messages and help.
    public static let keyForms = "deadline.PROCEDURE, base-salary.YYYY-MM-DD, holiday.YYYY-MM-DD, workday.YYYY-MM-DD, agency.AGENCY.name, "
        + ReferenceTableKind.allCases.map(\.rawValue).joined(separator: ", ")

    public init(parsing key: String) throws {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1, let table = ReferenceTableKind(rawValue: key) {
            self = .table(table)
            return
        }
        switch (parts.first, parts.count) {
        case ("deadline"?, 2):
            guard ProcedureKind.named(parts[1]) != nil else {
                throw ValidationError("key", "\(key): unknown procedure (procedures: \(ProcedureKind.all.map(\.code).joined(separator: ", ")))")
            }
            self = .deadline(procedure: parts[1])
        case ("base-salary"?, 2), ("holiday"?, 2), ("workday"?, 2):
            guard let date = CivilDate(parts[1]) else { throw ValidationError("key", "\(key): must end with a real date YYYY-MM-DD") }
            self = parts[0] == "base-salary" ? .baseSalary(from: date) : parts[0] == "holiday" ? .holiday(date) : .workday(date)
        case ("agency"?, 3) where parts[2] == "name":
            guard let agency = Agency(rawValue: parts[1]) else {
                throw ValidationError("key", "\(key): unknown agency (agencies: \(Agency.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            self = .agencyName(agency)
        default:
            throw ValidationError("key", "unknown setting '\(key)' (settings: \(Setting.keyForms))")
        }
    }

    public var key: String {
        switch self {
        case .deadline(let code): return "deadline.\(code)"
        case .baseSalary(let date): return "base-salary.\(date)"
        case .holiday(let date): return "holiday.\(date)"
        case .workday(let date): return "workday.\(date)"
        case .agencyName(let agency): return "agency.\(agency.rawValue).name"
        case .table(let table): return table.rawValue
        }
    }

    /// The value as stored, or the rule it breaks (`ValidationError` naming the key).
    public func normalise(_ value: String) throws -> String {
        func whole(_ range: ClosedRange<Int>, _ rule: Phrase) throws -> String {
            guard !value.isEmpty, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }), value.utf8.count <= 12,
                  let n = Int(value), range.contains(n) else { throw ValidationError(key, rule) }
            return String(n)
        }
        switch self {
        case .deadline:
            return try whole(0...Setting.maximumDeadlineDays, "must be a whole number of working days from 0 to \(Setting.maximumDeadlineDays)")
        case .baseSalary:
            return try whole(1...BaseSalaryTable.maximumVND, "must be a whole number of VND from 1 to \(BaseSalaryTable.maximumVND), digits only")
        case .holiday, .workday:
            if case .workday(let date) = self, !date.isWeekend {
                throw ValidationError(key, "must be a Saturday or Sunday: a weekend day worked in exchange for a holiday")
            }
            if value.isEmpty { return "" }
            return try TextRules.normalise(value, field: key, maxLength: 100)
        case .agencyName:
            return try TextRules.normalise(value, field: key, maxLength: 100)
        case .table:
            throw ValidationError(key, "is a reference table: it is loaded from a file, not set to a value")
        }
    }

    /// Every key a person may complete on a command line: the fixed ones (dated rows take a date).
    public static var completions: [String] {
        ProcedureKind.all.map { "deadline.\($0.code)" } + Agency.allCases.map { "agency.\($0.rawValue).name" }
            + ["base-salary.", "holiday.", "workday."] + ReferenceTableKind.allCases.map(\.rawValue)
    }
}

/// The reference tables a ledger can hold instead of the shipped ones.
public enum ReferenceTableKind: String, Sendable, CaseIterable {
    case provinces
    case communes
    case baseSalary = "base-salary"
    case holidays

    /// The text of a table's file (UTF-8; a byte order mark is dropped). A file that is not
    /// text is bad input for this table.
    public func readFile(_ path: String) throws -> String {
        do { return try ReferenceTable.text(path: path) } catch let failure as Failure where failure.kind == .configuration {
            throw ValidationError(rawValue, failure.phrase)
        }
    }

    /// Checks a table's text (its format, civlink-config(1)) and returns it as stored.
    public func validate(text: String, source: String) throws -> String {
        switch self {
        case .provinces: return try ProvinceTable(text: text, source: source).text
        case .communes: return try CommuneTable(text: text, source: source).text
        case .baseSalary: return try BaseSalaryTable(text: text, source: source).text
        case .holidays: return try WorkingCalendar(text: text, source: source).text
        }
    }
}

extension Agency {
    /// How the agency is named to people until a province sets its own name: the
    /// Labour-Invalids-Social Affairs line was reorganised in 2025, so its name is a setting.
    public var defaultName: String {
        switch self {
        case .civilStatus: return "Commune People's Committee (civil status)"
        case .population: return "National Population Database (Ministry of Public Security)"
        case .residence: return "Commune police (residence management)"
        case .socialInsurance: return "Vietnam Social Security"
        case .socialAffairs: return "Labour-Invalids-Social Affairs office"
        }
    }
}

extension ReferenceTable {
    /// `text` with the data rows whose `column` is `key` (and, with `kind`, whose `kindColumn` is
    /// `kind`) removed, and `row` (values by column) inserted in order of `column`; the comments and
    /// header kept. Throws when there is nothing to remove and no row to add.
    static func editing(_ text: String, source: String, requiredColumns: [String], column: String, key: String,
                        kindColumn: String? = nil, kind: String? = nil, row: [String: String]?) throws -> (text: String, removed: Int) {
        let table = try ReferenceTable(text: text, source: source, requiredColumns: requiredColumns)
        let keyIndex = table.columns.firstIndex(of: column)!
        let kindIndex = kindColumn.flatMap { table.columns.firstIndex(of: $0) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        var removed = 0
        var headerSeen = false
        var insertAt: Int?
        var out: [String] = []
        for line in lines {
            let bare = line.hasSuffix("\r") ? String(line.dropLast()) : line
            if bare.isEmpty || bare.hasPrefix("#") { out.append(line); continue }
            if !headerSeen { headerSeen = true; out.append(line); continue }
            let fields = bare.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields[keyIndex] == key && (kindIndex == nil || kind == nil || fields[kindIndex!] == kind) {
                removed += 1
                continue
            }
            if insertAt == nil, fields[keyIndex] > key { insertAt = out.count }
            out.append(line)
        }
        if let row {
            let line = table.columns.map { row[$0] ?? "" }.joined(separator: "\t")
            out.insert(line, at: insertAt ?? out.count)
        }
        return (out.joined(separator: "\n") + "\n", removed)
    }

    /// The data rows of `text` as values by column, in file order.
    static func records(_ text: String, source: String, requiredColumns: [String]) throws -> [[String: String]] {
        let table = try ReferenceTable(text: text, source: source, requiredColumns: requiredColumns)
        return table.rows.map { row in Dictionary(zip(table.columns, row.fields), uniquingKeysWith: { first, _ in first }) }
    }
}
