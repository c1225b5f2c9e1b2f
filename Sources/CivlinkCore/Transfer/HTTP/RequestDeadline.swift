/// The one instant by which a whole request must be over. Every wait is computed from it, so a
/// server that trickles a byte just before each wait would end cannot stretch the request.
struct RequestDeadline: Sendable {
    let instant: ContinuousClock.Instant

    init(after duration: Duration) {
        instant = ContinuousClock.now.advanced(by: duration)
    }

    var hasPassed: Bool { ContinuousClock.now >= instant }

    /// The timeout for poll(2): rounded up, so a wait cannot end a hair before the deadline and
    /// spin on zero-length polls.
    var pollMilliseconds: Int32 {
        let remaining = instant - ContinuousClock.now
        guard remaining > .zero else { return 0 }
        let (seconds, attoseconds) = remaining.components
        let milliseconds = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
        return Int32(clamping: milliseconds)
    }
}
