/// Polynomial division over GF(2), for the BCH codes of the format and version information.
enum BCH {
    /// The remainder of `value` divided by `generator`, both bit i standing for xⁱ.
    static func remainder(_ value: Int, generator: Int) -> Int {
        let degree = Int.bitWidth - 1 - generator.leadingZeroBitCount
        var r = value
        while r != 0, Int.bitWidth - 1 - r.leadingZeroBitCount >= degree {
            r ^= generator << (Int.bitWidth - 1 - r.leadingZeroBitCount - degree)
        }
        return r
    }
}
