/// Procedures and their state changes. Every state change goes through `transitionAll`, which
/// checks it against the state machine, records its event and releases what waited on it.
extension Ledger {
    /// Moves one procedure to `state`, records the event, and makes ready every waiting procedure
    /// of the dossier whose prerequisites are now all processed. Call inside `write`.
    /// `known` is the dossier's procedures as read in this transaction, when the caller has them.
    public func transition(dossier: String, procedure: String, to state: ProcedureState, actor: String, now: Timestamp,
                           result: JSON? = nil, detail: [(String, JSON)] = [], known: [ProcedureStatus]? = nil) throws {
        try transitionAll([Change(dossier: dossier, procedure: procedure, to: state, result: result, detail: detail)],
                          known: known.map { [dossier: $0] } ?? [:], actor: actor, now: now)
    }

    /// One change of a dossier's procedure for `transitionAll`.
    public struct Change: Sendable {
        public let dossier: String
        public let procedure: String
        public let state: ProcedureState
        public let result: JSON?
        public let detail: [(String, JSON)]
        public init(dossier: String, procedure: String, to state: ProcedureState, result: JSON? = nil, detail: [(String, JSON)] = []) {
            self.dossier = dossier
            self.procedure = procedure
            self.state = state
            self.result = result
            self.detail = detail
        }
    }

    /// `transition` for many dossiers (each at most once), with the same changes, releases and
    /// events in the same order, written with one UPDATE per procedure, state and result instead
    /// of one per dossier. `known` holds procedures as read in this transaction; a dossier not in
    /// it is read here. Call inside `write`.
    /// With `recordEvents` false, the caller records the steps (returned per dossier, in order)
    /// in an event of its own, in the same transaction: a decision on many dossiers (register,
    /// cancel) keeps one event per dossier that names every state change it made.
    @discardableResult
    public func transitionAll(_ changes: [Change], known: [String: [ProcedureStatus]], actor: String, now: Timestamp,
                              recordEvents: Bool = true) throws -> [String: [(procedure: String, state: ProcedureState)]] {
        precondition(writing, "state changes are made inside Ledger.write")
        if let replica = try database.queryFirst("SELECT id, source FROM dossiers WHERE id IN (SELECT value FROM json_each(?)) AND source IS NOT NULL LIMIT 1",
                                                 [.jsonList(Array(Set(changes.map(\.dossier))))]) {
            throw Ledger.replicaRefusal(replica.string("id"), replica.string("source"))
        }
        var made: [String: [(procedure: String, state: ProcedureState)]] = [:]
        var events: [NewEvent] = []
        var updates: [String: (procedure: String, state: ProcedureState, result: String?, dossiers: [String])] = [:]
        var updateOrder: [String] = []
        let missing = changes.map(\.dossier).filter { known[$0] == nil }
        let read = missing.isEmpty ? [:] : try procedureStatuses(of: missing)
        for change in changes {
            var procedures = known[change.dossier] ?? read[change.dossier] ?? []
            for step in try plannedSteps(dossier: change.dossier, procedure: change.procedure, to: change.state, detail: change.detail,
                                         result: change.result, procedures: &procedures) {
                // A released procedure keeps its result; only the changed one takes the new result.
                let result = step.procedure == change.procedure ? change.result?.serialized() : nil
                let key = [step.procedure, step.state.rawValue, result ?? ""].joined(separator: "\u{0}")
                if updates[key] == nil {
                    updates[key] = (step.procedure, step.state, result, [])
                    updateOrder.append(key)
                }
                updates[key]!.dossiers.append(change.dossier)
                events.append((change.dossier, "state", step.procedure, step.detail))
                made[change.dossier, default: []].append((step.procedure, step.state))
            }
        }
        for key in updateOrder {
            let update = updates[key]!
            try database.run("""
                UPDATE procedures SET state = ?1, since = ?2, result = COALESCE(?3, result),
                       ready_at = CASE WHEN ?1 = 'ready' THEN ?2 ELSE ready_at END,
                       completed_at = CASE WHEN ?1 IN \(Ledger.processedStates) THEN ?2 ELSE completed_at END
                WHERE code = ?4 AND dossier_id IN (SELECT value FROM json_each(?5))
                """, [.text(update.state.rawValue), .integer(now.seconds), SQLValue(update.result), .text(update.procedure),
                      .jsonList(update.dossiers)])
        }
        if recordEvents { try appendEvents(events, at: now, actor: actor) }
        return made
    }

