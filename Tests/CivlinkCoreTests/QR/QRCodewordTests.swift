import XCTest

@testable import CivlinkCore

final class QRCodewordTests: XCTestCase {
    /// "A" at 1-M: 0100 00000001 01000001 0000, then pad codewords 11101100 00010001 in turn.
    func testByteModeBitStream() {
        let data = BitStream.dataCodewords(for: [0x41], version: QRVersion(1)!, level: .medium)
        XCTAssertEqual(data, [0x40, 0x14, 0x10] + [UInt8]([0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC]))
    }

    /// Versions 10 and up count bytes in 16 bits.
    func testSixteenBitCharacterCount() {
        let data = BitStream.dataCodewords(for: [0xFF, 0x00], version: QRVersion(10)!, level: .medium)
        XCTAssertEqual(Array(data.prefix(5)), [0x40, 0x00, 0x2F, 0xF0, 0x00])
        XCTAssertEqual(data[5], 0xEC)
        XCTAssertEqual(data.count, 216)
    }

    /// A payload that fills the capacity leaves room for the four terminator bits and no padding.
    func testFullSymbolHasTerminatorAndNoPad() {
        let payload = [UInt8](repeating: 0xFF, count: 14)
        let data = BitStream.dataCodewords(for: payload, version: QRVersion(1)!, level: .medium)
        XCTAssertEqual(data.count, 16)
        XCTAssertEqual(data[0], 0x40)
        XCTAssertEqual(data[1], 0xEF)
        XCTAssertEqual(data[15], 0xF0, "last data nibble then the terminator 0000")
    }

    func testBitStreamAppend() {
        var stream = BitStream()
        stream.append(0b101, bits: 3)
        stream.append(0b11111, bits: 5)
        stream.append(1, bits: 1)
        XCTAssertEqual(stream.bytes, [0b1011_1111, 0b1000_0000])
        XCTAssertEqual(stream.bitCount, 9)
    }

    /// 5-Q: blocks of 15, 15, 16 and 16 data codewords; the final sequence takes codeword i
    /// of each block in turn (the longer blocks' last codewords at the end), then the error
    /// correction the same way (§7.6, Figure 15 and Table 9).
    func testInterleavingOfVersion5Q() {
        let version = QRVersion(5)!
        let data = (0..<62).map(UInt8.init)
        let final = BlockInterleaver.finalCodewords(data: data, version: version, level: .quartile)
        XCTAssertEqual(final.count, 134)
        XCTAssertEqual(Array(final.prefix(8)), [0, 15, 30, 46, 1, 16, 31, 47])
        XCTAssertEqual(Array(final[56..<62]), [14, 29, 44, 60, 45, 61])
        let blocks = [data[0..<15], data[15..<30], data[30..<46], data[46..<62]]
        let ecc = blocks.map { ReedSolomon(degree: 18).remainder($0) }
        for i in 0..<18 { for b in 0..<4 { XCTAssertEqual(final[62 + i * 4 + b], ecc[b][i]) } }
    }

    func testSingleBlockIsDataThenErrorCorrection() {
        let data: [UInt8] = [0x10, 0x20, 0x0C, 0x56, 0x61, 0x80, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11, 0xEC, 0x11]
        let final = BlockInterleaver.finalCodewords(data: data, version: QRVersion(1)!, level: .medium)
        XCTAssertEqual(final, data + [0xA5, 0x24, 0xD4, 0xC1, 0xED, 0x36, 0xC7, 0x87, 0x2C, 0x55])
    }
}
