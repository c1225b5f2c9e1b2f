import FoundationEssentials
import Glibc

/// A spool directory: `outbox/` holds one file per message (`<message id>.json`), `inbox/` the
/// agency's receipts (any `*.json`). Writes are atomic: temporary file, fsync, rename, fsync of
/// the directory; the message counts as delivered only after that. Directories and files are
/// private to the ledger's user, or shared with the configured group (`SpoolPermissions`).
public struct SpoolTransport: Transport {
    public let directory: String
    public let permissions: SpoolPermissions
    public var outbox: String { directory + "/outbox" }
    public var inbox: String { directory + "/inbox" }

    public init(directory: String, permissions: SpoolPermissions) {
        self.directory = directory
        self.permissions = permissions
    }

    /// The spool with no group, trusting the current user's files: the simulator's view.
    public init(directory: String) {
        self.init(directory: directory, permissions: SpoolPermissions())
    }

    /// Creates the directories, or brings existing ones of this user's to the spool's mode.
    public func prepare() throws {
        for dir in [directory, outbox, inbox] {
            try Files.makeDirectory(dir, mode: permissions.directoryMode, group: permissions.group, enforce: true)
        }
    }

    public func deliver(messageID: String, body: Data) -> DeliveryOutcome {
        guard SpoolTransport.isSafeName(messageID) else { return .failed("spool \(outbox): the message id is not a safe file name") }
        do {
            try prepare()
            try Files.atomicWrite(body, to: outbox + "/" + messageID + ".json", syncDirectory: false, mode: permissions.fileMode,
                                  group: permissions.group)
            return .delivered
        } catch let error as CivlinkError {
            return .failed("spool \(outbox): \(error.phrase)")
        } catch {
            return .failed("spool \(outbox): \(Phrase(verbatim: "\(error)"))")
        }
    }

    /// The renames of a batch are durable once the outbox directory is synced: once per batch.
    public func sync() -> Phrase? { Files.fsyncDirectory(outbox) }

    public func pendingReceipts() throws -> [String] {
        // Nobody else gets to write into the inbox from here on.
        try prepare()
        guard let names = Files.list(inbox) else { return [] }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { inbox + "/" + $0 }
    }

    public func readReceipt(_ source: String) -> Result<Data, InboxRefusal> {
        Files.readUntrusted(source, maxBytes: SpoolPermissions.maxReceiptBytes, trusting: permissions.trusts)
    }

    public func acknowledge(source: String) throws {
        if unlink(source) != 0 && errno != ENOENT {
            throw Failure(.io, "cannot remove \(source): \(Files.reason())")
        }
    }

    public func poll(messageID: String) -> DeliveryOutcome { .failed("a spool is not polled") }

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

    /// A name that stays inside its directory: letters, digits, `.`, `-`, `_`, not starting with
    /// a dot, at most 200 bytes. civlink's message ids always are; an agency's may not be.
    public static func isSafeName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= 200, bytes[0] != UInt8(ascii: ".") else { return false }
        return bytes.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
                true
            default:
                false
            }
        }
    }
}
