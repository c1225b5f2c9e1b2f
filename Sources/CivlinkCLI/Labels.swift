import CivlinkCore

/// Words for values that are codes in JSON and CSV (states, event kinds, doctor checks, report
/// figures and timings), each a whole template so that the catalogue translates it.
enum Labels {
    /// What tables show for a count hidden by statistical suppression, whatever its value.
    static let suppressedMark = "x"

    static func state(_ code: String) -> Phrase {
        switch code {
        case "waiting": return "waiting"
        case "ready": return "ready"
        case "sent": return "sent"
        case "accepted": return "accepted"
        case "completed": return "completed"
        case "rejected": return "rejected"
        case "stuck": return "stuck"
        case "done": return "done"
        case "unconfirmed": return "unconfirmed"
        case "returned": return "returned"
        case "refused": return "refused"
        case "cancelled": return "cancelled"
        case "voiding": return "voiding"
        // A state this civlink does not name (a newer ledger): its code.
        default: return "\(code)"
        }
    }

    /// A dossier's state (received, returned, registered, refused, cancelled).
    static func dossierState(_ code: String) -> Phrase {
        switch code {
        case "received": return "received"
        case "returned": return "returned"
        case "registered": return "registered"
        case "refused": return "refused"
        case "cancelled": return "cancelled"
        default: return "\(code)"
        }
    }

    static func group(_ code: String) -> Phrase {
        switch code {
        case "birth": return "birth"
        case "death": return "death"
        default: return "\(code)"
        }
    }

    /// A line of a dossier's timeline, after its time and actor.
    static func event(_ event: LedgerEvent) -> Phrase {
        let from = event.detail["from"]?.stringValue, to = event.detail["to"]?.stringValue
        switch (event.kind, event.procedure, from, to) {
        case ("registered", _, _, _):
            return "registered"
        case ("received", nil, _, _):
            return "received"
        case ("returned", nil, _, _):
            return "returned to the declarant"
        case ("supplemented", nil, _, _):
            return "completed by the declarant"
        case ("refused", nil, _, _):
            return "refused"
        case ("cancelled", nil, _, _):
            return "cancelled"
        case ("amended", nil, _, _):
            return "amended"
        case ("state", let procedure?, let from?, let to?):
            return "\(procedure): \(state(from)) -> \(state(to))"
        case ("state", let procedure?, nil, let to?):
            return "\(procedure): now \(state(to))"
        case (_, let procedure?, _, _):
            return "\(event.kind) (\(procedure))"
        default:
            return "\(event.kind)"
        }
    }

    /// The name of a doctor check (`agency population`, `token of population`).
    static func check(_ check: String) -> Phrase {
        let words = check.split(separator: " ", maxSplits: 2).map(String.init)
        switch (words.first ?? "", words.count) {
        case ("schema", 1): return "schema"
        case ("integrity", 1): return "integrity"
        case ("history", 1): return "history"
        case ("agencies", 1): return "agencies"
        case ("agency", 2): return "agency \(words[1])"
        case ("token", 3) where words[1] == "of": return "token of \(words[2])"
        case ("key", 1): return "key"
        case ("stuck", 1): return "stuck"
        case ("overdue", 1): return "overdue"
        case ("counts", 1): return "counts"
        case ("clock", 1): return "clock"
        case ("ledger", 1): return "ledger"
        case ("ledger", 2) where words[1] == "key": return "ledger key"
        case ("client", 3) where words[1] == "key" && words[2].hasPrefix("of "): return "client key of \(String(words[2].dropFirst(3)))"
        default: return "\(check)"
        }
    }

    static func level(_ level: DoctorFinding.Level) -> Phrase {
        switch level {
        case .ok: return "OK"
        case .warn: return "WARN"
        case .fail: return "FAIL"
        }
    }

    /// A timing figure of the report.
    static func timing(_ metric: String, agency: String?) -> Phrase {
        switch (metric, agency) {
        case ("personal-id-return", nil): return "registration to personal ID number"
        case ("answer", let agency?): return "answer time of \(agency)"
        case ("declaration-to-last-result", nil): return "declaration to last result"
        case (_, let agency?): return "\(metric) (\(agency))"
        default: return "\(metric)"
        }
    }

    /// A duration for people: 3d 04h, 5h 20m, 45m, 30s.
    static func duration(_ seconds: Int64) -> Phrase {
        let s = max(0, seconds)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        if s >= 86400 { return "\(s / 86400)d \(two(s % 86400 / 3600))h" }
        if s >= 3600 { return "\(s / 3600)h \(two(s % 3600 / 60))m" }
        if s >= 60 { return "\(s / 60)m" }
        return "\(s)s"
    }

    /// A system as the people who read a chart know it.
    static func system(_ code: String) -> Phrase {
        switch code {
        case "civil-status": return "Civil status"
        case "population": return "Population (personal ID)"
        case "residence": return "Residence"
        case "social-insurance": return "Social insurance"
        case "social-affairs": return "Social affairs"
        default: return "\(code)"
        }
    }

    /// Short month names, January first.
    static let months: [Phrase] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
