/// A province's configuration (civlink-config(1)) in the ledger's settings: time limits, agency
/// names and the reference tables, each table stored whole as the text of its file. Dated rows
/// (base salary, holidays) are edits of the stored table, which starts as the shipped one.
extension Ledger {
    /// A setting's effective value and where it comes from.
    public struct SettingEntry: Sendable {
        public let key: String
        public let value: String
        /// `ledger` (set in this ledger), `default` (civlink's), `shipped` (a table built into civlink).
        public let source: String

        public var json: JSON {
            .object([("format", .string("civlink.setting/1")), ("key", .string(key)), ("value", .string(value)), ("source", .string(source))])
        }
    }

    /// The settings row of a reference table.
    static func storageKey(_ table: ReferenceTableKind) -> String {
        table == .holidays ? "holidays" : "table.\(table.rawValue)"
    }

    /// The text of a table as this ledger uses it: its own, else the shipped one (nil: communes
    /// without a table loaded).
    func tableText(_ table: ReferenceTableKind) throws -> (text: String, source: String)? {
        if let stored = try setting(Ledger.storageKey(table)) { return (stored, "ledger") }
        switch table {
        case .provinces: return (EmbeddedData.provinces, "shipped")
        case .baseSalary: return (EmbeddedData.baseSalary, "shipped")
        case .holidays: return (EmbeddedData.holidays, "shipped")
        case .communes: return nil
        }
    }

    /// The reference data the settings give (the ledger's tables where it has them), and the
    /// commune table's text, read when a rule first needs it (checked when it was loaded).
    func referenceFromSettings() throws -> (ReferenceData, communes: String?) {
        var reference = ReferenceData.embedded
        if let text = try setting("holidays") {
            reference.calendar = try WorkingCalendar(text: text, source: "ledger setting 'holidays'")
        }
        if let text = try setting(Ledger.storageKey(.provinces)) {
            reference.provinces = try ProvinceTable(text: text, source: "ledger province table")
        }
        if let text = try setting(Ledger.storageKey(.baseSalary)) {
            reference.baseSalary = try BaseSalaryTable(text: text, source: "ledger base-salary table")
        }
        return (reference, try setting(Ledger.storageKey(.communes)))
    }

    /// The effective value of one setting; nil for a dated row that is not in its table or a
    /// commune table that is not loaded.
    public func configuration(_ setting: Setting) throws -> SettingEntry? {
        switch setting {
        case .deadline(let code):
            if let value = try self.setting(setting.key) { return SettingEntry(key: setting.key, value: value, source: "ledger") }
            guard let kind = ProcedureKind.named(code) else { return nil }
            return SettingEntry(key: setting.key, value: String(kind.defaultDeadlineDays), source: "default")
        case .agencyName(let agency):
            if let value = try self.setting(setting.key) { return SettingEntry(key: setting.key, value: value, source: "ledger") }
            return SettingEntry(key: setting.key, value: agency.defaultName, source: "default")
        case .baseSalary(let date):
            guard let (text, source) = try tableText(.baseSalary) else { return nil }
            let row = try ReferenceTable.records(text, source: source, requiredColumns: ["from", "vnd"]).first { $0["from"] == date.description }
            return row.map { SettingEntry(key: setting.key, value: $0["vnd"] ?? "", source: source) }
        case .holiday(let date), .workday(let date):
            let kind = { if case .holiday = setting { return "holiday" } else { return "workday" } }()
            guard let (text, source) = try tableText(.holidays) else { return nil }
            let row = try ReferenceTable.records(text, source: source, requiredColumns: ["date", "kind"])
                .first { $0["date"] == date.description && $0["kind"] == kind }
            return row.map { SettingEntry(key: setting.key, value: $0["name"] ?? "", source: source) }
        case .table(let table):
            guard let (text, source) = try tableText(table) else { return nil }
            return SettingEntry(key: setting.key, value: text, source: source)
        }
    }

    /// Sets one setting (refusing a value that breaks its rule, naming the key) and uses it from
    /// now on. A time limit applies to dossiers registered from now; those registered keep theirs.
    public func configure(_ setting: Setting, value: String) throws {
        let normalised = try setting.normalise(value)
        try write {
            switch setting {
            case .deadline, .agencyName:
                try storeSetting(setting.key, normalised)
            case .baseSalary(let date):
                try editTable(.baseSalary, key: date.description, row: ["from": date.description, "vnd": normalised])
            case .holiday(let date):
                try editTable(.holidays, key: date.description, row: ["date": date.description, "kind": "holiday", "name": normalised])
            case .workday(let date):
                try editTable(.holidays, key: date.description, row: ["date": date.description, "kind": "workday", "name": normalised])
            case .table:
                break   // refused by normalise
            }
        }
        try loadSettings()
    }

