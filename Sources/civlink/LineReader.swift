import CivlinkCore
import Foundation

/// Reads JSON Lines from a file descriptor without holding the whole input. A line longer than
/// `maxLineBytes` is returned as `nil` content (and skipped to its end), so one hostile line
/// cannot exhaust memory.
struct LineReader {
    private let handle: FileHandle
    private var buffer = Data()
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
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<newline]
                buffer.removeSubrange(buffer.startIndex...newline)
                lineNumber += 1
                return (lineNumber, tooLong || line.count > maxLineBytes ? nil : Data(line))
            }
            if buffer.count > maxLineBytes {
                tooLong = true
                buffer.removeAll(keepingCapacity: true)
            }
            if eof {
                if buffer.isEmpty && !tooLong { return nil }
                let line = buffer
                buffer.removeAll()
                lineNumber += 1
                return (lineNumber, tooLong ? nil : line)
            }
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { eof = true } else { buffer.append(chunk) }
        }
    }
}
