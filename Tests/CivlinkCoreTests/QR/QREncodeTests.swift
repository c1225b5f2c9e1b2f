import Foundation
import XCTest

@testable import CivlinkCore

/// The public API: version choice, errors, options, and speed.
final class QREncodeTests: XCTestCase {
    func testSmallestVersionThatFitsAtEveryBoundary() throws {
        for level in QRCode.ErrorCorrection.allCases {
            for version in 1...40 {
                let capacity = QRCode.byteCapacity(version: version, level: level)!
                XCTAssertEqual(try QRCode.encode([UInt8](repeating: 0x41, count: capacity), level: level).version, version, "\(version)-\(level)")
                if version < 40 {
                    XCTAssertEqual(try QRCode.encode([UInt8](repeating: 0x41, count: capacity + 1), level: level).version, version + 1, "\(version)-\(level) + 1 byte")
                }
            }
        }
    }

    func testPayloadTooLargeForVersion40() {
        let capacities: [(QRCode.ErrorCorrection, Int)] = [(.low, 2953), (.medium, 2331), (.quartile, 1663), (.high, 1273)]
        for (level, capacity) in capacities {
            XCTAssertNoThrow(try QRCode.encode([UInt8](repeating: 7, count: capacity), level: level))
            XCTAssertThrowsError(try QRCode.encode([UInt8](repeating: 7, count: capacity + 1), level: level)) { error in
                XCTAssertEqual(error as? QRCodeError, .payloadTooLarge(byteCount: capacity + 1, capacity: capacity, level: level))
            }
        }
        do {
            _ = try QRCode.encode([UInt8](repeating: 0, count: 3000), minimumVersion: 39)
            XCTFail("3000 bytes at M must not fit")
        } catch {
            // Typed throws: `error` is a QRCodeError here, no cast needed.
            XCTAssertEqual(error.description, "QR code: 3000 bytes do not fit; version 40 at level M holds at most 2331 bytes")
        }
    }

    func testInvalidVersionAndMask() {
        for version in [0, -1, 41] {
            XCTAssertThrowsError(try QRCode.encode([1], minimumVersion: version)) { XCTAssertEqual($0 as? QRCodeError, .invalidVersion(version)) }
        }
        for mask in [-1, 8] {
            XCTAssertThrowsError(try QRCode.encode([1], mask: mask)) { XCTAssertEqual($0 as? QRCodeError, .invalidMask(mask)) }
        }
        XCTAssertNil(QRCode.byteCapacity(version: 41, level: .medium))
    }

    func testMinimumVersionForcedMaskAndAccessors() throws {
        let code = try QRCode.encode("A", level: .high, minimumVersion: 7, mask: 6)
        XCTAssertEqual(code.version, 7)
        XCTAssertEqual(code.size, 45)
        XCTAssertEqual(code.mask, 6)
        XCTAssertEqual(code.errorCorrection, .high)
        XCTAssertEqual(code.modules.count, 45 * 45)
        XCTAssertEqual(code.rows.count, 45)
        for y in 0..<45 { for x in 0..<45 { XCTAssertEqual(code[x, y], code.rows[y][x]) } }
        XCTAssertFalse(code[-1, 0] || code[0, -1] || code[45, 0] || code[0, 45])
        XCTAssertTrue(code[0, 0] && code[44, 0] && code[0, 44])  // finder corners
        XCTAssertEqual(QRTools.formatInformation(of: code.rows)?.mask, 6)
        XCTAssertEqual(QRTools.formatInformation(of: code.rows)?.level, .high)
        XCTAssertEqual(try QRCode.encode("Nghệ An"), try QRCode.encode(Array("Nghệ An".utf8)))
    }

    func testEmptyPayloadIsAValidVersion1Symbol() throws {
        let code = try QRCode.encode([UInt8]())
        XCTAssertEqual(code.version, 1)
    }

    /// Without a forced mask the one chosen has the lowest penalty, the lowest reference on a tie.
    func testChosenMaskHasTheLowestPenalty() throws {
        var rng = QRSeededGenerator(seed: QRTestSeed.value)
        for _ in 0..<20 {
            let bytes = QRPayload.binary(Int.random(in: 1...200, using: &rng), using: &rng)
            let code = try QRCode.encode(bytes)
            let unmasked = try QRCode.unmaskedMatrix(bytes, level: .medium, minimumVersion: 1)
            let totals = (0..<8).map { mask in
                let forced = try! QRCode.encode(bytes, mask: mask)
                return Penalty(evaluating: forced.modules, size: forced.size).total
            }
            XCTAssertEqual(code.mask, totals.firstIndex(of: totals.min()!), "seed \(QRTestSeed.value)")
            XCTAssertEqual(MaskPattern.select(unmasked, level: .medium).penalties.map(\.total), totals)
        }
    }

    func testEncodingSpeedFor300Bytes() throws {
        let bytes = Array(QRPayload.utf8Text(300))
        var code = try QRCode.encode(bytes)
        let runs = 20
        let clock = ContinuousClock()
        let elapsed = try clock.measure {
            for _ in 0..<runs { code = try QRCode.encode(bytes) }
        }
        let perCode = elapsed / runs
        print("encoding 300 bytes (version \(code.version)-M, mask \(code.mask)): \(perCode) per code")
        XCTAssertLessThan(perCode, .seconds(1))

        let largest = [UInt8](repeating: 0xA7, count: 2331)
        let large = try clock.measure { code = try QRCode.encode(largest) }
        print("encoding 2331 bytes (version \(code.version)-M): \(large)")
    }
}
