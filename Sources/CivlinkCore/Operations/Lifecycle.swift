import FoundationEssentials

/// The officer's decisions on a dossier after it is received, and the clock's: register, return
/// for completion, supplement, refuse, expire, amend, cancel. Each checks the move against
/// `DossierAction.moves` (an illegal one is refused with nothing written), changes procedures
/// through `transitionAll`, and appends one event that names everything it changed.
public enum Lifecycle {
    /// Who acts when the clock refuses a file that was not completed in time.
    public static let clockActor = "civlink"

    /// A corrected declaration: the whole of it, or an RFC 7396 merge patch of the stored one.
    public enum Correction: Sendable {
        case declaration(JSON)
        case patch(JSON)

        public static func parse(_ data: Data, patch: Bool) throws -> Correction {
            let json = try JSONReader.parse(data, limits: .declaration)
            guard case .object = json else { throw ValidationError("", patch ? "a merge patch must be a JSON object" : "a declaration must be a JSON object") }
            return patch ? .patch(json) : .declaration(json)
        }

        func applied(to stored: JSON) -> JSON {
            switch self {
            case .declaration(let json): return json
            case .patch(let patch): return stored.merging(patch)
            }
        }
    }

    // MARK: The clock

    /// Refuses every returned file whose time to complete is over, with its event. Run by every
    /// write command before it does its own work; costs one indexed look-up when there is none.
    @discardableResult
    public static func refuseExpired(ledger: Ledger, now: Timestamp) throws -> [String] {
        let due = try ledger.expiredReturns(today: now.localDate)
        guard !due.isEmpty else { return [] }
        return try ledger.write {
            // Read again under the write lock: another process may have refused or completed them.
            let ids = try ledger.expiredReturns(today: now.localDate)
            for id in ids {
                let dossier = try ledger.dossier(id)
                let limit = dossier.completeBy
                _ = try close(dossier, action: .expire, reason: "not completed within the time limit", ledger: ledger, actor: clockActor, now: now,
                              extra: [("complete_by", .optional(limit?.description))])
            }
            return ids
        }
    }

    /// The working days a declarant has to complete a returned file (ledger setting, else 7).
    static func completionDays(_ ledger: Ledger) throws -> Int {
        try ledger.setting(CompletionLimit.setting).flatMap(Int.init) ?? CompletionLimit.defaultWorkingDays
    }

    // MARK: Decisions on one dossier

    /// Sends a received file back to the declarant to complete: the registration waits on them
    /// until the completion limit, after which the clock refuses it.
    public static func returnForCompletion(_ id: String, missing: String, ledger: Ledger, actor: String, now: Timestamp) throws -> Decision {
        try ledger.write {
            let dossier = try ledger.dossier(id)
            let state = try DossierAction.returnForCompletion.target(from: dossier.state, dossier: id)
            let calendar = ledger.reference.calendar
            let completeBy = calendar.adding(workingDays: try completionDays(ledger), to: calendar.startDay(receivedAt: now))
            let registration = ProcedureKind.registration(of: dossier.group).code
            try ledger.setDossierState(id, state)
            let steps = try ledger.transitionAll([Ledger.Change(dossier: id, procedure: registration, to: .returned)], known: [:], actor: actor,
                                                 now: now, recordEvents: false)
            try ledger.setDeadline(dossier: id, procedure: registration, deadline: completeBy)
            let changed = (steps[id] ?? []).map { ($0.procedure, JSON.string($0.state.rawValue)) }
            try ledger.appendEvent(dossier: id, at: now, actor: actor, kind: "returned", procedure: nil, detail: .object([
                ("missing", .string(missing)), ("complete_by", .string(completeBy.description)), ("procedures", .object(changed)),
            ]))
            var decision = Decision(id: id, action: .returnForCompletion, state: state, procedures: changed)
            decision.completeBy = completeBy
            return decision
        }
    }

