/// Where a procedure is, and the one table of the moves it can make. Every state change in the
/// ledger is checked against `allows`, and the SQL that needs "final" or "open" uses the lists
/// below, so a new state is an entry here, not a new condition in five files. The partial index
/// `procedures_open` names `finalStates` (migration 7): a change to that list needs a migration
/// that recreates the index with the new list, since queries repeat its condition text.
public enum ProcedureState: String, Sendable, CaseIterable {
    case waiting      // waits on another procedure
    case ready        // can be sent to its agency (or, at the desk, done: a registration awaits the officer's decision)
    case sent         // the agency or its spool has the message
    case unconfirmed  // the agency answered 2xx without a usable receipt: polled until it gives one
    case accepted     // the agency acknowledged it
    case completed    // the agency returned its result
    case rejected     // the agency refused it; back to the officer
    case stuck        // delivery gave up after the maximum attempts; needs a person
    case done         // done locally at the desk (civil-status registration, signing)
    case returned     // a registration sent back to the declarant to complete the file
    case refused      // a registration the officer refused, or a file not completed in time
    case cancelled    // closed without a result: its dossier was refused or cancelled, or an amendment dropped it
    case voiding      // its dossier was cancelled and the agency has its data: the void message is to be delivered

    /// Nothing more happens to it (a processed one is reopened only by an amendment of its
    /// dossier, or voided by a cancellation).
    public static let finalStates: [ProcedureState] = [.done, .completed, .refused, .cancelled]

    /// Finished with its result: what the procedures waiting on it need, what reports count as processed.
    public static let processedStates: [ProcedureState] = [.done, .completed]

    public var isFinal: Bool { ProcedureState.finalStates.contains(self) }
    public var isProcessed: Bool { ProcedureState.processedStates.contains(self) }

    /// Received by its system and without a result yet (for reports), neither rejected nor stuck.
    public static let pendingStates: [ProcedureState] = [.waiting, .ready, .sent, .unconfirmed, .accepted]

    /// Running against a statutory deadline: open, and neither with the declarant nor being voided.
    /// Only these can be overdue.
    public static let runningStates: [ProcedureState] = [.waiting, .ready, .sent, .unconfirmed, .accepted, .rejected, .stuck]

    /// The agency has the current message and has not answered it yet: the procedure is with it.
    public static let withAgency: [ProcedureState] = [.sent, .unconfirmed, .accepted]

    /// Closed by a cancellation (for reports), whether or not its void is delivered yet.
    public static let cancelledStates: [ProcedureState] = [.cancelled, .voiding]

    /// States in which an agency's answer to the procedure's current message is applied.
    public static let answerable: [ProcedureState] = [.ready, .sent, .unconfirmed, .stuck, .accepted, .voiding]

    /// States that need a person (`status --stuck`).
    public static let needingAttention: [ProcedureState] = [.stuck, .rejected]

    /// States whose current message is due for delivery, and the state a delivery leads to.
    public static let deliveries: [ProcedureState: ProcedureState] = [.ready: .sent, .voiding: .cancelled]
    public static var dueStates: [ProcedureState] { allCases.filter { deliveries[$0] != nil } }

    /// The state an agency's answer leads to, by the kind of message it answers.
    public static func answered(_ status: Receipt.Status, kind: MessageKind) -> ProcedureState {
        if kind == .void { return .cancelled }
        switch status {
        case .accepted: return .accepted
        case .completed: return .completed
        case .rejected: return .rejected
        }
    }

    /// The moves a procedure may make, and why each exists.
    static let transitions: [ProcedureState: Set<ProcedureState>] = [
        // Released when everything it waits on is processed; dropped by a refusal, cancellation or
        // amendment (voided when an agency has data of it: an update waiting on its prerequisites).
        .waiting: [.ready, .cancelled, .voiding],
        // Delivered; given up after the maximum attempts; done at the desk (signed, registered); or
        // answered at once when the agency answers a message that was handed over again. A
        // registration is returned or refused by the officer. An amendment makes it wait for a
        // prerequisite again; a cancellation voids what the agency may have.
        .ready: [.sent, .unconfirmed, .stuck, .done, .accepted, .completed, .rejected, .returned, .refused, .cancelled, .waiting, .voiding],
        // An amendment sends an update (at once, or once what it waits on is processed again).
        // The answer that came with a delivery may turn out unusable: the procedure is polled.
        .sent: [.accepted, .completed, .rejected, .unconfirmed, .ready, .waiting, .voiding],
        // Sent, unconfirmed: polled with GET URL/ID until a receipt comes; after the maximum
        // attempts a person looks (stuck, with the reason); a retry hands the same message over
        // again; an amendment or a cancellation as for a sent one.
        .unconfirmed: [.accepted, .completed, .rejected, .stuck, .ready, .waiting, .voiding],
        .accepted: [.completed, .rejected, .ready, .waiting, .voiding],
        // A stuck delivery is retried, or its answer arrives late.
        .stuck: [.ready, .accepted, .completed, .rejected, .waiting, .voiding, .cancelled],
        // A rejection comes back to the officer, who corrects and resends.
        .rejected: [.ready, .waiting, .voiding, .cancelled],
        // A signed copy that is revoked makes the copy ready to sign again; a cancellation closes
        // the registration and its copy.
        .done: [.ready, .cancelled],
        // An amendment sends the agency an update of a result it returned; a cancellation, a void.
        .completed: [.ready, .waiting, .voiding],
        // The completed file comes back, or the time to complete it is over.
        .returned: [.ready, .refused],
        .refused: [],
        .cancelled: [],
        // Delivered (then cancelled); given up after the maximum attempts.
        .voiding: [.cancelled, .stuck],
    ]

    public func allows(_ next: ProcedureState) -> Bool { ProcedureState.transitions[self]?.contains(next) ?? false }

    /// `('done', 'completed')`: a fixed SQL list of states, never built from input.
    static func sqlList(_ states: [ProcedureState]) -> String {
        "(" + states.map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
    }
}

/// What a message asks of its agency (civlink-message(5)).
public enum MessageKind: String, Sendable, CaseIterable {
    /// Carry out the procedure (the first message, or a corrected resend after a rejection).
    case request
    /// Corrected data for a message the agency has: apply it, and correct the result if one was returned.
    case update
    /// The dossier was cancelled: undo what the superseded message asked for.
    case void
}
