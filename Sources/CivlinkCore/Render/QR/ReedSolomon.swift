/// Reed-Solomon error correction as QR codes use it (ISO/IEC 18004 §7.5.2, Annex A): the
/// error-correction codewords of a block are the remainder of the data polynomial times xⁿ
/// divided by the generator polynomial g(x) = (x − α⁰)(x − α¹)…(x − αⁿ⁻¹).
struct ReedSolomon: Sendable {
    /// g(x)'s coefficients, highest power first; the leading 1 is included, so `count` is n + 1.
    let generator: [UInt8]

    var degree: Int { generator.count - 1 }

    init(degree: Int) {
        precondition(degree >= 1 && degree <= 254)
        var g: [UInt8] = [1]
        for i in 0..<degree {
            // g(x)·(x + αⁱ): subtraction is addition in GF(2⁸).
            let root = GaloisField.power(i)
            var next = g + [0]
            for j in 0..<g.count { next[j + 1] ^= GaloisField.multiply(g[j], root) }
            g = next
        }
        generator = g
    }

    /// The generator's coefficients as powers of α (Annex A lists them so), highest power first.
    var generatorExponents: [Int] { generator.map { GaloisField.logarithm[Int($0)] } }

    /// The `degree` error-correction codewords for `data`.
    func remainder(_ data: some Collection<UInt8>) -> [UInt8] {
        let n = degree
        var register = [UInt8](repeating: 0, count: n)
        for byte in data {
            let factor = byte ^ register[0]
            for i in 0..<(n - 1) { register[i] = register[i + 1] }
            register[n - 1] = 0
            if factor != 0 {
                for i in 0..<n { register[i] ^= GaloisField.multiply(generator[i + 1], factor) }
            }
        }
        return register
    }
}
