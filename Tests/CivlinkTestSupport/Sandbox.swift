import Foundation
import XCTest

/// What one run of the real `civlink` binary produced.
public struct RunResult {
    public let status: Int32
    public let stdout: String
    public let stderr: String
    public var stdoutData: Data { Data(stdout.utf8) }

    /// Standard output parsed as one JSON object.
    public func json(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: stdoutData)
        guard let dictionary = object as? [String: Any] else {
            XCTFail("stdout is not a JSON object: \(stdout)", file: file, line: line)
            return [:]
        }
        return dictionary
    }

    /// Standard output parsed as JSON Lines.
    public func jsonLines() throws -> [[String: Any]] {
        try stdout.split(separator: "\n").map {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any]
        }
    }
}

/// A scratch directory with its own ledger, and a way to run civlink in it.
public final class Sandbox: @unchecked Sendable {
    public let directory: URL
    public var environment: [String: String]

    public static var binary: URL {
        if let override = ProcessInfo.processInfo.environment["CIVLINK_BIN"] { return URL(fileURLWithPath: override) }
        // The test bundle sits next to the products SwiftPM built.
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("civlink")
    }

    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var fixtures: URL { repositoryRoot.appendingPathComponent("Tests/Fixtures") }

    public init(now: String = "2026-11-20T09:30:00+07:00") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("civlink-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": directory.path,
            "CIVLINK_LEDGER": directory.appendingPathComponent("civlink.db").path,
            "CIVLINK_NOW": now,
            "CIVLINK_ACTOR": "officer-test",
            "LANG": "C.UTF-8",
        ]
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    public var ledgerPath: String { environment["CIVLINK_LEDGER"]! }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    public func write(_ name: String, _ text: String) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Writes a secret (a token) readable by its owner only.
    public func writePrivate(_ name: String, _ text: String) throws -> String {
        let path = try write(name, text)
        guard chmod(path, 0o600) == 0 else { throw NSError(domain: "chmod \(path)", code: Int(errno)) }
        return path
    }

    /// Moves the clock of the following runs (CIVLINK_NOW) on by `minutes`.
    public func advance(minutes: Int) {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        let now = formatter.date(from: environment["CIVLINK_NOW"]!)!
        environment["CIVLINK_NOW"] = formatter.string(from: now.addingTimeInterval(Double(minutes * 60)))
    }

    @discardableResult
    public func run(_ arguments: [String], stdin: Data? = nil, environment extra: [String: String] = [:], executable: String? = nil) throws -> RunResult {
        let process = Process()
        process.executableURL = executable.map { URL(fileURLWithPath: $0) } ?? Sandbox.binary
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment.merging(extra) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        // Read both pipes while the child runs so a large output cannot fill a pipe and block it.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()
        return RunResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Starts civlink in the background (for tests that kill it or run something beside it);
    /// standard error is discarded, standard output goes to `output` or is discarded.
    public func start(_ arguments: [String], output: FileHandle? = nil) throws -> Process {
        let process = Process()
        process.executableURL = Sandbox.binary
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        process.standardOutput = output ?? FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @discardableResult
    public func run(_ arguments: String..., stdin: String? = nil) throws -> RunResult {
        try run(arguments, stdin: stdin.map { Data($0.utf8) })
    }

    /// Runs and fails the test unless civlink exited 0.
    @discardableResult
    public func ok(_ arguments: String..., stdin: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let result = try run(arguments, stdin: stdin.map { Data($0.utf8) })
        XCTAssertEqual(result.status, 0, "civlink \(arguments.joined(separator: " ")) failed: \(result.stderr)", file: file, line: line)
        return result
    }

    /// `ok` with the arguments as an array.
    @discardableResult
    public func ok(_ arguments: [String], stdin: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> RunResult {
        let result = try run(arguments, stdin: stdin.map { Data($0.utf8) })
        XCTAssertEqual(result.status, 0, "civlink \(arguments.joined(separator: " ")) failed: \(result.stderr)", file: file, line: line)
        return result
    }

    public func ledgerBytes() throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: ledgerPath))
        for suffix in ["-wal"] where FileManager.default.fileExists(atPath: ledgerPath + suffix) {
            data.append(try Data(contentsOf: URL(fileURLWithPath: ledgerPath + suffix)))
        }
        return data
    }
}

