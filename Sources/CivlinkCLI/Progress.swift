import CivlinkCore
import Synchronization

/// A progress line on standard error, only when it is a terminal: nothing in pipes, cron or logs.
/// It ends with a summary line that stays on the screen. Safe to update from several threads
/// (deliveries report as they finish).
final class Progress: Sendable {
    private struct State: Sendable {
        var lastDraw = -1.0
        var drawn = false
        var finished = false
    }
    private let state = Mutex(State())
    private let enabled: Bool
    private let errors: any OutputSink
    private let language: Language
    private let started = MonotonicClock.now()

    init(_ invocation: Invocation) {
        enabled = invocation.errors.isTerminal
        errors = invocation.errors
        language = invocation.language
    }

    private func write(_ text: String) { try? errors.write(Array(text.utf8)) }

    /// Redraws the line at most five times a second.
    func update(_ phrase: @autoclosure () -> Phrase) {
        guard enabled else { return }
        let now = MonotonicClock.now()
        let draw = state.withLock { state -> Bool in
            guard !state.finished, now - state.lastDraw > 0.2 else { return false }
            state.lastDraw = now
            state.drawn = true
            return true
        }
        if draw { write("\r\u{1B}[K" + language.render(phrase())) }
    }

    /// Clears the line for a diagnostic, which is written on a clean line; the next update draws it again.
    func clear() {
        guard enabled else { return }
        let drawn = state.withLock { state -> Bool in
            defer { state.drawn = false; state.lastDraw = -1 }
            return state.drawn
        }
        if drawn { write("\r\u{1B}[K") }
    }

    /// Replaces the line with `summary` and the time taken, which stays; without a summary the
    /// line is only cleared. Once: later calls do nothing.
    func finish(summary: Phrase? = nil) {
        guard enabled else { return }
        let (drawn, first) = state.withLock { state -> (Bool, Bool) in
            defer { state.drawn = false; state.finished = true }
            return (state.drawn, !state.finished)
        }
        guard first else { return }
        if drawn { write("\r\u{1B}[K") }
        if let summary {
            let seconds = language.decimal(MonotonicClock.now() - started, places: 1)
            write(language.render("\(summary) in \(seconds) s") + "\n")
        }
    }
}
