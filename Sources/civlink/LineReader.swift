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
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { eof = true } else { buffer.append(contentsOf: chunk) }
        }
    }
}
