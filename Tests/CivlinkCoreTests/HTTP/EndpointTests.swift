@testable import CivlinkCore
import CivlinkTestSupport
import XCTest

final class EndpointTests: XCTestCase {
    func testParsesSchemesHostsPortsAndPaths() throws {
        let plain = try HTTPEndpoint(parsing: "http://Agency.Example/")
        XCTAssertEqual(plain.scheme, .http)
        XCTAssertEqual(plain.host, "agency.example")
        XCTAssertEqual(plain.port, 80)
        XCTAssertEqual(plain.path, "/")
        XCTAssertEqual(plain.authority, "agency.example")

        let secure = try HTTPEndpoint(parsing: "HTTPS://api.population.example:8443/v1/messages?tenant=3")
        XCTAssertEqual(secure.scheme, .https)
        XCTAssertEqual(secure.port, 8443)
        XCTAssertEqual(secure.path, "/v1/messages?tenant=3")
        XCTAssertEqual(secure.authority, "api.population.example:8443")

        let v6 = try HTTPEndpoint(parsing: "https://[::1]:9000")
        XCTAssertEqual(v6.host, "::1")
        XCTAssertTrue(v6.isIPAddress)
        XCTAssertEqual(v6.path, "/")
        XCTAssertEqual(v6.connectAuthority, "[::1]:9000")

        let v4 = try HTTPEndpoint(parsing: "https://127.0.0.1?x=1")
        XCTAssertEqual(v4.port, 443)
        XCTAssertEqual(v4.path, "/?x=1")
        XCTAssertEqual(v4.authority, "127.0.0.1")
        XCTAssertEqual(v4.connectAuthority, "127.0.0.1:443")
    }

    func testRejectsWhatItCannotStateExactly() {
        let cases: [(String, String)] = [
            ("", "empty"), ("ftp://host/", "scheme"), ("host/path", "scheme://"), ("https://", "host is empty"),
            ("https://:443/", "host is empty"), ("https://user:pass@host/", "user information"), ("https://host/#frag", "fragments"),
            ("https://host:0/", "port"), ("https://host:65536/", "port"), ("https://host:/", "port"), ("https://host:8a/", "port"),
            ("https://::1/", "brackets"), ("https://[::1/", "closing"), ("https://[fe80::1%25eth0]/", "zone"), ("https://[12345::]/", "IPv6"),
            ("https://999.1.1.1/", "IPv4"), ("https://127.1/", "IPv4"), ("https://bad host/", "spaces"), ("https://h\u{e9}te/", "non-ASCII"),
            ("https://a..b/", "label"), ("https://-a.example/", "letters"), ("https://host/%zz", "hex"), ("https://host./", "label"),
        ]
        for (url, reason) in cases {
            guard let error = thrownError({ () throws(HTTPClientError) in try HTTPEndpoint(parsing: url) }) else {
                XCTFail("accepted \(url)")
                continue
            }
            guard case .invalidURL(let text) = error else { XCTFail("\(url): \(error)"); continue }
            XCTAssertTrue(text.description.contains(reason), "\(url): \(text)")
        }
    }

    func testAppendsAPercentEncodedSegmentBeforeTheQuery() throws {
        XCTAssertEqual(try HTTPEndpoint(parsing: "https://h/v1/messages").path(appending: "MSG-1/ä b"), "/v1/messages/MSG-1%2F%C3%A4%20b")
        XCTAssertEqual(try HTTPEndpoint(parsing: "https://h/v1/?k=v").path(appending: "id"), "/v1/id?k=v")
        XCTAssertEqual(try HTTPEndpoint(parsing: "https://h").path(appending: "id"), "/id")
    }

    func testProxyParsing() throws {
        let proxy = try HTTPProxy(parsing: "http://proxy.internal:3128")
        XCTAssertEqual(proxy.host, "proxy.internal")
        XCTAssertEqual(proxy.port, 3128)
        XCTAssertEqual(try HTTPProxy(host: "[::1]", port: 8080).host, "::1")
        XCTAssertNotNil(thrownError { () throws(HTTPClientError) in try HTTPProxy(parsing: "https://proxy:3128") })
        XCTAssertNotNil(thrownError { () throws(HTTPClientError) in try HTTPProxy(parsing: "http://proxy:3128/path") })
        XCTAssertNotNil(thrownError { () throws(HTTPClientError) in try HTTPProxy(host: "proxy", port: 0) })
    }

    func testRequestHeadIsFramedByTheClientAlone() throws {
        let head = try RequestHead.make(method: .post, target: "/v1", authority: "h:8443", absolutePrefix: nil,
                                        headers: [("Authorization", "Bearer t"), ("Idempotency-Key", "m-1")], bodyCount: 0)
        XCTAssertEqual(String(decoding: head, as: UTF8.self),
                       "POST /v1 HTTP/1.1\r\nHost: h:8443\r\nAuthorization: Bearer t\r\nIdempotency-Key: m-1\r\nContent-Length: 0\r\n\r\n")
        let get = try RequestHead.make(method: .get, target: "/v1/id", authority: "h", absolutePrefix: "http://h", headers: [], bodyCount: 0)
        XCTAssertEqual(String(decoding: get, as: UTF8.self), "GET http://h/v1/id HTTP/1.1\r\nHost: h\r\n\r\n")

        for headers in [[("Content-Length", "5")], [("host", "evil")], [("Transfer-Encoding", "chunked")], [("Connection", "close")],
                        [("X-Bad Name", "v")], [("", "v")], [("X-Split", "a\r\nInjected: yes")], [("X-Nul", "a\u{0}")]] {
            guard case .invalidRequest(let reason) = thrownError({ () throws(HTTPClientError) in
                try RequestHead.make(method: .get, target: "/", authority: "h", absolutePrefix: nil, headers: headers, bodyCount: 0)
            }) else { XCTFail("accepted \(headers)"); continue }
            XCTAssertFalse(reason.description.contains("Injected") || reason.description.contains("evil"), "a header value leaked into: \(reason)")
        }
        for target in ["", "relative", "/a b", "/a#b", "/a\r\n"] {
            XCTAssertNotNil(thrownError { () throws(HTTPClientError) in
                try RequestHead.make(method: .get, target: target, authority: "h", absolutePrefix: nil, headers: [], bodyCount: 0)
            }, target)
        }
    }

    func testHeaderLookupIgnoresCase() {
        let headers = HTTPHeaders([("Content-Type", "application/json"), ("Set-Cookie", "a"), ("set-cookie", "b")])
        XCTAssertEqual(headers["content-type"], "application/json")
        XCTAssertEqual(headers["CONTENT-TYPE"], "application/json")
        XCTAssertEqual(headers.values(for: "Set-Cookie"), ["a", "b"])
        XCTAssertNil(headers["Location"])
    }
}
