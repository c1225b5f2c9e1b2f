import Foundation
import XCTest

/// The loopback agency of `Fixtures/agency_server.py`, started on a free port for one test: over
/// plain HTTP, or over TLS with a certificate of the test PKI (and, with `clientCA`, demanding a
/// client certificate signed by it).
public final class AgencyServer: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    public let scheme: String
    private let curlTLS: [String]
    public var url: String { "\(scheme)://127.0.0.1:\(port)" }

    /// `certificate` names a pair in `TestPKI` ("server" is server.pem + server.key).
    public init(certificate: String? = nil, clientCA: String? = nil) throws {
        let pki = TestPKI.shared
        var arguments = ["python3", Sandbox.fixtures.appendingPathComponent("agency_server.py").path]
        if let certificate {
            arguments += ["--cert", pki.path("\(certificate).pem"), "--key", pki.path("\(certificate).key")]
            if let clientCA { arguments += ["--client-ca", pki.path("\(clientCA).pem")] }
            scheme = "https"
            // The control requests skip verification (expired or mismatched certificates are
            // the point of some tests) but present the client certificate the server demands.
            curlTLS = ["-k", "--cert", pki.path("client.pem"), "--key", pki.path("client.key")]
        } else {
            scheme = "http"
            curlTLS = []
        }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // The server prints its port once it listens.
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else { throw NSError(domain: "agency server did not start", code: 1) }
        self.port = port
    }

    deinit {
        if process.isRunning { process.terminate(); process.waitUntilExit() }
    }

    private func request(_ path: String, body: [String: Any]? = nil) throws -> [String: Any] {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-s", "--max-time", "20"] + curlTLS
        if let body { arguments += ["-X", "POST", "--data-binary", String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)] }
        curl.arguments = arguments + [url + path]
        let out = Pipe()
        curl.standardOutput = out
        try curl.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        curl.waitUntilExit()
        return (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    public func control(_ settings: [String: Any]) throws { _ = try request("/_control", body: settings) }

    private func stats() throws -> [String: Any] { try request("/_stats") }
    /// How often the agency acted on each message id.
    public func processed() throws -> [String: Int] { try stats()["processed"] as? [String: Int] ?? [:] }
    public func posts() throws -> Int { try stats()["posts"] as? Int ?? 0 }
    /// Requests to the agency's paths (not the test's own /_control and /_stats).
    public func requests() throws -> Int { try stats()["requests"] as? Int ?? 0 }
    /// The Authorization header of each of those requests (NSNull where there was none).
    public func authorizations() throws -> [Any] { try stats()["authorizations"] as? [Any] ?? [] }
    /// The kind of each message the agency took in (request, update, void).
    public func kinds() throws -> [String: String] { try stats()["kinds"] as? [String: String] ?? [:] }
}
