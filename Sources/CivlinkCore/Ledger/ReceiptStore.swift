import FoundationEssentials

/// What ingesting one receipt did.
public enum IngestOutcome: Sendable, Equatable {
    case applied(String)      // the procedure moved to this state
    case recorded             // kept, but it changes nothing (stale message, or older news)
    case duplicate            // the same receipt was ingested before
    case quarantined(String)  // refused, with the reason
}

/// What the quarantine keeps of a refused answer: never a whole large body.
public enum Quarantine {
    /// Bytes of the body kept, for a person to see what came (migration 6 cuts older rows to it).
    public static let prefixBytes = 4096
}

/// Agencies' receipts: applied once and in any order; what does not fit goes to quarantine.
extension Ledger {
    /// Puts a refused answer in quarantine: its source, the agency and the message it answers
    /// when known, the reason (no personal data), its size, the SHA-256 of `data` and at most
    /// `Quarantine.prefixBytes` of it. The same bytes again are a duplicate, unless the entry was
    /// cleared: then it is open again. Call inside `write`.
    @discardableResult
    public func quarantine(_ data: Data, size: Int? = nil, source: String, agency: String?, messageID: String?, reason: Phrase,
                           now: Timestamp) throws -> IngestOutcome {
        let digest = Digest.sha256(data).hexString
        try database.run("""
            INSERT INTO quarantine(source, agency, message_id, reason, digest, size, prefix, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(digest) DO UPDATE SET cleared_at = NULL, cleared_by = NULL, received_at = excluded.received_at,
                source = excluded.source, reason = excluded.reason
            WHERE cleared_at IS NOT NULL
            """, [.text(source), SQLValue(agency), SQLValue(messageID), .text(reason.description), .text(digest),
                  .integer(Int64(size ?? data.count)), .blob(Data(data.prefix(Quarantine.prefixBytes))), .integer(now.seconds)])
        return database.changes == 0 ? .duplicate : .quarantined(reason.description)
    }

