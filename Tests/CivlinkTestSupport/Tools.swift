import Foundation
import XCTest

/// Runs an external tool (openssl, python3, sqlite3) in the sandbox directory.
public func tool(_ arguments: [String], in box: Sandbox, stdin: Data? = nil) throws -> RunResult {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.currentDirectoryURL = box.directory
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}

extension Sandbox {
    /// A province CA in `ca/` and an officer key and certificate chain for commune 17986.
    public func officer(_ name: String = "officer", type: String = "ed25519", commune: String = "17986", validFrom: String? = nil,
                 days: String = "730", file: StaticString = #filePath, line: UInt = #line) throws -> (key: String, cert: String) {
        if !FileManager.default.fileExists(atPath: path("ca/ca.pem")) {
            try ok("ca", "init", "--dir", "ca", "--name", "Nghệ An Province CA", "--province", "40", file: file, line: line)
        }
        try run(["keygen", "--out", "\(name).key", "--type", type, "--csr", "\(name).csr", "--officer", "Phạm Thị Lan"])
        var issue = ["ca", "issue", "--dir", "ca", "--csr", "\(name).csr", "--officer", "Phạm Thị Lan", "--commune", commune,
                     "--role", "civil-status officer", "--out", "\(name).pem", "--days", days]
        if let validFrom { issue += ["--valid-from", validFrom] }
        let issued = try run(issue)
        XCTAssertEqual(issued.status, 0, issued.stderr, file: file, line: line)
        return (path("\(name).key"), path("\(name).pem"))
    }

    public func registerBirth(_ declaration: [String: Any] = Declarations.birth()) throws -> String {
        try ok("register-birth", stdin: Declarations.text(declaration)).json()["id"] as! String
    }
}

public func b64url(_ text: String) -> Data {
    var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    while s.count % 4 != 0 { s += "=" }
    return Data(base64Encoded: s)!
}

extension Process {
    /// Runs a tool and returns its standard output; throws when it fails.
    public static func capture(_ tool: String, _ arguments: [String], stdin: Data? = nil) throws -> String {
        String(decoding: try captureData(tool, arguments, stdin: stdin), as: UTF8.self)
    }

    /// The tool's standard output as bytes, unrepaired.
    public static func captureData(_ tool: String, _ arguments: [String], stdin: Data? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "capture", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "\(tool) failed"])
        }
        return data
    }
}

