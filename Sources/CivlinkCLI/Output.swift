import CivlinkCore
import FoundationEssentials
import Glibc
import Synchronization

/// Standard output was closed by its reader (`civlink status --list | head -1`): the command
/// stops quietly, as git and jq do, with status 141.
struct ClosedOutput: Error {}

/// Where bytes go: a file descriptor, or memory for in-process tests.
public protocol OutputSink: AnyObject, Sendable {
    /// Writes all of `bytes`; throws `ClosedOutput` when the reader has gone.
    func write(_ bytes: [UInt8]) throws
    /// Whether a person is reading (a terminal): progress lines and colour only then.
    var isTerminal: Bool { get }
}

public final class FileDescriptorSink: OutputSink, Sendable {
    let fd: Int32
    public init(fd: Int32) { self.fd = fd }

    public func write(_ bytes: [UInt8]) throws {
        let ok = bytes.withUnsafeBytes { Files.writeAll(fd, $0) }
        if !ok {
            if errno == EPIPE { throw ClosedOutput() }
            throw Failure(.io, "cannot write the output: \(Files.reason())")
        }
    }

    public var isTerminal: Bool { isatty(fd) == 1 }
}

/// Collects what a command writes, for tests that run the command line in process.
public final class MemorySink: OutputSink, Sendable {
    private let collected = Mutex<[UInt8]>([])
    public let isTerminal: Bool
    public init(isTerminal: Bool = false) { self.isTerminal = isTerminal }
    public func write(_ bytes: [UInt8]) throws { collected.withLock { $0 += bytes } }
    public var bytes: [UInt8] { collected.withLock { $0 } }
    public var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Buffered standard output: data only, flushed at the end of each commit so what is printed is
/// what is stored.
public final class Output {
    private var buffer: [UInt8] = []
    let sink: OutputSink

    init(sink: OutputSink) {
        self.sink = sink
        buffer.reserveCapacity(64 * 1024)
    }

    func line(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count > 64 * 1024 { try flush() }
    }

    func line(_ json: JSON) throws {
        buffer.append(contentsOf: json.bytes())
        buffer.append(0x0A)
        if buffer.count > 64 * 1024 { try flush() }
    }

    /// Raw text, written as is (CSV keeps its own CRLF line ends).
    func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 64 * 1024 { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        defer { buffer.removeAll(keepingCapacity: true) }
        try sink.write(buffer)
    }

    /// Forgets what is not written yet (the reader has gone).
    func discard() { buffer.removeAll() }
}
