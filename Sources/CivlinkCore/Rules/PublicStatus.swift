/// What a citizen may be told about a dossier with its receipt code, and what a support team
/// may be sent: the views of a dossier that carry no personal data.
///
/// The public view (`civlink.public-status/1`) holds the dossier id, its group and catalogue
/// code, the commune and province codes, when it was received, and for each procedure its code,
/// agency, state (with the words a citizen is told), since when, its deadline and whether it is
/// overdue. It holds nothing from the declaration and no result: no name, personal ID number
/// (the child's assigned one included), date of birth, address, document number, health-insurance
/// card number, register number or benefit.
public enum PublicStatus {
    public static let format = "civlink.public-status/1"

    /// What a procedure's state means, in the words a citizen is told. Every state the state
    /// machine has is named here (the switch is exhaustive), so a new state must say what it
    /// means in public.
    public static func label(_ state: ProcedureState) -> Phrase {
        switch state {
        case .waiting: "waiting for an earlier step" as Phrase
        case .ready: "being prepared" as Phrase
        case .sent: "sent to the agency" as Phrase
        case .unconfirmed: "sent to the agency, waiting for its acknowledgement" as Phrase
        case .accepted: "being processed by the agency" as Phrase
        case .completed: "completed" as Phrase
        case .rejected: "returned to the commune for correction" as Phrase
        case .stuck: "delayed: the commune is following it up" as Phrase
        case .done: "done" as Phrase
        case .returned: "waiting for the declarant to complete the file" as Phrase
        case .refused: "refused" as Phrase
        case .cancelled: "cancelled" as Phrase
        case .voiding: "cancelled: the agencies are being told" as Phrase
        }
    }

    /// The dossier's state as a whole: the office's decision while there is none yet or when it
    /// ended the file (received, returned, refused, cancelled); once registered, from its
    /// procedures: `complete` when every procedure is final, `needs-attention` when one is stuck
    /// or rejected, else `in-progress`. The one place that sums a dossier up, for `find`, the
    /// public view and the slip.
    public static func dossierState(_ dossier: DossierState, _ states: [ProcedureState]) -> String {
        guard dossier == .registered else { return dossier.rawValue }
        if states.allSatisfy(\.isFinal) { return "complete" }
        if states.contains(where: ProcedureState.needingAttention.contains) { return "needs-attention" }
        return "in-progress"
    }

    /// How a dossier state reads in public.
    public static func dossierLabel(_ state: String) -> Phrase {
        switch state {
        case "complete": "complete: every procedure has its result" as Phrase
        case "needs-attention": "needs attention at the commune" as Phrase
        case DossierState.received.rawValue: "received: the commune is checking the file" as Phrase
        case DossierState.returned.rawValue: "returned to the declarant to complete the file" as Phrase
        case DossierState.refused.rawValue: "refused" as Phrase
        case DossierState.cancelled.rawValue: "cancelled" as Phrase
        default: "in progress" as Phrase
        }
    }

    /// The public view of `dossier` at `now`.
    public static func json(_ dossier: DossierRecord, now: Timestamp) -> JSON {
        let state = dossierState(dossier.state, dossier.procedures.map(\.state))
        return .object([
            ("format", .string(format)), ("id", .string(dossier.id)), ("group", .string(dossier.group.rawValue)),
            ("catalogue_code", .string(dossier.group.catalogueCode)), ("province", .string(dossier.province)),
            ("commune", .string(dossier.commune)), ("received_at", .string(dossier.receivedAt.description)),
            ("as_of", .string(now.description)), ("state", .string(state)), ("state_text", .string(dossierLabel(state).description)),
            ("procedures", .array(dossier.procedures.map { p in
                .object([
                    ("code", .string(p.code)), ("agency", .string(p.agency)), ("state", .string(p.state.rawValue)),
                    ("state_text", .string(label(p.state).description)), ("since", .string(p.since.description)),
                    ("deadline", .string(p.deadline.description)), ("overdue", .bool(p.isOverdue(now: now))),
                ])
            })),
        ])
    }

    // MARK: The support view

    public static let redactedMark = "[redacted]"

    /// The full status with personal data taken out, for a support team: every value of a
    /// procedure's `result` (in procedures and in timeline events) is replaced by `[redacted]`,
    /// keeping its keys, and so is any other string that holds a value of the declaration
    /// (a name, a number, a date of birth, an address).
    public static func redacted(_ status: JSON, declaration: JSON) -> JSON {
        let secrets = personalValues(declaration)
        func sweep(_ value: JSON, inResult: Bool) -> JSON {
            switch value {
            case .object(let members):
                return .object(members.map { key, member in (key, sweep(member, inResult: inResult || key == "result")) })
            case .array(let items):
                return .array(items.map { sweep($0, inResult: inResult) })
            case .string(let text):
                if inResult || secrets.contains(where: { text.contains($0) }) { return .string(redactedMark) }
                return value
            case .null, .bool:
                return value
            default:
                return inResult ? .string(redactedMark) : value
            }
        }
        return sweep(status, inResult: false)
    }

    /// A result as the support view shows it.
    public static func redactedResult(_ result: JSON) -> JSON {
        redacted(.object([("result", result)]), declaration: .null)["result"] ?? .null
    }

    /// Fields of a declaration that are the desk's, not a person's: they may be shown.
    static let deskFields: Set<String> = ["province", "commune", "received_at", "sex", "nationality", "ethnicity", "relationship",
                                          "payment", "needs_verification"]

    /// Every string of the declaration that belongs to a person, three characters or longer.
    public static func personalValues(_ declaration: JSON) -> [String] {
        var out: [String] = []
        func walk(_ value: JSON, key: String?) {
            switch value {
            case .object(let members): for (k, v) in members where !deskFields.contains(k) { walk(v, key: k) }
            case .array(let items): items.forEach { walk($0, key: key) }
            case .string(let text) where text.count >= 3: out.append(text)
            default: break
            }
        }
        walk(declaration, key: nil)
        return out
    }
}
