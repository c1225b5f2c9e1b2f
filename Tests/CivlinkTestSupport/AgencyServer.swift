import Foundation
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The loopback HTTP agency of `Fixtures/agency_server.py`, started on a free port for one test.
public final class AgencyServer: @unchecked Sendable {
    public let process = Process()
    public let port: Int
    public var url: String { "http://127.0.0.1:\(port)" }

    public init() throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", Sandbox.fixtures.appendingPathComponent("agency_server.py").path]
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
        var request = URLRequest(url: URL(string: url + path)!)
        if let body {
            request.httpMethod = "POST"
            request.httpBody = try JSONSerialization.data(withJSONObject: body)
        }
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Data?
        URLSession.shared.dataTask(with: request) { data, _, _ in result = data; done.signal() }.resume()
        done.wait()
        return (try result.flatMap { try JSONSerialization.jsonObject(with: $0) as? [String: Any] }) ?? [:]
    }

    public func control(_ settings: [String: Any]) throws { _ = try request("/_control", body: settings) }

    /// How often the agency acted on each message id.
    public func processed() throws -> [String: Int] { try request("/_stats")["processed"] as? [String: Int] ?? [:] }
    public func posts() throws -> Int { try request("/_stats")["posts"] as? Int ?? 0 }
    /// The kind of each message the agency took in (request, update, void).
    public func kinds() throws -> [String: String] { try request("/_stats")["kinds"] as? [String: String] ?? [:] }
}
