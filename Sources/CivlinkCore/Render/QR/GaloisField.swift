/// Arithmetic in GF(2⁸) as ISO/IEC 18004 §7.5.2 defines it: elements are bytes, addition is XOR,
/// and multiplication is modulo the primitive polynomial x⁸ + x⁴ + x³ + x² + 1 (0x11D), whose
/// root α = 2 generates every non-zero element.
enum GaloisField {
    /// The field's reducing polynomial, bit i standing for xⁱ.
    static let primitivePolynomial = 0x11D

    /// `exponent[i]` is αⁱ; doubled to 510 entries so a sum of two logarithms needs no modulo.
    static let exponent: [UInt8] = {
        var table = [UInt8](repeating: 0, count: 510)
        var x = 1
        for i in 0..<255 {
            table[i] = UInt8(x)
            table[i + 255] = UInt8(x)
            x <<= 1
            if x & 0x100 != 0 { x ^= primitivePolynomial }
        }
        return table
    }()

    /// `logarithm[x]` is the i with αⁱ = x, for x ≠ 0 (entry 0 is meaningless).
    static let logarithm: [Int] = {
        var table = [Int](repeating: 0, count: 256)
        for i in 0..<255 { table[Int(exponent[i])] = i }
        return table
    }()

    @inline(__always)
    static func add(_ a: UInt8, _ b: UInt8) -> UInt8 { a ^ b }

    @inline(__always)
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        if a == 0 || b == 0 { return 0 }
        return exponent[logarithm[Int(a)] + logarithm[Int(b)]]
    }

    /// αⁿ for any n ≥ 0.
    static func power(_ n: Int) -> UInt8 { exponent[n % 255] }

    /// The multiplicative inverse of a non-zero element.
    static func inverse(_ a: UInt8) -> UInt8 {
        precondition(a != 0, "0 has no inverse in GF(256)")
        return exponent[(255 - logarithm[Int(a)]) % 255]
    }

    static func divide(_ a: UInt8, _ b: UInt8) -> UInt8 { multiply(a, inverse(b)) }
}
