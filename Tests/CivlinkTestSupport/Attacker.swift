import Foundation
import CivlinkCore
import XCTest

/// Runs Tests/Fixtures/attacker.py (an independent solver in Python with fractions) on published tables.
public enum Attacker {
    public struct Case {
        public let name: String
        public let problem: SuppressionProblem
        public let suppressed: [Bool]
        public init(name: String, problem: SuppressionProblem, suppressed: [Bool]) {
            self.name = name
            self.problem = problem
            self.suppressed = suppressed
        }
    }

    public struct Solved: Equatable {
        public let cell: Int, value: Int, attack: String
        public init(cell: Int, value: Int, attack: String) {
            self.cell = cell
            self.value = value
            self.attack = attack
        }
    }

    public static var script: URL { Sandbox.fixtures.appendingPathComponent("attacker.py") }

    /// Per case (same order), the cells the attacker solved.
    public static func run(_ cases: [Case], file: StaticString = #filePath, line: UInt = #line) throws -> [[Solved]] {
        let payload: [[String: Any]] = cases.map { c in
            [
                "name": c.name,
                "published": zip(c.problem.values, c.suppressed).map { $1 ? NSNull() : $0 as Any },
                "equations": c.problem.equations.map { $0.terms.map { [$0.cell, $0.coefficient] } },
                "inequalities": c.problem.inequalities.map { $0.terms.map { [$0.cell, $0.coefficient] } },
            ]
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("civlink-attack-\(ProcessInfo.processInfo.processIdentifier)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let input = dir.appendingPathComponent("cases-\(UInt64.random(in: 0...UInt64.max)).json")
        try JSONSerialization.data(withJSONObject: payload).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, input.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            XCTFail("attacker failed: \(String(decoding: errors, as: UTF8.self))", file: file, line: line)
            return cases.map { _ in [] }
        }
        let results = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return results.map { r in
            (r["solved"] as! [[Any]]).map { Solved(cell: $0[0] as! Int, value: ($0[1] as? Int) ?? -1, attack: $0[2] as! String) }
        }
    }
}
