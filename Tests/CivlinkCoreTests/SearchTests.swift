@testable import CivlinkCore
import CivlinkTestSupport
import Foundation
import XCTest

/// `find`: every key kind through the index, names without diacritics or case and with one
/// typo, and the search events.
final class SearchTests: XCTestCase {
    private let now = LedgerFixture.at("2026-11-23T10:00:00+07:00")

    private func fixture() throws -> (LedgerFixture, birth: String, twin: String, death: String) {
        let fixture = try LedgerFixture()
        let birth = try fixture.register(.birth, Declarations.birth(), at: "2026-11-23T09:00:00+07:00")
        // A twin: the same parents, another child and medical birth certificate.
        let twin = try fixture.register(.birth, Declarations.birth(childName: "Nguyễn Thị Ân", certificate: "GCS-2026-002"),
                                        at: "2026-11-23T09:05:00+07:00")
        let death = try fixture.register(.death, setting(Declarations.death(), "reference", "HS-77-A"), at: "2026-11-23T09:10:00+07:00")
        return (fixture, birth, twin, death)
    }

    private func ids(_ result: (found: [Ledger.FoundDossier], total: Int)) -> Set<String> { Set(result.found.map(\.id)) }

    private func find(_ fixture: LedgerFixture, _ query: SearchQuery) throws -> (found: [Ledger.FoundDossier], total: Int) {
        try fixture.ledger.find(query, limit: 50, actor: "support-an", now: now)
    }

    func testEveryPersonalIDNumberFindsItsDossiers() throws {
        let (fixture, birth, twin, death) = try fixture()
        XCTAssertEqual(ids(try find(fixture, .personalID("040195000123"))), [birth, twin], "mother")
        XCTAssertEqual(ids(try find(fixture, .personalID("0400 9300 0456"))), [birth, twin], "father and declarant, typed with spaces")
        XCTAssertEqual(try find(fixture, .personalID("040093000456")).found.first?.matches.map(\.role), ["declarant", "father"])
        XCTAssertEqual(ids(try find(fixture, .personalID("040058000789"))), [death], "deceased")
        XCTAssertEqual(ids(try find(fixture, .personalID("040185000321"))), [death], "death declarant")
        XCTAssertEqual(try find(fixture, .personalID("040326004321")).total, 0, "the child has no number yet")

        // The population database returns the child's number: the index follows the receipt.
        try fixture.useSpools()
        try fixture.transfer(at: "2026-11-23T09:30:00+07:00")
        XCTAssertEqual(try fixture.answer(birth, "personal-id", .completed, at: "2026-11-23T09:40:00+07:00",
                                          result: ["personal_id": "040326004321"]), .applied("completed"))
        let child = try find(fixture, .personalID("040326004321"))
        XCTAssertEqual(ids(child), [birth])
        XCTAssertEqual(child.found.first?.matches.map(\.role), ["child"])
        XCTAssertThrowsError(try SearchQuery.personalID("04019500012")) { XCTAssertEqual(($0 as? ValidationError)?.field, "id") }
    }

