import FoundationEssentials

/// What ingesting one receipt did.
public enum IngestOutcome: Sendable, Equatable {
    case applied(String)      // the procedure moved to this state
    case recorded             // kept, but it changes nothing (stale message, or older news)
    case duplicate            // the same receipt was ingested before
    case quarantined(String)  // refused, with the reason
}

/// Agencies' receipts: applied once and in any order; what does not fit goes to quarantine.
extension Ledger {
    /// Ingests one receipt: idempotent, in any order. What does not fit goes to quarantine with a
    /// reason that holds no personal data. Runs in the caller's `write`, or its own.
    public func ingestReceipt(_ data: Data, source: String, actor: String, now: Timestamp) throws -> IngestOutcome {
        try write {
            let digest = Digest.sha256(data).hexString
            if try database.scalar("SELECT 1 FROM receipts WHERE digest = ?", [.text(digest)]) != .null { return .duplicate }
            func quarantine(_ reason: Phrase) throws -> IngestOutcome {
                try database.run("INSERT OR IGNORE INTO quarantine(source, reason, digest, body, received_at) VALUES (?, ?, ?, ?, ?)",
                                 [.text(source), .text(reason.description), .text(digest), .blob(data), .integer(now.seconds)])
                return database.changes == 0 ? .duplicate : .quarantined(reason.description)
            }
            let receipt: Receipt
            do { receipt = try Receipt.parse(data) } catch let error as ValidationError { return try quarantine(error.phrase) }
            guard let message = try database.queryFirst("SELECT dossier_id, procedure FROM messages WHERE id = ?", [.text(receipt.messageID)]) else {
                return try quarantine("unknown message id")
            }
            let dossier = message.string("dossier_id"), procedure = message.string("procedure")
            guard procedure == receipt.procedure else {
                return try quarantine("receipt for procedure \(receipt.procedure) answers a \(procedure) message")
            }
            if receipt.status == .completed, let result = receipt.result, let rule = ProcedureKind.named(procedure)?.result {
                do { try rule.check(result, rule.needsDossier ? try self.dossier(dossier) : nil, reference) } catch let error as ValidationError { return try quarantine(error.phrase) }
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
            let target: ProcedureState
            switch receipt.status {
            case .accepted:
                guard state != .accepted else { return .recorded }
                target = .accepted
            case .completed: target = .completed
            case .rejected: target = .rejected
            }
            try database.run("""
                UPDATE procedures SET answered_at = COALESCE(answered_at, ?), sent_at = COALESCE(sent_at, ?), next_attempt_at = NULL,
                       last_error = CASE WHEN ? IS NULL THEN last_error ELSE ? END
                WHERE dossier_id = ? AND code = ?
                """, [.integer(now.seconds), .integer(now.seconds), SQLValue(receipt.reason), SQLValue(receipt.reason.map { "rejected: \($0)" }),
                      .text(dossier), .text(procedure)])
            try transition(dossier: dossier, procedure: procedure, to: target, actor: actor, now: now, result: receipt.result,
                           detail: [("message_id", .string(receipt.messageID))] + (receipt.reason.map { [("reason", JSON.string($0))] } ?? []))
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
        public let reason: String
        public let receivedAt: Timestamp
        public var json: JSON {
            .object([("id", .int(id)), ("source", .string(source)), ("reason", .string(reason)), ("received_at", .string(receivedAt.description))])
        }
    }

    public func quarantine() throws -> [QuarantineEntry] {
        try database.query("SELECT id, source, reason, received_at FROM quarantine ORDER BY id").map {
            QuarantineEntry(id: $0.int("id"), source: $0.string("source"), reason: $0.string("reason"),
                            receivedAt: Timestamp(seconds: $0["received_at"].int64 ?? 0))
        }
    }
}
