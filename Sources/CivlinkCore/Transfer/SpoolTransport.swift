import FoundationEssentials
import Glibc

/// A spool directory: `outbox/` holds one file per message (`<message id>.json`), `inbox/` the
/// agency's receipts (any `*.json`). Writes are atomic: temporary file, fsync, rename, fsync of
/// the directory; the message counts as delivered only after that.
public struct SpoolTransport: Transport {
    public let directory: String
    public var outbox: String { directory + "/outbox" }
    public var inbox: String { directory + "/inbox" }

    public init(directory: String) { self.directory = directory }

    public func prepare() throws {
        for dir in [directory, outbox, inbox] {
            try Files.makeDirectory(dir, mode: 0o755)
        }
    }

    public func deliver(messageID: String, body: Data) -> DeliveryOutcome {
        do {
            try prepare()
            try Files.atomicWrite(body, to: outbox + "/" + messageID + ".json", syncDirectory: false)
            return .delivered(receipt: nil)
        } catch let error as CivlinkError {
            return .failed("spool \(outbox): \(error.phrase)")
        } catch {
            return .failed("spool \(outbox): \(Phrase(verbatim: "\(error)"))")
        }
    }

    /// The renames of a batch are durable once the outbox directory is synced: once per batch.
    public func sync() -> Phrase? { Files.fsyncDirectory(outbox) }

    public func pendingReceipts() throws -> [(source: String, data: Data)] {
        guard let names = Files.list(inbox) else { return [] }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            let path = inbox + "/" + name
            return Files.read(path).map { (path, $0) }
        }
    }

    public func acknowledge(source: String) throws {
        if unlink(source) != 0 && errno != ENOENT {
            throw Failure(.io, "cannot remove \(source): \(Files.reason())")
        }
    }

    public func poll(messageID: String) -> Data? { nil }

    public func check() -> Phrase? {
        do {
            try prepare()
            let probe = directory + "/.civlink-check"
            try Files.atomicWrite(Data(), to: probe)
            unlink(probe)
            return nil
        } catch let error as CivlinkError {
            return error.phrase
        } catch {
            return Phrase(verbatim: "\(error)")
        }
    }
}
