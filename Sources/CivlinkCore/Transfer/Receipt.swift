import Foundation

/// An agency's answer to one message (`civlink.receipt/1`, civlink-message(5)).
public struct Receipt: Sendable {
    public enum Status: String, Sendable { case accepted, completed, rejected }
    public let messageID: String
    public let procedure: String
    public let status: Status
    public let result: JSON?
    public let reason: String?

    /// Parses and checks the shape; the result must fit the procedure.
    public static func parse(_ data: Data) throws -> Receipt {
        let json: JSON
        do { json = try JSONReader.parse(data, limits: JSONLimits(maxBytes: 1024 * 1024, maxDepth: 16, maxStringBytes: 64 * 1024)) }
        catch { throw ValidationError("", "malformed JSON") }
        guard case .object = json else { throw ValidationError("", "a receipt must be a JSON object") }
        guard json["format"]?.stringValue == "civlink.receipt/1" else { throw ValidationError("format", "must be civlink.receipt/1") }
        guard let id = json["message_id"]?.stringValue, !id.isEmpty else { throw ValidationError("message_id", "is required") }
        guard let procedure = json["procedure"]?.stringValue else { throw ValidationError("procedure", "is required") }
        guard let status = json["status"]?.stringValue.flatMap(Status.init(rawValue:)) else {
            throw ValidationError("status", "must be accepted, completed or rejected")
        }
        var reason: String?
        var result: JSON?
        switch status {
        case .accepted: break
        case .rejected:
            guard let text = json["reason"]?.stringValue, !text.isEmpty else { throw ValidationError("reason", "a rejection needs a reason") }
            reason = text
        case .completed:
            guard let r = json["result"], case .object = r else { throw ValidationError("result", "a completion needs a result object") }
            try checkResult(r, procedure: procedure)
            result = r
        }
        return Receipt(messageID: id, procedure: procedure, status: status, result: result, reason: reason)
    }

    static func digits(_ s: String?, _ n: Int) -> Bool { s.map { $0.count == n && $0.allSatisfy { $0.isASCII && $0.isNumber } } ?? false }

    static func checkResult(_ r: JSON, procedure: String) throws {
        func text(_ key: String) throws {
            guard let v = r[key]?.stringValue, !v.isEmpty else { throw ValidationError("result.\(key)", "is required") }
        }
        switch procedure {
        case ProcedureKind.personalID.code:
            guard digits(r["personal_id"]?.stringValue, 12) else { throw ValidationError("result.personal_id", "must be 12 digits") }
        case ProcedureKind.residenceRegistration.code, ProcedureKind.residenceDeletion.code:
            try text("confirmation")
        case ProcedureKind.healthInsuranceCard.code:
            let card = r["card_number"]?.stringValue ?? ""
            guard card.count == 15, card.hasPrefix("TE1"), digits(String(card.dropFirst(3)), 12) else {
                throw ValidationError("result.card_number", "must be TE1, a 2-digit province code and a 10-digit social insurance code")
            }
            guard let from = r["valid_from"]?.stringValue.flatMap(CivilDate.init), let until = r["valid_until"]?.stringValue.flatMap(CivilDate.init),
                  from <= until else { throw ValidationError("result.valid_from", "valid_from and valid_until must be dates, in order") }
        case ProcedureKind.funeralAllowance.code, ProcedureKind.funeralSupport.code:
            try text("decision")
            guard let amount = r["amount_vnd"]?.intValue, amount > 0 else { throw ValidationError("result.amount_vnd", "must be a positive whole number") }
        default:
            throw ValidationError("procedure", "is not a procedure civlink sends")
        }
    }
}

/// What ingesting one receipt did.
public enum IngestOutcome: Sendable, Equatable {
    case applied(String)      // the procedure moved to this state
    case recorded             // kept, but it changes nothing (stale message, or older news)
    case duplicate            // the same receipt was ingested before
    case quarantined(String)  // refused, with the reason
}

