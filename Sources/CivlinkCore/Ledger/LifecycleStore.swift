/// Dossiers through their lifecycle: the SQL of the decisions on received, returned and
/// registered dossiers (register, return, supplement, refuse, amend, cancel). What each decision
/// does to the procedures is decided in `Operations/Lifecycle.swift`; every state change still
/// goes through `transition`/`transitionAll`, and every decision appends its event here.
extension Ledger {
    /// What a decision needs of a dossier before reading it whole.
    public struct DossierHead: Sendable {
        public let id: String
        public let group: ProcedureGroup
        public let state: DossierState
        public let commune: String
    }

    /// The heads of `ids` found in the ledger, read with one statement.
    public func dossierHeads(_ ids: [String]) throws -> [String: DossierHead] {
        var heads: [String: DossierHead] = [:]
        try database.forEachRow("SELECT id, grp, state, commune, source FROM dossiers WHERE id IN (SELECT value FROM json_each(?))",
                                [.jsonList(ids)]) { row in
            if let source = row["source"].string { throw Ledger.replicaRefusal(row.string("id"), source) }
            guard let state = DossierState(rawValue: row.string("state")) else {
                throw Failure(.ledgerCorrupt, "ledger holds an unknown dossier state '\(row.string("state"))'")
            }
            heads[row.string("id")] = DossierHead(id: row.string("id"), group: ProcedureGroup(rawValue: row.string("grp")) ?? .birth,
                                                  state: state, commune: row.string("commune"))
        }
        return heads
    }

    /// Sets a dossier's state. Call inside `write`, with the event that says why.
    func setDossierState(_ id: String, _ state: DossierState) throws {
        try database.run("UPDATE dossiers SET state = ? WHERE id = ?", [.text(state.rawValue), .text(id)])
    }

    /// Registers received dossiers: each gets the next number of its commune's register book for
    /// the year (never reused), its registration is done, and the procedures waiting only on it
    /// are released. One event per dossier names its register entry and every procedure that
    /// changed. Ids that are unknown, or not received, are refused one by one and the others go
    /// on. Returns the outcome of each id, in order. Call inside `write`, or alone.
    public func registerReceived(_ ids: [String], actor: String, now: Timestamp) throws -> [DecisionOutcome] {
        try write {
            let heads = try dossierHeads(ids)
            var states = heads.mapValues(\.state)
            var outcomes: [DecisionOutcome?] = Array(repeating: nil, count: ids.count)
            var next: [String: Int] = [:]
            var entries: [JSON] = []
            var changes: [Change] = []
            var registering: [(index: Int, head: DossierHead, number: Int)] = []
            let year = now.localDate.year
            for (index, id) in ids.enumerated() {
                guard let head = heads[id], let state = states[id] else {
                    outcomes[index] = .refused(id, Failure(.notFound, "no dossier \(id) in this ledger"))
                    continue
                }
                do {
                    states[id] = try DossierAction.register.target(from: state, dossier: id)
                } catch let error as Failure {
                    outcomes[index] = .refused(id, error)
                    continue
                }
                let key = "\(head.group.rawValue)|\(head.commune)"
                let number = try next[key] ?? nextRegisterNumber(group: head.group, commune: head.commune, year: year)
                next[key] = number + 1
                entries.append(.array([.string(id), .int(year), .int(number)]))
                changes.append(Change(dossier: id, procedure: ProcedureKind.registration(of: head.group).code, to: .done))
                registering.append((index, head, number))
            }
            guard !registering.isEmpty else { return outcomes.map { $0! } }
            try database.run("""
                UPDATE dossiers SET state = ?2, register_year = v.value ->> 1, register_no = v.value ->> 2, registered_at = ?3
                FROM json_each(?1) AS v WHERE dossiers.id = v.value ->> 0
                """, [.text(JSON.array(entries).serialized()), .text(DossierState.registered.rawValue), .integer(now.seconds)])
            let steps = try transitionAll(changes, known: [:], actor: actor, now: now, recordEvents: false)
            var events: [NewEvent] = []
            for entry in registering {
                let id = ids[entry.index]
                let register = JSON.object([("book", .string(entry.head.group.rawValue)), ("year", .int(year)), ("number", .int(entry.number))])
                let changed = (steps[id] ?? []).map { ($0.procedure, JSON.string($0.state.rawValue)) }
                events.append((id, "registered", nil, .object([("register", register), ("procedures", .object(changed))])))
                outcomes[entry.index] = .decided(Decision(id: id, action: .register, state: .registered, register: register,
                                                         procedures: changed))
            }
            try appendEvents(events, at: now, actor: actor)
            return outcomes.map { $0! }
        }
    }

