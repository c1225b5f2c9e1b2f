import CivlinkCore

enum StatusCommand: Command {
    static let spec = CommandSpec(
        "status", summary: "Show a dossier's procedures and timeline, or list dossiers by state, group, commune or overdue.",
        usage: ["civlink status ID [--public | --redact] | --list [--state STATE] [--dossier-state STATE] [--group birth|death] [--commune CODE] [--overdue] | --stuck [--format table|json|csv]"],
        options: outputOptions() + [
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
            case .csv: throw UsageError("--public prints a table or JSON, not CSV")
            case .table: try showPublic(view, invocation)
            }
            return .ok
        }
        let redact = view == "--redact"
        let (dossier, events, delivery) = try ledger.snapshot { (try ledger.dossier(id.text), try ledger.events(of: id.text), try ledger.delivery(dossier: id.text)) }
        // An agency a province named (config set agency.CODE.name) is shown by that name.
        let names = Dictionary(uniqueKeysWithValues: try Agency.allCases.compactMap { agency in
            try ledger.agencyDisplayName(agency).map { (agency.rawValue, $0) }
        })
        switch invocation.format() {
        case .json:
            let status = withDelivery(dossier.statusJSON(now: now, events: events), delivery)
            try invocation.line(redact ? PublicStatus.redacted(status, declaration: dossier.declaration) : status)
        case .csv: try procedures(dossier, delivery, now: now, redact: redact, invocation)
        case .table:
            try show(dossier, events: events, now: now, agencyNames: names, redact: redact, invocation)
            try showDelivery(dossier, delivery, redact: redact, invocation)
        }
        return .ok
    }

    /// The dossier's header lines, each value a whole sentence in the reader's language.
    static func headerLines(_ dossier: DossierRecord, events: [LedgerEvent], now: Timestamp, redact: Bool = false) -> [(label: Phrase, value: Phrase)] {
        var lines: [(label: Phrase, value: Phrase)] = []
        func entry(_ label: Phrase, _ value: Phrase) { lines.append((label, value)) }
        let register: Phrase
        switch (dossier.group, dossier.registerYear, dossier.registerNumber) {
        case (.birth, let year?, let number?):
            entry("dossier", "\(dossier.id) (birth, procedure catalogue \(dossier.group.catalogueCode))")
            register = "birth register \(year), no. \(number); commune \(dossier.commune), province \(dossier.province)"
        case (.death, let year?, let number?):
            entry("dossier", "\(dossier.id) (death, procedure catalogue \(dossier.group.catalogueCode))")
            register = "death register \(year), no. \(number); commune \(dossier.commune), province \(dossier.province)"
        case (.birth, _, _):
            entry("dossier", "\(dossier.id) (birth, procedure catalogue \(dossier.group.catalogueCode))")
            register = "not registered; commune \(dossier.commune), province \(dossier.province)"
        case (.death, _, _):
            entry("dossier", "\(dossier.id) (death, procedure catalogue \(dossier.group.catalogueCode))")
            register = "not registered; commune \(dossier.commune), province \(dossier.province)"
        }
        entry("state", stateLine(dossier, events: events, now: now, redact: redact))
        entry("register", register)
        let received = dossier.receivedAt.shortDescription
        let channel = dossier.channel.rawValue
        entry("received", dossier.late ? "\(received) (\(channel), late registration)" : "\(received) (\(channel))")
        if dossier.group == .death, let kind = dossier.benefit["kind"]?.stringValue {
            let amount = dossier.benefit["amount_vnd"]?.intValue
            let reason = dossier.benefit["reason"]?.stringValue
            switch (kind, amount, reason) {
            case ("funeral-allowance", let amount?, _): entry("benefit", "funeral allowance, \(amount) VND")
            case ("funeral-allowance", nil, _): entry("benefit", "funeral allowance")
            case ("funeral-support", _, _): entry("benefit", "funeral cost support (social affairs)")
            // The reason is stored as its English template, translated when the catalogue has it.
            case ("none", _, let reason?): entry("benefit", "none: \(Phrase(template: reason, arguments: []))")
            default: entry("benefit", "\(kind)")
            }
        }
        if let survivor = dossier.declaration["survivor_benefit"]?["kind"]?.stringValue {
            entry("benefit", "survivor benefit, \(survivor)")
        }
        return lines
    }

    /// The dossier's state, with what it waits for.
    static func stateLine(_ dossier: DossierRecord, events: [LedgerEvent], now: Timestamp, redact: Bool = false) -> Phrase {
        let state = dossier.currentState(now: now)
        let completeBy = dossier.completeBy?.description ?? "-"
        switch state {
        case .received: return "received, awaiting the officer's decision"
        case .returned:
            guard !redact, let missing = events.last(where: { $0.kind == "returned" })?.detail["missing"]?.stringValue else {
                return "returned to the declarant to complete by \(completeBy)"
            }
            return "returned to the declarant to complete by \(completeBy) (missing: \(missing))"
        case .refused where dossier.state == .returned:
            return "refused: not completed by \(completeBy) (recorded at the next write)"
        case .refused, .cancelled:
            guard !redact, let reason = events.last(where: { $0.kind == state.rawValue })?.detail["reason"]?.stringValue else {
                return Labels.dossierState(state.rawValue)
            }
            return state == .refused ? "refused: \(reason)" : "cancelled: \(reason)"
        case .registered: return "registered"
        }
    }

    private static func show(_ dossier: DossierRecord, events: [LedgerEvent], now: Timestamp, agencyNames: [String: String], redact: Bool,
                             _ invocation: Invocation) throws {
        let lines = headerLines(dossier, events: events, now: now, redact: redact)
        let width = lines.map { invocation.text($0.label).count }.max() ?? 0
        for (label, value) in lines {
            let shown = invocation.text(label)
            try invocation.line(shown + String(repeating: " ", count: width + 2 - shown.count) + invocation.text(value))
        }
        try invocation.line("")
        let paused = dossier.state.isPaused
        let rows = dossier.procedures.map { p -> [String] in
            [Cell.text(p.code), .text(agencyNames[p.agency] ?? p.agency), .state(p.state.rawValue), .time(p.since), .date(p.deadline),
             p.isOverdue(now: now, paused: paused) ? .phrase("OVERDUE") : .phrase("no"), .list(p.waitsOn)].map { $0.table(invocation.language) }
        }
        try invocation.table(["Procedure", "Agency", "State", "Since", "Deadline", "Overdue", "Waits on"], rows).forEach(invocation.line)
        try invocation.line("")
        try invocation.line(invocation.text("Timeline"))
        // Support gets the redacted status: what a person wrote (reasons, corrected values) may name someone.
        for event in events {
            try invocation.line("  \(event.at.shortDescription)  \(event.actor)  \(invocation.text(Labels.event(event)))")
            for detail in eventDetails(event, redact: redact) { try invocation.line("      " + invocation.text(detail)) }
        }
    }

    /// What a lifecycle event says beyond its kind: the reason, what was missing, the time to
    /// complete, each changed field with its old and new value, the procedures it touched.
    static func eventDetails(_ event: LedgerEvent, redact: Bool) -> [Phrase] {
        var details: [Phrase] = []
        // `as Phrase`, so that the source scanner sees them (README "Development").
        if let reason = event.detail["reason"]?.stringValue { details.append(redact ? "reason: (redacted)" as Phrase : "reason: \(reason)" as Phrase) }
        if let missing = event.detail["missing"]?.stringValue { details.append(redact ? "missing: (redacted)" as Phrase : "missing: \(missing)" as Phrase) }
        if let by = event.detail["complete_by"]?.stringValue { details.append("complete by \(by)" as Phrase) }
        for change in event.detail["changes"]?.arrayValue ?? [] {
            let field = change["field"]?.stringValue ?? ""
            details.append(redact ? "\(field): changed" as Phrase : "\(field): \(shown(change["old"])) -> \(shown(change["new"]))")
        }
        if ["amended", "supplemented", "cancelled", "refused"].contains(event.kind), case .object(let procedures)? = event.detail["procedures"],
           !procedures.isEmpty {
            details.append("\(procedures.map { "\($0.0): \($0.1.stringValue ?? "")" }.joined(separator: ", "))")
        }
        return details
    }

    /// A value of an amended field as a person reads it: text as it is, anything else as JSON, absent as "-".
    private static func shown(_ value: JSON?) -> String {
        guard let value, value != .null else { return "-" }
        return value.stringValue ?? value.serialized()
    }

    /// `status ID --format csv`: one row per procedure with its delivery facts.
    private static func procedures(_ dossier: DossierRecord, _ delivery: [String: Ledger.DeliveryFacts], now: Timestamp, redact: Bool,
                                   _ invocation: Invocation) throws {
        let printer = try RecordPrinter(invocation, kind: "civlink.procedure/1", columns: [
            RecordColumn("dossier", "Dossier"), RecordColumn("commune", "Commune"), RecordColumn("procedure", "Procedure"),
            RecordColumn("agency", "Agency"), RecordColumn("state", "State"), RecordColumn("since", "Since"),
            RecordColumn("deadline", "Deadline"), RecordColumn("overdue", "Overdue"), RecordColumn("attempts", "Attempts"),
            RecordColumn("sent_at", "Sent"), RecordColumn("answered_at", "Answered"), RecordColumn("message_id", "Message"),
            RecordColumn("last_error", "Last error"), RecordColumn("result", "Result"),
        ])
        let paused = dossier.state.isPaused
        for p in dossier.procedures {
            let d = delivery[p.code]
            try printer.add([.text(dossier.id), .code(dossier.commune), .text(p.code), .text(p.agency), .state(p.state.rawValue),
                             .time(p.since), .date(p.deadline), .bool(p.isOverdue(now: now, paused: paused)), .int(d?.attempts ?? 0),
                             .time(d?.sentAt), .time(d?.answeredAt), d?.messageID.map(Cell.text) ?? .none,
                             d?.lastError.map(Cell.text) ?? .none, result(p, redact: redact)])
        }
        try printer.finish()
    }

    /// A procedure's result (an ID number, a card number), redacted for support with --redact.
    private static func result(_ p: ProcedureRecord, redact: Bool) -> Cell {
        p.result.map { Cell.text((redact ? PublicStatus.redactedResult($0) : $0).serialized()) } ?? .none
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
        let printer = try RecordPrinter(invocation, kind: "civlink.dossier-summary/1", columns: [
            RecordColumn("id", "ID"), RecordColumn("group", "Group"), RecordColumn("state", "State"), RecordColumn("province", "Province"),
            RecordColumn("commune", "Commune"), RecordColumn("register_year", "Register year"),
            RecordColumn("register_number", "Register no."), RecordColumn("received_at", "Received at"),
            RecordColumn("open", "Open"), RecordColumn("overdue", "Overdue"),
        ])
        try ledger.list(filter, now: now) { summary in
            try printer.add([.text(summary.id), .phrase(Labels.group(summary.group)), .phrase(Labels.dossierState(summary.currentState)),
                             .code(summary.province), .code(summary.commune),
                             summary.registerYear.map(Cell.int) ?? .none, summary.registerNumber.map(Cell.int) ?? .none, .time(summary.receivedAt),
                             .int(summary.openCount), .list(summary.overdue)], json: summary.json.objectValue)
        }
        try printer.finish()
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
        func text(_ json: JSON?, _ key: String) -> String { json?[key]?.stringValue ?? "" }
        func time(_ json: JSON?, _ key: String) -> String { Timestamp(text(json, key))?.shortDescription ?? text(json, key) }
        // `as Phrase`: the source scanner does not look into tuples.
        let lines: [(Phrase, Phrase)] = [
            ("dossier" as Phrase, "\(text(view, "id")) (\(Labels.group(text(view, "group"))), procedure catalogue \(text(view, "catalogue_code")))" as Phrase),
            ("received" as Phrase, "\(time(view, "received_at")), commune \(text(view, "commune")), province \(text(view, "province"))" as Phrase),
            // The state in the reader's language: the JSON's code, told as `state_text` tells it.
            ("state" as Phrase, PublicStatus.dossierLabel(text(view, "state"))),
            ("as of" as Phrase, "\(time(view, "as_of"))"),
        ]
        let width = lines.map { invocation.text($0.0).count }.max() ?? 0
        for (label, value) in lines {
            let shown = invocation.text(label)
            try invocation.line(shown + String(repeating: " ", count: width + 2 - shown.count) + invocation.text(value))
        }
        try invocation.line("")
        let rows = (view["procedures"]?.arrayValue ?? []).map { p in
            [text(p, "code"), text(p, "agency"),
             ProcedureState(rawValue: text(p, "state")).map { invocation.text(PublicStatus.label($0)) } ?? text(p, "state_text"),
             time(p, "since"), text(p, "deadline"),
             invocation.text(p["overdue"] == .bool(true) ? "OVERDUE" : "no")]
        }
        try invocation.table(["Procedure", "Agency", "State", "Since", "Deadline", "Overdue"], rows).forEach(invocation.line)
    }

    private static func showDelivery(_ dossier: DossierRecord, _ delivery: [String: Ledger.DeliveryFacts], redact: Bool, _ invocation: Invocation) throws {
        let rows: [[String]] = dossier.procedures.compactMap { p in
            guard let d = delivery[p.code], d.messageID != nil || d.attempts > 0 || d.sentAt != nil else { return nil }
            return [Cell.text(p.code), .int(d.attempts), .time(d.sentAt), .time(d.answeredAt), d.messageID.map(Cell.text) ?? .none,
                    d.lastError.map(Cell.text) ?? .none, result(p, redact: redact)].map { $0.table(invocation.language) }
        }
        guard !rows.isEmpty else { return }
        try invocation.line("")
        try invocation.line(invocation.text("Delivery"))
        try invocation.table(["Procedure", "Attempts", "Sent", "Answered", "Message", "Last error", "Result"], rows).forEach { try invocation.line("  " + $0) }
    }

    private static func stuck(ledger: Ledger, _ invocation: Invocation) throws {
        let printer = try RecordPrinter(invocation, kind: "civlink.attention/1", columns: [
            RecordColumn("dossier", "Dossier"), RecordColumn("commune", "Commune"), RecordColumn("procedure", "Procedure"),
            RecordColumn("agency", "Agency"), RecordColumn("state", "State"), RecordColumn("since", "Since"),
            RecordColumn("deadline", "Deadline"), RecordColumn("attempts", "Attempts"), RecordColumn("last_error", "Last error"),
        ])
        for r in try ledger.needingAttention() {
            try printer.add([.text(r.dossier), .code(r.commune), .text(r.procedure), .text(r.agency), .state(r.state), .time(r.since),
                             .date(r.deadline), .int(r.attempts), r.lastError.map(Cell.text) ?? .none])
        }
        try printer.finish()
    }
}
