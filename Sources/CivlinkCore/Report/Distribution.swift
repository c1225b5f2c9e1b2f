/// An exact distribution of durations in seconds, kept as a histogram (value -> count) so a report
/// over millions of procedures reads one row per distinct value, not one per procedure.
/// Percentiles use the nearest-rank method: the p-th percentile is the smallest value with at
/// least p% of the observations at or below it (the median of 1, 2, 3, 4 is 2).
public struct Distribution: Sendable, Equatable {
    private var counts: [Int64: Int] = [:]
    public private(set) var count = 0

    public init() {}

    public mutating func add(_ value: Int64, count n: Int = 1) {
        guard n > 0 else { return }
        counts[value, default: 0] += n
        count += n
    }

    /// Nearest-rank percentile, `p` in 0...100; nil when empty.
    public func percentile(_ p: Double) -> Int64? {
        guard count > 0 else { return nil }
        let rank = max(1, Int((p / 100 * Double(count)).rounded(.up)))
        var seen = 0
        for value in counts.keys.sorted() {
            seen += counts[value]!
            if seen >= rank { return value }
        }
        return counts.keys.max()
    }

    /// Each value with its count, smallest first: what a merge of reports adds up.
    public var histogram: [(value: Int64, count: Int)] { counts.keys.sorted().map { ($0, counts[$0]!) } }

    public var median: Int64? { percentile(50) }
    public var p90: Int64? { percentile(90) }
}
