/// Number formatting without Foundation (civlink is moving to a static binary without it, so
/// String(format:) is not available): integers with digit grouping, decimals with a fixed number
/// of places, and SVG coordinates.
public enum NumberFormat {
    /// 1234567 → "1.234.567" with separator "." (Vietnamese) or "1,234,567" with "," (English).
    public static func grouped(_ value: Int, separator: String) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += separator }
            out.append(ch)
        }
        return value < 0 ? "-" + out : out
    }

    /// `value` rounded half away from zero to `places` decimals (0...9): 2.25 → "2.3" with
    /// places 1 and decimal mark "."; "2,3" with ",". No exponent, no locale.
    public static func decimal(_ value: Double, places: Int, mark: String = ".") -> String {
        guard value.isFinite else { return value.isNaN ? "NaN" : (value < 0 ? "-∞" : "∞") }
        let p = max(0, min(9, places))
        var scale: Int64 = 1
        for _ in 0..<p { scale *= 10 }
        let scaled = (value.magnitude * Double(scale)).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.0e18 else { return String(value) }
        let n = Int64(scaled)
        let whole = n / scale, fraction = n % scale
        var text = String(whole)
        if p > 0 {
            var f = String(fraction)
            while f.count < p { f = "0" + f }
            text += mark + f
        }
        return (value < 0 && n != 0 ? "-" : "") + text
    }

    /// A coordinate for SVG: at most one decimal, no trailing ".0", "." as the mark.
    public static func svg(_ value: Double) -> String {
        let text = decimal(value, places: 1)
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }
}
