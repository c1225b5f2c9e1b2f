import CivlinkCore
import Foundation

/// Reads JSON Lines from a file descriptor without holding the whole input. A line longer than
/// `maxLineBytes` is returned as `nil` content (and skipped to its end), so one hostile line
/// cannot exhaust memory.
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0
    private var eof = false
    private(set) var lineNumber = 0
    /// Set when reading failed; the lines before the failure were returned.
    private(set) var readError: String?
    let maxLineBytes: Int

    init(handle: FileHandle, maxLineBytes: Int) {
        self.handle = handle
        self.maxLineBytes = maxLineBytes
    }

    /// The next line (without its newline) and its number; `data` is nil when the line was too long.
    mutating func next() -> (number: Int, data: Data?)? {
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
            // read(2), not FileHandle.readData(ofLength:), which waits for the whole length: from
            // a pipe, the lines that have arrived are taken at once, not after 1 MB or EOF.
            let previous = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: 1 << 20))
            var count: Int
            repeat {
                count = buffer.withUnsafeMutableBytes { Glibc.read(handle.fileDescriptor, $0.baseAddress! + previous, 1 << 20) }
            } while count < 0 && errno == EINTR
            if count < 0 { readError = String(cString: strerror(errno)) }
            buffer.removeSubrange((previous + max(count, 0))...)
            if count <= 0 { eof = true }
        }
    }
}
