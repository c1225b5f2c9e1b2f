/// Every string the slide chart draws besides the caller's title, subtitle, footnote and system
/// names, so that civlink's message catalogue (Vietnamese or English) provides them: the core
/// holds no words of its own here.
public struct ChartLabels: Sendable {
    /// BCP 47 language of the strings, written as xml:lang ("vi", "en").
    public var language: String
    /// Legend entry of the first bar ("Tiếp nhận").
    public var received: String
    /// Legend entry of the second bar ("Đã giải quyết và trả kết quả").
    public var processed: String
    /// Legend entry of a suppressed bar ("bị ẩn (< 5)"). With complementary suppression a hidden
    /// count may be ≥ the threshold, so a caller using it should say "hidden" without "< 5".
    public var suppressed: String
    /// Drawn above a suppressed bar when there is room ("<5").
    public var suppressedMark: String
    /// In a panel with no published value ("Không có số liệu công bố").
    public var noData: String
    /// Short month names, January first ("T1"..."T12" or "Jan"..."Dec").
    public var monthNames: [String]
    /// Between month and year in full labels: "T11" + "/" + "2026", "Nov" + " " + "2026".
    public var monthYearSeparator: String
    /// Digit grouping of the value labels and axis ("." in Vietnamese, "," in English).
    public var thousandsSeparator: String

    public init(language: String, received: String, processed: String, suppressed: String, suppressedMark: String,
                noData: String, monthNames: [String], monthYearSeparator: String, thousandsSeparator: String) {
        self.language = language
        self.received = received
        self.processed = processed
        self.suppressed = suppressed
        self.suppressedMark = suppressedMark
        self.noData = noData
        self.monthNames = monthNames
        self.monthYearSeparator = monthYearSeparator
        self.thousandsSeparator = thousandsSeparator
    }

    /// "2026-11" → (name "T11", year "2026"); nil for anything that is not YYYY-MM.
    func month(_ yyyymm: String) -> (name: String, year: String)? {
        let parts = yyyymm.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), y > 0 else { return nil }
        let name = m <= monthNames.count ? monthNames[m - 1] : String(m)
        return (name, String(parts[0]))
    }

    /// "T11/2026" or "Nov 2026"; the input itself when it is not YYYY-MM.
    public func monthLabel(_ yyyymm: String) -> String {
        guard let m = month(yyyymm) else { return yyyymm }
        return m.name + monthYearSeparator + m.year
    }
}
