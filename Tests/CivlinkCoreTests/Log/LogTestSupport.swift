import Foundation
import XCTest
import CivlinkTestSupport
@testable import CivlinkCore

/// SplitMix64: a small seeded generator, so that failures can be replayed with TLOG_TEST_SEED.
struct SeededGenerator: RandomNumberGenerator {
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

/// The seed of this run: TLOG_TEST_SEED if set, else random; printed so a failure can be replayed.
func testSeed(_ what: String) -> UInt64 {
    let seed: UInt64
    if let text = ProcessInfo.processInfo.environment["TLOG_TEST_SEED"], let value = UInt64(text) {
        seed = value
    } else {
        seed = UInt64.random(in: 0...UInt64.max)
    }
    print("\(what): seed \(seed) (replay with TLOG_TEST_SEED=\(seed))")
    return seed
}

/// Leaf data the tests generate, mirrored by rfc9162.py's `generated_leaf`: UTF-8 "<seed>/<i>".
func generatedLeaf(seed: String, _ i: Int) -> [UInt8] {
    Array("\(seed)/\(i)".utf8)
}

func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8)
    return stride(from: 0, to: digits.count, by: 2).map { i in
        UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16)!
    }
}

func hash(_ hex: String) -> MerkleHash { MerkleHash(hex: hex)! }

/// RFC 9162 2.1 definitions, recursive over the leaf hashes, as a reference for the stored tree.
enum Reference {
    static func k(_ n: Int) -> Int {
        var k = 1
        while k * 2 < n { k *= 2 }
        return k
    }

    static func mth(_ d: ArraySlice<MerkleHash>, _ h: MerkleHasher) -> MerkleHash {
        if d.isEmpty { return MerkleHasher.emptyRoot }
        if d.count == 1 { return d[d.startIndex] }
        let split = d.startIndex + k(d.count)
        return h.nodeHash(mth(d[..<split], h), mth(d[split...], h))
    }

    /// PATH(m, D[n]).
    static func path(_ m: Int, _ d: ArraySlice<MerkleHash>, _ h: MerkleHasher) -> [MerkleHash] {
        if d.count <= 1 { return [] }
        let kk = k(d.count), split = d.startIndex + kk
        if m < kk { return path(m, d[..<split], h) + [mth(d[split...], h)] }
        return path(m - kk, d[split...], h) + [mth(d[..<split], h)]
    }

    /// SUBPROOF(m, D[n], b).
    static func subproof(_ m: Int, _ d: ArraySlice<MerkleHash>, _ b: Bool, _ h: MerkleHasher) -> [MerkleHash] {
        if m == d.count { return b ? [] : [mth(d, h)] }
        let kk = k(d.count), split = d.startIndex + kk
        if m <= kk { return subproof(m, d[..<split], b, h) + [mth(d[split...], h)] }
        return subproof(m - kk, d[split...], false, h) + [mth(d[..<split], h)]
    }
}

/// Runs Tests/Fixtures/rfc9162.py with `arguments`, returning its standard output.
func runPythonVerifier(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> Data {
    let fixtures = Sandbox.fixtures
    let script = fixtures.appendingPathComponent("rfc9162.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + arguments
    let output = Pipe(), errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    // Read before waiting: the output of many cases exceeds a pipe buffer.
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        XCTFail("rfc9162.py \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                + String(decoding: errorData, as: UTF8.self), file: file, line: line)
        throw CocoaError(.fileReadUnknown)
    }
    return data
}

extension MerkleHash {
    /// The same hash with one bit flipped in byte `index`.
    func flipped(byte index: Int = 0) -> MerkleHash {
        var b = bytes
        b[index] ^= 0x10
        return MerkleHash(bytes: b)!
    }
}
