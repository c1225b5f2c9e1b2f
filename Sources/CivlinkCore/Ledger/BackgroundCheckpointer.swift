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
        state.withLock { state, waiter in
            while !state.pointee.requested && !state.pointee.stopping { waiter.wait() }
            state.pointee.requested = false
            return !state.pointee.stopping
        }
    }

    /// Asks for a checkpoint after a commit; requests made while one runs coalesce.
    func request() {
        state.withLock { state, waiter in
            state.pointee.requested = true
            waiter.broadcast()
        }
    }

    /// Stops the thread and waits for it.
    func stop() {
        state.withLock { state, waiter in
            state.pointee.stopping = true
            waiter.broadcast()
        }
        thread.join()
    }
}
