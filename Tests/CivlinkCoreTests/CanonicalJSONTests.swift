@testable import CivlinkCore
import XCTest

/// RFC 8785 (JCS) test vectors: the signed copy's payload is this canonical form.
final class CanonicalJSONTests: XCTestCase {
    func testNumberVectorsFromAppendixB() {
        let vectors: [(UInt64, String)] = [
            (0x0000000000000000, "0"), (0x8000000000000000, "0"), (0x0000000000000001, "5e-324"), (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"), (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"), (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"), (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"), (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"), (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"), (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"), (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"), (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"), (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"), (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"),
        ]
        for (bits, expected) in vectors {
            XCTAssertEqual(JSON.formatNumber(Double(bitPattern: bits)), expected, String(bits, radix: 16))
        }
    }

    func testPrimitivesAndEscapesExample() throws {
        let input = #"""
        {
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }
        """#
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        XCTAssertEqual(String(decoding: try JSONReader.parse(input).canonicalData, as: UTF8.self), expected)
    }

    func testKeysSortByUTF16CodeUnits() throws {
        let input = #"""
        {"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One",
         "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}
        """#
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\","
            + "\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{FB33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        XCTAssertEqual(String(decoding: try JSONReader.parse(input).canonicalData, as: UTF8.self), expected)
    }

    func testVietnameseTextStaysUTF8AndUnnormalised() throws {
        let value = JSON.object([("đ", .int(1)), ("tên", .string("Nguyễn Thị Ánh")), ("a", .string("Ê\u{301}")), ("Ư", .null)])
        // a (0061) < t (0074) < đ (0111) < Ư (01AF); text is written as raw UTF-8, not normalised.
        XCTAssertEqual(value.canonicalData, Data("{\"a\":\"Ê\u{301}\",\"tên\":\"Nguyễn Thị Ánh\",\"đ\":1,\"Ư\":null}".utf8))
        XCTAssertEqual(Array(JSON.string("Ê\u{301}").canonicalData), [0x22, 0xC3, 0x8A, 0xCC, 0x81, 0x22])
    }

    func testBase64URL() {
        XCTAssertEqual(Base64URL.encode(Data([0xFB, 0xFF, 0xFE])), "-__-")
        XCTAssertEqual(Base64URL.decode("-__-"), Data([0xFB, 0xFF, 0xFE]))
        XCTAssertNil(Base64URL.decode("ab=="))
    }
}
