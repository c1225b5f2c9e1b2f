
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

    /// Overdue is computed from the clock each time, never stored. Only a procedure running
    /// against its deadline can be: not one voided or final, nor one of a dossier that is with
    /// the declarant (`paused`).
    public func isOverdue(now: Timestamp, paused: Bool = false) -> Bool {
        !paused && ProcedureState.runningStates.contains(state) && now.localDate > deadline
    }

    public func json(now: Timestamp, includeTiming: Bool = true, paused: Bool = false) -> JSON {
        var members: [(String, JSON)] = [
            ("code", .string(code)), ("agency", .string(agency)), ("state", .string(state.rawValue)),
            ("waits_on", .array(waitsOn.map(JSON.string))),
        ]
        if includeTiming {
            members.append(("since", .string(since.description)))
        }
        members += [("deadline_days", .int(deadlineDays)), ("deadline", .string(deadline.description))]
        if includeTiming {
            members.append(("overdue", .bool(isOverdue(now: now, paused: paused))))
        }
        members.append(("result", result ?? .null))
        return .object(members)
    }
}

/// A dossier as the ledger holds it now.
public struct DossierRecord: Sendable {
    public let id: String
    public let group: ProcedureGroup
    public let state: DossierState
    public let channel: Channel
    public let province: String
    public let commune: String
    /// The register-book entry, given at registration (nil while received or returned, and for
    /// a file refused before it was registered).
    public let registerYear: Int?
    public let registerNumber: Int?
    public let receivedAt: Timestamp
    public let registeredAt: Timestamp?
    public let eventDate: CivilDate
    public let late: Bool
    public let declaration: JSON
    public let benefit: JSON
    public let procedures: [ProcedureRecord]

    init(id: String, group: ProcedureGroup, state: DossierState, channel: Channel, province: String, commune: String,
         registerYear: Int?, registerNumber: Int?, receivedAt: Timestamp, registeredAt: Timestamp?, eventDate: CivilDate, late: Bool,
         declaration: JSON, benefit: JSON, procedures: [ProcedureRecord]) {
        self.id = id
        self.group = group
        self.state = state
        self.channel = channel
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

    init(id: String, declaration: Declaration, state: DossierState, channel: Channel, registerYear: Int?, registerNumber: Int?,
         registeredAt: Timestamp?, benefit: JSON, procedures: [ProcedureRecord]) {
        self.init(id: id, group: declaration.group, state: state, channel: channel, province: declaration.province,
                  commune: declaration.commune, registerYear: registerYear, registerNumber: registerNumber,
                  receivedAt: declaration.receivedAt, registeredAt: registeredAt, eventDate: declaration.eventDate,
                  late: declaration.late, declaration: declaration.normalised, benefit: benefit, procedures: procedures)
    }

    /// The same dossier with another declaration (an amendment being worked out): the facts the
    /// payloads and the certificate copy read come from `declaration`.
    func with(_ declaration: Declaration, benefit: JSON) -> DossierRecord {
        DossierRecord(id: id, group: group, state: state, channel: channel, province: province, commune: commune,
                      registerYear: registerYear, registerNumber: registerNumber, receivedAt: receivedAt, registeredAt: registeredAt,
                      eventDate: declaration.eventDate, late: declaration.late, declaration: declaration.normalised, benefit: benefit,
                      procedures: procedures)
    }

    /// The state as of `now`: a returned file whose time to complete is over is refused, computed
    /// from the clock (the next write records the refusal).
    public func currentState(now: Timestamp) -> DossierState {
        guard state == .returned, let registration = procedures.first(where: { ProcedureKind.named($0.code)?.isRegistration ?? false }),
              registration.state == .returned, now.localDate > registration.deadline else { return state }
        return .refused
    }

    /// The last day the declarant has to complete a returned file.
    public var completeBy: CivilDate? {
        guard state == .returned else { return nil }
        return procedures.first { ProcedureKind.named($0.code)?.isRegistration ?? false }?.deadline
    }

    /// The register-book entry as JSON, or null before registration.
    var registerJSON: JSON {
        guard let registerYear, let registerNumber else { return .null }
        return .object([("book", .string(group.rawValue)), ("year", .int(registerYear)), ("number", .int(registerNumber))])
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
            ("state", .string(state.rawValue)), ("channel", .string(channel.rawValue)),
            ("province", .string(province)), ("commune", .string(commune)),
            ("register", registerJSON),
            ("received_at", .string(receivedAt.description)), ("registered_at", .optional(registeredAt?.description)),
            ("late", .bool(late)),
        ]
        if group == .death { members.append(("benefit", benefit)) }
        return members
    }

