import Dispatch
import Foundation

/// Makes the calling thread yield to the process's other threads, for work that runs beside a
/// thread on the critical path. On Linux the nice value belongs to the thread, and `who` 0 names
/// the calling thread, so the rest of the process keeps its priority.
public func lowerThreadPriority() {
    _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
}

/// The cores civlink spreads CPU-bound work over (validation, signing): all of them, up to 8.
public var processorWorkers: Int { max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8)) }

extension Array where Element: Sendable {
    /// `transform` applied to every element, spread over `workers` threads; results keep the
    /// input's order. `transform` must not touch a SQLite connection: connections are single-threaded.
    /// With `background`, the work runs on threads of lower priority than the rest of the process.
    public func parallelMap<T: Sendable>(workers: Int = processorWorkers, background: Bool = false,
                                         _ transform: @escaping @Sendable (Element) -> T) -> [T] {
        let count = self.count
        if count == 0 { return [] }
        let workers = Swift.min(workers, count)
        if workers == 1 { return map(transform) }
        let results = UnsafeMutableBufferPointer<T>.allocate(capacity: count)
        defer { results.deallocate() }
        nonisolated(unsafe) let slots = results
        let input = self
        let work: @Sendable (Int) -> Void = { worker in
            // Each worker owns every workers-th slot, so no two write the same one.
            for index in stride(from: worker, to: count, by: workers) {
                (slots.baseAddress! + index).initialize(to: transform(input[index]))
            }
        }
        if background {
            // Dedicated threads at a lower priority, so a thread writing the ledger meanwhile
            // keeps its core: the calling thread takes share 0.
            let finished = DispatchSemaphore(value: 0)
            for worker in 1..<workers {
                let thread = Thread {
                    lowerThreadPriority()
                    work(worker)
                    finished.signal()
                }
                thread.start()
            }
            work(0)
            for _ in 1..<workers { finished.wait() }
        } else {
            DispatchQueue.concurrentPerform(iterations: workers, execute: work)
        }
        let array = [T](results)
        _ = results.baseAddress!.deinitialize(count: count)
        return array
    }
}

/// Hands batches from one producer thread to one consumer, holding at most `capacity`, so the
/// producer runs ahead of the consumer without holding everything in memory.
public final class HandoffQueue<Element: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Element] = []
    private var closed = false
    private var cancelled = false
    private let capacity: Int

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waits for room; false once the consumer has cancelled, so the producer stops.
    public func put(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The producer is done: `takeAll` returns what is left, then nil.
    public func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer gives up: a waiting or later `put` returns false.
    public func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until `deadline` at most and takes every item waiting: empty on time-out, nil when
    /// closed and empty. For a consumer that holds something others wait for (a write
    /// transaction) and must not hold it for long.
    public func takeAll(until deadline: Date) -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed {
            if !condition.wait(until: deadline) { break }
        }
        if items.isEmpty { return closed ? nil : [] }
        let taken = items
        items.removeAll(keepingCapacity: true)
        condition.broadcast()
        return taken
    }

    /// Waits for at least one item and takes every item waiting; nil when closed and empty.
    public func takeAll() -> [Element]? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        if items.isEmpty { return nil }
        let taken = items
        items.removeAll(keepingCapacity: true)
        condition.broadcast()
        return taken
    }
}