    /// Ingests one receipt: idempotent, in any order. What does not fit goes to quarantine with a
    /// reason that holds no personal data. `agency` is the one whose spool or endpoint it came
    /// from. Runs in the caller's `write`, or its own.
    public func ingestReceipt(_ data: Data, source: String, agency: String? = nil, actor: String, now: Timestamp) throws -> IngestOutcome {
        try write {
            let digest = Digest.sha256(data).hexString
            if try database.scalar("SELECT 1 FROM receipts WHERE digest = ?", [.text(digest)]) != .null { return .duplicate }
            func quarantine(_ reason: Phrase) throws -> IngestOutcome {
                try self.quarantine(data, source: source, agency: agency, messageID: Receipt.claimedMessageID(data), reason: reason, now: now)
            }
            let receipt: Receipt
            do { receipt = try Receipt.parse(data) } catch let error as ValidationError {
                return try quarantine(error.phrase)
            } catch let errors as ValidationErrors {
                return try quarantine(errors.phrase)
            }
            guard let message = try database.queryFirst("SELECT dossier_id, procedure, kind FROM messages WHERE id = ?", [.text(receipt.messageID)]) else {
                return try quarantine("unknown message id")
            }
            let dossier = message.string("dossier_id"), procedure = message.string("procedure")
            let kind = MessageKind(rawValue: message.string("kind")) ?? .request
            guard procedure == receipt.procedure else {
                return try quarantine("receipt for procedure \(receipt.procedure) answers a \(procedure) message")
            }
            do { try receipt.requireResult(answering: kind) } catch let error as ValidationError { return try quarantine(error.phrase) }
            if kind != .void, receipt.status == .completed, let result = receipt.result, let rule = ProcedureKind.named(procedure)?.result {
                do { try rule.check(result, rule.needsDossier ? try self.dossier(dossier) : nil, reference) } catch let error as ValidationError {
                    return try quarantine(error.phrase)
                } catch let errors as ValidationErrors {
                    return try quarantine(errors.phrase)
                }
            }
            try database.run("INSERT INTO receipts(message_id, status, digest, body, source, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                             [.text(receipt.messageID), .text(receipt.status.rawValue), .text(digest), .text(String(decoding: data, as: UTF8.self)),
                              .text(source), .integer(now.seconds)])
            // A receipt proves the agency has the message.
            try database.run("UPDATE messages SET delivered_at = COALESCE(delivered_at, ?) WHERE id = ?", [.integer(now.seconds), .text(receipt.messageID)])
            guard let current = try database.queryFirst("SELECT state, message_id FROM procedures WHERE dossier_id = ? AND code = ?",
                                                        [.text(dossier), .text(procedure)]),
                  current["message_id"].string == receipt.messageID, let state = ProcedureState(rawValue: current.string("state")) else {
                return .recorded   // answers a message that a corrected resend has replaced
            }
            guard ProcedureState.answerable.contains(state) else { return .recorded }
            // A void is settled by any answer: the dossier is cancelled whatever the agency says
            // (a refusal is kept as the last error, for a person to follow up).
            let target = ProcedureState.answered(receipt.status, kind: kind)
            if target == state { return .recorded }
            try database.run("""
                UPDATE procedures SET answered_at = COALESCE(answered_at, ?), sent_at = COALESCE(sent_at, ?), next_attempt_at = NULL,
                       last_error = CASE WHEN ? IS NULL THEN last_error ELSE ? END
                WHERE dossier_id = ? AND code = ?
                """, [.integer(now.seconds), .integer(now.seconds), SQLValue(receipt.reason), SQLValue(receipt.reason.map { "rejected: \($0)" }),
                      .text(dossier), .text(procedure)])
            try transition(dossier: dossier, procedure: procedure, to: target, actor: actor, now: now, result: kind == .void ? nil : receipt.result,
                           detail: [("message_id", .string(receipt.messageID))] + (kind == .request ? [] : [("kind", JSON.string(kind.rawValue))])
                               + (receipt.reason.map { [("reason", JSON.string($0))] } ?? []))
            // A result that names a person (the child's personal ID number) goes into the search index.
            if target == .completed, kind != .void, receipt.result?["personal_id"] != nil { try refreshSearchKeys(dossier: dossier) }
            return .applied(target.rawValue)
        }
    }

    /// Keeps something received that civlink refuses, with the reason; false when it was kept before.
    public func quarantine(_ data: Data, source: String, reason: Phrase, now: Timestamp) throws -> Bool {
        try write {
            try database.run("INSERT OR IGNORE INTO quarantine(source, reason, digest, body, received_at) VALUES (?, ?, ?, ?, ?)",
                             [.text(source), .text(reason.description), .text(Digest.sha256(data).hexString), .blob(data), .integer(now.seconds)])
            return database.changes > 0
        }
    }

    public struct QuarantineEntry: Sendable {
        public let id: Int
        public let source: String
        public let agency: String?
        public let messageID: String?
        public let reason: String
        public let digest: String
        public let size: Int
        public let receivedAt: Timestamp
        public let clearedAt: Timestamp?
        public let clearedBy: String?
        /// At most `Quarantine.prefixBytes` of the body.
        public let prefix: Data

        public var json: JSON {
            .object([
                ("id", .int(id)), ("source", .string(source)), ("agency", .optional(agency)), ("message_id", .optional(messageID)),
                ("reason", .string(reason)), ("size", .int(size)), ("sha256", .string(digest)),
                ("received_at", .string(receivedAt.description)), ("cleared_at", clearedAt.map { .string($0.description) } ?? .null),
                ("cleared_by", .optional(clearedBy)),
            ])
        }

        /// With the prefix, as `transfer --quarantine --show` prints one entry.
        public var detailJSON: JSON {
            guard case .object(var members) = json else { return json }
            members.append(("prefix", .string(String(decoding: prefix, as: UTF8.self))))
            members.append(("prefix_complete", .bool(prefix.count >= size)))
            return .object(members)
        }
    }

    private static func quarantineEntry(_ row: Row) -> QuarantineEntry {
        QuarantineEntry(id: row.int("id"), source: row.string("source"), agency: row["agency"].string, messageID: row["message_id"].string,
                        reason: row.string("reason"), digest: row.string("digest"), size: row["size"].int ?? 0,
                        receivedAt: Timestamp(seconds: row["received_at"].int64 ?? 0), clearedAt: row.timestamp("cleared_at"),
                        clearedBy: row["cleared_by"].string, prefix: row["prefix"].data ?? Data())
    }

    /// Quarantined answers, oldest first; cleared ones only with `includeCleared`.
    public func quarantine(includeCleared: Bool = false) throws -> [QuarantineEntry] {
        try database.query("""
            SELECT id, source, agency, message_id, reason, digest, size, received_at, cleared_at, cleared_by, prefix FROM quarantine
            WHERE ?1 OR cleared_at IS NULL ORDER BY id
            """, [.integer(includeCleared ? 1 : 0)]).map(Ledger.quarantineEntry)
    }

    public func quarantineEntry(_ id: Int) throws -> QuarantineEntry {
        guard let row = try database.queryFirst("""
            SELECT id, source, agency, message_id, reason, digest, size, received_at, cleared_at, cleared_by, prefix FROM quarantine WHERE id = ?
            """, [.integer(Int64(id))]) else { throw Failure(.notFound, "no quarantine entry \(id)") }
        return Ledger.quarantineEntry(row)
    }

    /// Marks an entry dealt with by a person; it leaves the list, and comes back if the same
    /// bytes arrive again.
    public func clearQuarantine(_ id: Int, actor: String, now: Timestamp) throws {
        try write {
            _ = try quarantineEntry(id)
            try database.run("UPDATE quarantine SET cleared_at = ?, cleared_by = ? WHERE id = ? AND cleared_at IS NULL",
                             [.integer(now.seconds), .text(actor), .integer(Int64(id))])
            if database.changes == 0 { throw Failure(.refused, "quarantine entry \(id) is cleared already") }
        }
    }
}