extension Ledger {
    /// Ingests one receipt in its own transaction: idempotent, in any order. What does not fit
    /// goes to quarantine with a reason that holds no personal data.
    public func ingestReceipt(_ data: Data, source: String, actor: String, now: Timestamp) throws -> IngestOutcome {
        try database.writeTransaction { try ingestReceiptInTransaction(data, source: source, actor: actor, now: now) }
    }

    func ingestReceiptInTransaction(_ data: Data, source: String, actor: String, now: Timestamp) throws -> IngestOutcome {
        let digest = Digest.sha256(data).hexString
        if try database.scalar("SELECT 1 FROM receipts WHERE digest = ?", [.text(digest)]) != .null { return .duplicate }
        func quarantine(_ reason: String) throws -> IngestOutcome {
            try database.run("INSERT OR IGNORE INTO quarantine(source, reason, digest, body, received_at) VALUES (?, ?, ?, ?, ?)",
                             [.text(source), .text(reason), .text(digest), .blob(data), .integer(now.seconds)])
            return database.changes == 0 ? .duplicate : .quarantined(reason)
        }
        let receipt: Receipt
        do { receipt = try Receipt.parse(data) } catch let error as ValidationError { return try quarantine(error.message) }
        let rows = try database.query("SELECT dossier_id, procedure FROM messages WHERE id = ?", [.text(receipt.messageID)])
        guard let row = rows.first, let dossier = row[0].string, let procedure = row[1].string else {
            return try quarantine("unknown message id")
        }
        guard procedure == receipt.procedure else {
            return try quarantine("receipt for procedure \(receipt.procedure) answers a \(procedure) message")
        }
        do { try checkAgainstDossier(receipt, dossier: dossier) } catch let error as ValidationError { return try quarantine(error.message) }
        try database.run("INSERT INTO receipts(message_id, status, digest, body, source, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                         [.text(receipt.messageID), .text(receipt.status.rawValue), .text(digest), .text(String(decoding: data, as: UTF8.self)),
                          .text(source), .integer(now.seconds)])
        // A receipt proves the agency has the message.
        try database.run("UPDATE messages SET delivered_at = COALESCE(delivered_at, ?) WHERE id = ?", [.integer(now.seconds), .text(receipt.messageID)])
        let current = try database.query("SELECT state, message_id FROM procedures WHERE dossier_id = ? AND code = ?", [.text(dossier), .text(procedure)]).first
        guard let current, current[1].string == receipt.messageID, let state = ProcedureState(rawValue: current[0].string ?? "") else {
            return .recorded   // answers a message that a corrected resend has replaced
        }
        let open: Set<ProcedureState> = [.ready, .sent, .stuck, .accepted]
        let target: ProcedureState
        switch receipt.status {
        case .accepted:
            guard state != .accepted, open.contains(state) else { return .recorded }
            target = .accepted
        case .completed:
            guard open.contains(state) else { return .recorded }
            target = .completed
        case .rejected:
            guard open.contains(state) else { return .recorded }
            target = .rejected
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

    /// A personal ID number returned for a child must be one the child can have: a province code of
    /// the registering province, the century/sex digit and year digits of the child's birth.
    func checkAgainstDossier(_ receipt: Receipt, dossier: String) throws {
        guard receipt.status == .completed, receipt.procedure == ProcedureKind.personalID.code,
              let number = receipt.result?["personal_id"]?.stringValue else { return }
        let record = try self.dossier(dossier)
        guard let child = record.declaration["child"], let born = child["date_of_birth"]?.stringValue.flatMap(CivilDate.init),
              let sex = child["sex"]?.stringValue.flatMap(Sex.init(rawValue:)) else { return }
        _ = try PersonalID.validate(number, field: "result.personal_id", provinces: reference.provinces, born: born, sex: sex)
        let province = String(number.prefix(3))
        guard reference.provinces.byIDCode[province]?.unit2025 == record.province else {
            throw ValidationError("result.personal_id", "first 3 digits must be a province code of the registering province")
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
            QuarantineEntry(id: $0[0].int ?? 0, source: $0[1].string ?? "", reason: $0[2].string ?? "", receivedAt: Timestamp(seconds: Int64($0[3].int ?? 0)))
        }
    }
}
