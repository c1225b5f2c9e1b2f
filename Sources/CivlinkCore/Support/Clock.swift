import Glibc

/// Clocks read from the kernel: the wall clock for timestamps, the monotonic clock for deadlines
/// and time-outs (it never jumps when the system time is set).
public enum MonotonicClock {
    /// Seconds since an arbitrary start; only differences mean anything.
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// Seconds since 1970-01-01T00:00:00Z.
    public static func wallSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}

/// A point on the monotonic clock by which something must be done.
public struct Deadline: Sendable, Comparable {
    public let instant: Double

    public init(secondsFromNow seconds: Double) { instant = MonotonicClock.now() + seconds }

    public var remaining: Double { instant - MonotonicClock.now() }
    public var hasPassed: Bool { remaining <= 0 }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.instant < b.instant }
}
