import Synchronization

/// Idle connections to the client's one origin, most recently used first: the busiest
/// connection stays warm and the others age out. Connections are dropped (and so closed)
/// outside the lock.
final class ConnectionPool: Sendable {
    private struct Idle: Sendable {
        let connection: Connection
        let since: ContinuousClock.Instant
    }

    private let idle = Mutex<[Idle]>([])
    private let capacity: Int
    private let maxIdleTime: Duration

    init(capacity: Int, maxIdleTime: Duration) {
        self.capacity = capacity
        self.maxIdleTime = maxIdleTime
    }

    /// An idle connection that still looks open, or nil. One the server closed meanwhile shows
    /// as readable (FIN or close_notify) and is dropped here rather than failing a request.
    func take() -> Connection? {
        while true {
            guard let entry = idle.withLock({ $0.popLast() }) else { return nil }
            if ContinuousClock.now - entry.since < maxIdleTime, entry.connection.isIdleAndOpen { return entry.connection }
        }
    }

    func put(_ connection: Connection) {
        guard capacity > 0 else { return }
        let now = ContinuousClock.now
        let dropped = idle.withLock { idle -> [Idle] in
            var dropped: [Idle] = []
            idle.removeAll { entry in
                let stale = now - entry.since >= maxIdleTime
                if stale { dropped.append(entry) }
                return stale
            }
            idle.append(Idle(connection: connection, since: now))
            if idle.count > capacity { dropped.append(idle.removeFirst()) }
            return dropped
        }
        _ = dropped
    }

    var idleCount: Int { idle.withLock { $0.count } }
}
