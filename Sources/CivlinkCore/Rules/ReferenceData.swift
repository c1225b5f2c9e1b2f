import FoundationEssentials

/// Reference data every rule reads. Built once per process.
public struct ReferenceData: Sendable {
    public var provinces: ProvinceTable
    public var calendar: WorkingCalendar
    public var baseSalary: BaseSalaryTable
    /// The commune list, when one is loaded into the ledger; nil: commune codes are checked for
    /// their shape only.
    public var communes: CommuneTable?
    public static let embedded = ReferenceData(provinces: .embedded, calendar: .embedded, baseSalary: .embedded)
    public init(provinces: ProvinceTable, calendar: WorkingCalendar, baseSalary: BaseSalaryTable, communes: CommuneTable? = nil) {
        self.provinces = provinces
        self.calendar = calendar
        self.baseSalary = baseSalary
        self.communes = communes
    }
}

/// A tab-separated reference table: `#` comments, a header line naming the columns, then rows.
/// Reference data (provinces, holidays, base salary) ships this way so a province can replace it.
struct ReferenceTable {
    let columns: [String]
    let rows: [(line: Int, fields: [String])]

    init(text: String, source: String, requiredColumns: [String]) throws {
        var header: [String]?
        var rows: [(Int, [String])] = []
        // Split on the bytes: a commune list has thousands of rows, and "\r\n" is one Character,
        // so a file with CRLF line ends would not split on Character "\n".
        for (offset, rawLine) in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.last == 0x0D ? rawLine.dropLast() : rawLine
            if line.isEmpty || line.first == 0x23 { continue }
            let fields = line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            if header == nil {
                header = fields
                for column in requiredColumns where !fields.contains(column) {
                    throw Failure(.configuration, "\(source): header has no column '\(column)'")
                }
                continue
            }
            guard fields.count == header!.count else {
                throw Failure(.configuration, "\(source) line \(offset + 1): \(fields.count) fields, the header has \(header!.count)")
            }
            rows.append((offset + 1, fields))
        }
        guard let header else { throw Failure(.configuration, "\(source): no header line") }
        self.columns = header
        self.rows = rows
    }

    /// The text of a reference file, with a clear error for a missing or non-UTF-8 file.
    static func text(path: String) throws -> String {
        guard let data = Files.read(path) else { throw Files.readFailure(path) }
        guard let text = String(validating: data, as: UTF8.self) else { throw Failure(.configuration, "\(path): not UTF-8 text") }
        // A file saved by a spreadsheet program may start with a byte order mark.
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
    }

    func value(_ column: String, _ fields: [String]) -> String {
        fields[columns.firstIndex(of: column)!]
    }
}

/// The 63 province codes that open a personal ID number (place of birth registration).
public struct ProvinceTable: Sendable {
    public struct Province: Sendable {
        public let idCode: String
        public let name: String
        public let unit2025: String
        public let unit2025Name: String
    }
    public let byIDCode: [String: Province]
    /// The file as read, so the ledger can keep it.
    public let text: String

    /// The name of a 2025 province (unit_2025 → unit_2025_name), e.g. "40" → "Nghệ An".
    public func name(ofProvince unit2025: String) -> String? {
        byIDCode.values.first { $0.unit2025 == unit2025 }?.unit2025Name
    }

    public static let embedded: ProvinceTable = try! ProvinceTable(text: EmbeddedData.provinces, source: "embedded provinces")

    public init(text: String, source: String) throws {
        let table = try ReferenceTable(text: text, source: source, requiredColumns: ["id_code", "name", "unit_2025", "unit_2025_name"])
        var map: [String: Province] = [:]
        func digits(_ s: String, _ n: Int) -> Bool { s.utf8.count == n && s.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        for row in table.rows {
            let code = table.value("id_code", row.fields)
            guard digits(code, 3), code.hasPrefix("0") else {
                throw Failure(.configuration, "\(source) line \(row.line): id_code must be 3 digits starting with 0")
            }
            guard map[code] == nil else { throw Failure(.configuration, "\(source) line \(row.line): id_code \(code) is listed twice") }
            guard digits(table.value("unit_2025", row.fields), 2) else {
                throw Failure(.configuration, "\(source) line \(row.line): unit_2025 must be 2 digits")
            }
            guard !table.value("name", row.fields).isEmpty, !table.value("unit_2025_name", row.fields).isEmpty else {
                throw Failure(.configuration, "\(source) line \(row.line): name and unit_2025_name must not be empty")
            }
            map[code] = Province(idCode: code, name: table.value("name", row.fields),
                                 unit2025: table.value("unit_2025", row.fields),
                                 unit2025Name: table.value("unit_2025_name", row.fields))
        }
        guard !map.isEmpty else { throw Failure(.configuration, "\(source): no provinces") }
        byIDCode = map
        self.text = text
    }
}

/// Dated statutory base salary; the funeral allowance is ten times the one in force in the month
/// of death.
public struct BaseSalaryTable: Sendable {
    public let steps: [(from: CivilDate, vnd: Int)]
    /// The file as read, so the ledger can keep it.
    public let text: String

    public static let embedded: BaseSalaryTable = try! BaseSalaryTable(text: EmbeddedData.baseSalary, source: "embedded base salary")

    public init(text: String, source: String) throws {
        let table = try ReferenceTable(text: text, source: source, requiredColumns: ["from", "vnd"])
        steps = try table.rows.map { row in
            guard let from = CivilDate(table.value("from", row.fields)), let vnd = Int(table.value("vnd", row.fields)),
                  vnd > 0, vnd <= BaseSalaryTable.maximumVND else {
                throw Failure(.configuration, "\(source) line \(row.line): expected a date and a whole number of VND from 1 to \(BaseSalaryTable.maximumVND)")
            }
            return (from, vnd)
        }.sorted { $0.from < $1.from }
        for (a, b) in zip(steps, steps.dropFirst()) where a.from == b.from {
            throw Failure(.configuration, "\(source): \(a.from) is listed twice")
        }
        guard !steps.isEmpty else { throw Failure(.configuration, "\(source): no base salary rows") }
        self.text = text
    }

    /// A monthly base salary above this is a typing mistake (a thousand times today's).
    public static let maximumVND = 10_000_000_000

    /// The base salary in force on the first day of `date`'s month.
    public func baseSalary(on date: CivilDate) -> Int? {
        let monthStart = CivilDate(year: date.year, month: date.month, day: 1)!
        return steps.last { $0.from <= monthStart }?.vnd
    }
}
