import XCTest

@testable import CivlinkCore

final class QRGaloisFieldTests: XCTestCase {
    /// Carry-less multiplication reduced by 0x11D, bit by bit: an independent implementation.
    static func slowMultiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var product = 0
        for i in 0..<8 where (Int(b) >> i) & 1 != 0 { product ^= Int(a) << i }
        for i in stride(from: 15, through: 8, by: -1) where (product >> i) & 1 != 0 { product ^= 0x11D << (i - 8) }
        return UInt8(product)
    }

    func testPowersOfAlpha() {
        XCTAssertEqual((0...8).map(GaloisField.power), [1, 2, 4, 8, 16, 32, 64, 128, 29])
        XCTAssertEqual(GaloisField.power(25), 3)  // α²⁵ = α + 1 in this field
        XCTAssertEqual(GaloisField.power(255), 1)
        XCTAssertEqual(Set((0..<255).map(GaloisField.power)).count, 255, "α generates every non-zero element")
        for x in 1...255 { XCTAssertEqual(GaloisField.power(GaloisField.logarithm[x]), UInt8(x)) }
    }

    func testMultiplicationMatchesCarrylessArithmetic() {
        for a in 0...255 {
            for b in 0...255 {
                XCTAssertEqual(GaloisField.multiply(UInt8(a), UInt8(b)), Self.slowMultiply(UInt8(a), UInt8(b)))
            }
        }
        XCTAssertEqual(GaloisField.multiply(3, 7), 9)
        XCTAssertEqual(GaloisField.multiply(128, 2), 29)
        XCTAssertEqual(GaloisField.add(0x53, 0xCA), 0x99)
    }

    func testFieldLaws() {
        for a in 1...255 {
            let x = UInt8(a)
            XCTAssertEqual(GaloisField.multiply(x, GaloisField.inverse(x)), 1)
            XCTAssertEqual(GaloisField.divide(GaloisField.multiply(x, 0x8E), 0x8E), x)
            XCTAssertEqual(GaloisField.multiply(x, 1), x)
            XCTAssertEqual(GaloisField.add(x, x), 0)
        }
        for (a, b, c) in [(3, 200, 17), (255, 254, 253), (29, 76, 143)] as [(UInt8, UInt8, UInt8)] {
            XCTAssertEqual(GaloisField.multiply(a, b ^ c), GaloisField.multiply(a, b) ^ GaloisField.multiply(a, c))
            XCTAssertEqual(GaloisField.multiply(GaloisField.multiply(a, b), c), GaloisField.multiply(a, GaloisField.multiply(b, c)))
        }
    }
}
