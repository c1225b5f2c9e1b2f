import CivlinkCore

enum StatusCommand: Command {
    static let spec = CommandSpec(
        "status", summary: "Show a dossier's procedures and timeline, or list dossiers by state, group, commune or overdue.",
        usage: ["civlink status ID [--public | --redact] | --list [--state STATE] [--dossier-state STATE] [--group birth|death] [--commune CODE] [--overdue] | --stuck [--format table|json]"],
        options: [
            formatOption(),
            .flag("--list", "list dossiers, one a line (JSON Lines with --format json)"),
            .value("--state", "STATE", .choice(ProcedureState.allCases.map(\.rawValue)), "with --list: dossiers with a procedure in this state"),
            .value("--dossier-state", "STATE", .choice(DossierState.allCases.map(\.rawValue)),
                   "with --list: dossiers in this state (received, returned, registered, refused, cancelled)"),
            .value("--group", "birth|death", .choice(ProcedureGroup.allCases.map(\.rawValue)), "with --list: only this procedure group"),
            .value("--commune", "CODE", .text, "with --list: only this commune"),
            .flag("--overdue", "with --list: only dossiers with an overdue procedure"),
            .flag("--stuck", "list procedures that need a person: stuck after the maximum attempts, or rejected"),
            .flag("--public", "with an ID: what the citizen may be shown (states, dates, deadlines; no personal data)"),
            .flag("--redact", "with an ID: the full status with results and personal data redacted, to share with support"),
        ],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let ledger = try invocation.openLedger(readOnly: true)
        let now = try invocation.now()
        let view = invocation.has("--public") ? "--public" : invocation.has("--redact") ? "--redact" : nil
        if invocation.has("--public") && invocation.has("--redact") { throw UsageError("--public and --redact are different views; give one") }
        if let view, invocation.has("--list") || invocation.has("--stuck") { throw UsageError("\(view) goes with a dossier id") }
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
        for filter in ["--state", "--dossier-state", "--group", "--commune"] where invocation.value(filter) != nil {
            throw UsageError("\(filter) goes with --list")
        }
        if invocation.has("--overdue") { throw UsageError("--overdue goes with --list") }
        guard invocation.positionals.count == 1 else { throw UsageError("status needs one dossier id, or --list") }
        let id = try DossierID(parsing: invocation.positionals[0])
        if view == "--public" {
            let view = PublicStatus.json(try ledger.dossier(id.text), now: now)
            switch invocation.format() {
            case .json: try invocation.line(view)
            default: try showPublic(view, invocation)
            }
            return .ok
        }
        let redact = view == "--redact"
        let (dossier, events, delivery) = try ledger.snapshot { (try ledger.dossier(id.text), try ledger.events(of: id.text), try ledger.delivery(dossier: id.text)) }
        switch invocation.format() {
        case .json:
            let status = withDelivery(dossier.statusJSON(now: now, events: events), delivery)
            try invocation.line(redact ? PublicStatus.redacted(status, declaration: dossier.declaration) : status)
        default:
            try show(dossier, events: events, now: now, ledger: ledger, invocation)
            try showDelivery(dossier, delivery, redact: redact, invocation)
        }
        return .ok
    }

