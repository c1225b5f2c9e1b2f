@testable import CivlinkCore
import CivlinkTestSupport
import XCTest

/// The error `body` throws, or nil (and a test failure) when it returns.
func thrownError<T>(file: StaticString = #filePath, line: UInt = #line, _ body: () throws(HTTPClientError) -> T) -> HTTPClientError? {
    do {
        _ = try body()
        XCTFail("expected an error, got a result", file: file, line: line)
        return nil
    } catch {
        return error
    }
}

func XCTAssertThrows<T>(_ expected: HTTPClientError, file: StaticString = #filePath, line: UInt = #line,
                        _ body: () throws(HTTPClientError) -> T) {
    guard let error = thrownError(file: file, line: line, body) else { return }
    XCTAssertEqual(error, expected, "\(error)", file: file, line: line)
}

let pki = TestPKI.shared
let trustTestCA = TLSConfiguration(caFile: pki.path("ca.pem"))
let mutualTLS = TLSConfiguration(caFile: pki.path("ca.pem"), clientCertificateFile: pki.path("client.pem"), clientKeyFile: pki.path("client.key"))

func makeClient(_ server: TestServer, path: String = "/", tls: TLSConfiguration? = nil, maxResponseBytes: Int = 1 << 20,
                maxIdleTime: Duration = .seconds(30)) throws -> HTTPClient {
    try HTTPClient(endpoint: HTTPEndpoint(parsing: server.url(path)), tls: tls ?? (server.scheme == "https" ? trustTestCA : TLSConfiguration()),
                   maxResponseBytes: maxResponseBytes, maxIdleTime: maxIdleTime)
}

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}
