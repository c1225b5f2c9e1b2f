
/// A procedure of a dossier as the ledger holds it now.
public struct ProcedureRecord: Sendable {
    public let code: String
    public let agency: String
    public let state: ProcedureState
    public let waitsOn: [String]
    public let since: Timestamp
    public let deadlineDays: Int
    public let deadline: CivilDate
    public let result: JSON?

    init(planned: PlannedProcedure, since: Timestamp) {
        code = planned.kind.code
        agency = planned.kind.agency.rawValue
        state = planned.state
        waitsOn = planned.waitsOn
        self.since = since
        deadlineDays = planned.deadlineDays
        deadline = planned.deadline
        result = nil
    }

    init(code: String, agency: String, state: ProcedureState, waitsOn: [String], since: Timestamp, deadlineDays: Int,
         deadline: CivilDate, result: JSON?) {
        self.code = code
        self.agency = agency
        self.state = state
        self.waitsOn = waitsOn
        self.since = since
        self.deadlineDays = deadlineDays
        self.deadline = deadline
        self.result = result
    }

    /// Overdue is computed from the clock each time, never stored.
    public func isOverdue(now: Timestamp) -> Bool {
        !state.isFinal && now.localDate > deadline
    }

    public func json(now: Timestamp, includeTiming: Bool = true) -> JSON {
        var members: [(String, JSON)] = [
            ("code", .string(code)), ("agency", .string(agency)), ("state", .string(state.rawValue)),
            ("waits_on", .array(waitsOn.map(JSON.string))),
        ]
        if includeTiming {
            members.append(("since", .string(since.description)))
        }
        members += [("deadline_days", .int(deadlineDays)), ("deadline", .string(deadline.description))]
        if includeTiming {
            members.append(("overdue", .bool(isOverdue(now: now))))
        }
        members.append(("result", result ?? .null))
        return .object(members)
    }
}

/// A dossier as the ledger holds it now.
public struct DossierRecord: Sendable {
    public let id: String
    public let group: ProcedureGroup
    public let province: String
    public let commune: String
    public let registerYear: Int
    public let registerNumber: Int
    public let receivedAt: Timestamp
    public let registeredAt: Timestamp
    public let eventDate: CivilDate
    public let late: Bool
    public let declaration: JSON
    public let benefit: JSON
    public let procedures: [ProcedureRecord]

    init(id: String, group: ProcedureGroup, province: String, commune: String, registerYear: Int, registerNumber: Int,
         receivedAt: Timestamp, registeredAt: Timestamp, eventDate: CivilDate, late: Bool, declaration: JSON, benefit: JSON,
         procedures: [ProcedureRecord]) {
        self.id = id
        self.group = group
        self.province = province
        self.commune = commune
        self.registerYear = registerYear
        self.registerNumber = registerNumber
        self.receivedAt = receivedAt
        self.registeredAt = registeredAt
        self.eventDate = eventDate
        self.late = late
        self.declaration = declaration
        self.benefit = benefit
        self.procedures = procedures
    }

    init(id: String, declaration: Declaration, registerYear: Int, registerNumber: Int, registeredAt: Timestamp, benefit: JSON,
         procedures: [ProcedureRecord]) {
        self.id = id
        group = declaration.group
        province = declaration.province
        commune = declaration.commune
        self.registerYear = registerYear
        self.registerNumber = registerNumber
        receivedAt = declaration.receivedAt
        self.registeredAt = registeredAt
        eventDate = declaration.eventDate
        late = declaration.late
        self.declaration = declaration.normalised
        self.benefit = benefit
        self.procedures = procedures
    }

    static func benefitJSON(_ benefit: Declaration.Benefit, group: ProcedureGroup) -> JSON {
        guard group == .death else { return .null }
        switch benefit {
        case .funeralAllowance(let amount):
            return .object([("kind", .string("funeral-allowance")), ("amount_vnd", .int(amount))])
        case .funeralSupport:
            return .object([("kind", .string("funeral-support"))])
        case .none(let reason):
            // The English template, so that a reader's language can show it (see civlink-dossier(5)).
            return .object([("kind", .string("none")), ("reason", .string(reason.description))])
        }
    }

    var header: [(String, JSON)] {
        var members: [(String, JSON)] = [
            ("id", .string(id)), ("group", .string(group.rawValue)), ("catalogue_code", .string(group.catalogueCode)),
            ("province", .string(province)), ("commune", .string(commune)),
            ("register", .object([("book", .string(group.rawValue)), ("year", .int(registerYear)), ("number", .int(registerNumber))])),
            ("received_at", .string(receivedAt.description)), ("registered_at", .string(registeredAt.description)),
            ("late", .bool(late)),
        ]
        if group == .death { members.append(("benefit", benefit)) }
        return members
    }

    /// The registered dossier (`civlink.dossier/1`, documented in civlink-dossier(5)).
    public func dossierJSON(now: Timestamp) -> JSON {
        .object([("format", .string("civlink.dossier/1"))] + header + [
            ("procedures", .array(procedures.map { $0.json(now: now, includeTiming: false) })),
            ("declaration", declaration),
        ])
    }

    /// The status object (`civlink.status/1`): no declaration, so no personal data beyond the id.
    public func statusJSON(now: Timestamp, events: [LedgerEvent]) -> JSON {
        .object([("format", .string("civlink.status/1"))] + header + [
            ("as_of", .string(now.description)),
            ("procedures", .array(procedures.map { $0.json(now: now) })),
            ("timeline", .array(events.map(\.json))),
        ])
    }
}

/// One line of `civlink status --list`.
public struct DossierSummary: Sendable {
    public let id: String
    public let group: String
    public let province: String
    public let commune: String
    public let registerYear: Int
    public let registerNumber: Int
    public let receivedAt: Timestamp
    public let procedures: [(code: String, state: String, deadline: String)]
    public let today: CivilDate

    init(id: String, group: String, province: String, commune: String, registerYear: Int, registerNumber: Int, receivedAt: Timestamp,
         procedures: [(code: String, state: String, deadline: String)], today: CivilDate) {
        self.id = id
        self.group = group
        self.province = province
        self.commune = commune
        self.registerYear = registerYear
        self.registerNumber = registerNumber
        self.receivedAt = receivedAt
        self.procedures = procedures
        self.today = today
    }

    private func isOpen(_ state: String) -> Bool { !(ProcedureState(rawValue: state)?.isFinal ?? false) }
    public var openCount: Int { procedures.filter { isOpen($0.state) }.count }
    public var overdue: [String] { procedures.filter { isOpen($0.state) && $0.deadline < today.description }.map(\.code) }

    public var json: JSON {
        .object([
            ("id", .string(id)), ("group", .string(group)), ("province", .string(province)), ("commune", .string(commune)),
            ("register", .object([("year", .int(registerYear)), ("number", .int(registerNumber))])),
            ("received_at", .string(receivedAt.description)),
            ("procedures", .object(procedures.map { ($0.code, .string($0.state)) })),
            ("open", .int(openCount)), ("overdue", .array(overdue.map(JSON.string))),
        ])
    }
}
