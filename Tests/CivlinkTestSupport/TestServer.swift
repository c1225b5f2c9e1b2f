import Foundation
import XCTest

/// One `Fixtures/https_server.py` on a free loopback port, for one test. Its log tells what it
/// saw: each accepted TCP connection and each request with its Authorization header.
public final class TestServer {
    public enum TLS {
        case none
        case server(certificate: String, clientCA: String? = nil)
    }

    public let process = Process()
    public let port: Int
    public let scheme: String
    public let host: String
    private let logPath: String

    static var script: String { Sandbox.fixtures.appendingPathComponent("https_server.py").path }

    /// `certificate` names a pair in the test PKI ("server" → server.pem + server.key).
    public init(tls: TLS = .server(certificate: "server"), host: String = "127.0.0.1", maxTLS: String? = nil, idleTimeout: Double? = nil,
         proxy: Bool = false) throws {
        let pki = TestPKI.shared
        logPath = NSTemporaryDirectory() + "civlink-https-server-\(UUID().uuidString).log"
        var arguments = [Self.script, "--host", host, "--port", "0", "--log", logPath]
        switch tls {
        case .none:
            scheme = "http"
        case .server(let certificate, let clientCA):
            scheme = "https"
            arguments += ["--cert", pki.path("\(certificate).pem"), "--key", pki.path("\(certificate).key")]
            if let clientCA { arguments += ["--client-ca", pki.path("\(clientCA).pem")] }
        }
        if let maxTLS { arguments += ["--max-tls", maxTLS] }
        if let idleTimeout { arguments += ["--idle-timeout", String(idleTimeout)] }
        if proxy { arguments.append("--proxy") }
        self.host = host
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw NSError(domain: "https_server.py did not start", code: 1)
        }
        self.port = port
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    public func url(_ path: String, host: String? = nil) -> String {
        let name = host ?? self.host
        return "\(scheme)://\(name.contains(":") ? "[\(name)]" : name):\(port)\(path)"
    }

    public var records: [[String: Any]] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    public var acceptedConnections: Int { records.filter { $0["event"] as? String == "accept" }.count }
    public var requests: [[String: Any]] { records.filter { $0["event"] as? String == "request" } }
}

/// Seconds since `start`, for bounding how long a request took.
public func seconds(since start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}
