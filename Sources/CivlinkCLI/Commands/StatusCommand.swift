import CivlinkCore

enum StatusCommand: Command {
    static let spec = CommandSpec(
        "status", summary: "Show a dossier's procedures and timeline, or list dossiers by state, group, commune or overdue.",
        usage: ["civlink status ID | --list [--state STATE] [--group birth|death] [--commune CODE] [--overdue] | --stuck [--format table|json]"],
        options: [
            formatOption(),
            .flag("--list", "list dossiers, one a line (JSON Lines with --format json)"),
            .value("--state", "STATE", .choice(ProcedureState.allCases.map(\.rawValue)), "with --list: dossiers with a procedure in this state"),
            .value("--group", "birth|death", .choice(ProcedureGroup.allCases.map(\.rawValue)), "with --list: only this procedure group"),
            .value("--commune", "CODE", .text, "with --list: only this commune"),
            .flag("--overdue", "with --list: only dossiers with an overdue procedure"),
            .flag("--stuck", "list procedures that need a person: stuck after the maximum attempts, or rejected"),
        ],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let ledger = try invocation.openLedger(readOnly: true)
        let now = try invocation.now()
        if invocation.has("--stuck") {
            guard invocation.positionals.isEmpty else { throw UsageError("status --stuck takes no dossier id") }
            try stuck(ledger: ledger, invocation)
            return .ok
        }
        if invocation.has("--list") {
            guard invocation.positionals.isEmpty else { throw UsageError("status --list takes no dossier id") }
            try list(ledger: ledger, now: now, invocation)
            return .ok
        }
        for filter in ["--state", "--group", "--commune"] where invocation.value(filter) != nil {
            throw UsageError("\(filter) goes with --list")
        }
        if invocation.has("--overdue") { throw UsageError("--overdue goes with --list") }
        guard invocation.positionals.count == 1 else { throw UsageError("status needs one dossier id, or --list") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let (dossier, events, delivery) = try ledger.snapshot { (try ledger.dossier(id.text), try ledger.events(of: id.text), try ledger.delivery(dossier: id.text)) }
        switch invocation.format() {
        case .json: try invocation.line(withDelivery(dossier.statusJSON(now: now, events: events), delivery))
        default:
            try show(dossier, events: events, now: now, ledger: ledger, invocation)
            try showDelivery(dossier, delivery, invocation)
        }
        return .ok
    }

    private static func show(_ dossier: DossierRecord, events: [LedgerEvent], now: Timestamp, ledger: Ledger, _ invocation: Invocation) throws {
        func label(_ text: String) -> String {
            let shown = invocation.heading(text)
            return shown + String(repeating: " ", count: max(1, 11 - shown.count))
        }
        try invocation.line(label("dossier") + "\(dossier.id) (\(dossier.group.rawValue), catalogue \(dossier.group.catalogueCode))")
        try invocation.line(label("register") + "\(dossier.group.rawValue) book \(dossier.registerYear), no. \(dossier.registerNumber); commune \(dossier.commune), province \(dossier.province)")
        try invocation.line(label("received") + "\(dossier.receivedAt.shortDescription)\(dossier.late ? " (late registration)" : "")")
        if dossier.group == .death, let kind = dossier.benefit["kind"]?.stringValue {
            var line = label("benefit") + kind
            if let amount = dossier.benefit["amount_vnd"]?.intValue { line += ", \(amount) VND" }
            if let reason = dossier.benefit["reason"]?.stringValue { line += ": \(reason)" }
            try invocation.line(line)
        }
        if let survivor = dossier.declaration["survivor_benefit"]?["kind"]?.stringValue {
            try invocation.line(label("benefit") + "survivor-benefit, \(survivor)")
        }
        try invocation.line("")
        // An agency a province named (config set agency.CODE.name) is shown by that name.
        let names = Dictionary(uniqueKeysWithValues: try Agency.allCases.compactMap { agency in
            try ledger.agencyDisplayName(agency).map { (agency.rawValue, $0) }
        })
        let rows = dossier.procedures.map { p in
            [p.code, names[p.agency] ?? p.agency, p.state.rawValue, p.since.shortDescription, p.deadline.description,
             p.isOverdue(now: now) ? "OVERDUE" : "no", p.waitsOn.isEmpty ? "-" : p.waitsOn.joined(separator: ",")]
        }
        try invocation.table(["PROCEDURE", "AGENCY", "STATE", "SINCE", "DEADLINE", "OVERDUE", "WAITS ON"], rows).forEach(invocation.line)
        try invocation.line("")
        try invocation.line(invocation.heading("timeline"))
        for event in events {
            var what = event.kind + (event.procedure.map { " " + $0 } ?? "")
            if let from = event.detail["from"]?.stringValue, let to = event.detail["to"]?.stringValue { what += ": \(from) -> \(to)" }
            try invocation.line("  \(event.at.shortDescription)  \(event.actor)  \(what)")
        }
    }

    private static func list(ledger: Ledger, now: Timestamp, _ invocation: Invocation) throws {
        var filter = Ledger.ListFilter()
        filter.group = invocation.value("--group").flatMap(ProcedureGroup.init(rawValue:))
        filter.state = invocation.value("--state").flatMap(ProcedureState.init(rawValue:))
        if let commune = invocation.value("--commune") {
            guard commune.utf8.count == 5, commune.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw UsageError("--commune must be a 5-digit commune code")
            }
            filter.commune = commune
        }
        filter.overdueOnly = invocation.has("--overdue")
        let format = invocation.format()
        var rows: [[String]] = []
        try ledger.list(filter, now: now) { summary in
            switch format {
            case .json: try invocation.line(summary.json)
            default:
                rows.append([summary.id, summary.group, summary.commune, "\(summary.registerNumber)/\(summary.registerYear)",
                             summary.receivedAt.shortDescription, "\(summary.openCount)",
                             summary.overdue.isEmpty ? "-" : summary.overdue.joined(separator: ",")])
            }
        }
        if format != .json {
            try invocation.table(["ID", "GROUP", "COMMUNE", "REGISTER", "RECEIVED", "OPEN", "OVERDUE"], rows).forEach(invocation.line)
        }
    }

