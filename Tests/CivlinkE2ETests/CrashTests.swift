import Foundation
import CivlinkTestSupport
import XCTest

/// kill -9 in the middle of a batch loses nothing that was printed and duplicates nothing on rerun.
final class CrashTests: XCTestCase {
    func testKilledBatchRerunsToExactlyOneDossierPerDeclaration() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let count = 6000
        let lines = (0..<count).map { i in
            Declarations.text(Declarations.birth(childName: "Con \(i)", motherID: String(format: "040195%06d", i), certificate: "K\(i)"))
        }
        let input = try box.write("births.jsonl", lines.joined(separator: "\n") + "\n")
        let printed = box.path("printed.jsonl")

        for trial in 0..<3 {
            FileManager.default.createFile(atPath: printed, contents: nil)
            let out = try FileHandle(forWritingTo: URL(fileURLWithPath: printed))
            let process = try box.start(["register-birth", "--batch", input], output: out)
            // Wait until some dossiers are out (a commit happened), then kill at once.
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: printed)[.size] as? Int) ?? 0) ?? 0 < 1000 * (trial + 1),
                  process.isRunning {
                usleep(2000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            try out.close()
            // Everything printed was committed.
            let printedIDs = try String(contentsOfFile: printed, encoding: .utf8).split(separator: "\n").compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
            }.map { $0["id"] as! String }
            for id in printedIDs.prefix(20) {
                XCTAssertEqual(try box.run("status", id).status, 0, "printed dossier \(id) is not in the ledger")
            }
        }
        // The rerun registers what is missing and refuses the rest as duplicates.
        let rerun = try box.run(["register-birth", "--batch", input])
        XCTAssertTrue([0, 65].contains(rerun.status), rerun.stderr)
        XCTAssertFalse(rerun.stderr.contains("internal error"), rerun.stderr)
        let listed = try box.ok("status", "--list", "--format", "json").jsonLines()
        XCTAssertEqual(listed.count, count)
        let integrity = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "PRAGMA integrity_check; SELECT count(*) FROM procedures; SELECT count(DISTINCT dossier_id) FROM events WHERE dossier_id != '';"])
        XCTAssertEqual(integrity, "ok\n\(count * 5)\n\(count)\n")
    }
}
