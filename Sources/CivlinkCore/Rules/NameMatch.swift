/// Finding names with at most one typo through exact index look-ups, not a scan.
///
/// A name is compared by its `TextRules.comparisonKey` (no diacritics, no case, single spaces).
/// A long key (at least `minimumFuzzyLength` characters) is split into three parts at a third and
/// two thirds of its length, and indexed by three variants, each with one part left out. One typo
/// (a letter inserted, deleted, replaced, or two neighbours swapped inside a part) changes one
/// part only, so the key of the name typed and the stored key share at least one variant, with
/// the stored key's length in it. A search asks for the variants the stored key would have at the
/// typed length and one more or one less (nine look-ups), plus the typed name with neighbours
/// swapped across each part boundary, and keeps the candidates within one typo
/// (`distanceAtMostOne`). Shorter keys are indexed whole and matched exactly: one typo in a short
/// name matches too many others to be a useful answer.
public enum NameMatch {
    /// Keys this long or longer (in characters, spaces included) tolerate one typo.
    public static let minimumFuzzyLength = 10

    /// The index keys of a comparison key.
    public static func indexKeys(_ key: String) -> [String] {
        let letters = Array(key)
        guard letters.count >= minimumFuzzyLength else { return ["n:" + key] }
        return variants(letters, storedLength: letters.count)
    }

    /// The index keys that may hold a stored name within one typo of `key`.
    public static func lookupKeys(_ key: String) -> [String] {
        let letters = Array(key)
        var keys: [String] = []
        if letters.count < minimumFuzzyLength { keys.append("n:" + key) }
        for stored in (letters.count - 1)...(letters.count + 1) where stored >= minimumFuzzyLength {
            keys += variants(letters, storedLength: stored)
        }
        if letters.count >= minimumFuzzyLength {
            // Two neighbours swapped across a part boundary touch two parts: look the swapped
            // name up whole (its first variant is enough, it must match exactly).
            let (b1, b2) = boundaries(letters.count)
            for b in [b1, b2] where b > 0 && b < letters.count {
                var swapped = letters
                swapped.swapAt(b - 1, b)
                keys.append(variants(swapped, storedLength: swapped.count)[0])
            }
        }
        var seen = Set<String>()
        return keys.filter { seen.insert($0).inserted }
    }

    /// Where a stored key of `length` characters is split.
    static func boundaries(_ length: Int) -> (Int, Int) { (length / 3, 2 * length / 3) }

    /// The three variants of a key of `storedLength` characters, read from `letters` (the typed
    /// name, whose length may differ by one): the parts before a typo align at the start, the
    /// parts after it at the end.
    static func variants(_ letters: [Character], storedLength n: Int) -> [String] {
        let (b1, b2) = boundaries(n)
        let m = letters.count
        func prefix(_ count: Int) -> String { String(letters.prefix(max(0, min(count, m)))) }
        func suffix(_ count: Int) -> String { String(letters.suffix(max(0, min(count, m)))) }
        return [
            "a:\(n):" + suffix(n - b1),                       // part 1 left out
            "b:\(n):" + prefix(b1) + "|" + suffix(n - b2),    // part 2 left out
            "c:\(n):" + prefix(b2),                           // part 3 left out
        ]
    }

    /// 0 for equal keys, 1 for one typo (insertion, deletion, substitution or two neighbours
    /// swapped), nil for anything further apart.
    public static func distanceAtMostOne(_ a: String, _ b: String) -> Int? {
        if a == b { return 0 }
        let x = Array(a), y = Array(b)
        if abs(x.count - y.count) > 1 { return nil }
        var i = 0
        while i < min(x.count, y.count) && x[i] == y[i] { i += 1 }
        if x.count == y.count {
            // One substitution, or one swap of neighbours.
            if x[(i + 1)...] == y[(i + 1)...] { return 1 }
            if i + 1 < x.count && x[i] == y[i + 1] && x[i + 1] == y[i] && x[(i + 2)...] == y[(i + 2)...] { return 1 }
            return nil
        }
        let (long, short) = x.count > y.count ? (x, y) : (y, x)
        return long[(i + 1)...] == short[i...] ? 1 : nil
    }
}