    private static func show(_ dossier: DossierRecord, events: [LedgerEvent], now: Timestamp, ledger: Ledger, _ invocation: Invocation) throws {
        func label(_ text: String) -> String {
            let shown = invocation.heading(text)
            return shown + String(repeating: " ", count: max(1, 11 - shown.count))
        }
        try invocation.line(label("dossier") + "\(dossier.id) (\(dossier.group.rawValue), catalogue \(dossier.group.catalogueCode))")
        try invocation.line(label("state") + stateLine(dossier, events: events, now: now))
        let entry = dossier.registerYear.flatMap { year in dossier.registerNumber.map { "\(dossier.group.rawValue) book \(year), no. \($0)" } }
        try invocation.line(label("register") + "\(entry ?? "not registered")" + "; commune \(dossier.commune), province \(dossier.province)")
        try invocation.line(label("received") + "\(dossier.receivedAt.shortDescription) (\(dossier.channel.rawValue))\(dossier.late ? " (late registration)" : "")")
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
             p.isOverdue(now: now, paused: dossier.state.isPaused) ? "OVERDUE" : "no", p.waitsOn.isEmpty ? "-" : p.waitsOn.joined(separator: ",")]
        }
        try invocation.table(["PROCEDURE", "AGENCY", "STATE", "SINCE", "DEADLINE", "OVERDUE", "WAITS ON"], rows).forEach(invocation.line)
        try invocation.line("")
        try invocation.line(invocation.heading("timeline"))
        for event in events {
            var what = event.kind + (event.procedure.map { " " + $0 } ?? "")
            if let from = event.detail["from"]?.stringValue, let to = event.detail["to"]?.stringValue { what += ": \(from) -> \(to)" }
            for key in ["reason", "missing"] {
                if let text = event.detail[key]?.stringValue { what += " (\(key): \(text))" }
            }
            if let by = event.detail["complete_by"]?.stringValue { what += ", complete by \(by)" }
            try invocation.line("  \(event.at.shortDescription)  \(event.actor)  \(what)")
            // Amendments and completed files: each changed field with its old and new value.
            for change in event.detail["changes"]?.arrayValue ?? [] {
                try invocation.line("      \(change["field"]?.stringValue ?? ""): \(shown(change["old"])) -> \(shown(change["new"]))")
            }
            if ["amended", "supplemented", "cancelled", "refused"].contains(event.kind), case .object(let procedures)? = event.detail["procedures"], !procedures.isEmpty {
                try invocation.line("      " + procedures.map { "\($0.0): \($0.1.stringValue ?? "")" }.joined(separator: ", "))
            }
        }
    }

    /// A value of an amended field as a person reads it: text as it is, anything else as JSON, absent as "-".
    private static func shown(_ value: JSON?) -> String {
        guard let value, value != .null else { return "-" }
        return value.stringValue ?? value.serialized()
    }

    /// The dossier's state, with what it waits for.
    private static func stateLine(_ dossier: DossierRecord, events: [LedgerEvent], now: Timestamp) -> String {
        let state = dossier.currentState(now: now)
        switch state {
        case .received: return "received, awaiting the officer's decision"
        case .returned:
            let missing = events.last { $0.kind == "returned" }?.detail["missing"]?.stringValue
            return "returned to the declarant to complete by \(dossier.completeBy?.description ?? "-")" + (missing.map { " (missing: \($0))" } ?? "")
        case .refused where dossier.state == .returned:
            return "refused: not completed by \(dossier.completeBy?.description ?? "-") (recorded at the next write)"
        case .refused, .cancelled:
            let reason = events.last { $0.kind == state.rawValue }?.detail["reason"]?.stringValue
            return state.rawValue + (reason.map { ": \($0)" } ?? "")
        case .registered: return "registered"
        }
    }

    private static func list(ledger: Ledger, now: Timestamp, _ invocation: Invocation) throws {
        var filter = Ledger.ListFilter()
        filter.group = invocation.value("--group").flatMap(ProcedureGroup.init(rawValue:))
        filter.state = invocation.value("--state").flatMap(ProcedureState.init(rawValue:))
        filter.dossierState = invocation.value("--dossier-state").flatMap(DossierState.init(rawValue:))
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
                rows.append([summary.id, summary.group, summary.currentState, summary.commune, summary.registerText,
                             summary.receivedAt.shortDescription, "\(summary.openCount)",
                             summary.overdue.isEmpty ? "-" : summary.overdue.joined(separator: ",")])
            }
        }
        if format != .json {
            try invocation.table(["ID", "GROUP", "STATE", "COMMUNE", "REGISTER", "RECEIVED", "OPEN", "OVERDUE"], rows).forEach(invocation.line)
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

    /// The public view as text, printed from `PublicStatus.json` and nothing else, so the table
    /// can carry no more than the JSON.
    private static func showPublic(_ view: JSON, _ invocation: Invocation) throws {
        func label(_ text: String) -> String {
            let shown = invocation.heading(text)
            return shown + String(repeating: " ", count: max(1, 11 - shown.count))
        }
        func text(_ json: JSON?, _ key: String) -> String { json?[key]?.stringValue ?? "" }
        func time(_ json: JSON?, _ key: String) -> String { Timestamp(text(json, key))?.shortDescription ?? text(json, key) }
        try invocation.line(label("dossier") + "\(text(view, "id")) (\(text(view, "group")), catalogue \(text(view, "catalogue_code")))")
        try invocation.line(label("received") + "\(time(view, "received_at")), commune \(text(view, "commune")), province \(text(view, "province"))")
        try invocation.line(label("state") + text(view, "state_text"))
        try invocation.line(label("as of") + time(view, "as_of"))
        try invocation.line("")
        let rows = (view["procedures"]?.arrayValue ?? []).map { p in
            [text(p, "code"), text(p, "agency"), text(p, "state_text"), time(p, "since"), text(p, "deadline"),
             p["overdue"] == .bool(true) ? "OVERDUE" : "no"]
        }
        try invocation.table(["PROCEDURE", "AGENCY", "STATE", "SINCE", "DEADLINE", "OVERDUE"], rows).forEach(invocation.line)
    }

    private static func showDelivery(_ dossier: DossierRecord, _ delivery: [String: Ledger.DeliveryFacts], redact: Bool, _ invocation: Invocation) throws {
        let rows: [[String]] = dossier.procedures.compactMap { p in
            guard let d = delivery[p.code], d.messageID != nil || d.attempts > 0 || d.sentAt != nil else { return nil }
            func time(_ t: Timestamp?) -> String { t?.shortDescription ?? "-" }
            return [p.code, "\(d.attempts)", time(d.sentAt), time(d.answeredAt), d.messageID ?? "-", d.lastError ?? "-",
                    p.result.map { (redact ? PublicStatus.redactedResult($0) : $0).serialized() } ?? "-"]
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
