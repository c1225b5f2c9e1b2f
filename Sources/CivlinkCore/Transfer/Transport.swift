import FoundationEssentials

/// What happened when civlink handed one message to an agency, or asked it about one.
public enum DeliveryOutcome: Sendable {
    /// The spool has the message; its receipt comes later through the inbox.
    case delivered
    /// The agency answered with a 2xx status: it has the message. `body` should be its receipt;
    /// the runner decides whether it is a usable one.
    case answered(status: Int, body: Data)
    /// Not delivered, or no answer; try again later (agency down, HTTP 5xx, a redirect, TLS,
    /// timeout, connection reset, an answer too large).
    case failed(Phrase)
}

public struct InboxRefusal: Error, Sendable {
    public let reason: Phrase
    /// What could be read safely (a bounded prefix of a file that is too large), for the quarantine row.
    public let prefix: Data
    /// The file's size, when it was looked at.
    public let size: Int?

    public init(reason: Phrase, prefix: Data = Data(), size: Int? = nil) {
        self.reason = reason
        self.prefix = prefix
        self.size = size
    }
}

/// One way of reaching an agency. Implementations are used from several threads at once.
public protocol Transport: Sendable {
    /// Hands one message over. Idempotent: the receiver deduplicates on `messageID`.
    func deliver(messageID: String, body: Data) -> DeliveryOutcome
    /// Where receipts wait to be read (spool inbox files), in the order to read them; HTTP
    /// agencies are polled per message instead.
    func pendingReceipts() throws -> [String]
    /// One waiting receipt, or why it was refused unread (a link, not a regular file, another
    /// user's, too large): the refusal is quarantined with its reason.
    func readReceipt(_ source: String) -> Result<Data, InboxRefusal>
    /// Forgets a receipt once the ledger has committed it.
    func acknowledge(source: String) throws
    /// Asks the agency for its latest answer to a message (`GET URL/ID`): `.answered` with a
    /// 2xx status and the body, else `.failed` with why there is none.
    func poll(messageID: String) -> DeliveryOutcome
    /// Checks the transport is usable, without sending anything; nil when it is, else why not.
    func check() -> Phrase?
    /// Makes the deliveries of a batch durable before the ledger records them (a spool fsyncs
    /// its outbox directory once per batch); nil on success, else the reason.
    func sync() -> Phrase?
}

extension Transport {
    public func sync() -> Phrase? { nil }
}
