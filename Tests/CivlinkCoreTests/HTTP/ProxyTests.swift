import Foundation
@testable import CivlinkCore
import CivlinkTestSupport
import XCTest

/// A proxy is used only when configured, and sees only what it must.
final class ProxyTests: XCTestCase {
    func testHTTPSGoesThroughACONNECTTunnelWithoutTheCallersHeaders() throws {
        let origin = try TestServer()
        let proxyServer = try TestServer(tls: .none, proxy: true)
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: origin.url("/ok")), tls: trustTestCA,
                                    proxy: HTTPProxy(host: "127.0.0.1", port: proxyServer.port))
        for _ in 0..<3 {
            XCTAssertEqual(try client.request(.post, headers: [("Authorization", "Bearer tunnelled")], body: [1], timeout: .seconds(10)).status, 200)
        }
        let connects = proxyServer.records.filter { $0["event"] as? String == "connect" }
        XCTAssertEqual(connects.count, 1, "the tunnel is kept alive")
        XCTAssertEqual(connects.first?["target"] as? String, "127.0.0.1:\(origin.port)")
        XCTAssertTrue(connects.first?["authorization"] is NSNull, "the token went to the proxy")
        XCTAssertEqual(origin.requests.map { $0["authorization"] as? String }, Array(repeating: "Bearer tunnelled", count: 3))
    }

    func testPlainHTTPIsSentToTheProxyInAbsoluteForm() throws {
        let origin = try TestServer(tls: .none)
        let proxyServer = try TestServer(tls: .none, proxy: true)
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: origin.url("/ok")), proxy: HTTPProxy(parsing: "http://127.0.0.1:\(proxyServer.port)"))
        XCTAssertEqual(try client.request(.get, timeout: .seconds(10)).status, 200)
        let forwarded = proxyServer.records.filter { $0["event"] as? String == "proxy_request" }
        XCTAssertEqual(forwarded.first?["request_line"] as? String, "GET http://127.0.0.1:\(origin.port)/ok HTTP/1.1")
        XCTAssertEqual(origin.requests.count, 1)
    }

    func testProxyEnvironmentVariablesAreIgnored() throws {
        let origin = try TestServer(tls: .none)
        let proxyServer = try TestServer(tls: .none, proxy: true)
        let proxyURL = "http://127.0.0.1:\(proxyServer.port)"
        for name in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"] { setenv(name, proxyURL, 1) }
        defer { for name in ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"] { unsetenv(name) } }
        let client = try makeClient(origin, path: "/ok")
        XCTAssertEqual(try client.request(.get, timeout: .seconds(10)).status, 200)
        XCTAssertEqual(proxyServer.acceptedConnections, 0)
        XCTAssertEqual(origin.requests.count, 1)
    }

    func testProxyRefusingTheTunnel() throws {
        let proxyServer = try TestServer(tls: .none, proxy: true)
        // The fixture proxy only tunnels to loopback.
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: "https://agency.example/"), tls: trustTestCA,
                                    proxy: HTTPProxy(host: "127.0.0.1", port: proxyServer.port))
        XCTAssertThrows(.proxyRefused(status: 403)) { () throws(HTTPClientError) in try client.request(.get, timeout: .seconds(10)) }
    }
}
