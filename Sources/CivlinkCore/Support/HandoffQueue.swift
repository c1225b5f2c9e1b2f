/// Hands batches from one producer thread to one consumer, holding at most `capacity`, so the
/// producer runs ahead of the consumer without holding everything in memory.
public final class HandoffQueue<Element: Sendable>: Sendable {
    private struct State: Sendable {
        var items: [Element] = []
        var closed = false
        var cancelled = false
    }
    private let state = Condition(State())
    private let capacity: Int

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits for room; false once the consumer has cancelled, so the producer stops.
    public func put(_ item: Element) -> Bool {
        state.withLock { locked in
            while locked.state.items.count >= capacity && !locked.state.cancelled { locked.wait() }
            if locked.state.cancelled { return false }
            locked.state.items.append(item)
            locked.broadcast()
            return true
        }
    }

    /// The producer is done: `takeAll` returns what is left, then nil.
    public func close() {
        state.withLock { locked in
            locked.state.closed = true
            locked.broadcast()
        }
    }

    /// The consumer gives up: a waiting or later `put` returns false.
    public func cancel() {
        state.withLock { locked in
            locked.state.cancelled = true
            locked.state.items.removeAll()
            locked.broadcast()
        }
    }

    /// Waits until `deadline` at most (without one, until something comes) and takes every item
    /// waiting: empty on time-out, nil when closed and empty. A consumer that holds what others
    /// wait for (a write transaction) gives a deadline, so it never holds it for long.
    public func takeAll(until deadline: Deadline? = nil) -> [Element]? {
        state.withLock { locked in
            while locked.state.items.isEmpty && !locked.state.closed {
                if let deadline {
                    if !locked.wait(until: deadline) && deadline.hasPassed { break }
                } else {
                    locked.wait()
                }
            }
            if locked.state.items.isEmpty { return locked.state.closed ? nil : [] }
            let taken = locked.state.items
            locked.state.items.removeAll(keepingCapacity: true)
            locked.broadcast()
            return taken
        }
    }
}
