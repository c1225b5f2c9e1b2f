import CivlinkCore
import Foundation

/// Buffered standard output: data only, flushed at the end of each commit so what is printed is
/// what is stored.
final class Output {
    private var buffer = Data()

    func line(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        buffer.append(0x0A)
        if buffer.count > 64 * 1024 { flush() }
    }

    func line(_ json: JSON) {
        buffer.append(contentsOf: json.bytes())
        buffer.append(0x0A)
        if buffer.count > 64 * 1024 { flush() }
    }

    /// Raw text, written as is (CSV keeps its own CRLF line ends).
    func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count > 64 * 1024 { flush() }
    }

    func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Diagnostics on standard error.
enum Diagnostics {
    static var language: Language { Language.from(environment: ProcessInfo.processInfo.environment) }

    /// Text for people, in their language.
    static func localized(_ text: String) -> String { Localizer.translate(text, to: language) }

    /// A table heading or label for people, in their language.
    static func heading(_ text: String) -> String { Localizer.heading(text, to: language) }

    static func error(_ message: String) {
        FileHandle.standardError.write(Data("civlink: \(localized(message))\n".utf8))
    }

    static func note(_ message: String) {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
    }

    static var useColour: Bool {
        isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
            && ProcessInfo.processInfo.environment["TERM"] != "dumb"
    }
}

/// Left-aligned columns for people.
func table(_ header: [String], _ rows: [[String]]) -> [String] {
    var widths = header.map { Diagnostics.heading($0).count }
    for row in rows {
        for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
    }
    func render(_ cells: [String]) -> String {
        cells.enumerated().map { i, cell in
            i == cells.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
        }.joined(separator: "  ")
    }
    let head = render(header.map(Diagnostics.heading))
    return [Diagnostics.useColour ? "\u{1B}[1m\(head)\u{1B}[0m" : head] + rows.map(render)
}

/// A progress line on standard error, only when it is a terminal; nothing in pipes, cron or logs.
final class Progress {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var lastDraw = Date.distantPast
    private var drawn = false

    func update(_ text: @autoclosure () -> String) {
        guard enabled, Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        drawn = true
        FileHandle.standardError.write(Data("\r\u{1B}[K\(Diagnostics.localized(text()))".utf8))
    }

    func finish() {
        guard enabled, drawn else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
        drawn = false
    }
}
