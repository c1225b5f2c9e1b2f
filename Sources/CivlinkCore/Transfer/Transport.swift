import FoundationEssentials

/// What happened when civlink handed one message to an agency.
public enum DeliveryOutcome: Sendable {
    /// The agency or its spool has the message; `receipt` is the answer when it came back at once.
    case delivered(receipt: Data?)
    /// Not delivered; try again later (agency down, HTTP 5xx, timeout, connection reset).
    case failed(Phrase)
}

/// One way of reaching an agency. Implementations are used from several threads at once.
public protocol Transport: Sendable {
    /// Hands one message over. Idempotent: the receiver deduplicates on `messageID`.
    func deliver(messageID: String, body: Data) -> DeliveryOutcome
    /// Receipts waiting to be read: (source name, bytes). Spool inboxes; HTTP polls per message.
    func pendingReceipts() throws -> [(source: String, data: Data)]
    /// Forgets a receipt once the ledger has committed it.
    func acknowledge(source: String) throws
    /// Asks the agency for its latest answer to a message it accepted (HTTP); nil when it has none.
    func poll(messageID: String) -> Data?
    /// Checks the transport is usable, without sending anything; nil when it is, else why not.
    func check() -> Phrase?
    /// Makes the deliveries of a batch durable before the ledger records them (a spool fsyncs
    /// its outbox directory once per batch); nil on success, else the reason.
    func sync() -> Phrase?
}

extension Transport {
    public func sync() -> Phrase? { nil }
}
