import CivlinkCore
import Foundation
import XCTest

/// civlink's NFC comes from the standard library's tables (no Foundation, no ICU): it must agree
/// with Foundation's over Vietnamese text and with the Unicode normalisation test file.
final class NormalizationTests: XCTestCase {
    /// Debian's unicode-data ships it compressed.
    static let testFile = "/usr/share/unicode/NormalizationTest.txt.bz2"

    static func readTestFile() -> String? {
        guard FileManager.default.fileExists(atPath: testFile) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/bzcat")
        process.arguments = [testFile]
        let out = Pipe()
        process.standardOutput = out
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }

    func testVietnameseAgreesWithFoundation() {
        let names = ["Nguyễn Thị Ánh", "Trần Văn Cường", "Lê Thị Hoa", "Phạm Thị Lan", "Đặng Quốc Bảo", "Bùi Thị Ngọc Diệp",
                     "Huỳnh Ưng Hoàng", "Võ Thị Thu Hằng", "Dương Khắc Mẫn", "Nghệ An", "Khối 13, phường Trường Vinh"]
        for name in names {
            for variant in [name, name.decomposedStringWithCanonicalMapping, name.precomposedStringWithCanonicalMapping] {
                XCTAssertEqual(Array(UnicodeNormalization.nfc(variant).unicodeScalars),
                               Array(variant.precomposedStringWithCanonicalMapping.unicodeScalars), variant)
                XCTAssertEqual(Array(UnicodeNormalization.nfd(variant).unicodeScalars),
                               Array(variant.decomposedStringWithCanonicalMapping.unicodeScalars), variant)
            }
        }
        // Every precomposed Vietnamese letter, each written as base letter + combining marks.
        let bases = Array("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
        let tones: [Unicode.Scalar] = ["\u{300}", "\u{301}", "\u{303}", "\u{309}", "\u{323}"]
        for base in bases {
            for tone in tones {
                var text = String(base).decomposedStringWithCanonicalMapping
                text.unicodeScalars.append(tone)
                XCTAssertEqual(Array(UnicodeNormalization.nfc(text).unicodeScalars), Array(text.precomposedStringWithCanonicalMapping.unicodeScalars))
                XCTAssertEqual(UnicodeNormalization.nfc(text).unicodeScalars.count, 1, text)
            }
        }
    }

    /// Each line is c1;c2;c3;c4;c5 with NFC(c1) = NFC(c2) = NFC(c3) = c2 and NFC(c4) = NFC(c5) = c4.
    func testTheUnicodeNormalisationTestFile() throws {
        guard let text = Self.readTestFile() else {
            throw XCTSkip("\(Self.testFile) is missing (apt-get install unicode-data)")
        }
        func scalars(_ field: Substring) -> String {
            var out = String.UnicodeScalarView()
            for hex in field.split(separator: " ") { out.append(Unicode.Scalar(UInt32(hex, radix: 16)!)!) }
            return String(out)
        }
        var checked = 0, foundationAgrees = 0
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("@") {
            let fields = line.split(separator: ";", omittingEmptySubsequences: false).prefix(5).map(scalars)
            guard fields.count == 5 else { continue }
            for (source, expected) in [(0, 1), (1, 1), (2, 1), (3, 3), (4, 3)] {
                let nfc = UnicodeNormalization.nfc(fields[source])
                XCTAssertEqual(Array(nfc.unicodeScalars), Array(fields[expected].unicodeScalars), String(line))
                // Foundation's tables may be of an older Unicode version than the file: compare
                // with it wherever it agrees with the file itself.
                let foundation = fields[source].precomposedStringWithCanonicalMapping
                if Array(foundation.unicodeScalars) == Array(fields[expected].unicodeScalars) {
                    XCTAssertEqual(Array(nfc.unicodeScalars), Array(foundation.unicodeScalars))
                    foundationAgrees += 1
                }
            }
            checked += 1
        }
        XCTAssertGreaterThan(checked, 18_000, "the whole test file was read")
        XCTAssertGreaterThan(foundationAgrees, checked * 4, "Foundation was compared on most of it")
    }
}