    func testNamesIgnoreDiacriticsCaseAndSpacingAndToleratesOneTypo() throws {
        let (fixture, birth, twin, death) = try fixture()
        XCTAssertEqual(ids(try find(fixture, .name("Trần Thị Bình"))), [birth, twin], "mother, as written")
        XCTAssertEqual(ids(try find(fixture, .name("  TRAN   thi binh "))), [birth, twin], "no diacritics, any case and spacing")
        XCTAssertEqual(ids(try find(fixture, .name("Nguyễn Thị Ánh"))), [birth, twin], "the child, and her twin one letter away")
        XCTAssertEqual(try find(fixture, .name("Nguyễn Thị Ánh")).found.map { $0.matches[0].distance }, [0, 1])
        XCTAssertEqual(ids(try find(fixture, .name("nguyen thi an"))), [twin, birth], "the twin exactly, her sister one letter away")
        XCTAssertEqual(try find(fixture, .name("nguyen thi an")).found.first?.id, twin, "exact matches first")
        XCTAssertEqual(ids(try find(fixture, .name("Lê Văn Dũng"))), [death], "the deceased")
        XCTAssertEqual(ids(try find(fixture, .name("le thi hoa"))), [death], "the declarant of a death")
        // One typo of each kind in a long name.
        for typo in ["Tran Thi Bnh", "Tran Thi Binhh", "Tran Thi Bimh", "Tarn Thi Binh", "Tran Thi Bnih", "Trna Thi Binh", "Xran Thi Binh"] {
            let result = try find(fixture, .name(typo))
            XCTAssertEqual(ids(result), [birth, twin], typo)
            XCTAssertEqual(result.found.first?.matches.first { $0.role == "mother" }?.distance, 1, typo)
        }
        XCTAssertEqual(try find(fixture, .name("Tran Thi Bnhh")).total, 0, "two typos are too many")
        // With a date of birth: only the person born that day.
        XCTAssertEqual(ids(try find(fixture, .name("Nguyen Van Cuong", born: CivilDate("1993-07-09")))), [birth, twin])
        XCTAssertEqual(try find(fixture, .name("Nguyen Van Cuong", born: CivilDate("1993-07-10"))).total, 0)
        XCTAssertEqual(try find(fixture, .name("Nguyen Van Cuong")).found.first?.matches.map(\.role), ["declarant", "father"])
        let short = try fixture.register(.birth, Declarations.birth(childName: "Lý Na", certificate: "GCS-2026-003"), at: "2026-11-23T09:20:00+07:00")
        XCTAssertEqual(ids(try find(fixture, .name("LY NA"))), [short])
        XCTAssertEqual(try find(fixture, .name("Ly Ma")).total, 0, "no typo in a short name (under 10 characters)")
    }

    func testDocumentNumbersAndReferences() throws {
        let (fixture, birth, twin, death) = try fixture()
        XCTAssertEqual(ids(try find(fixture, .document("gcs-2026-002"))), [twin], "medical birth certificate, any case")
        XCTAssertEqual(ids(try find(fixture, .document("GBT-2026-77"))), [death], "death notice")
        XCTAssertEqual(ids(try find(fixture, .reference("hs-77-a"))), [death])
        XCTAssertEqual(try find(fixture, .reference("GCS-2026-002")).total, 0, "a document number is not a reference")
        XCTAssertEqual(ids(try find(fixture, .guess("GCS-2026-001"))), [birth], "a code: documents and references")
        XCTAssertEqual(ids(try find(fixture, .guess("HS-77-A"))), [death])
        XCTAssertEqual(try SearchQuery.guess("040195000123").kinds, [.personalID])
        XCTAssertEqual(try SearchQuery.guess("Trần Thị Bình").kinds, [.name])
        XCTAssertEqual(try SearchQuery.guess("Binh").kinds, [.name])
        XCTAssertEqual(try SearchQuery.guess("GCS-2026-001").kinds, [.document, .reference])
    }

    func testEverySearchIsAnEventWithTheKindOfKeyNeverTheKey() throws {
        let (fixture, birth, twin, _) = try fixture()
        _ = try find(fixture, .personalID("040195000123"))
        _ = try find(fixture, .name("Tran Thi Binh", born: CivilDate("1995-03-02")))
        _ = try find(fixture, .document("GCS-2026-404"))
        _ = try find(fixture, .guess("HS-77-A"))
        let events = try fixture.ledger.searchEvents()
        XCTAssertEqual(events.map { $0.detail["key"]?.stringValue }, ["personal-id", "name+date-of-birth", "document", "document|reference"])
        XCTAssertEqual(events.map { $0.detail["matches"]?.intValue }, [2, 2, 0, 1])
        XCTAssertEqual(Set(events[0].detail["listed"]?.arrayValue?.compactMap(\.stringValue) ?? []), [birth, twin])
        XCTAssertEqual(Set(events.map(\.actor)), ["support-an"])
        let recorded = events.map { $0.detail.serialized() + $0.dossier }.joined()
        for key in ["040195000123", "tran", "Trần", "1995-03-02", "GCS-2026-404", "HS-77-A"] {
            XCTAssertFalse(recorded.localizedCaseInsensitiveContains(key), "the search event holds the key \(key)")
        }
        // The events are in the hash chain.
        XCTAssertNil(try Audit.verify(fixture.ledger).finding)
    }

