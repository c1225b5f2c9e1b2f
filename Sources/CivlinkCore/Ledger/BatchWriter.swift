/// Writes work prepared on another thread through the ledger's one writer: the bulk path of
/// batch registration and `sign --pending`.
///
/// A producer thread prepares batches (reads and validates lines, signs copies) at a lower
/// priority, running up to `queueCapacity` batches ahead. This thread writes them in order. A
/// transaction takes the batches that are ready and keeps taking them, up to
/// `maxItemsPerTransaction` items or `maxSecondsPerTransaction`, because every commit rewrites
/// each page it touched and bulk rows touch pages all over the indexes. It waits for input
/// without limit outside a transaction and for at most the rest of that second inside one, so a
/// slow producer (a stalled pipe) never holds the write lock. What a transaction wrote is
/// reported only after its commit, so what is reported is stored.
public struct BatchWriter<Batch: Sendable> {
    let ledger: Ledger
    public var queueCapacity: Int
    public var maxItemsPerTransaction: Int
    public var maxSecondsPerTransaction: Double = 1

    public init(ledger: Ledger, queueCapacity: Int, maxItemsPerTransaction: Int) {
        self.ledger = ledger
        self.queueCapacity = queueCapacity
        self.maxItemsPerTransaction = maxItemsPerTransaction
    }

    /// Runs `produce` on its own thread; it hands each batch to `put`, which returns false when
    /// this side gave up (stop then). An error it throws is rethrown here once the batches before
    /// it are written. `begin` runs at the start of each transaction; `write` stores one batch
    /// inside it and says what to report and how many items it counted; `committed` gets the
    /// reports of each transaction after its commit.
    public func run<Report>(produce: @escaping @Sendable (_ put: (Batch) -> Bool) throws -> Void,
                            begin: () throws -> Void = {},
                            write: (Batch) throws -> (reports: [Report], items: Int),
                            committed: ([Report]) throws -> Void) throws {
        let queue = HandoffQueue<Result<Batch, any Error>>(capacity: queueCapacity)
        let producer = WorkerThread(background: true) {
            do {
                try produce { queue.put(.success($0)) }
            } catch {
                _ = queue.put(.failure(error))
            }
            queue.close()
        }
        // Never return while the producer runs: it may use what the caller owns (a key, a file).
        defer {
            queue.cancel()
            producer.join()
        }
        try ledger.withBackgroundCheckpoints {
            while var ready = queue.takeAll() {
                let opened = Deadline(secondsFromNow: maxSecondsPerTransaction)
                var failure: (any Error)?
                let reports = try ledger.write { () -> [Report] in
                    try begin()
                    var reports: [Report] = []
                    var items = 0
                    while !ready.isEmpty {
                        for item in ready {
                            switch item {
                            case .success(let batch):
                                let written = try write(batch)
                                reports += written.reports
                                items += written.items
                            case .failure(let error):
                                failure = error
                            }
                            if failure != nil { break }
                        }
                        guard failure == nil, items < maxItemsPerTransaction, let more = queue.takeAll(until: opened) else { break }
                        ready = more
                    }
                    return reports
                }
                try committed(reports)
                if let failure { throw failure }
            }
        }
    }
}
