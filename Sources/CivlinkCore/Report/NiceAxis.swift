/// Y-axis ticks for counts: start at 0, step 1, 2 or 5 times a power of ten (2.5 too from 25 on,
/// so 0-25-50-75-100 is possible), and the top tick the first at or above the largest value, so
/// the bars use the height instead of stopping halfway under a far-away round number.
enum NiceAxis {
    /// The step and top tick for values up to `maximum` with at most `maxTicks` intervals.
    static func ticks(maximum: Int, maxTicks: Int) -> (step: Int, top: Int) {
        let limit = max(1, maxTicks)
        guard maximum > 0 else { return (1, 1) }
        var power = 1
        while true {
            for m in [10, 20, 25, 50] {
                let step = m * power / 10
                guard m != 25 || power >= 10 else { continue }   // no step of 2.5
                let intervals = (maximum + step - 1) / step
                if intervals <= limit { return (step, intervals * step) }
            }
            if power > Int.max / 100 { return (maximum, maximum) }
            power *= 10
        }
    }
}
