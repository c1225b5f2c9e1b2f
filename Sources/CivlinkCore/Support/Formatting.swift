/// Number formatting for people and files, without the C library's locale-dependent printf:
/// civlink's output must not change with the machine's locale.

/// Zero-padded decimal, e.g. pad(7, 2) is "07".
func pad(_ value: Int, _ width: Int) -> String {
    let digits = String(value)
    return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
}

/// `value` rounded half away from zero to `decimals` places, with a point: fixed(0.64, 4) is
/// "0.6400", fixed(12.5, 1) is "12.5".
public func fixed(_ value: Double, decimals: Int) -> String {
    guard value.isFinite else { return "\(value)" }
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let scaled = (abs(value) * scale).rounded(.toNearestOrAwayFromZero)
    let whole = Int64(scaled / scale)
    let fraction = Int64(scaled) - whole * Int64(scale)
    let sign = value < 0 && scaled != 0 ? "-" : ""
    guard decimals > 0 else { return sign + String(whole) }
    return sign + String(whole) + "." + pad(Int(fraction), decimals)
}
