/// Where a dossier is in the commune office's work, and the one table of what an officer (or
/// the clock) may do to it. Every decision is checked against `DossierAction.moves`, and SQL that
/// needs the final set uses `finalStates`: a new state is an entry here. The partial unique
/// indexes on duplicate keys (`dossiers_duplicate`, `dossiers_document`, migration 7) name
/// `finalStates`: a change to that list needs a migration that recreates them.
public enum DossierState: String, Sendable, CaseIterable {
    /// Arrived at the desk or through the portal; the officer checks it. No register number yet.
    case received
    /// Sent back to the declarant to complete within the time limit.
    case returned
    /// In the commune's register book for the year; its procedures released.
    case registered
    /// Refused by the officer, or not completed in time.
    case refused
    /// Registered in error, or a duplicate found later. Its register number is never reused.
    case cancelled

    /// Nothing more happens to it; its declaration no longer holds its duplicate keys, so the
    /// event can be declared again.
    public static let finalStates: [DossierState] = [.refused, .cancelled]

    public var isFinal: Bool { DossierState.finalStates.contains(self) }

    /// With the declarant: the dossier's procedures are paused and none of them is overdue.
    public static let pausedStates: [DossierState] = [.returned]
    public var isPaused: Bool { DossierState.pausedStates.contains(self) }

    /// The state of the dossier's registration procedure (birth- or death-registration) while the
    /// dossier is in this state: reports count civil status's records by it.
    public var registrationState: ProcedureState {
        switch self {
        case .received: return .ready
        case .returned: return .returned
        case .registered: return .done
        case .refused: return .refused
        case .cancelled: return .cancelled
        }
    }

    /// `('refused', 'cancelled')`: a fixed SQL list of states, never built from input.
    static func sqlList(_ states: [DossierState]) -> String {
        "(" + states.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}

/// What can be done to a dossier, from which states, and where it leads.
public enum DossierAction: String, Sendable, CaseIterable {
    /// Give the register-book number and release the procedure plan.
    case register
    /// Send the file back to the declarant to complete (`return`).
    case returnForCompletion = "return"
    /// The completed file comes back; it is checked again.
    case supplement
    /// The officer refuses the file.
    case refuse
    /// The declarant did not complete the file in time: refused by the clock.
    case expire
    /// A corrected declaration replaces the stored one.
    case amend
    /// A registration made in error, or a duplicate found later, is cancelled.
    case cancel

    /// The states each action starts from, and the state it leads to (nil: the state stays).
    public static let moves: [DossierAction: (from: [DossierState], to: DossierState?)] = [
        .register: ([.received], .registered),
        .returnForCompletion: ([.received], .returned),
        .supplement: ([.returned], .received),
        .refuse: ([.received, .returned], .refused),
        .expire: ([.returned], .refused),
        .amend: ([.received, .registered], nil),
        .cancel: ([.registered], .cancelled),
    ]

    public var from: [DossierState] { DossierAction.moves[self]!.from }

    /// The state after this action from `state`, or a refusal naming what the action needs.
    public func target(from state: DossierState, dossier: String) throws -> DossierState {
        guard let move = DossierAction.moves[self], move.from.contains(state) else {
            let allowed = from.map(\.rawValue).joined(separator: " or ")
            throw Failure(.refused, "dossier \(dossier) is \(state.rawValue); \(rawValue) needs a dossier that is \(allowed)")
        }
        return move.to ?? state
    }
}

/// How a declaration reached the commune: at the one-stop desk, or online through the public
/// service portal.
public enum Channel: String, Sendable, CaseIterable {
    case desk, online
}

/// How long a declarant has to complete a returned file (DOMAIN.md: 7 working days), after
/// which it is refused.
public enum CompletionLimit {
    public static let defaultWorkingDays = 7
    /// The ledger setting that changes it for a province.
    public static let setting = "completion.working_days"
}