    /// The dossier (`civlink.dossier/1`, documented in civlink-dossier(5)).
    public func dossierJSON(now: Timestamp) -> JSON {
        .object([("format", .string("civlink.dossier/1"))] + header + [
            ("procedures", .array(procedures.map { $0.json(now: now, includeTiming: false) })),
            ("declaration", declaration),
        ])
    }

    /// The status object (`civlink.status/1`): no declaration, so no personal data beyond the id
    /// (and the old and new values of amended fields, in the timeline).
    public func statusJSON(now: Timestamp, events: [LedgerEvent]) -> JSON {
        let members = header.map { key, value in key == "state" ? (key, JSON.string(currentState(now: now).rawValue)) : (key, value) }
        return .object([("format", .string("civlink.status/1"))] + members + [
            ("complete_by", .optional(completeBy?.description)),
            ("as_of", .string(now.description)),
            ("procedures", .array(procedures.map { $0.json(now: now, paused: state.isPaused) })),
            ("timeline", .array(events.map(\.json))),
        ])
    }
}

/// One line of `civlink status --list`.
public struct DossierSummary: Sendable {
    public let id: String
    public let group: String
    public let state: String
    public let channel: String
    public let province: String
    public let commune: String
    public let registerYear: Int?
    public let registerNumber: Int?
    public let receivedAt: Timestamp
    public let procedures: [(code: String, state: String, deadline: String)]
    public let today: CivilDate

    init(id: String, group: String, state: String, channel: String, province: String, commune: String, registerYear: Int?,
         registerNumber: Int?, receivedAt: Timestamp, procedures: [(code: String, state: String, deadline: String)], today: CivilDate) {
        self.id = id
        self.group = group
        self.state = state
        self.channel = channel
        self.province = province
        self.commune = commune
        self.registerYear = registerYear
        self.registerNumber = registerNumber
        self.receivedAt = receivedAt
        self.procedures = procedures
        self.today = today
    }

    private func isOpen(_ state: String) -> Bool { !(ProcedureState(rawValue: state)?.isFinal ?? false) }
    private func isRunning(_ state: String) -> Bool { ProcedureState(rawValue: state).map(ProcedureState.runningStates.contains) ?? false }
    public var openCount: Int { procedures.filter { isOpen($0.state) }.count }
    public var overdue: [String] {
        guard !(DossierState(rawValue: state)?.isPaused ?? false) else { return [] }
        return procedures.filter { isRunning($0.state) && $0.deadline < today.description }.map(\.code)
    }

    /// The state as of today (a returned file whose time to complete is over is refused).
    public var currentState: String {
        guard state == DossierState.returned.rawValue,
              let registration = procedures.first(where: { ProcedureKind.named($0.code)?.isRegistration ?? false }),
              registration.state == ProcedureState.returned.rawValue, registration.deadline < today.description else { return state }
        return DossierState.refused.rawValue
    }

    public var registerText: String {
        guard let registerYear, let registerNumber else { return "-" }
        return "\(registerNumber)/\(registerYear)"
    }

    public var json: JSON {
        let register: JSON = registerYear.flatMap { year in registerNumber.map { JSON.object([("year", .int(year)), ("number", .int($0))]) } } ?? .null
        return .object([
            ("id", .string(id)), ("group", .string(group)), ("state", .string(currentState)), ("channel", .string(channel)),
            ("province", .string(province)), ("commune", .string(commune)),
            ("register", register),
            ("received_at", .string(receivedAt.description)),
            ("procedures", .object(procedures.map { ($0.code, .string($0.state)) })),
            ("open", .int(openCount)), ("overdue", .array(overdue.map(JSON.string))),
        ])
    }
}
