/// Int arithmetic that reports overflow instead of trapping or wrapping, for the exact
/// computations of suppression: a wrong answer there would be a silent disclosure, a trap would
/// take the whole report down, so overflow becomes `SuppressionError.arithmeticOverflow` (or an
/// abandoned search branch) instead.

@inline(__always)
func checkedAdd(_ a: Int, _ b: Int) -> Int? {
    let (r, o) = a.addingReportingOverflow(b)
    return o ? nil : r
}

@inline(__always)
func checkedMultiply(_ a: Int, _ b: Int) -> Int? {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    return o ? nil : r
}

/// Greatest common divisor of |a| and |b| (gcd(0, 0) = 0). Int.min is never passed: values
/// come out of checked operations and magnitudes are kept below Int.max.
func gcd(_ a: Int, _ b: Int) -> Int {
    var x = a.magnitude, y = b.magnitude
    while y != 0 { (x, y) = (y, x % y) }
    return Int(x)
}