    /// The state changes one transition makes, in order: the procedure itself, then each waiting
    /// procedure whose prerequisites are all processed afterwards. Updates `procedures` to match.
    private func plannedSteps(dossier: String, procedure: String, to state: ProcedureState, detail: [(String, JSON)], result: JSON?,
                              procedures: inout [ProcedureStatus]) throws -> [(procedure: String, state: ProcedureState, detail: JSON)] {
        guard let index = procedures.firstIndex(where: { $0.code == procedure }) else {
            throw Failure(.notFound, "dossier \(dossier) has no procedure \(procedure)")
        }
        let from = procedures[index].state
        guard from.allows(state) else {
            throw Failure(.refused, "dossier \(dossier): \(procedure) cannot go from \(from.rawValue) to \(state.rawValue)")
        }
        var eventDetail: [(String, JSON)] = [("from", .string(from.rawValue)), ("to", .string(state.rawValue))] + detail
        if let result { eventDetail.append(("result", result)) }
        var steps: [(procedure: String, state: ProcedureState, detail: JSON)] = [(procedure, state, .object(eventDetail))]
        procedures[index].state = state
        guard state.isProcessed else { return steps }
        let finals = Set(procedures.filter { $0.state.isProcessed }.map(\.code))
        let planned = Set(procedures.map(\.code))
        for position in procedures.indices where procedures[position].state == .waiting {
            let prerequisites = procedures[position].waitsOn.split(separator: ",").map(String.init).filter(planned.contains)
            if prerequisites.allSatisfy(finals.contains) {
                steps.append((procedures[position].code, .ready,
                              .object([("from", .string(ProcedureState.waiting.rawValue)), ("to", .string(ProcedureState.ready.rawValue))])))
                procedures[position].state = .ready
            }
        }
        return steps
    }

    /// A procedure's state as `transition` needs it.
    public struct ProcedureStatus: Sendable {
        public let code: String
        public var state: ProcedureState
        public let waitsOn: String
    }

    /// The procedures of `dossiers`, in plan order, read with one statement.
    public func procedureStatuses(of dossiers: [String]) throws -> [String: [ProcedureStatus]] {
        var statuses: [String: [ProcedureStatus]] = [:]
        let sql = """
            SELECT dossier_id, code, state, waits_on FROM procedures WHERE dossier_id IN (SELECT value FROM json_each(?))
            ORDER BY dossier_id, position
            """
        try database.forEachRow(sql, [.jsonList(dossiers)]) { row in
            guard let state = ProcedureState(rawValue: row.string("state")) else {
                throw Failure(.ledgerCorrupt, "ledger holds an unknown procedure state '\(row.string("state"))'")
            }
            statuses[row.string("dossier_id"), default: []].append(ProcedureStatus(code: row.string("code"), state: state,
                                                                                    waitsOn: row.string("waits_on")))
        }
        return statuses
    }

    /// A procedure that needs a person, with where and since when.
    public struct AttentionItem: Sendable {
        public let dossier: String
        public let commune: String
        public let procedure: String
        public let agency: String
        public let state: String
        /// When it became stuck or was rejected.
        public let since: Timestamp
        public let deadline: CivilDate?
        public let attempts: Int
        public let lastError: String?
    }

    /// Procedures that need a person: stuck after the maximum attempts, or rejected by the agency;
    /// by commune, oldest first.
    public func needingAttention() throws -> [AttentionItem] {
        try database.query("""
            SELECT p.dossier_id, d.commune, p.code, p.agency, p.state, p.since, p.deadline, p.attempts, p.last_error
              FROM procedures p JOIN dossiers d ON d.id = p.dossier_id
             WHERE p.state IN \(ProcedureState.sqlList(ProcedureState.needingAttention)) AND p.state NOT IN \(Ledger.finalStates)
             ORDER BY d.commune, p.since, p.dossier_id, p.position
            """).map {
            AttentionItem(dossier: $0.string("dossier_id"), commune: $0.string("commune"), procedure: $0.string("code"),
                          agency: $0.string("agency"), state: $0.string("state"), since: Timestamp(seconds: $0["since"].int64 ?? 0),
                          deadline: CivilDate($0.string("deadline")), attempts: $0.int("attempts"), lastError: $0["last_error"].string)
        }
    }

    /// How many open procedures are stuck, and how many are past their deadline on `today`.
    public func openProcedureCounts(today: CivilDate) throws -> (stuck: Int, overdue: Int) {
        let stuck = try database.scalar("SELECT count(*) FROM procedures WHERE state = 'stuck' AND state NOT IN \(Ledger.finalStates)").int ?? 0
        let overdue = try database.scalar("""
            SELECT count(*) FROM procedures p JOIN dossiers d ON d.id = p.dossier_id
            WHERE p.state IN \(Ledger.runningStates) AND p.state NOT IN \(Ledger.finalStates) AND p.deadline < ?
              AND d.state NOT IN \(Ledger.pausedDossierStates)
            """, [.text(today.description)]).int ?? 0
        return (stuck, overdue)
    }
}
