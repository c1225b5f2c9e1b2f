@testable import CivlinkCore
import CivlinkTestSupport
import XCTest

/// Hands out canned bytes a few at a time, so every boundary falls inside a line or a chunk.
private struct CannedSource: ByteSource {
    let bytes: [UInt8]
    let step: Int
    var offset = 0

    init(_ text: String, step: Int = 3) {
        bytes = Array(text.utf8)
        self.step = step
    }

    mutating func receive(into buffer: inout [UInt8], maxCount: Int) throws(HTTPClientError) -> Int {
        let count = min(step, maxCount, bytes.count - offset)
        buffer += bytes[offset..<(offset + count)]
        offset += count
        return count
    }
}

final class ResponseReaderTests: XCTestCase {
    private func read(_ text: String, method: HTTPMethod = .get, limit: Int = 1 << 20, step: Int = 3) throws(HTTPClientError)
        -> (HTTPResponse, persistent: Bool, leftover: Bool) {
        var source = CannedSource(text, step: step)
        var reader = ResponseReader(limit: limit)
        let (response, persistent) = try reader.readResponse(from: &source, method: method)
        return (response, persistent, reader.hasBufferedBytes || source.offset < source.bytes.count)
    }

    func testContentLength() throws {
        let (response, persistent, leftover) = try read("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 13\r\n\r\n{\"receipt\":1}")
        XCTAssertEqual(response.status, 201)
        XCTAssertEqual(response.reason, "Created")
        XCTAssertEqual(response.headers["content-type"], "application/json")
        XCTAssertEqual(response.text, "{\"receipt\":1}")
        XCTAssertTrue(persistent)
        XCTAssertFalse(leftover)
    }

    func testChunkedWithExtensionsTrailersAndBareLineFeeds() throws {
        let (response, persistent, leftover) = try read("HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n5;name=value\r\nhello\r\n1 \r\n,\r\n6\nworld!\n0\r\nX-Trailer: t\r\n\r\n", step: 2)
        XCTAssertEqual(response.text, "hello,world!")
        XCTAssertTrue(persistent)
        XCTAssertFalse(leftover)
    }

    func testNoBodyForHeadAnd204And304() throws {
        let (head, headPersistent, headLeftover) = try read("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", method: .head)
        XCTAssertEqual(head.body, [])
        XCTAssertTrue(headPersistent)
        XCTAssertFalse(headLeftover)
        XCTAssertEqual(try read("HTTP/1.1 204 No Content\r\n\r\n").0.body, [])
        XCTAssertEqual(try read("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n").0.body, [])
    }

    func testSkipsInterimAnswers() throws {
        let (response, _, _) = try read("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.text, "ok")
        XCTAssertNil(response.headers["Link"])
    }

    func testCloseDelimitedAndConnectionTokens() throws {
        let (closed, persistent, _) = try read("HTTP/1.1 200 OK\r\n\r\nuntil the end")
        XCTAssertEqual(closed.text, "until the end")
        XCTAssertFalse(persistent)
        XCTAssertFalse(try read("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 0\r\n\r\n").persistent)
        XCTAssertFalse(try read("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n").persistent)
        XCTAssertTrue(try read("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n").persistent)
        // Both framings: chunked wins and the connection is not trusted again.
        let (both, bothPersistent, _) = try read("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n")
        XCTAssertEqual(both.text, "ab")
        XCTAssertFalse(bothPersistent)
    }

    func testLeftoverBytesAreVisible() throws {
        XCTAssertTrue(try read("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA", step: 100).leftover)
    }

    func testMalformedAnswers() {
        let cases: [(String, String)] = [
            ("HTTP/2 200 OK\r\n\r\n", "status line"), ("HTTX/1.1 200 OK\r\n\r\n", "status line"), ("HTTP/1.1 20 OK\r\n\r\n", "status line"),
            ("HTTP/1.1 200OK\r\n\r\n", "status line"), ("HTTP/1.1 700 Odd\r\n\r\n", "out of range"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "Content-Length"), ("HTTP/1.1 200 OK\r\nContent-Length: 1e3\r\n\r\n", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "Transfer-Encoding"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "chunk size"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n0\r\n\r\n", "longer than its size"),
            ("HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n", "folding"), ("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n", "field name"),
            ("HTTP/1.1 200 OK\r\n: empty\r\n\r\n", "field name"), ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "Content-Length"),
            ("HTTP/1.1 200 OK\r\nContent-Le", "inside its header"), ("HTTP/1.1 101 Switching Protocols\r\n\r\n", "101"),
            ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", "inside a chunk"),
        ]
        for (text, reason) in cases {
            guard case .malformedResponse(let description) = thrownError({ () throws(HTTPClientError) in try read(text) }) else {
                XCTFail("not malformed: \(text.debugDescription)")
                continue
            }
            XCTAssertTrue(description.description.contains(reason), "\(text.debugDescription): \(description)")
        }
    }

    func testHeaderValuesNeverReachTheError() {
        let error = thrownError { () throws(HTTPClientError) in try read("HTTP/1.1 200 OK\r\nAuthorization: Bearer s3cret\r\u{1}\r\n\r\n") }
        XCTAssertNotNil(error)
        XCTAssertFalse("\(error!)".contains("s3cret"), "\(error!)")
    }

    func testNothingAtAllIsAClosedConnection() {
        XCTAssertThrows(.connectionClosed) { () throws(HTTPClientError) in try read("") }
    }

    func testSizeLimitCountsEverythingAndIsExact() throws {
        let answer = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789"
        let size = answer.utf8.count
        XCTAssertEqual(try read(answer, limit: size).0.text, "0123456789")
        XCTAssertThrows(.responseTooLarge(limit: size - 1)) { () throws(HTTPClientError) in try read(answer, limit: size - 1) }
        // Headers alone can be too large.
        XCTAssertThrows(.responseTooLarge(limit: 20)) { () throws(HTTPClientError) in try read(answer, limit: 20) }
        let chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n5\r\nworld\r\n0\r\n\r\n"
        XCTAssertEqual(try read(chunked, limit: chunked.utf8.count).0.text, "helloworld")
        XCTAssertThrows(.responseTooLarge(limit: chunked.utf8.count - 1)) { () throws(HTTPClientError) in try read(chunked, limit: chunked.utf8.count - 1) }
        let delimited = "HTTP/1.1 200 OK\r\n\r\n" + String(repeating: "x", count: 100)
        XCTAssertEqual(try read(delimited, limit: delimited.utf8.count).0.body.count, 100)
        XCTAssertThrows(.responseTooLarge(limit: delimited.utf8.count - 1)) { () throws(HTTPClientError) in try read(delimited, limit: delimited.utf8.count - 1) }
    }
}
