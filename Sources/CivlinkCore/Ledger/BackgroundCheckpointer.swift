/// Copies the write-ahead log into the database on a thread of its own while a long bulk write
/// goes on, instead of inside the writer's commits (SQLite's automatic checkpoint runs in the
/// committing thread). Checkpoints are PASSIVE: they never block the writer, and whatever they
/// leave is checkpointed when the last connection closes, as usual.
final class BackgroundCheckpointer: Sendable {
    private struct State: Sendable {
        var requested = false
        var stopping = false
    }
    private let state = Condition(State())
    private let thread: WorkerThread

    /// Starts the thread; it opens its own connection to `path` (a connection belongs to one
    /// thread). If that connection cannot open, the thread just waits to be stopped: the frames
    /// stay in the log for the next checkpoint, which loses nothing.
    init(path: String) {
        let state = self.state
        thread = WorkerThread(background: true) {
            let connection = try? SQLiteDatabase(path: path)
            while BackgroundCheckpointer.waitForRequest(state) {
                try? connection?.execute("PRAGMA wal_checkpoint(PASSIVE)")
            }
        }
    }

    private static func waitForRequest(_ state: Condition<State>) -> Bool {
        state.withLock { locked in
            while !locked.state.requested && !locked.state.stopping { locked.wait() }
            locked.state.requested = false
            return !locked.state.stopping
        }
    }

    /// Asks for a checkpoint after a commit; requests made while one runs coalesce.
    func request() {
        state.withLock { locked in
            locked.state.requested = true
            locked.broadcast()
        }
    }

    /// Stops the thread and waits for it.
    func stop() {
        state.withLock { locked in
            locked.state.stopping = true
            locked.broadcast()
        }
        thread.join()
    }
}