    /// The completed file comes back: validated again (duplicates too), its changes kept in the
    /// history, the plan rebuilt and every deadline counted again from now, when the complete
    /// file reached the officer. The dossier is received again, for the officer to decide.
    public static func supplement(_ id: String, correction: Correction, ledger: Ledger, actor: String, now: Timestamp) throws -> Decision {
        try ledger.write {
            let dossier = try ledger.dossier(id)
            let state = try DossierAction.supplement.target(from: dossier.state, dossier: id)
            let declaration = try Declaration.validateCorrection(correction.applied(to: dossier.declaration), of: dossier, now: now,
                                                                 reference: ledger.reference)
            let changes = dossier.declaration.changes(to: declaration.normalised)
            let benefit = DossierRecord.benefitJSON(declaration.options.benefit, group: dossier.group)
            try ledger.storeCorrection(declaration, benefit: benefit, of: id)
            try ledger.setDossierState(id, state)
            let registration = ProcedureKind.registration(of: dossier.group).code
            try ledger.transitionAll([Ledger.Change(dossier: id, procedure: registration, to: .ready)], known: [:], actor: actor, now: now,
                                     recordEvents: false)
            let outcome = try replan(dossier, as: dossier.with(declaration, benefit: benefit), declaration: declaration, intake: true,
                                     copyRevoked: false, restartClock: now, ledger: ledger, actor: actor, now: now)
            let procedures = [(registration, JSON.string(ProcedureState.ready.rawValue))] + outcome
            try ledger.appendEvent(dossier: id, at: now, actor: actor, kind: "supplemented", procedure: nil, detail: .object([
                ("changes", .array(changes.map(\.json))), ("procedures", .object(procedures)),
            ]))
            var decision = Decision(id: id, action: .supplement, state: state, procedures: procedures)
            decision.changed = changes.map(\.field)
            return decision
        }
    }

    /// The officer refuses a received or returned file.
    public static func refuse(_ id: String, reason: String, ledger: Ledger, actor: String, now: Timestamp) throws -> Decision {
        try ledger.write {
            try close(try ledger.dossier(id), action: .refuse, reason: reason, ledger: ledger, actor: actor, now: now)
        }
    }

    /// Cancels a registered dossier (registered in error, or a duplicate found later): its signed
    /// copy is revoked, every agency that may have its data gets a void, every other procedure is
    /// closed as cancelled. Its register number stays taken. Call inside `write`, or alone.
    public static func cancel(_ id: String, reason: String, ledger: Ledger, actor: String, now: Timestamp) throws -> Decision {
        try ledger.write {
            try close(try ledger.dossier(id), action: .cancel, reason: reason, ledger: ledger, actor: actor, now: now)
        }
    }

    /// Refusal, expiry and cancellation: the dossier becomes final, its registration refused or
    /// cancelled, each procedure an agency may hold is voided, the others are cancelled.
    private static func close(_ dossier: DossierRecord, action: DossierAction, reason: String, ledger: Ledger, actor: String, now: Timestamp,
                              extra: [(String, JSON)] = []) throws -> Decision {
        let id = dossier.id
        let state = try action.target(from: dossier.state, dossier: id)
        try ledger.setDossierState(id, state)
        var copyRevoked = false
        if try ledger.revokeLiveCopy(dossier: id, reason: "\(action.rawValue): \(reason)", now: now) != nil { copyRevoked = true }
        let messages = try ledger.messagesByProcedure(dossier: id)
        let current = try ledger.delivery(dossier: id)
        var outcome: [(String, JSON)] = []
        for procedure in dossier.procedures where !ProcedureState.cancelledStates.contains(procedure.state) && procedure.state != .refused {
            guard let kind = ProcedureKind.named(procedure.code) else { continue }
            let target: ProcedureState
            if kind.isRegistration {
                target = state == .cancelled ? .cancelled : .refused
            } else if kind.isSent, let sent = messages[procedure.code], let last = sent.first {
                // The agency may hold its data: it gets a void of the message it has.
                let supersedes = current[procedure.code]?.messageID ?? last
                let voidID = "\(id).\(procedure.code).\(sent.count + 1)"
                let body = MessageBuilder.void(messageID: voidID, supersedes: supersedes, dossier: dossier, procedure: procedure, reason: reason, now: now)
                try ledger.storeVoid(body, id: voidID, dossier: id, procedure: procedure.code, agency: procedure.agency, supersedes: supersedes, now: now)
                target = .voiding
            } else {
                target = .cancelled
            }
            try ledger.transitionAll([Ledger.Change(dossier: id, procedure: procedure.code, to: target)], known: [:], actor: actor, now: now,
                                     recordEvents: false)
            outcome.append((procedure.code, .string(target.rawValue)))
        }
        let kind = action == .cancel ? "cancelled" : "refused"
        try ledger.appendEvent(dossier: id, at: now, actor: actor, kind: kind, procedure: nil, detail: .object(
            [("reason", .string(reason))] + extra + [("copy_revoked", .bool(copyRevoked)), ("procedures", .object(outcome))]))
        var decision = Decision(id: id, action: action, state: state, register: dossier.registerJSON, procedures: outcome)
        decision.copyRevoked = copyRevoked
        return decision
    }