    /// Removes one setting: a time limit or name goes back to civlink's default, a dated row
    /// leaves its table, a table goes back to the shipped one (communes: none).
    public func unconfigure(_ setting: Setting) throws {
        try write {
            switch setting {
            case .deadline, .agencyName:
                try storeSetting(setting.key, nil)
            case .baseSalary(let date):
                try editTable(.baseSalary, key: date.description, row: nil)
            case .holiday(let date):
                try editTable(.holidays, key: date.description, kind: "holiday", row: nil)
            case .workday(let date):
                try editTable(.holidays, key: date.description, kind: "workday", row: nil)
            case .table(let table):
                try storeSetting(Ledger.storageKey(table), nil)
            }
        }
        try loadSettings()
    }

    /// Replaces a reference table with the text of a file, checked first (a bad line is refused
    /// with its number and nothing is stored).
    public func loadReferenceTable(_ table: ReferenceTableKind, text: String, source: String) throws {
        let checked: String
        do { checked = try table.validate(text: text, source: source) } catch let failure as Failure where failure.kind == .configuration {
            throw ValidationError(table.rawValue, failure.phrase)
        }
        try write { try storeSetting(Ledger.storageKey(table), checked) }
        try loadSettings()
    }

    /// One row of a table added, replaced or removed; the result is checked as a whole table.
    private func editTable(_ table: ReferenceTableKind, key: String, kind: String? = nil, row: [String: String]?) throws {
        guard let (text, source) = try tableText(table) else { return }
        let (columns, kindColumn): ([String], String?) = table == .holidays ? (["date", "kind"], "kind") : (["from", "vnd"], nil)
        let keyColumn = columns[0]
        let key0 = Setting.KeyText(table: table, key: key, kind: kind ?? row?["kind"])
        let edited = try ReferenceTable.editing(text, source: source, requiredColumns: columns, column: keyColumn, key: key,
                                                kindColumn: row == nil ? kindColumn : nil, kind: kind, row: row)
        if row == nil && edited.removed == 0 { throw Failure(.notFound, "\(key0.description) is not in the \(table.rawValue) table") }
        do { _ = try table.validate(text: edited.text, source: key0.description) } catch let failure as Failure where failure.kind == .configuration {
            throw ValidationError(key0.description, failure.phrase)
        }
        try storeSetting(Ledger.storageKey(table), edited.text)
    }

    /// Every setting with its effective value, in key order within each kind: time limits,
    /// agency names, base-salary rows, holidays and workdays, then the tables (summarised).
    public func configurationEntries() throws -> [SettingEntry] {
        var entries: [SettingEntry] = []
        for kind in ProcedureKind.all { if let entry = try configuration(.deadline(procedure: kind.code)) { entries.append(entry) } }
        for agency in Agency.allCases { if let entry = try configuration(.agencyName(agency)) { entries.append(entry) } }
        if let (text, source) = try tableText(.baseSalary) {
            for row in try ReferenceTable.records(text, source: source, requiredColumns: ["from", "vnd"]) {
                entries.append(SettingEntry(key: "base-salary.\(row["from"] ?? "")", value: row["vnd"] ?? "", source: source))
            }
        }
        if let (text, source) = try tableText(.holidays) {
            for row in try ReferenceTable.records(text, source: source, requiredColumns: ["date", "kind"]) {
                entries.append(SettingEntry(key: "\(row["kind"] ?? "").\(row["date"] ?? "")", value: row["name"] ?? "", source: source))
            }
        }
        let provinces = reference.provinces
        entries.append(SettingEntry(key: ReferenceTableKind.provinces.rawValue,
                                    value: "\(provinces.byIDCode.count) provinces of personal ID numbers, \(Set(provinces.byIDCode.values.map(\.unit2025)).count) from \(ProvinceTable.reorganisation)",
                                    source: try setting(Ledger.storageKey(.provinces)) == nil ? "shipped" : "ledger"))
        entries.append(SettingEntry(key: ReferenceTableKind.communes.rawValue,
                                    value: reference.communes.map { "\($0.communes.count) communes" } ?? "not loaded: commune codes are checked for 5 digits only",
                                    source: reference.communes == nil ? "default" : "ledger"))
        entries.append(SettingEntry(key: ReferenceTableKind.baseSalary.rawValue, value: "\(reference.baseSalary.steps.count) rows",
                                    source: try setting(Ledger.storageKey(.baseSalary)) == nil ? "shipped" : "ledger"))
        entries.append(SettingEntry(key: ReferenceTableKind.holidays.rawValue,
                                    value: "\(reference.calendar.holidays.count) holidays, \(reference.calendar.extraWorkdays.count) workdays",
                                    source: try setting("holidays") == nil ? "shipped" : "ledger"))
        return entries
    }

    /// The name a province set for an agency, nil when it set none (people then see the code).
    public func agencyDisplayName(_ agency: Agency) throws -> String? {
        try setting(Setting.agencyName(agency).key)
    }
}

extension Setting {
    /// The key of a row of a table, for messages.
    struct KeyText: CustomStringConvertible {
        let table: ReferenceTableKind
        let key: String
        let kind: String?
        var description: String { table == .holidays ? "\(kind ?? "holiday").\(key)" : "\(table.rawValue).\(key)" }
    }
}
