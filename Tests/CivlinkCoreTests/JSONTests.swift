@testable import CivlinkCore
import XCTest

final class JSONTests: XCTestCase {
    func testStrictParsing() throws {
        XCTAssertEqual(try JSONReader.parse("{\"a\":[1,true,null,\"x\"]}"), .object([("a", .array([.number(1), .bool(true), .null, .string("x")]))]))
        for bad in ["{\"a\":1,}", "[01]", "{\"a\":1}x", "\"\\ud800\"", "{\"a\":1,\"a\":2}", "[1e999]", "\"a\u{01}\"", ""] {
            XCTAssertThrowsError(try JSONReader.parse(bad), bad)
        }
        XCTAssertEqual(try JSONReader.parse("\"\\ud83d\\ude00\""), .string("😀"))
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        XCTAssertThrowsError(try JSONReader.parse(deep))
    }

    func testRoundTripAndEscapes() throws {
        let value = JSON.object([("b", .string("Nguyễn \"x\"\n\u{1F}")), ("a", .number(-0.5))])
        XCTAssertEqual(value.serialized(), "{\"b\":\"Nguyễn \\\"x\\\"\\n\\u001f\",\"a\":-0.5}")
        XCTAssertEqual(value.serialized(sortKeys: true), "{\"a\":-0.5,\"b\":\"Nguyễn \\\"x\\\"\\n\\u001f\"}")
        XCTAssertEqual(try JSONReader.parse(value.serialized()), value)
    }

    func testECMAScriptNumberFormatting() {
        let cases: [(Double, String)] = [
            (0, "0"), (-0.0, "0"), (1, "1"), (-1.5, "-1.5"), (100, "100"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (123456789012345680000, "123456789012345680000"), (0.000001, "0.000001"), (1e-7, "1e-7"),
            (4.5, "4.5"), (2e-3, "0.002"), (9007199254740992, "9007199254740992"), (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"), (0.1 + 0.2, "0.30000000000000004"),
        ]
        for (value, expected) in cases {
            XCTAssertEqual(JSON.formatNumber(value), expected, "\(value)")
        }
    }
}
