import Glibc

/// A value guarded by a pthread mutex with a condition variable, for threads that wait for one
/// another (a producer running ahead of the ledger's writer, a checkpoint thread). `Mutex` from
/// Synchronization cannot wait, so this is the one lock civlink builds itself. It is safe to
/// share because the value is reachable only inside `withLock`, with the mutex held, and the
/// value and both pthread objects stay at one address for the object's life.
///
/// Waiting is done here, never inside a locked section: a section gets the value `inout`, and
/// the optimiser may keep an inout value in registers across a call it cannot see into (which
/// pthread_cond_wait is), so a section that waited would keep looking at the value as it was
/// before the wait. This loop reads it through its one address after each wake-up.
public final class Condition<State: Sendable>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let storage = UnsafeMutablePointer<State>.allocate(capacity: 1)

    public init(_ initial: State) {
        storage.initialize(to: initial)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Waits with a deadline count on the monotonic clock, which setting the time never moves.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    /// Runs `body` with the lock held, once `ready` holds for the value or `deadline` has passed
    /// (the lock is released while waiting; wake-ups can be spurious, so `ready` is asked again).
    /// `body` may change the value and wake the others.
    public func withLock<T>(waitingUntil ready: (State) -> Bool = { _ in true }, deadline: Deadline? = nil,
                            _ body: (inout State, Waiter) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while !ready(storage.pointee) {
            if let deadline {
                guard !deadline.hasPassed else { break }
                let whole = deadline.instant.rounded(.down)
                var spec = timespec(tv_sec: Int(whole), tv_nsec: Int((deadline.instant - whole) * 1e9))
                _ = pthread_cond_timedwait(condition, mutex, &spec)
            } else {
                pthread_cond_wait(condition, mutex)
            }
        }
        return try body(&storage.pointee, Waiter(condition: condition))
    }

    /// What a locked section may do besides changing the value.
    public struct Waiter {
        fileprivate let condition: UnsafeMutablePointer<pthread_cond_t>

        /// Wakes every waiting thread.
        public func broadcast() { pthread_cond_broadcast(condition) }
    }
}
