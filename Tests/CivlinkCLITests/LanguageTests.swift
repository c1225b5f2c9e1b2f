@testable import CivlinkCLI
import CivlinkCore
import XCTest

/// Messages are translated by their template, never by replacing words inside a sentence.
final class LanguageTests: XCTestCase {
    func testTemplatesAreTranslatedWholeWithTheirValues() {
        let error = ValidationError("received_at", "is required")
        XCTAssertEqual(Language.vietnamese.render(error.phrase), "received_at: là bắt buộc")
        XCTAssertEqual(Language.english.render(error.phrase), "received_at: is required")
        // Field names and values are arguments: never translated, even when they look like words.
        let line: Phrase = "line \(3): \(ValidationError("deadline", "is required").phrase)"
        XCTAssertEqual(Language.vietnamese.render(line), "dòng 3: deadline: là bắt buộc")
        XCTAssertEqual(Language.from(environment: ["LANG": "vi_VN.UTF-8"]), .vietnamese)
        XCTAssertEqual(Language.from(environment: ["LC_ALL": "C", "LANG": "vi_VN.UTF-8"]), .english)
    }
}