    /// Replaces a received or registered dossier's declaration with a corrected one: every rule
    /// and duplicate check again; each changed field kept with its old and new value in the
    /// history; the signed copy revoked (a new one must be signed); and each procedure an agency
    /// has data of gets what the correction means for it: an update superseding what it has, a
    /// corrected resend after a rejection, a void if the plan no longer has it, or nothing at all
    /// when the data its message carries is the same. A correction that changes nothing is refused.
    public static func amend(_ id: String, correction: Correction, reason: String, ledger: Ledger, actor: String, now: Timestamp) throws -> Decision {
        try ledger.write {
            let dossier = try ledger.dossier(id)
            let state = try DossierAction.amend.target(from: dossier.state, dossier: id)
            let declaration = try Declaration.validateCorrection(correction.applied(to: dossier.declaration), of: dossier, now: now,
                                                                 reference: ledger.reference)
            let changes = dossier.declaration.changes(to: declaration.normalised)
            guard !changes.isEmpty else { throw Failure(.refused, "dossier \(id): the corrected declaration changes nothing") }
            let benefit = DossierRecord.benefitJSON(declaration.options.benefit, group: dossier.group)
            try ledger.storeCorrection(declaration, benefit: benefit, of: id)
            var copyRevoked = false
            if let hash = try ledger.revokeLiveCopy(dossier: id, reason: "amended: \(reason)", now: now) {
                try ledger.transition(dossier: id, procedure: ProcedureKind.certificateCopy.code, to: .ready, actor: actor, now: now, detail: [
                    ("revoked", .object([("signature_sha256", .string(hash)), ("reason", .string("amended"))])),
                ])
                copyRevoked = true
            }
            let outcome = try replan(dossier, as: dossier.with(declaration, benefit: benefit), declaration: declaration,
                                     intake: dossier.state == .received, copyRevoked: copyRevoked, restartClock: nil, ledger: ledger,
                                     actor: actor, now: now)
            try ledger.appendEvent(dossier: id, at: now, actor: actor, kind: "amended", procedure: nil, detail: .object([
                ("reason", .string(reason)), ("changes", .array(changes.map(\.json))), ("copy_revoked", .bool(copyRevoked)),
                ("procedures", .object(outcome)),
            ]))
            var decision = Decision(id: id, action: .amend, state: state, register: dossier.registerJSON, procedures: outcome)
            decision.changed = changes.map(\.field)
            decision.copyRevoked = copyRevoked
            return decision
        }
    }

    /// What an agency's message for `code` carries of `dossier`: the catalogue's payload, and the
    /// certificate extract for the procedures whose message carries the signed copy (without the
    /// copy's issue number, which a re-signed copy changes anyway). Nil when it cannot be built.
    static func carried(_ code: String, of dossier: DossierRecord) -> JSON? {
        guard let kind = ProcedureKind.named(code), let data = try? MessageBuilder.payload(code, of: dossier) else { return nil }
        var members: [(String, JSON)] = [("data", data)]
        if kind.carriesCertificateCopy, dossier.registerYear != nil { members.append(("copy", SignedCopy.copy(of: dossier, issue: 0))) }
        return .object(members)
    }

