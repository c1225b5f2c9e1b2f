import Foundation
@testable import CivlinkCore
import CivlinkTestSupport
import XCTest

/// Trust, host-name checks and mutual TLS against a real Python TLS server.
final class TLSTests: XCTestCase {
    private let token = ("Authorization", "Bearer tls-token")

    func testDeliversOverMutualTLS() throws {
        let server = try TestServer(tls: .server(certificate: "server", clientCA: "ca"))
        let client = try makeClient(server, path: "/ok", tls: mutualTLS)
        let response = try client.request(.post, headers: [token], body: Array(#"{"m":1}"#.utf8), timeout: .seconds(10))
        XCTAssertEqual(response.status, 200)
        XCTAssertEqual(response.headers["content-type"], "application/json")
        let receipt = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        XCTAssertEqual(receipt?["receipt"] as? String, "R-1")
        XCTAssertEqual(receipt?["received"] as? Int, 7)
        XCTAssertEqual(server.requests.first?["authorization"] as? String, "Bearer tls-token")
    }

    func testServerThatRequiresAClientCertificateAndGetsNone() throws {
        // TLS 1.3 refuses after the client's handshake is done (an alert under the request);
        // TLS 1.2 inside the handshake (a bare handshake_failure).
        for version in ["1.3", "1.2"] {
            let server = try TestServer(tls: .server(certificate: "server", clientCA: "ca"), maxTLS: version)
            let client = try makeClient(server, path: "/ok")
            XCTAssertThrows(.clientCertificateRequired) { () throws(HTTPClientError) in try client.request(.post, headers: [token], timeout: .seconds(10)) }
            XCTAssertTrue(server.requests.isEmpty, "the server must not have seen the request")
        }
    }

    func testMutualTLS12() throws {
        let server = try TestServer(tls: .server(certificate: "server", clientCA: "ca"), maxTLS: "1.2")
        let client = try makeClient(server, path: "/ok", tls: mutualTLS)
        for _ in 0..<3 { XCTAssertEqual(try client.request(.post, headers: [token], body: [1], timeout: .seconds(10)).status, 200) }
        XCTAssertEqual(server.acceptedConnections, 1)
    }

    func testServersOlderThanTLS12AreRefused() throws {
        let server = try TestServer(maxTLS: "1.1")
        let client = try makeClient(server, path: "/ok")
        guard case .tlsHandshakeFailed(let reason) = thrownError({ () throws(HTTPClientError) in try client.request(.get, headers: [token], timeout: .seconds(10)) }) else {
            return XCTFail("a TLS 1.1 server was accepted")
        }
        XCTAssertFalse(reason.isEmpty)
        XCTAssertTrue(server.requests.isEmpty)
    }

    func testServerRefusesAClientCertificateFromAnotherCA() throws {
        let server = try TestServer(tls: .server(certificate: "server", clientCA: "ca"))
        let stranger = TLSConfiguration(caFile: pki.path("ca.pem"), clientCertificateFile: pki.path("client2.pem"), clientKeyFile: pki.path("client2.key"))
        let client = try makeClient(server, path: "/ok", tls: stranger)
        let error = thrownError { () throws(HTTPClientError) in try client.request(.post, timeout: .seconds(10)) }
        guard case .clientCertificateRejected(let reason) = error else { return XCTFail("\(String(describing: error))") }
        XCTAssertTrue(reason.contains("unknown ca"), reason)
    }

    func testUnknownCA() throws {
        let server = try TestServer()
        for tls in [TLSConfiguration(caFile: pki.path("ca2.pem")), TLSConfiguration()] {
            let client = try makeClient(server, path: "/ok", tls: tls)
            let error = thrownError { () throws(HTTPClientError) in try client.request(.get, headers: [token], timeout: .seconds(10)) }
            guard case .untrustedCertificate(let reason) = error else { XCTFail("\(String(describing: error))"); continue }
            XCTAssertTrue(reason.contains("issuer"), reason)
        }
        XCTAssertTrue(server.requests.isEmpty)
    }

    func testAPrivateCAFileReplacesTheSystemStore() throws {
        // server2 is signed by ca2: trusted only by a client given ca2.pem.
        let server = try TestServer(tls: .server(certificate: "server2"))
        XCTAssertEqual(try makeClient(server, path: "/ok", tls: TLSConfiguration(caFile: pki.path("ca2.pem"))).request(.get, timeout: .seconds(10)).status, 200)
        let untrusting = try makeClient(server, path: "/ok")
        XCTAssertNotNil(thrownError { () throws(HTTPClientError) in try untrusting.request(.get, timeout: .seconds(10)) })
    }

    func testHostNameMismatch() throws {
        let server = try TestServer(tls: .server(certificate: "other"))
        let byAddress = try makeClient(server, path: "/ok")
        XCTAssertThrows(.hostNameMismatch(host: "127.0.0.1")) { () throws(HTTPClientError) in
            try byAddress.request(.get, headers: [token], timeout: .seconds(10))
        }
        let byName = try HTTPClient(endpoint: HTTPEndpoint(parsing: server.url("/ok", host: "localhost")), tls: trustTestCA)
        XCTAssertThrows(.hostNameMismatch(host: "localhost")) { () throws(HTTPClientError) in try byName.request(.get, timeout: .seconds(10)) }
        XCTAssertTrue(server.requests.isEmpty)
    }

    func testExpiredAndNotYetValidCertificates() throws {
        let expiredServer = try TestServer(tls: .server(certificate: "expired"))
        let expired = try makeClient(expiredServer, path: "/ok")
        XCTAssertThrows(.certificateExpired) { () throws(HTTPClientError) in try expired.request(.get, timeout: .seconds(10)) }
        let futureServer = try TestServer(tls: .server(certificate: "future"))
        let future = try makeClient(futureServer, path: "/ok")
        XCTAssertThrows(.certificateNotYetValid) { () throws(HTTPClientError) in try future.request(.get, timeout: .seconds(10)) }
    }

    func testHostNamesAndIPv6LiteralsAreVerified() throws {
        let server = try TestServer()
        let byName = try HTTPClient(endpoint: HTTPEndpoint(parsing: server.url("/ok", host: "localhost")), tls: trustTestCA)
        XCTAssertEqual(try byName.request(.get, timeout: .seconds(10)).status, 200)
        guard let v6 = try? TestServer(host: "::1") else { throw XCTSkip("no IPv6 loopback here") }
        let client = try makeClient(v6, path: "/ok")
        XCTAssertEqual(try client.request(.get, timeout: .seconds(10)).status, 200)
        XCTAssertEqual(v6.requests.first?["host"] as? String, "[::1]:\(v6.port)")
    }

    func testClientIdentityIsCheckedWhenTheClientIsMade() throws {
        let endpoint = try HTTPEndpoint(parsing: "https://127.0.0.1:9/")
        func make(_ tls: TLSConfiguration) -> HTTPClientError? {
            thrownError { () throws(HTTPClientError) in try HTTPClient(endpoint: endpoint, tls: tls) }
        }
        XCTAssertEqual(make(TLSConfiguration(clientCertificateFile: pki.path("client.pem"), clientKeyFile: pki.path("server.key"))),
                       .clientKeyMismatch(certificate: pki.path("client.pem"), key: pki.path("server.key")))
        guard case .clientCertificateUnusable(_, let missing) = make(TLSConfiguration(clientCertificateFile: pki.path("nope.pem"), clientKeyFile: pki.path("client.key"))) else {
            return XCTFail("missing certificate accepted")
        }
        XCTAssertTrue(missing.contains("No such file"), missing)
        guard case .clientCertificateUnusable = make(TLSConfiguration(clientCertificateFile: pki.path("garbage.pem"), clientKeyFile: pki.path("client.key"))) else {
            return XCTFail("garbage certificate accepted")
        }
        guard case .clientKeyUnusable(_, let encrypted) = make(TLSConfiguration(clientCertificateFile: pki.path("client.pem"), clientKeyFile: pki.path("client-encrypted.key"))) else {
            return XCTFail("encrypted key accepted")
        }
        XCTAssertTrue(encrypted.contains("encrypted"), encrypted)
        guard case .invalidConfiguration = make(TLSConfiguration(clientCertificateFile: pki.path("client.pem"))) else {
            return XCTFail("a certificate without its key accepted")
        }
        guard case .caFileUnusable = make(TLSConfiguration(caFile: pki.path("garbage.pem"))) else { return XCTFail("garbage CA file accepted") }
        XCTAssertNoThrow(try HTTPClient(endpoint: endpoint, tls: mutualTLS))
        guard case .invalidConfiguration = thrownError({ () throws(HTTPClientError) in
            try HTTPClient(endpoint: HTTPEndpoint(parsing: "http://127.0.0.1:9/"), tls: mutualTLS)
        }) else { return XCTFail("TLS files accepted for http://") }
    }
}
