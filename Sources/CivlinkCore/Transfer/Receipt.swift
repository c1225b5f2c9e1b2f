import FoundationEssentials

/// An agency's answer to one message (`civlink.receipt/1`, civlink-message(5)).
public struct Receipt: Sendable {
    public enum Status: String, Sendable { case accepted, completed, rejected }
    public let messageID: String
    public let procedure: String
    public let status: Status
    public let result: JSON?
    public let reason: String?

    static let limits = JSONLimits(maxBytes: 1024 * 1024, maxDepth: 16, maxStringBytes: 64 * 1024)

    /// Parses and checks the shape; a completion's result must fit its procedure's result rule
    /// in the catalogue (rules that need the dossier are checked when it is applied).
    public static func parse(_ data: Data) throws -> Receipt {
        let json: JSON
        do { json = try JSONReader.parse(data, limits: limits) } catch { throw ValidationError("", "malformed JSON") }
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
            // The answer to a void carries no result; what an answer to a request or an update
            // needs is checked once the message it answers is known (`requireResult`).
            guard let rule = ProcedureKind.named(procedure)?.result else { throw ValidationError("procedure", "is not a procedure civlink sends") }
            if let r = json["result"] {
                guard case .object = r else { throw ValidationError("result", "a completion needs a result object") }
                _ = try rule.schema.validate(r, path: "result")
                try rule.check(r, nil, .embedded)
                result = r
            }
        }
        return Receipt(messageID: id, procedure: procedure, status: status, result: result, reason: reason)
    }

    /// A completion of a request or an update must carry its result.
    func requireResult(answering kind: MessageKind) throws {
        if status == .completed, kind != .void, result == nil { throw ValidationError("result", "a completion needs a result object") }
    }

    /// The message id an answer claims to answer, read without trusting the rest of it (for
    /// naming a quarantined answer); nil when it has none that looks like one.
    static func claimedMessageID(_ data: Data) -> String? {
        guard data.count <= limits.maxBytes, let json = try? JSONReader.parse(data, limits: limits),
              let id = json["message_id"]?.stringValue, SpoolTransport.isSafeName(id) else { return nil }
        return id
    }
}
