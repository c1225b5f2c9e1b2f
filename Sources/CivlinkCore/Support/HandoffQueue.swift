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
        state.withLock { state, waiter in
            while state.pointee.items.count >= capacity && !state.pointee.cancelled { waiter.wait() }
            if state.pointee.cancelled { return false }
            state.pointee.items.append(item)
            waiter.broadcast()
            return true
        }
    }

    /// The producer is done: `takeAll` returns what is left, then nil.
    public func close() {
        state.withLock { state, waiter in
            state.pointee.closed = true
            waiter.broadcast()
        }
    }

    /// The consumer gives up: a waiting or later `put` returns false.
    public func cancel() {
        state.withLock { state, waiter in
            state.pointee.cancelled = true
            state.pointee.items.removeAll()
            waiter.broadcast()
        }
    }

    /// Waits until `deadline` at most (without one, until something comes) and takes every item
    /// waiting: empty on time-out, nil when closed and empty. A consumer that holds what others
    /// wait for (a write transaction) gives a deadline, so it never holds it for long.
    public func takeAll(until deadline: Deadline? = nil) -> [Element]? {
        state.withLock { state, waiter in
            while state.pointee.items.isEmpty && !state.pointee.closed {
                if let deadline {
                    if !waiter.wait(until: deadline) && deadline.hasPassed { break }
                } else {
                    waiter.wait()
                }
            }
            if state.pointee.items.isEmpty { return state.pointee.closed ? nil : [] }
            let taken = state.pointee.items
            state.pointee.items.removeAll(keepingCapacity: true)
            waiter.broadcast()
            return taken
        }
    }
}
