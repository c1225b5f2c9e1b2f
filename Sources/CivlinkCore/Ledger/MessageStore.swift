/// Messages to agencies and what happened to their delivery: which procedures are due, the
/// message each one has (created once, then reused), attempts, errors, back-off and retries.
extension Ledger {
    /// A procedure due for delivery.
    public struct DueProcedure: Sendable {
        public let dossier: String
        public let procedure: String
        public let agency: String
        /// The message it has already, if any (a retry sends the same one).
        public let messageID: String?
        /// `ready` (a request or update to send) or `voiding` (a void to send).
        public let state: ProcedureState
        /// The kind of the message to build when it has none: an update after an amendment, else a request.
        public let nextKind: MessageKind
    }

    /// Procedures of the configured agencies whose current message is due (ready, or voiding)
    /// and whose back-off is over, in dossier order.
    public func dueProcedures(agencies: [String], now: Timestamp, limit: Int) throws -> [DueProcedure] {
        try database.query("""
            SELECT dossier_id, code, agency, message_id, state, next_kind FROM procedures
            WHERE state IN \(ProcedureState.sqlList(ProcedureState.dueStates)) AND state NOT IN \(Ledger.finalStates) AND source IS NULL
              AND agency IN (SELECT value FROM json_each(?1))
              AND (next_attempt_at IS NULL OR next_attempt_at <= ?2)
            ORDER BY dossier_id, position LIMIT ?3
            """, [.jsonList(agencies), .integer(now.seconds), .integer(Int64(min(limit, Int(Int64.max))))]).map {
            DueProcedure(dossier: $0.string("dossier_id"), procedure: $0.string("code"), agency: $0.string("agency"),
                         messageID: $0["message_id"].string, state: ProcedureState(rawValue: $0.string("state")) ?? .ready,
                         nextKind: $0["next_kind"].string.flatMap(MessageKind.init(rawValue:)) ?? .request)
        }
    }

    /// The kind of a stored message.
    public func messageKind(_ id: String) throws -> MessageKind? {
        try database.scalar("SELECT kind FROM messages WHERE id = ?", [.text(id)]).string.flatMap(MessageKind.init(rawValue:))
    }

    /// Whether a procedure listed by `dueProcedures` is still due, with the same message.
    public func isDue(dossier: String, procedure: String, messageID: String?, now: Timestamp) throws -> Bool {
        try database.queryFirst("""
            SELECT 1 FROM procedures WHERE dossier_id = ? AND code = ? AND state IN \(ProcedureState.sqlList(ProcedureState.dueStates)) AND message_id IS ?
              AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
            """, [.text(dossier), .text(procedure), SQLValue(messageID), .integer(now.seconds)]) != nil
    }

    /// The body of a stored message.
    public func messageBody(_ id: String) throws -> String? {
        try database.scalar("SELECT body FROM messages WHERE id = ?", [.text(id)]).string
    }

    /// The ids of a procedure's messages, newest first.
    public func messageIDs(dossier: String, procedure: String) throws -> [String] {
        try database.query("SELECT id FROM messages WHERE dossier_id = ? AND procedure = ? ORDER BY rowid DESC",
                           [.text(dossier), .text(procedure)]).map { $0.string("id") }
    }

