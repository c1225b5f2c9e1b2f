import CivlinkCore

enum ConfigCommand: Command {
    static let tables = ReferenceTableKind.allCases.map(\.rawValue).joined(separator: "|")

    static let spec = CommandSpec(
        "config", summary: "A province's settings in the ledger: time limits, base salary, holidays, agency names, reference tables.",
        actions: [
            ActionSpec("get", usage: "civlink config get KEY [--format table|json]", summary: "Print a setting's value (a table: its file).",
                       options: outputOptions([.table, .json]), positionals: .settingKey),
            ActionSpec("set", usage: "civlink config set KEY VALUE", summary: "Set a time limit, a dated base-salary row, a holiday or workday, or an agency name.",
                       positionals: .settingKey),
            ActionSpec("unset", usage: "civlink config unset KEY", summary: "Go back to the default, remove a dated row, or go back to the shipped table.",
                       positionals: .settingKey),
            ActionSpec("list", usage: "civlink config list [--format table|json|csv]", summary: "List every setting with its value and where it comes from.",
                       options: outputOptions()),
            ActionSpec("load", usage: "civlink config load \(tables) FILE", summary: "Replace a reference table with a file (checked first).",
                       positionals: .files),
        ])

    static let settingKind = "civlink.setting/1"

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let words = invocation.positionals
        switch invocation.arguments.action {
        case "get":
            guard words.count == 1 else { throw UsageError("config get needs one KEY") }
            let setting = try Setting(parsing: words[0])
            let ledger = try invocation.openLedger(readOnly: true)
            guard let entry = try ledger.configuration(setting) else {
                throw Failure(.notFound, "\(setting.key) is not set")
            }
            if invocation.format() == .json {
                try invocation.line(entry.json)
            } else if case .table = setting {
                try invocation.output.write(entry.value.hasSuffix("\n") ? entry.value : entry.value + "\n")
            } else {
                try invocation.line(entry.value)
            }
        case "set":
            guard words.count == 2 else { throw UsageError("config set needs KEY and VALUE") }
            let setting = try Setting(parsing: words[0])
            if case .table(let table) = setting {
                throw UsageError("\(table.rawValue) is a table: load it with 'civlink config load \(table.rawValue) FILE'")
            }
            let ledger = try invocation.openLedger()
            try ledger.configure(setting, value: words[1])
            if let entry = try ledger.configuration(setting) { try invocation.line("\(entry.key) = \(entry.value)") }
        case "unset":
            guard words.count == 1 else { throw UsageError("config unset needs one KEY") }
            let setting = try Setting(parsing: words[0])
            let ledger = try invocation.openLedger()
            try ledger.unconfigure(setting)
            if case .table(let table) = setting {
                try invocation.line(invocation.text(table == .communes ? "communes: no table; commune codes are checked for 5 digits only"
                                                                       : "\(table.rawValue): back to the shipped table"))
            } else if let entry = try ledger.configuration(setting) {
                try invocation.line("\(entry.key) = \(entry.value) (\(entry.source))")
            } else {
                try invocation.line(invocation.text("\(setting.key): removed"))
            }
        case "load":
            guard words.count == 2, let table = ReferenceTableKind(rawValue: words[0]) else {
                throw UsageError("config load needs a table (\(tables)) and a FILE")
            }
            let text = try table.readFile(words[1])
            let ledger = try invocation.openLedger()
            try ledger.loadReferenceTable(table, text: text, source: words[1])
            let summary = try ledger.configurationEntries().first { $0.key == table.rawValue }
            try invocation.line("loaded \(table.rawValue) from \(words[1]): \(summary?.value ?? "")")
        default:
            guard words.isEmpty else { throw UsageError("config list takes no arguments") }
            let printer = try RecordPrinter(invocation, kind: settingKind, columns: [
                RecordColumn("key", "Key"), RecordColumn("value", "Value"), RecordColumn("source", "Source"),
            ])
            for entry in try invocation.openLedger(readOnly: true).configurationEntries() {
                try printer.add([.text(entry.key), entry.value.isEmpty ? .none : .text(entry.value), .text(entry.source)], json: entry.json.objectValue)
            }
            try printer.finish()
        }
        return .ok
    }
}
