import Glibc

/// A value guarded by a pthread mutex with a condition variable, for threads that wait for one
/// another (a producer running ahead of the ledger's writer, a checkpoint thread). `Mutex` from
/// Synchronization cannot wait, so this is the one lock civlink builds itself. It is safe to
/// share because the value is reachable only inside `withLock`, with the mutex held, and the
/// value and both pthread objects stay at one address for the object's life.
///
/// A locked section gets the value through a pointer, never `inout`: a section that waits hands
/// the lock to another thread, which changes the value, and the optimiser may keep an `inout`
/// value in registers across the wait (nothing else may touch an `inout` argument), so the
/// section would never see the change (a release build of `register --batch` waited forever so).
public final class Condition<State: Sendable>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let state = UnsafeMutablePointer<State>.allocate(capacity: 1)

    public init(_ initial: State) {
        state.initialize(to: initial)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Waits with a deadline count on the monotonic clock, which setting the time never moves.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        state.deinitialize(count: 1)
        state.deallocate()
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the lock held and the value at `state.pointee`; `body` may wait on the
    /// `Waiter` (which releases the lock while it waits) and wake the others.
    public func withLock<T>(_ body: (_ state: UnsafeMutablePointer<State>, Waiter) throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(state, Waiter(mutex: mutex, condition: condition))
    }

    /// What a locked section may do besides changing the state.
    public struct Waiter {
        fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>
        fileprivate let condition: UnsafeMutablePointer<pthread_cond_t>

        /// Waits until woken (wake-ups can be spurious: check again what you wait for).
        public func wait() { pthread_cond_wait(condition, mutex) }

        /// Waits until woken or until `deadline`; false when the deadline has passed.
        @discardableResult
        public func wait(until deadline: Deadline) -> Bool {
            guard !deadline.hasPassed else { return false }
            let whole = deadline.instant.rounded(.down)
            var spec = timespec(tv_sec: Int(whole), tv_nsec: Int((deadline.instant - whole) * 1e9))
            return pthread_cond_timedwait(condition, mutex, &spec) == 0
        }

        /// Wakes every waiting thread.
        public func broadcast() { pthread_cond_broadcast(condition) }
    }
}
