@_spi(_Unicode) import Swift

/// Unicode normalisation from the standard library's own tables (the same ones `String`
/// comparison uses), so civlink needs neither Foundation nor ICU for it. A unit test compares
/// it with Foundation over Vietnamese text and the Unicode normalisation test file.
public enum UnicodeNormalization {
    /// Canonical composition (NFC): how civlink stores names.
    public static func nfc(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text._nfc { scalars.append(scalar) }
        return String(scalars)
    }

    /// Canonical decomposition (NFD): base letters followed by their combining marks.
    public static func nfd(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text._nfd { scalars.append(scalar) }
        return String(scalars)
    }
}