/// Declarations the tests start from; each test changes what it needs.
public enum Declarations {
    public static func birth(childName: String = "Nguyễn Thị Ánh", motherID: String = "040195000123", certificate: String = "GCS-2026-001",
                      born: String = "2026-11-15") -> [String: Any] {
        [
            "province": "40", "commune": "17986",
            "child": ["full_name": childName, "sex": "female", "date_of_birth": born,
                      "place_of_birth": "Bệnh viện Sản Nhi Nghệ An", "ethnicity": "Kinh", "nationality": "Việt Nam"],
            "medical_birth_certificate": ["number": certificate, "issuer": "Bệnh viện Sản Nhi Nghệ An"],
            "mother": ["full_name": "Trần Thị Bình", "date_of_birth": "1995-03-02", "personal_id": motherID],
            "father": ["full_name": "Nguyễn Văn Cường", "date_of_birth": "1993-07-09", "personal_id": "040093000456"],
            "declarant": ["full_name": "Nguyễn Văn Cường", "relationship": "father", "personal_id": "040093000456"],
            "residence_registration": ["address": "Khối 13, phường Quang Trung, Vinh"],
            "health_insurance": ["facility": "Trạm y tế phường Quang Trung"],
        ]
    }

    public static func death(personalID: String = "040058000789", compulsoryMonths: Int = 0, pensioner: Bool = true) -> [String: Any] {
        [
            "province": "40", "commune": "17986",
            "deceased": ["full_name": "Lê Văn Dũng", "sex": "male", "date_of_birth": "1958-01-20", "personal_id": personalID],
            "death": ["date": "2026-11-18", "time": "14:20", "place": "Bệnh viện Đa khoa Nghệ An", "cause": "bệnh"],
            "death_notice": ["number": "GBT-2026-77", "issuer": "Bệnh viện Đa khoa Nghệ An"],
            "declarant": ["full_name": "Lê Thị Hoa", "relationship": "daughter", "personal_id": "040185000321"],
            "entitlement": ["social_insurance_code": "4012345678", "pensioner": pensioner, "compulsory_months": compulsoryMonths],
            "beneficiary": ["full_name": "Lê Thị Hoa", "relationship": "daughter", "payment": "bank", "account": "0123456789"],
        ]
    }

    public static func text(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

/// Sets a value at a dotted path of a declaration (nil removes it).
public func setting(_ object: [String: Any], _ path: String, _ value: Any?) -> [String: Any] {
    var copy = object
    let keys = path.split(separator: ".").map(String.init)
    if keys.count == 1 {
        copy[keys[0]] = value
        return copy
    }
    let inner = copy[keys[0]] as? [String: Any] ?? [:]
    copy[keys[0]] = setting(inner, keys.dropFirst().joined(separator: "."), value)
    return copy
}

// MARK: - Agencies, simulated

extension Sandbox {
    /// Registers a declaration as if at `at` (CIVLINK_NOW) and returns the dossier id.
    public func register(_ group: String, _ declaration: [String: Any], at: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try run(["register-\(group)"], stdin: Data(Declarations.text(declaration).utf8), environment: ["CIVLINK_NOW": at])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        return try result.json(file: file, line: line)["id"] as? String ?? ""
    }
}

/// Runs python3 with a script and arguments; returns stdout, fails the test on a non-zero exit.
public func python(_ script: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, String(decoding: errors, as: UTF8.self), file: file, line: line)
    return String(decoding: data, as: UTF8.self)
}

extension Sandbox {
    /// Signs the dossier's certificate copy with `civlink sign`, as an officer of commune 17986
    /// (the CA and key are made on first use).
    public func signCopy(_ id: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let key = path("officer.key"), cert = path("officer.pem")
        if !FileManager.default.fileExists(atPath: cert) {
            _ = try officer(file: file, line: line)
        }
        try ok("sign", id, "--key", key, "--cert", cert, file: file, line: line)
    }
}
