import Foundation
@testable import CivlinkCore
import CivlinkTestSupport
import Synchronization
import XCTest

/// Keep-alive, the idle pool, the one retry, and many threads at once.
final class ConnectionTests: XCTestCase {
    func testSequentialRequestsShareOneConnection() throws {
        let server = try TestServer()
        let client = try makeClient(server, path: "/ok", tls: mutualTLS)
        for index in 0..<20 {
            let response = try client.request(.post, headers: [("Authorization", "Bearer k")], body: Array("{\"n\":\(index)}".utf8), timeout: .seconds(10))
            XCTAssertEqual(response.status, 200)
        }
        XCTAssertEqual(server.acceptedConnections, 1)
        XCTAssertEqual(client.connectionsOpened, 1)
        XCTAssertEqual(server.requests.count, 20)
    }

    func testServerClosingAnIdleConnectionBetweenRequests() throws {
        let server = try TestServer(idleTimeout: 0.5)
        let client = try makeClient(server, path: "/ok")
        XCTAssertEqual(try client.request(.get, timeout: .seconds(10)).status, 200)
        Thread.sleep(forTimeInterval: 1.5)
        XCTAssertEqual(try client.request(.get, timeout: .seconds(10)).status, 200)
        XCTAssertEqual(server.acceptedConnections, 2)
        XCTAssertEqual(server.requests.count, 2, "the closed connection was noticed before anything was sent on it")
    }

    func testRequestLostOnAReusedConnectionIsSentOnceMoreOnAFreshOne() throws {
        // /dropnext answers, then drops the next request on the same connection unanswered: the
        // race of a server closing an idle connection just as a request goes out.
        for tls in [TestServer.TLS.none, .server(certificate: "server")] {
            let server = try TestServer(tls: tls)
            let client = try makeClient(server)
            XCTAssertEqual(try client.request(.get, path: "/dropnext", timeout: .seconds(10)).status, 200)
            let response = try client.request(.post, path: "/ok", headers: [("Authorization", "Bearer retry")], body: Array("{}".utf8), timeout: .seconds(10))
            XCTAssertEqual(response.status, 200)
            let requests = server.requests
            XCTAssertEqual(requests.count, 3)
            XCTAssertEqual(requests.map { $0["conn"] as? Int }, [1, 1, 2])
            XCTAssertEqual(requests.map { $0["dropped"] as? Bool }, [false, true, false])
            XCTAssertEqual(requests.last?["authorization"] as? String, "Bearer retry")
        }
    }

    func testAFreshConnectionIsNeverRetried() throws {
        let server = try TestServer()
        let client = try makeClient(server)
        XCTAssertThrows(.connectionClosed) { () throws(HTTPClientError) in try client.request(.post, path: "/drop", body: [1], timeout: .seconds(10)) }
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(server.acceptedConnections, 1)
    }

    func testEightThreadsTimesFiftyRequests() throws {
        let server = try TestServer(tls: .server(certificate: "server", clientCA: "ca"))
        let client = try makeClient(server, path: "/ok", tls: mutualTLS)
        let failures = Mutex<[String]>([])
        let done = DispatchSemaphore(value: 0)
        for thread in 0..<8 {
            Thread {
                for index in 0..<50 {
                    do {
                        let response = try client.request(.post, headers: [("Authorization", "Bearer thread-\(thread)")],
                                                          body: Array("{\"t\":\(thread),\"n\":\(index)}".utf8), timeout: .seconds(30))
                        if response.status != 200 { failures.withLock { $0.append("HTTP \(response.status)") } }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
                done.signal()
            }.start()
        }
        for _ in 0..<8 { done.wait() }
        XCTAssertEqual(failures.withLock { $0 }, [])
        let requests = server.requests
        XCTAssertEqual(requests.count, 400)
        for thread in 0..<8 {
            XCTAssertEqual(requests.filter { $0["authorization"] as? String == "Bearer thread-\(thread)" }.count, 50)
        }
        XCTAssertLessThanOrEqual(client.connectionsOpened, 8, "no more connections than threads")
        XCTAssertEqual(server.acceptedConnections, client.connectionsOpened)
    }

    func testIdleConnectionsOlderThanMaxIdleTimeAreNotReused() throws {
        let server = try TestServer(tls: .none)
        let client = try makeClient(server, path: "/ok", maxIdleTime: .milliseconds(200))
        XCTAssertEqual(try client.request(.get, timeout: .seconds(10)).status, 200)
        Thread.sleep(forTimeInterval: 0.4)
        XCTAssertEqual(try client.request(.get, timeout: .seconds(10)).status, 200)
        XCTAssertEqual(client.connectionsOpened, 2)
    }
}
