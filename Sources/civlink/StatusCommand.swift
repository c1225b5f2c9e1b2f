import CivlinkCore
import Foundation

enum StatusCommand: Command {
    static let name = "status"
    static let summary = "Show a dossier's procedures and timeline, or list dossiers by state, group, commune or overdue."
    static let usage = "civlink status ID | --list [--state STATE] [--group birth|death] [--commune CODE] [--overdue] [--format table|json]"
    static let options: [OptionSpec] = [
        formatOption,
        .flag("--list", "list dossiers, one a line (JSON Lines with --format json)"),
        .value("--state", "STATE", "with --list: dossiers with a procedure in this state"),
        .value("--group", "birth|death", "with --list: only this procedure group"),
        .value("--commune", "CODE", "with --list: only this commune"),
        .flag("--overdue", "with --list: only dossiers with an overdue procedure"),
        .flag("--stuck", "list procedures that need a person: stuck after the maximum attempts, or rejected"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        let format = try arguments.format()
        let ledger = try context.openLedger(readOnly: true)
        let now = try context.now()
        if arguments.has("--stuck") {
            guard arguments.positionals.isEmpty else { throw UsageError("status --stuck takes no dossier id") }
            return try stuck(ledger: ledger, format: format, output: context.output)
        }
        if arguments.has("--list") {
            guard arguments.positionals.isEmpty else { throw UsageError("status --list takes no dossier id") }
            return try list(arguments, ledger: ledger, now: now, format: format, output: context.output)
        }
        for filter in ["--state", "--group", "--commune"] where arguments.value(filter) != nil {
            throw UsageError("\(filter) goes with --list")
        }
        if arguments.has("--overdue") { throw UsageError("--overdue goes with --list") }
        guard arguments.positionals.count == 1 else { throw UsageError("status needs one dossier id, or --list") }
        let id = try DossierID(parsing: arguments.positionals[0])
        let dossier = try ledger.dossier(id.text)
        let events = try ledger.events(of: id.text)
        switch format {
        case .json:
            context.output.line(withDelivery(dossier.statusJSON(now: now, events: events), try ledger.delivery(dossier: id.text)))
        case .table:
            show(dossier, events: events, now: now, output: context.output)
            showDelivery(dossier, try ledger.delivery(dossier: id.text), output: context.output)
        }
        return .ok
    }

    private static func show(_ dossier: DossierRecord, events: [LedgerEvent], now: Timestamp, output: Output) {
        func label(_ text: String) -> String {
            let shown = Diagnostics.heading(text)
            return shown + String(repeating: " ", count: max(1, 11 - shown.count))
        }
        output.line(label("dossier") + "\(dossier.id) (\(dossier.group.rawValue), catalogue \(dossier.group.catalogueCode))")
        output.line(label("register") + "\(dossier.group.rawValue) book \(dossier.registerYear), no. \(dossier.registerNumber); commune \(dossier.commune), province \(dossier.province)")
        output.line(label("received") + "\(dossier.receivedAt.shortDescription)\(dossier.late ? " (late registration)" : "")")
        if dossier.group == .death, let kind = dossier.benefit["kind"]?.stringValue {
            var line = label("benefit") + kind
            if let amount = dossier.benefit["amount_vnd"]?.intValue { line += ", \(amount) VND" }
            if let reason = dossier.benefit["reason"]?.stringValue { line += ": \(reason)" }
            output.line(line)
        }
        output.line("")
        let rows = dossier.procedures.map { p in
            [p.code, p.agency, p.state.rawValue, p.since.shortDescription, p.deadline.description,
             p.isOverdue(now: now) ? "OVERDUE" : "no", p.waitsOn.isEmpty ? "-" : p.waitsOn.joined(separator: ",")]
        }
        table(["PROCEDURE", "AGENCY", "STATE", "SINCE", "DEADLINE", "OVERDUE", "WAITS ON"], rows).forEach(output.line)
        output.line("")
        output.line(Diagnostics.heading("timeline"))
        for event in events {
            var what = event.kind + (event.procedure.map { " " + $0 } ?? "")
            if let from = event.detail["from"]?.stringValue, let to = event.detail["to"]?.stringValue { what += ": \(from) -> \(to)" }
            output.line("  \(event.at.shortDescription)  \(event.actor)  \(what)")
        }
    }

    private static func list(_ arguments: ParsedArguments, ledger: Ledger, now: Timestamp, format: OutputFormat, output: Output) throws -> ExitCode {
        var filter = Ledger.ListFilter()
        if let group = arguments.value("--group") {
            guard let parsed = ProcedureGroup(rawValue: group) else { throw UsageError("--group must be birth or death") }
            filter.group = parsed
        }
        if let state = arguments.value("--state") {
            guard let parsed = ProcedureState(rawValue: state) else {
                throw UsageError("--state must be one of \(ProcedureState.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            filter.state = parsed
        }
        if let commune = arguments.value("--commune") {
            guard commune.count == 5, commune.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw UsageError("--commune must be a 5-digit commune code")
            }
            filter.commune = commune
        }
        filter.overdueOnly = arguments.has("--overdue")
        var rows: [[String]] = []
        try ledger.list(filter, now: now) { summary in
            switch format {
            case .json: output.line(summary.json)
            case .table:
                rows.append([summary.id, summary.group, summary.commune, "\(summary.registerNumber)/\(summary.registerYear)",
                             summary.receivedAt.shortDescription, "\(summary.openCount)",
                             summary.overdue.isEmpty ? "-" : summary.overdue.joined(separator: ",")])
            }
        }
        if format == .table {
            table(["ID", "GROUP", "COMMUNE", "REGISTER", "RECEIVED", "OPEN", "OVERDUE"], rows).forEach(output.line)
        }
        return .ok
    }

    /// Adds each procedure's delivery facts (attempts, last error, message, sent, answered) to the status JSON.
    private static func withDelivery(_ status: JSON, _ delivery: [String: JSON]) -> JSON {
        guard case .object(let members) = status else { return status }
        return .object(members.map { key, value in
            guard key == "procedures", case .array(let procedures) = value else { return (key, value) }
            return (key, .array(procedures.map { p in
                guard case .object(let fields) = p, let code = p["code"]?.stringValue, let d = delivery[code] else { return p }
                return .object(fields + [("delivery", d)])
            }))
        })
    }

    private static func showDelivery(_ dossier: DossierRecord, _ delivery: [String: JSON], output: Output) {
        let rows: [[String]] = dossier.procedures.compactMap { p in
            guard let d = delivery[p.code], d["message_id"]?.stringValue != nil || (d["attempts"]?.intValue ?? 0) > 0 else { return nil }
            func time(_ key: String) -> String { d[key]?.stringValue.flatMap(Timestamp.init)?.shortDescription ?? "-" }
            return [p.code, "\(d["attempts"]?.intValue ?? 0)", time("sent_at"), time("answered_at"), d["message_id"]?.stringValue ?? "-",
                    d["last_error"]?.stringValue ?? "-", p.result?.serialized() ?? "-"]
        }
        guard !rows.isEmpty else { return }
        output.line("")
        output.line(Diagnostics.heading("delivery"))
        table(["PROCEDURE", "ATTEMPTS", "SENT", "ANSWERED", "MESSAGE", "LAST ERROR", "RESULT"], rows).forEach { output.line("  " + $0) }
    }

    private static func stuck(ledger: Ledger, format: OutputFormat, output: Output) throws -> ExitCode {
        let rows = try ledger.needingAttention()
        switch format {
        case .json:
            for r in rows {
                output.line(JSON.object([("dossier", .string(r.dossier)), ("procedure", .string(r.procedure)), ("state", .string(r.state)),
                                         ("attempts", .int(r.attempts)), ("last_error", .optional(r.lastError))]).serialized())
            }
        case .table:
            table(["DOSSIER", "PROCEDURE", "STATE", "ATTEMPTS", "LAST ERROR"], rows.map { [$0.dossier, $0.procedure, $0.state, "\($0.attempts)", $0.lastError ?? "-"] })
                .forEach(output.line)
        }
        return .ok
    }
}
