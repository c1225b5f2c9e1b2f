import Foundation

/// Copies the write-ahead log into the database on a thread of its own while a long bulk write
/// goes on, instead of inside the writer's commits (SQLite's automatic checkpoint runs in the
/// committing thread). Checkpoints are PASSIVE: they never block the writer, and whatever they
/// leave is checkpointed when the last connection closes, as usual.
public final class BackgroundCheckpointer: @unchecked Sendable {
    private let condition = NSCondition()
    private var requested = false
    private var stopping = false
    private let done = DispatchSemaphore(value: 0)

    /// Starts the thread with its own connection to `path`; `nil` if that connection cannot open,
    /// in which case the caller keeps SQLite's automatic checkpoints.
    public init?(path: String) {
        guard let database = try? SQLiteDatabase(path: path) else { return nil }
        nonisolated(unsafe) let connection = database
        let thread = Thread { [self] in
            lowerThreadPriority()
            while waitForRequest() {
                // A failed checkpoint loses nothing: the frames stay in the log for the next one.
                try? connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
            done.signal()
        }
        thread.start()
    }

    private func waitForRequest() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while !requested && !stopping { condition.wait() }
        requested = false
        return !stopping
    }

    /// Asks for a checkpoint after a commit; requests made while one runs coalesce.
    public func request() {
        condition.lock()
        requested = true
        condition.signal()
        condition.unlock()
    }

    /// Stops the thread and waits for it.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        done.wait()
    }
}
