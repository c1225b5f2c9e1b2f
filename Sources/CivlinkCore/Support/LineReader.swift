import FoundationEssentials
import Glibc

/// Reads JSON Lines from a file descriptor without holding the whole input. A line longer than
/// `maxLineBytes` is returned as `nil` content (and skipped to its end), so one hostile line
/// cannot exhaust memory. Lines that have arrived are returned at once: a pipe fed slowly is read
/// as it comes, not after a megabyte or end of file.
public struct LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    /// read(2) fills this one chunk, allocated once, and the bytes read are appended to `buffer`.
    private var chunk = [UInt8](repeating: 0, count: 1 << 20)
    private(set) public var lineNumber = 0
    /// Set when reading failed; the lines before the failure were returned.
    private(set) public var readError: String?
    public let maxLineBytes: Int

    public init(fd: Int32, maxLineBytes: Int) {
        self.fd = fd
        self.maxLineBytes = maxLineBytes
    }

    /// The next line (without its newline) and its number; `data` is nil when the line was too long.
    public mutating func next() -> (number: Int, data: Data?)? {
        var tooLong = false
        var searchFrom = start
        while true {
            if let newline = buffer[searchFrom...].firstIndex(of: 0x0A) {
                let line = buffer[start..<newline]
                start = newline + 1
                lineNumber += 1
                return (lineNumber, tooLong || line.count > maxLineBytes ? nil : Data(line))
            }
            if buffer.count - start > maxLineBytes {
                tooLong = true
                buffer.removeAll(keepingCapacity: true)
                start = 0
            }
            if eof {
                if buffer.count == start && !tooLong { return nil }
                let line = buffer[start...]
                buffer.removeAll()
                start = 0
                lineNumber += 1
                return (lineNumber, tooLong ? nil : Data(line))
            }
            // Drop consumed bytes only when refilling, so each byte is moved at most once.
            buffer.removeSubrange(0..<start)
            start = 0
            searchFrom = buffer.count
            var count: Int
            repeat {
                count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            } while count < 0 && errno == EINTR
            if count < 0 { readError = String(cString: strerror(errno)) }
            if count > 0 { buffer.append(contentsOf: chunk[0..<count]) } else { eof = true }
        }
    }
}