    func testListsAtMostTheLimitAndCountsTheRest() throws {
        let (fixture, _, _, _) = try fixture()
        let result = try fixture.ledger.find(.personalID("040195000123"), limit: 1, actor: "a", now: now)
        XCTAssertEqual(result.found.count, 1)
        XCTAssertEqual(result.total, 2)
        XCTAssertEqual(try fixture.ledger.searchEvents().last?.detail["listed"]?.arrayValue?.count, 1)
    }

    func testDossiersRegisteredBeforeTheIndexAreIndexedOnTheFirstSearch() throws {
        let (fixture, birth, twin, death) = try fixture()
        // The ledger as a civlink before migration 8 left it.
        try fixture.ledger.database.execute("DROP TABLE search_keys; PRAGMA user_version = 7;")
        let reopened = try Ledger(path: fixture.ledger.path)
        XCTAssertEqual(try reopened.schemaVersion, Migrations.latest)
        XCTAssertEqual(try reopened.setting(Ledger.searchBackfillSetting), "0")
        XCTAssertEqual(Set(try reopened.find(.name("Tran Thi Binh"), limit: 50, actor: "a", now: now).found.map(\.id)), [birth, twin])
        XCTAssertEqual(Set(try reopened.find(.personalID("040058000789"), limit: 50, actor: "a", now: now).found.map(\.id)), [death])
        XCTAssertNil(try reopened.setting(Ledger.searchBackfillSetting))
        // A new ledger has nothing to index.
        XCTAssertNil(try LedgerFixture().ledger.setting(Ledger.searchBackfillSetting))
    }

    /// Every single typo (insertion, deletion, substitution, swap of neighbours) at every position
    /// of seeded random names shares an index key with the name, and is within one; names two
    /// typos away are not.
    func testOneTypoAnywhereSharesAnIndexKey() {
        var seed: UInt64 = 20_261_123
        if let text = ProcessInfo.processInfo.environment["CIVLINK_TEST_SEED"], let given = UInt64(text) { seed = given }
        print("SearchTests: seed \(seed)")
        var random = SeededRandom(seed: seed)
        let letters = Array("abcdeghiklmnopqrstuvxy ")
        for _ in 0..<300 {
            let length = 10 + Int(random.next() % 16)
            let name = String((0..<length).map { _ in letters[Int(random.next() % UInt64(letters.count))] })
            let indexed = Set(NameMatch.indexKeys(name))
            var chars = Array(name)
            var typos: [String] = []
            for i in 0...chars.count {
                typos.append(String(chars[..<i] + ["w"] + chars[i...]))
                if i < chars.count {
                    typos.append(String(chars[..<i] + chars[(i + 1)...]))
                    var replaced = chars
                    replaced[i] = "w"
                    typos.append(String(replaced))
                }
                if i + 1 < chars.count, chars[i] != chars[i + 1] {
                    chars.swapAt(i, i + 1)
                    typos.append(String(chars))
                    chars.swapAt(i, i + 1)
                }
            }
            for typo in typos {
                XCTAssertFalse(indexed.isDisjoint(with: NameMatch.lookupKeys(typo)), "seed \(seed): '\(typo)' misses '\(name)'")
                XCTAssertEqual(NameMatch.distanceAtMostOne(typo, name), 1, "seed \(seed): '\(typo)' vs '\(name)'")
            }
            XCTAssertNil(NameMatch.distanceAtMostOne("ww" + name, name))
            XCTAssertNil(NameMatch.distanceAtMostOne(String(name.dropFirst().dropLast()), name))
        }
    }
}
