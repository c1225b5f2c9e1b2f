import XCTest

@testable import CivlinkCore

final class QRFormatVersionInformationTests: XCTestCase {
    /// Annex C, Table C.1: the 32 format information bit sequences after masking.
    func testFormatInformationForEveryLevelAndMask() {
        let expected: [QRCode.ErrorCorrection: [String]] = [
            .low: ["111011111000100", "111001011110011", "111110110101010", "111100010011101",
                   "110011000101111", "110001100011000", "110110001000001", "110100101110110"],
            .medium: ["101010000010010", "101000100100101", "101111001111100", "101101101001011",
                      "100010111111001", "100000011001110", "100111110010111", "100101010100000"],
            .quartile: ["011010101011111", "011000001101000", "011111100110001", "011101000000110",
                        "010010010110100", "010000110000011", "010111011011010", "010101111101101"],
            .high: ["001011010001001", "001001110111110", "001110011100111", "001100111010000",
                    "000011101100010", "000001001010101", "000110100001100", "000100000111011"],
        ]
        for (level, strings) in expected {
            for (mask, string) in strings.enumerated() {
                XCTAssertEqual(FormatInformation.bits(level: level, mask: mask), Int(string, radix: 2), "\(level) mask \(mask)")
                let decoded = FormatInformation.decode(Int(string, radix: 2)!)
                XCTAssertEqual(decoded?.level, level)
                XCTAssertEqual(decoded?.mask, mask)
                // Up to three flipped bits are still read correctly.
                let damaged = Int(string, radix: 2)! ^ 0b100_0000_1000_0001
                XCTAssertEqual(FormatInformation.decode(damaged)?.mask, mask)
            }
        }
    }

    /// Annex D, Table D.1, and the standard's worked example for version 7.
    func testVersionInformation() {
        XCTAssertEqual(VersionInformation.bits(version: 7), 0b000111_110010010100)
        XCTAssertEqual(VersionInformation.bits(version: 8), 0b001000_010110111100)
        XCTAssertEqual(VersionInformation.bits(version: 9), 0b001001_101010011001)
        XCTAssertEqual(VersionInformation.bits(version: 10), 0b001010_010011010011)
        XCTAssertEqual(VersionInformation.bits(version: 40), 0b101000_110001101001)
        // Every codeword of BCH(18,6) differs from every other in at least 8 bits.
        let all = (7...40).map(VersionInformation.bits)
        for (i, a) in all.enumerated() { for b in all[(i + 1)...] { XCTAssertGreaterThanOrEqual((a ^ b).nonzeroBitCount, 8) } }
    }

    /// Where the bits go: the version 7 symbol carries 000111110010010100 with its least
    /// significant bit at the top-left of the bottom-left block (x 0, y size - 11) and at the
    /// top-left of the top-right block (x size - 11, y 0), running down the 3-module side first.
    func testVersionInformationPlacement() throws {
        let code = try QRCode.encode("version seven", minimumVersion: 7)
        let bits = VersionInformation.bits(version: 7)
        for i in 0..<18 {
            let dark = (bits >> i) & 1 != 0
            XCTAssertEqual(code[i / 3, code.size - 11 + i % 3], dark, "bottom-left bit \(i)")
            XCTAssertEqual(code[code.size - 11 + i % 3, i / 3], dark, "top-right bit \(i)")
        }
        XCTAssertTrue(code[8, code.size - 8], "dark module")
    }

    /// Both copies of the format information say the same; the first copy's bit 14 (most
    /// significant) sits at (0, 8), next to the top-left finder.
    func testFormatInformationPlacement() throws {
        for level in QRCode.ErrorCorrection.allCases {
            for mask in 0..<8 {
                let code = try QRCode.encode("format", level: level, mask: mask)
                let bits = FormatInformation.bits(level: level, mask: mask)
                for (i, place) in FormatInformation.positions(size: code.size).enumerated() {
                    XCTAssertEqual(code[place.first.x, place.first.y], (bits >> i) & 1 != 0)
                    XCTAssertEqual(code[place.second.x, place.second.y], (bits >> i) & 1 != 0)
                }
                XCTAssertEqual(code[0, 8], (bits >> 14) & 1 != 0)
                XCTAssertEqual(code[8, 0], bits & 1 != 0)
            }
        }
    }

    func testBCHRemainder() {
        XCTAssertEqual(BCH.remainder(0, generator: FormatInformation.generator), 0)
        XCTAssertEqual(BCH.remainder(FormatInformation.generator << 4, generator: FormatInformation.generator), 0)
        // Format data 00101 (M, mask 5) → check bits 0011011100 before masking (Annex C example: M, mask 101).
        XCTAssertEqual(BCH.remainder(0b00101 << 10, generator: FormatInformation.generator), 0b0011011100)
    }
}
