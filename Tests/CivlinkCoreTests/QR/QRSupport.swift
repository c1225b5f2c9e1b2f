import Foundation
import XCTest

@testable import CivlinkCore

/// SplitMix64: a small, fast, seedable generator so every random corpus can be replayed.
struct QRSeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum QRTestSeed {
    /// QR_TEST_SEED in the environment replays or varies a run; the default keeps CI repeatable.
    static let value: UInt64 = {
        var seed: UInt64 = 20_260_501
        if let text = ProcessInfo.processInfo.environment["QR_TEST_SEED"], let given = UInt64(text) { seed = given }
        print("QR tests: seed \(seed) (QR_TEST_SEED=\(seed) replays)")
        return seed
    }()
}

/// QRPayload kinds the corpora mix.
enum QRPayload {
    static let vietnamese = "Giấy khai sinh — Nguyễn Thị Ánh, Nghệ An"

    static func ascii(_ count: Int, using rng: inout QRSeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0x20...0x7E, using: &rng) }
    }

    static func binary(_ count: Int, using rng: inout QRSeededGenerator) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
    }

    /// Vietnamese UTF-8 text of exactly `count` bytes: the sentence repeated, cut at a character
    /// boundary and made up to length with ASCII digits.
    static func utf8Text(_ count: Int) -> [UInt8] {
        var text: [UInt8] = []
        let sentence = Array((vietnamese + " · số 0123/2026 · ").utf8)
        while text.count < count { text += sentence }
        var end = count
        while end > 0 && end < text.count && text[end] & 0xC0 == 0x80 { end -= 1 }  // not inside a character
        return Array(text[0..<end]) + (end..<count).map { UInt8(ascii: "0") + UInt8($0 % 10) }
    }

    static func kind(_ n: Int, count: Int, using rng: inout QRSeededGenerator) -> (name: String, bytes: [UInt8]) {
        switch n % 3 {
        case 0: ("ascii", ascii(count, using: &rng))
        case 1: ("utf8", utf8Text(count))
        default: ("binary", binary(count, using: &rng))
        }
    }
}

/// Runs external tools (zbarimg, qrencode), at most two at a time: the machine has two cores.
enum QRTools {
    /// This process's scratch folder for images and tool input, made on first use.
    static var directory: URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qrcode-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func removeDirectory() { try? FileManager.default.removeItem(at: directory) }

    static func path(of tool: String) -> String? {
        for dir in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(tool)") {
            return "\(dir)/\(tool)"
        }
        return nil
    }

    /// Fails the test (does not skip it) when a tool is missing: the proof needs it.
    static func require(_ tool: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        guard let path = path(of: tool) else {
            XCTFail("\(tool) is not installed: apt-get install -y zbar-tools qrencode", file: file, line: line)
            throw XCTSkip("missing \(tool)")
        }
        return path
    }

    struct Result {
        let status: Int32
        let output: Data
    }

    /// Runs each argument list (the first element the executable), two at a time, capturing
    /// standard output; standard error is discarded.
    static func run(_ commands: [[String]]) throws -> [Result] {
        var results: [Result?] = Array(repeating: nil, count: commands.count)
        var index = 0
        while index < commands.count {
            let batch = index..<min(index + 2, commands.count)
            var running: [(Int, Process, URL)] = []
            for i in batch {
                let out = directory.appendingPathComponent("out-\(i)-\(UUID().uuidString)")
                _ = FileManager.default.createFile(atPath: out.path, contents: nil)
                let process = Process()
                process.executableURL = URL(fileURLWithPath: commands[i][0])
                process.arguments = Array(commands[i].dropFirst())
                process.standardOutput = try FileHandle(forWritingTo: out)
                process.standardError = FileHandle.nullDevice
                process.standardInput = FileHandle.nullDevice
                try process.run()
                running.append((i, process, out))
            }
            for (i, process, out) in running {
                process.waitUntilExit()
                results[i] = Result(status: process.terminationStatus, output: (try? Data(contentsOf: out)) ?? Data())
                try? FileManager.default.removeItem(at: out)
            }
            index = batch.upperBound
        }
        return results.map { $0! }
    }

    static func write(_ bytes: [UInt8], name: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// zbarimg's raw bytes for each image. `-Sbinary` turns off zbar's charset guessing (it would
    /// otherwise re-encode bytes it takes for Shift JIS or ISO 8859-1) and its trailing newline.
    static func zbarDecode(_ images: [URL]) throws -> [Result] {
        let zbar = try require("zbarimg")
        return try run(images.map { [zbar, "--nodbus", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", "-Sbinary", $0.path] })
    }

    /// libqrencode's matrix for `bytes` in 8-bit mode at `level`, version at least `version`.
    static func qrencodeMatrices(_ jobs: [(bytes: [UInt8], level: QRCode.ErrorCorrection, version: Int)]) throws -> [[[Bool]]?] {
        let qrencode = try require("qrencode")
        var commands: [[String]] = []
        for (i, job) in jobs.enumerated() {
            let input = try write(job.bytes, name: "qrencode-in-\(i)")
            commands.append([qrencode, "-8", "-l", job.level.description, "-v", String(job.version), "-m", "0",
                             "-t", "ASCII", "-o", "-", "-r", input.path])
        }
        return try run(commands).map { result in
            guard result.status == 0, let text = String(data: result.output, encoding: .utf8) else { return nil }
            let rows = text.split(separator: "\n").map { line in
                stride(from: 0, to: line.utf8.count, by: 2).map { line.utf8[line.utf8.index(line.utf8.startIndex, offsetBy: $0)] == UInt8(ascii: "#") }
            }
            return rows.isEmpty || rows.contains(where: { $0.count != rows.count }) ? nil : rows
        }
    }

    /// The level and mask written in a matrix's first format information copy.
    static func formatInformation(of rows: [[Bool]]) -> (level: QRCode.ErrorCorrection, mask: Int)? {
        var bits = 0
        for (i, place) in FormatInformation.positions(size: rows.count).enumerated() where rows[place.first.y][place.first.x] {
            bits |= 1 << i
        }
        return FormatInformation.decode(bits)
    }
}

extension QRCode {
    /// The symbol as text, one row a line, `#` dark: for failure messages.
    var asciiArt: String { rows.map { String($0.map { $0 ? "#" : "." }) }.joined(separator: "\n") }
}