    /// Adds each procedure's delivery facts (attempts, last error, message, sent, answered) to the status JSON.
    private static func withDelivery(_ status: JSON, _ delivery: [String: Ledger.DeliveryFacts]) -> JSON {
        guard case .object(let members) = status else { return status }
        return .object(members.map { key, value in
            guard key == "procedures", case .array(let procedures) = value else { return (key, value) }
            return (key, .array(procedures.map { p in
                guard case .object(let fields) = p, let code = p["code"]?.stringValue, let d = delivery[code] else { return p }
                return .object(fields + [("delivery", d.json)])
            }))
        })
    }

    private static func showDelivery(_ dossier: DossierRecord, _ delivery: [String: Ledger.DeliveryFacts], _ invocation: Invocation) throws {
        let rows: [[String]] = dossier.procedures.compactMap { p in
            guard let d = delivery[p.code], d.messageID != nil || d.attempts > 0 else { return nil }
            func time(_ t: Timestamp?) -> String { t?.shortDescription ?? "-" }
            return [p.code, "\(d.attempts)", time(d.sentAt), time(d.answeredAt), d.messageID ?? "-", d.lastError ?? "-", p.result?.serialized() ?? "-"]
        }
        guard !rows.isEmpty else { return }
        try invocation.line("")
        try invocation.line(invocation.heading("delivery"))
        try invocation.table(["PROCEDURE", "ATTEMPTS", "SENT", "ANSWERED", "MESSAGE", "LAST ERROR", "RESULT"], rows).forEach { try invocation.line("  " + $0) }
    }

    private static func stuck(ledger: Ledger, _ invocation: Invocation) throws {
        let rows = try ledger.needingAttention()
        switch invocation.format() {
        case .json:
            for r in rows {
                try invocation.line(JSON.object([("dossier", .string(r.dossier)), ("procedure", .string(r.procedure)), ("state", .string(r.state)),
                                                 ("attempts", .int(r.attempts)), ("last_error", .optional(r.lastError))]))
            }
        default:
            try invocation.table(["DOSSIER", "PROCEDURE", "STATE", "ATTEMPTS", "LAST ERROR"], rows.map { [$0.dossier, $0.procedure, $0.state, "\($0.attempts)", $0.lastError ?? "-"] })
                .forEach(invocation.line)
        }
    }
}
