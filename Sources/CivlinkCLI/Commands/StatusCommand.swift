import CivlinkCore

enum StatusCommand: Command {
    static let spec = CommandSpec(
        "status", summary: "Show a dossier's procedures and timeline, or list dossiers by state, group, commune or overdue.",
        usage: ["civlink status ID | --list [--state STATE] [--group birth|death] [--commune CODE] [--overdue] | --stuck [--format table|json|csv]"],
        options: outputOptions() + [
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
        case .csv: try procedures(dossier, delivery, now: now, invocation)
        case .table:
            try show(dossier, events: events, now: now, invocation)
            try showDelivery(dossier, delivery, invocation)
        }
        return .ok
    }

    /// The dossier's header lines, each value a whole sentence in the reader's language.
    static func headerLines(_ dossier: DossierRecord) -> [(label: Phrase, value: Phrase)] {
        var lines: [(label: Phrase, value: Phrase)] = []
        func entry(_ label: Phrase, _ value: Phrase) { lines.append((label, value)) }
        switch dossier.group {
        case .birth:
            entry("dossier", "\(dossier.id) (birth, procedure catalogue \(dossier.group.catalogueCode))")
            entry("register", "birth register \(dossier.registerYear), no. \(dossier.registerNumber); commune \(dossier.commune), province \(dossier.province)")
        case .death:
            entry("dossier", "\(dossier.id) (death, procedure catalogue \(dossier.group.catalogueCode))")
            entry("register", "death register \(dossier.registerYear), no. \(dossier.registerNumber); commune \(dossier.commune), province \(dossier.province)")
        }
        let received = dossier.receivedAt.shortDescription
        entry("received", dossier.late ? "\(received) (late registration)" : "\(received)")
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
        return lines
    }

    private static func show(_ dossier: DossierRecord, events: [LedgerEvent], now: Timestamp, _ invocation: Invocation) throws {
        let lines = headerLines(dossier)
        let width = lines.map { invocation.text($0.label).count }.max() ?? 0
        for (label, value) in lines {
            let shown = invocation.text(label)
            try invocation.line(shown + String(repeating: " ", count: width + 2 - shown.count) + invocation.text(value))
        }
        try invocation.line("")
        let rows = dossier.procedures.map { p -> [String] in
            [Cell.text(p.code), .text(p.agency), .state(p.state.rawValue), .time(p.since), .date(p.deadline),
             p.isOverdue(now: now) ? .phrase("OVERDUE") : .phrase("no"), .list(p.waitsOn)].map { $0.table(invocation.language) }
        }
        try invocation.table(["Procedure", "Agency", "State", "Since", "Deadline", "Overdue", "Waits on"], rows).forEach(invocation.line)
        try invocation.line("")
        try invocation.line(invocation.text("Timeline"))
        for event in events {
            try invocation.line("  \(event.at.shortDescription)  \(event.actor)  \(invocation.text(Labels.event(event)))")
        }
    }

    /// `status ID --format csv`: one row per procedure with its delivery facts.
    private static func procedures(_ dossier: DossierRecord, _ delivery: [String: Ledger.DeliveryFacts], now: Timestamp,
                                   _ invocation: Invocation) throws {
        let printer = try RecordPrinter(invocation, kind: "civlink.procedure/1", columns: [
            RecordColumn("dossier", "Dossier"), RecordColumn("commune", "Commune"), RecordColumn("procedure", "Procedure"),
            RecordColumn("agency", "Agency"), RecordColumn("state", "State"), RecordColumn("since", "Since"),
            RecordColumn("deadline", "Deadline"), RecordColumn("overdue", "Overdue"), RecordColumn("attempts", "Attempts"),
            RecordColumn("sent_at", "Sent"), RecordColumn("answered_at", "Answered"), RecordColumn("message_id", "Message"),
            RecordColumn("last_error", "Last error"),
        ])
        for p in dossier.procedures {
            let d = delivery[p.code]
            try printer.add([.text(dossier.id), .code(dossier.commune), .text(p.code), .text(p.agency), .state(p.state.rawValue),
                             .time(p.since), .date(p.deadline), .bool(p.isOverdue(now: now)), .int(d?.attempts ?? 0),
                             .time(d?.sentAt), .time(d?.answeredAt), d?.messageID.map(Cell.text) ?? .none,
                             d?.lastError.map(Cell.text) ?? .none])
        }
        try printer.finish()
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
        let printer = try RecordPrinter(invocation, kind: "civlink.dossier-summary/1", columns: [
            RecordColumn("id", "ID"), RecordColumn("group", "Group"), RecordColumn("province", "Province"),
            RecordColumn("commune", "Commune"), RecordColumn("register_year", "Register year"),
            RecordColumn("register_number", "Register no."), RecordColumn("received_at", "Received at"),
            RecordColumn("open", "Open"), RecordColumn("overdue", "Overdue"),
        ])
        try ledger.list(filter, now: now) { summary in
            var json = summary.json.objectValue ?? []
            json.removeAll { $0.0 == "format" }
            try printer.add([.text(summary.id), .phrase(Labels.group(summary.group)), .code(summary.province), .code(summary.commune),
                             .int(summary.registerYear), .int(summary.registerNumber), .time(summary.receivedAt),
                             .int(summary.openCount), .list(summary.overdue)], json: json)
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

    private static func showDelivery(_ dossier: DossierRecord, _ delivery: [String: Ledger.DeliveryFacts], _ invocation: Invocation) throws {
        let rows: [[String]] = dossier.procedures.compactMap { p in
            guard let d = delivery[p.code], d.messageID != nil || d.attempts > 0 else { return nil }
            return [Cell.text(p.code), .int(d.attempts), .time(d.sentAt), .time(d.answeredAt), d.messageID.map(Cell.text) ?? .none,
                    d.lastError.map(Cell.text) ?? .none, p.result.map { Cell.text($0.serialized()) } ?? .none].map { $0.table(invocation.language) }
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