    /// Stores a new message and makes it the procedure's current one. Call inside `write`.
    public func storeMessage(id: String, kind: MessageKind = .request, dossier: String, procedure: String, agency: String, supersedes: String?,
                             body: String, now: Timestamp) throws {
        try database.run("INSERT INTO messages(id, kind, dossier_id, procedure, agency, supersedes, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         [.text(id), .text(kind.rawValue), .text(dossier), .text(procedure), .text(agency), SQLValue(supersedes), .text(body),
                          .integer(now.seconds)])
        try database.run("UPDATE procedures SET message_id = ?, attempts = 0, next_attempt_at = NULL, next_kind = NULL WHERE dossier_id = ? AND code = ?",
                         [.text(id), .text(dossier), .text(procedure)])
    }

    /// Makes the procedure's next message a new one of `kind` (after an amendment: an update of
    /// what the agency has, or a corrected request after a rejection), built when it is due.
    /// Call inside `write`, with the state change.
    func prepareNewMessage(dossier: String, procedure: String, kind: MessageKind) throws {
        try database.run("""
            UPDATE procedures SET message_id = NULL, attempts = 0, next_attempt_at = NULL, last_error = NULL, next_kind = ?
            WHERE dossier_id = ? AND code = ?
            """, [kind == .request ? .null : .text(kind.rawValue), .text(dossier), .text(procedure)])
    }

    /// Gives a procedure a new deadline (an update of a returned result is new work for the agency).
    func setDeadline(dossier: String, procedure: String, deadline: CivilDate) throws {
        try database.run("UPDATE procedures SET deadline = ? WHERE dossier_id = ? AND code = ?",
                         [.text(deadline.description), .text(dossier), .text(procedure)])
    }

    /// Counts a failed delivery attempt with its reason and the time of the next one; returns the
    /// number of attempts so far. Call inside `write`.
    public func recordFailedAttempt(dossier: String, procedure: String, reason: Phrase, retryAfterSeconds: (Int) -> Int,
                                    now: Timestamp) throws -> Int {
        let key: [SQLValue] = [.text(dossier), .text(procedure)]
        let attempts = (try database.scalar("SELECT attempts FROM procedures WHERE dossier_id = ? AND code = ?", key).int ?? 0) + 1
        try database.run("UPDATE procedures SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE dossier_id = ? AND code = ?",
                         [.integer(Int64(attempts)), .text(reason.description), .integer(now.seconds + Int64(retryAfterSeconds(attempts)))] + key)
        return attempts
    }

    /// Records that the agency has the message. Call inside `write`, with the state change.
    public func recordDelivered(dossier: String, procedure: String, messageID: String, now: Timestamp) throws {
        try database.run("""
            UPDATE procedures SET attempts = attempts + 1, sent_at = COALESCE(sent_at, ?), next_attempt_at = NULL, last_error = NULL
            WHERE dossier_id = ? AND code = ?
            """, [.integer(now.seconds), .text(dossier), .text(procedure)])
        try database.run("UPDATE messages SET delivered_at = COALESCE(delivered_at, ?) WHERE id = ?", [.integer(now.seconds), .text(messageID)])
    }

    /// After a delivery answered without a usable receipt (the procedure is `unconfirmed`): the
    /// reason, and the first poll after `retryAfterSeconds`. From here attempts count polls that
    /// brought no receipt. Call inside `write`, with the state change.
    public func schedulePoll(dossier: String, procedure: String, reason: Phrase, retryAfterSeconds: Int, now: Timestamp) throws {
        try database.run("UPDATE procedures SET attempts = 0, last_error = ?, next_attempt_at = ? WHERE dossier_id = ? AND code = ?",
                         [.text(reason.description), .integer(now.seconds + Int64(retryAfterSeconds)), .text(dossier), .text(procedure)])
    }

    /// Unconfirmed procedures of these agencies whose next poll is due.
    public func unconfirmedDue(agencies: [String], now: Timestamp) throws -> [DueProcedure] {
        try database.query("""
            SELECT dossier_id, code, agency, message_id, next_kind FROM procedures
            WHERE state = 'unconfirmed' AND state NOT IN \(Ledger.finalStates) AND source IS NULL AND message_id IS NOT NULL
              AND agency IN (SELECT value FROM json_each(?1)) AND (next_attempt_at IS NULL OR next_attempt_at <= ?2)
            ORDER BY dossier_id, position
            """, [.jsonList(agencies), .integer(now.seconds)]).map {
            DueProcedure(dossier: $0.string("dossier_id"), procedure: $0.string("code"), agency: $0.string("agency"),
                         messageID: $0["message_id"].string, state: .unconfirmed,
                         nextKind: $0["next_kind"].string.flatMap(MessageKind.init(rawValue:)) ?? .request)
        }
    }

    /// The state of one procedure, or nil when there is no such procedure.
    public func procedureState(dossier: String, procedure: String) throws -> ProcedureState? {
        try database.scalar("SELECT state FROM procedures WHERE dossier_id = ? AND code = ?", [.text(dossier), .text(procedure)])
            .string.flatMap(ProcedureState.init(rawValue:))
    }

    /// Accepted procedures whose receipt may be fetched from the agency: (agency, message id).
    public func acceptedMessages() throws -> [(agency: String, messageID: String)] {
        try database.query("""
            SELECT agency, message_id FROM procedures
            WHERE state = 'accepted' AND state NOT IN \(Ledger.finalStates) AND message_id IS NOT NULL
            """).map { ($0.string("agency"), $0.string("message_id")) }
    }

    /// Support: sends a stuck, sent, unconfirmed or accepted procedure again under the same message id (the
    /// receiver deduplicates), a rejected one (after the officer's correction) under a new id that
    /// supersedes the old, or one waiting on its backoff now. Returns the procedures it released.
    public func retry(dossier: String, procedure: String?, actor: String, now: Timestamp) throws -> [String] {
        try write {
            let rows = try database.query("SELECT code, state, message_id FROM procedures WHERE dossier_id = ? AND (? IS NULL OR code = ?) ORDER BY position",
                                          [.text(dossier), SQLValue(procedure), SQLValue(procedure)])
            guard !rows.isEmpty else {
                if let procedure { throw Failure(.notFound, "no dossier \(dossier) with procedure \(procedure) in this ledger") }
                throw Failure(.notFound, "no dossier \(dossier) in this ledger")
            }
            var released: [String] = []
            for row in rows {
                let code = row.string("code")
                let key: [SQLValue] = [.text(dossier), .text(code)]
                let current = row["message_id"].string
                switch ProcedureState(rawValue: row.string("state")) {
                case .stuck:
                    // A stuck void goes on being a void; anything else is handed over again.
                    let target: ProcedureState = try current.flatMap(messageKind) == .void ? .voiding : .ready
                    try database.run("UPDATE procedures SET attempts = 0, next_attempt_at = NULL WHERE dossier_id = ? AND code = ?", key)
                    try transition(dossier: dossier, procedure: code, to: target, actor: actor, now: now, detail: [("retry", .string("same message"))])
                case .rejected:
                    // A rejected update is corrected and sent as an update again; a request, as a request.
                    try prepareNewMessage(dossier: dossier, procedure: code, kind: try current.flatMap(messageKind) ?? .request)
                    try transition(dossier: dossier, procedure: code, to: .ready, actor: actor, now: now, detail: [("retry", .string("new message"))])
                case .sent, .unconfirmed, .accepted:
                    // No answer yet (a wiped spool, an agency that lost it): hand the same message over again.
                    try database.run("UPDATE procedures SET next_attempt_at = NULL WHERE dossier_id = ? AND code = ?", key)
                    try transition(dossier: dossier, procedure: code, to: .ready, actor: actor, now: now, detail: [("retry", .string("same message"))])
                case .ready, .voiding:
                    try database.run("UPDATE procedures SET next_attempt_at = NULL WHERE dossier_id = ? AND code = ?", key)
                default:
                    continue
                }
                released.append(code)
            }
            return released
        }
    }

    /// Delivery facts of a dossier's procedures, for `civlink status`.
    public struct DeliveryFacts: Sendable {
        public let attempts: Int
        public let lastError: String?
        public let nextAttemptAt: Timestamp?
        public let messageID: String?
        public let sentAt: Timestamp?
        public let answeredAt: Timestamp?
        public let completedAt: Timestamp?

        public var json: JSON {
            func time(_ t: Timestamp?) -> JSON { t.map { .string($0.description) } ?? .null }
            return .object([
                ("attempts", .int(attempts)), ("last_error", .optional(lastError)), ("next_attempt_at", time(nextAttemptAt)),
                ("message_id", .optional(messageID)), ("sent_at", time(sentAt)), ("answered_at", time(answeredAt)),
                ("completed_at", time(completedAt)),
            ])
        }
    }

    public func delivery(dossier: String) throws -> [String: DeliveryFacts] {
        var out: [String: DeliveryFacts] = [:]
        for row in try database.query("""
            SELECT code, attempts, last_error, next_attempt_at, message_id, sent_at, answered_at, completed_at
            FROM procedures WHERE dossier_id = ?
            """, [.text(dossier)]) {
            out[row.string("code")] = DeliveryFacts(
                attempts: row.int("attempts"), lastError: row["last_error"].string, nextAttemptAt: row.timestamp("next_attempt_at"),
                messageID: row["message_id"].string, sentAt: row.timestamp("sent_at"), answeredAt: row.timestamp("answered_at"),
                completedAt: row.timestamp("completed_at"))
        }
        return out
    }
}
