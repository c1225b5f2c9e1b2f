/// Where a procedure is, and the one table of the moves it can make. Every state change in the
/// ledger is checked against `allows`, and the SQL that needs "final" or "open" uses the lists
/// below, so a new state is an entry here, not a new condition in five files.
public enum ProcedureState: String, Sendable, CaseIterable {
    case waiting      // waits on another procedure
    case ready        // can be sent to its agency (or, at the desk, done)
    case sent         // the agency or its spool has the message
    case unconfirmed  // the agency answered 2xx without a usable receipt: polled until it gives one
    case accepted     // the agency acknowledged it
    case completed    // the agency returned its result
    case rejected     // the agency refused it; back to the officer
    case stuck        // delivery gave up after the maximum attempts; needs a person
    case done         // done locally at the desk (civil-status registration, signing)

    /// Finished with its result: nothing more happens to it.
    public static let finalStates: [ProcedureState] = [.done, .completed]

    /// Waiting on an answer or a person: not final.
    public var isFinal: Bool { ProcedureState.finalStates.contains(self) }

    /// Received by its system and without a result yet (for reports), neither rejected nor stuck.
    public static let pendingStates: [ProcedureState] = [.waiting, .ready, .sent, .unconfirmed, .accepted]

    /// States in which an agency's answer to the procedure's current message is applied.
    public static let answerable: [ProcedureState] = [.ready, .sent, .unconfirmed, .stuck, .accepted]

    /// States that need a person (`status --stuck`).
    public static let needingAttention: [ProcedureState] = [.stuck, .rejected]

    /// The moves a procedure may make, and why each exists.
    static let transitions: [ProcedureState: Set<ProcedureState>] = [
        // Released when everything it waits on is final.
        .waiting: [.ready],
        // Delivered; delivered but answered without a usable receipt; given up after the maximum
        // attempts; done at the desk (signed); or answered at once when the agency answers a
        // message that was handed over again.
        .ready: [.sent, .unconfirmed, .stuck, .done, .accepted, .completed, .rejected],
        // The answer that came with the delivery turned out unusable (quarantined, or already
        // recorded): the procedure is polled for its receipt.
        .sent: [.accepted, .completed, .rejected, .unconfirmed, .ready],
        // Polled with GET URL/ID until a receipt comes; after the maximum attempts a person
        // looks (stuck, with the reason); a retry hands the same message over again.
        .unconfirmed: [.accepted, .completed, .rejected, .stuck, .ready],
        .accepted: [.completed, .rejected, .ready],
        // A stuck delivery is retried, or its answer arrives late.
        .stuck: [.ready, .accepted, .completed, .rejected],
        // A rejection comes back to the officer, who corrects and resends.
        .rejected: [.ready],
        // A signed copy that is revoked makes the copy ready to sign again.
        .done: [.ready],
        .completed: [],
    ]

    public func allows(_ next: ProcedureState) -> Bool { ProcedureState.transitions[self]?.contains(next) ?? false }

    /// `('done', 'completed')`: a fixed SQL list of states, never built from input.
    static func sqlList(_ states: [ProcedureState]) -> String {
        "(" + states.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}