    /// Stores a corrected declaration of a dossier; a correction that makes it a duplicate of
    /// another dossier is refused, naming it, with nothing written. Call inside `write`.
    func storeCorrection(_ declaration: Declaration, benefit: JSON, of id: String) throws {
        do {
            try database.run("""
                UPDATE dossiers SET declaration = ?, duplicate_key = ?, document_key = ?, event_date = ?, late = ?, reference = ?, benefit = ?
                WHERE id = ?
                """, [.text(declaration.normalisedText), .text(declaration.duplicateKey), .text(declaration.documentKey),
                      .text(declaration.eventDate.description), .integer(declaration.late ? 1 : 0),
                      SQLValue(declaration.normalised["reference"]?.stringValue), .text(benefit.serialized()), .text(id)])
        } catch let error as SQLiteError where error.isUniquenessViolation {
            try refuseDuplicate(declaration, except: id)
            throw error
        }
        // The persons a corrected declaration names are what `find` looks the dossier up by.
        try refreshSearchKeys(dossier: id)
    }

    /// Returned files whose time to complete is over on `today`: the clock refuses them. An
    /// indexed look-up (procedures_open), so every write command can afford it.
    public func expiredReturns(today: CivilDate) throws -> [String] {
        try database.query("""
            SELECT dossier_id FROM procedures WHERE state = ? AND state NOT IN \(Ledger.finalStates) AND deadline < ? AND source IS NULL ORDER BY deadline, dossier_id
            """, [.text(ProcedureState.returned.rawValue), .text(today.description)]).map { $0.string("dossier_id") }
    }

    /// Each procedure's messages, newest first, for the procedures that have any: what the
    /// agencies may hold of a dossier.
    public func messagesByProcedure(dossier: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        try database.forEachRow("SELECT procedure, id FROM messages WHERE dossier_id = ? ORDER BY rowid DESC", [.text(dossier)]) { row in
            result[row.string("procedure"), default: []].append(row.string("id"))
        }
        return result
    }

    /// The plan position of a procedure (an amendment reorders the plan it changes).
    func setPosition(dossier: String, procedure: String, position: Int) throws {
        try database.run("UPDATE procedures SET position = ? WHERE dossier_id = ? AND code = ?",
                         [.integer(Int64(position)), .text(dossier), .text(procedure)])
    }

    /// Stores the void of a procedure's data as its current message: it is delivered like any
    /// message, and the procedure becomes cancelled once the agency has it. Call inside `write`,
    /// with the state change to voiding.
    func storeVoid(_ body: JSON, id: String, dossier: String, procedure: String, agency: String, supersedes: String, now: Timestamp) throws {
        try storeMessage(id: id, kind: .void, dossier: dossier, procedure: procedure, agency: agency, supersedes: supersedes,
                         body: body.serialized(), now: now)
    }
}

/// What a decision on one dossier did (`civlink.decision/1`, civlink-dossier(5)).
public struct Decision: Sendable {
    public let id: String
    public let action: DossierAction
    public let state: DossierState
    /// The register-book entry, once given.
    public var register: JSON = .null
    /// What happened to each procedure it changed: its new state, or for an amendment what its
    /// agency gets (`update`, `resend`, `void`, `unchanged`, `planned`).
    public var procedures: [(String, JSON)] = []
    /// The fields a correction changed (paths only: the values are in the dossier's history).
    public var changed: [String] = []
    /// A returned file's last day to be completed.
    public var completeBy: CivilDate?
    /// Whether the signed copy was revoked (a new one must be signed).
    public var copyRevoked = false

    public var json: JSON {
        var members: [(String, JSON)] = [
            ("format", .string("civlink.decision/1")), ("id", .string(id)), ("action", .string(action.rawValue)),
            ("state", .string(state.rawValue)), ("register", register),
        ]
        if let completeBy { members.append(("complete_by", .string(completeBy.description))) }
        if !changed.isEmpty { members.append(("changed", .array(changed.map(JSON.string)))) }
        if copyRevoked { members.append(("copy_revoked", .bool(true))) }
        members.append(("procedures", .object(procedures)))
        return .object(members)
    }
}

/// The outcome of a decision on one id of a batch.
public enum DecisionOutcome: Sendable {
    case decided(Decision)
    case refused(String, any CivlinkError)
}

extension ProcedureKind {
    /// The registration procedure of a group.
    public static func registration(of group: ProcedureGroup) -> ProcedureKind { group == .birth ? birthRegistration : deathRegistration }
}
