import Foundation
@testable import CivlinkCore
import CivlinkTestSupport
import XCTest

/// One deadline for the whole request, whatever phase it is in, and the network errors.
final class DeadlineTests: XCTestCase {
    func testTricklingBodyIsCutAtTheDeadline() throws {
        let server = try TestServer()
        let client = try makeClient(server)
        let start = ContinuousClock.now
        XCTAssertThrows(.timeout(.receive)) { () throws(HTTPClientError) in try client.request(.get, path: "/trickle", timeout: .seconds(2)) }
        let elapsed = seconds(since: start)
        XCTAssertGreaterThan(elapsed, 1.9)
        XCTAssertLessThan(elapsed, 4)
    }

    func testTricklingHeaderIsCutAtTheDeadline() throws {
        let server = try TestServer(tls: .none)
        let client = try makeClient(server)
        let start = ContinuousClock.now
        XCTAssertThrows(.timeout(.receive)) { () throws(HTTPClientError) in try client.request(.get, path: "/trickle-head", timeout: .milliseconds(1500)) }
        XCTAssertLessThan(seconds(since: start), 3.5)
    }

    func testSilentServerTimesOutInTheTLSHandshake() throws {
        // Listening but never accepting: the kernel completes the TCP handshake, nobody answers
        // the ClientHello.
        let listener = try Listener(backlog: 8)
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: "https://127.0.0.1:\(listener.port)/"), tls: trustTestCA)
        let start = ContinuousClock.now
        XCTAssertThrows(.timeout(.tlsHandshake)) { () throws(HTTPClientError) in try client.request(.get, timeout: .seconds(1)) }
        XCTAssertLessThan(seconds(since: start), 3)
    }

    func testConnectTimesOutWhenTheServerCannotTakeMore() throws {
        // A full accept queue makes Linux drop further SYNs: connect(2) hangs as it would for
        // an unreachable host, without sending anything off this machine.
        let listener = try Listener(backlog: 0)
        let fillers = (0..<4).map { _ in listener.connectWithoutWaiting() }
        defer { fillers.forEach { close($0) } }
        Thread.sleep(forTimeInterval: 0.2)
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: "http://127.0.0.1:\(listener.port)/"))
        let start = ContinuousClock.now
        XCTAssertThrows(.timeout(.connect)) { () throws(HTTPClientError) in try client.request(.get, timeout: .seconds(1)) }
        XCTAssertLessThan(seconds(since: start), 3)
    }

    func testConnectionRefused() throws {
        let port = try Listener(backlog: 1).port  // closed again at once: nothing listens there now
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: "https://127.0.0.1:\(port)/ok"), tls: trustTestCA)
        XCTAssertThrows(.connectionRefused(host: "127.0.0.1", port: port)) { () throws(HTTPClientError) in try client.request(.get, timeout: .seconds(5)) }
    }

    func testNameResolutionIsBoundedByTheDeadline() throws {
        let slow = NameResolver { _, _ in
            sleep(3)
            return .failure(.nameResolutionFailed(host: "slow.example", reason: "too late"))
        }
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: "https://slow.example/"), tls: trustTestCA, proxy: nil,
                                    maxResponseBytes: 1 << 20, maxIdleConnections: 8, maxIdleTime: .seconds(30), resolver: slow)
        let start = ContinuousClock.now
        XCTAssertThrows(.timeout(.resolve)) { () throws(HTTPClientError) in try client.request(.get, timeout: .milliseconds(500)) }
        XCTAssertLessThan(seconds(since: start), 1.5)
    }

    func testNameResolutionFailure() throws {
        let failing = NameResolver { host, _ in .failure(.nameResolutionFailed(host: host, reason: "Name or service not known")) }
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: "https://nowhere.example/"), tls: trustTestCA, proxy: nil,
                                    maxResponseBytes: 1 << 20, maxIdleConnections: 8, maxIdleTime: .seconds(30), resolver: failing)
        XCTAssertThrows(.nameResolutionFailed(host: "nowhere.example", reason: "Name or service not known")) { () throws(HTTPClientError) in
            try client.request(.get, timeout: .seconds(5))
        }
    }

    func testLocalhostIsResolvedOnTheHelperThread() throws {
        let server = try TestServer(tls: .none)
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: server.url("/ok", host: "localhost")))
        XCTAssertEqual(try client.request(.get, timeout: .seconds(10)).status, 200)
    }

    func testDeadlineMustBePositive() throws {
        let client = try HTTPClient(endpoint: HTTPEndpoint(parsing: "http://127.0.0.1:9/"))
        guard case .invalidRequest = thrownError({ () throws(HTTPClientError) in try client.request(.get, timeout: .zero) }) else {
            return XCTFail("a zero timeout was accepted")
        }
    }
}

/// A loopback listening socket that never accepts; closed when released.
final class Listener {
    let fd: Int32
    let port: Int

    init(backlog: Int32) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, backlog) == 0 else {
            close(fd)
            throw NSError(domain: "cannot listen", code: Int(errno))
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit { close(fd) }

    func connectWithoutWaiting() -> Int32 {
        let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return client
    }
}
