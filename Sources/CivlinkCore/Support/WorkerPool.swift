import Synchronization

extension Array where Element: Sendable {
    /// `transform` applied to every element, spread over `workers` threads (the calling thread is
    /// one of them); results keep the input's order. `transform` must not touch a SQLite
    /// connection: connections are single-threaded. With `background`, the other threads run at
    /// a lower priority than the rest of the process.
    public func parallelMap<T: Sendable>(workers: Int = processorWorkers, background: Bool = false,
                                         _ transform: @escaping @Sendable (Element) -> T) -> [T] {
        let count = self.count
        let workers = Swift.min(workers, count)
        if workers <= 1 { return map(transform) }
        let input = self
        // Each worker takes every workers-th element and hands its results over once, at the end.
        let shares = Mutex<[[T]]>([[T]](repeating: [], count: workers))
        let share: @Sendable (Int) -> Void = { worker in
            var mine: [T] = []
            mine.reserveCapacity(count / workers + 1)
            for index in Swift.stride(from: worker, to: count, by: workers) { mine.append(transform(input[index])) }
            shares.withLock { $0[worker] = mine }
        }
        let threads = (1..<workers).map { worker in WorkerThread(background: background) { share(worker) } }
        share(0)
        threads.forEach { $0.join() }
        return shares.withLock { shares in
            var result: [T] = []
            result.reserveCapacity(count)
            for index in 0..<count { result.append(shares[index % workers][index / workers]) }
            return result
        }
    }
}
