import Foundation

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
            try FileSystem.makeDirectory(dir)
        }
    }

    public func deliver(messageID: String, body: Data) -> DeliveryOutcome {
        do {
            try prepare()
            try SpoolTransport.atomicWrite(body, to: outbox + "/" + messageID + ".json", syncDirectory: false)
            return .delivered(receipt: nil)
        } catch {
            return .failed("spool \(outbox): \(error)")
        }
    }

    /// Writes `data` to `path` so a reader sees either nothing or the whole file, even after a crash.
    public static func atomicWrite(_ data: Data, to path: String, syncDirectory: Bool = true) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = directory + "/.tmp-" + UUID().uuidString
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpoolError("cannot create \(temporary): \(String(cString: strerror(errno)))") }
        var ok = data.withUnsafeBytes { buffer -> Bool in
            var offset = 0
            while offset < buffer.count {
                let n = write(fd, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw SpoolError("cannot write \(path): \(reason)")
        }
        if syncDirectory, let problem = SpoolTransport.fsyncDirectory(directory) { throw SpoolError(problem) }
    }

    static func fsyncDirectory(_ directory: String) -> String? {
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { return "cannot open \(directory): \(String(cString: strerror(errno)))" }
        defer { close(dirfd) }
        return fsync(dirfd) == 0 ? nil : "cannot sync \(directory): \(String(cString: strerror(errno)))"
    }

    /// The renames of a batch are durable once the outbox directory is synced: once per batch.
    public func sync() -> String? { SpoolTransport.fsyncDirectory(outbox) }

    public func pendingReceipts() throws -> [(source: String, data: Data)] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: inbox) else { return [] }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().compactMap { name in
            let path = inbox + "/" + name
            return FileManager.default.contents(atPath: path).map { (path, $0) }
        }
    }

    public func acknowledge(source: String) throws {
        if unlink(source) != 0 && errno != ENOENT {
            throw SpoolError("cannot remove \(source): \(String(cString: strerror(errno)))")
        }
    }

    public func poll(messageID: String) -> Data? { nil }

    public func check() -> String? {
        do {
            try prepare()
            let probe = directory + "/.civlink-check"
            try SpoolTransport.atomicWrite(Data(), to: probe)
            unlink(probe)
            return nil
        } catch {
            return "\(error)"
        }
    }
}

struct SpoolError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