    /// Works out and applies what a corrected declaration means for each procedure (see `amend`),
    /// and returns it per procedure for the event. `restartClock` counts every deadline again from
    /// that moment (a completed file). Call inside `write`, after the copy is revoked.
    private static func replan(_ before: DossierRecord, as after: DossierRecord, declaration: Declaration, intake: Bool, copyRevoked: Bool,
                               restartClock: Timestamp?, ledger: Ledger, actor: String, now: Timestamp) throws -> [(String, JSON)] {
        let id = before.id
        let plan = ledger.planner.plan(for: declaration, intake: intake, clockFrom: restartClock ?? (intake ? before.receivedAt : now))
        let planned = Set(plan.map(\.kind.code))
        let messages = try ledger.messagesByProcedure(dossier: id)
        let current = try ledger.delivery(dossier: id)
        var states = Dictionary(uniqueKeysWithValues: before.procedures.map { ($0.code, $0.state) })
        if copyRevoked { states[ProcedureKind.certificateCopy.code] = .ready }
        var outcome: [(String, JSON)] = []
        func move(_ code: String, to state: ProcedureState) throws {
            guard states[code] != state else { return }
            try ledger.transitionAll([Ledger.Change(dossier: id, procedure: code, to: state, detail: [("amended", .bool(true))])], known: [:],
                                     actor: actor, now: now, recordEvents: false)
            states[code] = state
        }

        // Procedures the corrected declaration no longer asks for: voided where an agency has data.
        for procedure in before.procedures where !planned.contains(procedure.code) {
            guard !ProcedureState.cancelledStates.contains(procedure.state), procedure.state != .refused else { continue }
            if let sent = messages[procedure.code], let last = sent.first, ProcedureKind.named(procedure.code)?.isSent ?? false {
                let supersedes = current[procedure.code]?.messageID ?? last
                let voidID = "\(id).\(procedure.code).\(sent.count + 1)"
                let body = MessageBuilder.void(messageID: voidID, supersedes: supersedes, dossier: after, procedure: procedure,
                                               reason: "no longer asked for by the corrected declaration", now: now)
                try ledger.storeVoid(body, id: voidID, dossier: id, procedure: procedure.code, agency: procedure.agency, supersedes: supersedes, now: now)
                try move(procedure.code, to: .voiding)
                outcome.append((procedure.code, .string("void")))
            } else {
                try move(procedure.code, to: .cancelled)
                outcome.append((procedure.code, .string(ProcedureState.cancelled.rawValue)))
            }
        }

        // Procedures it asks for that were not planned: planned now, in the plan's order.
        let existing = Set(before.procedures.map(\.code))
        let added = plan.filter { !existing.contains($0.kind.code) }
        if !added.isEmpty {
            let positions = Dictionary(uniqueKeysWithValues: plan.enumerated().map { ($1.kind.code, $0) })
            try ledger.insertProcedures(added.map { step in
                PlannedProcedure(kind: step.kind, state: .waiting, waitsOn: step.waitsOn, deadlineDays: step.deadlineDays, deadline: step.deadline)
            }, dossier: id, now: now, positions: positions)
            for step in added { states[step.kind.code] = .waiting }
        }
        for (position, step) in plan.enumerated() { try ledger.setPosition(dossier: id, procedure: step.kind.code, position: position) }
        for (offset, procedure) in before.procedures.enumerated() where !planned.contains(procedure.code) {
            try ledger.setPosition(dossier: id, procedure: procedure.code, position: plan.count + offset)
        }

        // Every planned procedure, in plan order (so a reopened prerequisite holds back what waits on it).
        for step in plan {
            let code = step.kind.code
            let kind = step.kind
            if restartClock != nil, existing.contains(code), !(states[code]?.isFinal ?? true) {
                try ledger.setDeadline(dossier: id, procedure: code, deadline: step.deadline)
            }
            if !existing.contains(code) { outcome.append((code, .string("planned"))) }
            guard kind.isSent, let state = states[code] else { continue }
            let prerequisitesProcessed = step.waitsOn.allSatisfy { states[$0]?.isProcessed ?? false }
            var reopen: MessageKind?
            if existing.contains(code), let sent = messages[code], !sent.isEmpty {
                // A message built but not delivered yet is rebuilt when what it carries may change:
                // a prerequisite reopened, or the signed copy it carries revoked.
                let undelivered = state == .ready || state == .stuck
                let changed = carried(code, of: before) != carried(code, of: after) || carried(code, of: after) == nil
                if changed || (undelivered && (!prerequisitesProcessed || (copyRevoked && kind.carriesCertificateCopy))) {
                    let currentKind = try current[code]?.messageID.flatMap(ledger.messageKind)
                    reopen = state == .rejected ? (currentKind ?? .request) : .update
                    outcome.append((code, .string(state == .rejected ? "resend" : "update")))
                    // An update of a returned result is new work: its time limit counts from now.
                    if state == .completed { try ledger.setDeadline(dossier: id, procedure: code, deadline: step.deadline) }
                } else {
                    outcome.append((code, .string("unchanged")))
                }
            }
            if let reopen {
                try ledger.prepareNewMessage(dossier: id, procedure: code, kind: reopen)
                try move(code, to: prerequisitesProcessed ? .ready : .waiting)
            } else if state == .ready && !prerequisitesProcessed {
                // Not sent yet, and what it waits on is being corrected: it waits again.
                try move(code, to: .waiting)
            } else if state == .waiting && prerequisitesProcessed {
                try move(code, to: .ready)
            }
        }
        return outcome
    }
}
