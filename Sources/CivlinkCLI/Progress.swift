import CivlinkCore
import Synchronization

/// A progress line on standard error, only when it is a terminal: nothing in pipes, cron or logs.
/// Safe to update from several threads (deliveries report as they finish).
final class Progress: Sendable {
    private struct State: Sendable {
        var lastDraw = -1.0
        var drawn = false
    }
    private let state = Mutex(State())
    private let enabled: Bool
    private let errors: any OutputSink

    init(_ invocation: Invocation) {
        enabled = invocation.errors.isTerminal
        errors = invocation.errors
    }

    private func write(_ text: String) { try? errors.write(Array(text.utf8)) }

    /// Redraws the line at most five times a second.
    func update(_ text: @autoclosure () -> String) {
        guard enabled else { return }
        let now = MonotonicClock.now()
        let draw = state.withLock { state -> Bool in
            guard now - state.lastDraw > 0.2 else { return false }
            state.lastDraw = now
            state.drawn = true
            return true
        }
        if draw { write("\r\u{1B}[K" + text()) }
    }

    /// Clears the line.
    func finish() {
        guard enabled else { return }
        let drawn = state.withLock { state -> Bool in
            defer { state.drawn = false }
            return state.drawn
        }
        if drawn { write("\r\u{1B}[K") }
    }
}
