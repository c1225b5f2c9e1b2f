import XCTest

@testable import CivlinkCore

final class QRReedSolomonTests: XCTestCase {
    /// Annex A lists the generator polynomials as exponents of α, highest power first.
    func testGeneratorPolynomialsOfAnnexA() {
        XCTAssertEqual(ReedSolomon(degree: 7).generatorExponents, [0, 87, 229, 146, 149, 238, 102, 21])
        XCTAssertEqual(ReedSolomon(degree: 10).generatorExponents, [0, 251, 67, 46, 61, 118, 70, 64, 94, 32, 45])
        XCTAssertEqual(ReedSolomon(degree: 13).generatorExponents, [0, 74, 152, 176, 100, 86, 100, 106, 104, 130, 218, 206, 140, 78])
    }

    /// ISO/IEC 18004 Annex I: "01234567" as version 1-M; the 16 data codewords and their 10
    /// error-correction codewords as the standard prints them.
    func testAnnexIExample() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        XCTAssertEqual(ReedSolomon(degree: 10).remainder(data), [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }

    /// The widely published "HELLO WORLD" alphanumeric examples, 1-M and 1-Q.
    func testHelloWorldExamples() {
        let m: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]
        XCTAssertEqual(ReedSolomon(degree: 10).remainder(m), [196, 35, 39, 119, 235, 215, 231, 226, 93, 23])
        let q: [UInt8] = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236]
        XCTAssertEqual(ReedSolomon(degree: 13).remainder(q), [168, 72, 22, 82, 217, 54, 156, 0, 46, 15, 180, 122, 16])
    }

    /// A codeword (data then error correction, as a polynomial, highest power first) is a
    /// multiple of g(x), so it vanishes at every root α⁰…αⁿ⁻¹: check every degree the tables use.
    func testCodewordsVanishAtTheGeneratorRoots() {
        var rng = QRSeededGenerator(seed: QRTestSeed.value)
        let degrees = Set(QRVersion.eccPerBlock.joined())
        XCTAssertEqual(degrees, [7, 10, 13, 15, 16, 17, 18, 20, 22, 24, 26, 28, 30])
        for degree in degrees {
            let rs = ReedSolomon(degree: degree)
            let data = QRPayload.binary(Int.random(in: 1...153, using: &rng), using: &rng)
            let codeword = data + rs.remainder(data)
            for root in 0..<degree {
                var value: UInt8 = 0
                for c in codeword { value = GaloisField.multiply(value, GaloisField.power(root)) ^ c }
                XCTAssertEqual(value, 0, "degree \(degree), root α^\(root), seed \(QRTestSeed.value)")
            }
            var damaged = codeword
            damaged[0] ^= 1
            var value: UInt8 = 0
            for c in damaged { value = GaloisField.multiply(value, GaloisField.power(0)) ^ c }
            XCTAssertNotEqual(value, 0)
        }
    }
}
