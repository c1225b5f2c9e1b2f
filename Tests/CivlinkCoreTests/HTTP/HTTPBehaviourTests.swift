import Foundation
@testable import CivlinkCore
import CivlinkTestSupport
import XCTest

/// Status codes, framing and limits against the Python server, over TLS and plain HTTP.
final class HTTPBehaviourTests: XCTestCase {
    private let token = ("Authorization", "Bearer redirect-secret")

    func testRedirectsAreReturnedAndTheTargetHearsNothing() throws {
        let target = try TestServer()
        let origin = try TestServer()
        let client = try makeClient(origin)
        for status in [302, 307] {
            let location = target.url("/ok")
            let path = "/redirect?status=\(status)&to=\(location)"
            let response = try client.request(.post, path: path, headers: [token], body: Array("{}".utf8), timeout: .seconds(10))
            XCTAssertEqual(response.status, status)
            XCTAssertTrue(response.isRedirect)
            XCTAssertEqual(response.headers["Location"], location)
        }
        XCTAssertEqual(origin.requests.count, 2)
        XCTAssertEqual(target.acceptedConnections, 0, "the redirect target was contacted")
        XCTAssertTrue(target.requests.isEmpty)
    }

    func testChunkedBodyIsDecoded() throws {
        let server = try TestServer()
        let client = try makeClient(server)
        let response = try client.request(.get, path: "/chunked", timeout: .seconds(10))
        XCTAssertEqual(response.text, #"{"receipt":"R-chunked","parts":3}"#)
        XCTAssertNil(response.headers["Transfer-Encoding"].flatMap { $0 == "chunked" ? nil : $0 })
        // The chunked answer was framed exactly: the connection is reused.
        XCTAssertEqual(try client.request(.get, path: "/ok", timeout: .seconds(10)).status, 200)
        XCTAssertEqual(server.acceptedConnections, 1)
    }

    func testOversizedAnswersAbortWithBoundedMemory() throws {
        let server = try TestServer()
        let limit = 1 << 20
        let client = try makeClient(server, maxResponseBytes: limit)
        let peakBefore = peakResidentBytes()
        for mode in ["length", "chunked", "close"] {
            let start = ContinuousClock.now
            XCTAssertThrows(.responseTooLarge(limit: limit)) { () throws(HTTPClientError) in
                try client.request(.get, path: "/big?size=\(64 << 20)&mode=\(mode)", timeout: .seconds(20))
            }
            XCTAssertLessThan(seconds(since: start), 10, mode)
        }
        // 3 × 64 MiB were offered; holding any one of them would raise the peak by 64 MiB.
        XCTAssertLessThan(peakResidentBytes() - peakBefore, 24 << 20)
        // Each oversized answer's connection was dropped.
        XCTAssertEqual(try client.request(.get, path: "/ok", timeout: .seconds(10)).status, 200)
        XCTAssertEqual(server.acceptedConnections, 4)
        XCTAssertEqual(client.connectionsOpened, 4)
        // Just under the limit (the header and chunk framing count too) is fine.
        XCTAssertEqual(try client.request(.get, path: "/big?size=\(limit - 1024)&mode=chunked", timeout: .seconds(10)).body.count, limit - 1024)
    }

    func testBodilessAnswers() throws {
        let server = try TestServer(tls: .none)
        let client = try makeClient(server)
        let head = try client.request(.head, path: "/ok", timeout: .seconds(10))
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body, [])
        XCTAssertNotNil(head.headers["Content-Length"])
        XCTAssertEqual(try client.request(.get, path: "/nocontent", timeout: .seconds(10)).status, 204)
        let accepted = try client.request(.post, path: "/empty202", body: Array("{}".utf8), timeout: .seconds(10))
        XCTAssertEqual(accepted.status, 202)
        XCTAssertEqual(accepted.body, [])
        XCTAssertEqual(server.acceptedConnections, 1, "HEAD, 204 and an empty 202 all keep the connection")
    }

    func testPlainHTTPToLoopback() throws {
        let server = try TestServer(tls: .none)
        let client = try makeClient(server, path: "/ok")
        let response = try client.request(.post, headers: [("Authorization", "Bearer plain")], body: Array("hello".utf8), timeout: .seconds(10))
        XCTAssertEqual(response.status, 200)
        XCTAssertTrue(response.text.contains(#""received": 5"#), response.text)
        XCTAssertEqual(server.requests.first?["authorization"] as? String, "Bearer plain")
        XCTAssertEqual(server.requests.first?["host"] as? String, "127.0.0.1:\(server.port)")
        XCTAssertEqual(try client.request(.get, path: "/missing", timeout: .seconds(10)).status, 404)
    }

    func testCloseDelimitedAndConnectionClose() throws {
        let server = try TestServer()
        let client = try makeClient(server)
        XCTAssertEqual(try client.request(.get, path: "/closedelim", timeout: .seconds(10)).text, #"{"delimited":"by close"}"#)
        XCTAssertEqual(try client.request(.get, path: "/close", timeout: .seconds(10)).text, #"{"closing":true}"#)
        XCTAssertEqual(try client.request(.get, path: "/ok", timeout: .seconds(10)).status, 200)
        XCTAssertEqual(server.acceptedConnections, 3, "neither closing answer may leave its connection in the pool")
    }

    func testMalformedAnswersFromTheServer() throws {
        let server = try TestServer()
        let client = try makeClient(server)
        for (kind, reason) in [("status", "status line"), ("length", "Content-Length"), ("chunk", "chunk size"),
                               ("truncated", "Content-Length"), ("fold", "folding")] {
            let error = thrownError { () throws(HTTPClientError) in try client.request(.get, path: "/malformed?kind=\(kind)", timeout: .seconds(10)) }
            guard case .malformedResponse(let text) = error else { XCTFail("\(kind): \(String(describing: error))"); continue }
            XCTAssertTrue(text.description.contains(reason), "\(kind): \(text)")
        }
    }

    func testHeadersAndPathsAreSentAsGiven() throws {
        let server = try TestServer()
        let client = try makeClient(server, path: "/v1/messages")
        let endpoint = client.endpoint
        XCTAssertEqual(endpoint.path(appending: "M 1"), "/v1/messages/M%201")
        let response = try client.request(.get, path: "/echo?id=M%201", headers: [("X-Civlink", "yes"), ("Accept", "application/json")],
                                          timeout: .seconds(10))
        let echo = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        XCTAssertEqual(echo?["request_line"] as? String, "GET /echo?id=M%201 HTTP/1.1")
        let headers = (echo?["headers"] as? [[String]]) ?? []
        XCTAssertTrue(headers.contains(["X-Civlink", "yes"]))
        XCTAssertTrue(headers.contains(["Host", "127.0.0.1:\(server.port)"]))
        XCTAssertFalse(headers.contains { $0.first == "Content-Length" }, "a GET without a body states no length")
    }
}

/// The process's peak resident set (VmHWM), in bytes.
func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
    return kilobytes * 1024
}
