import Foundation
import CivlinkTestSupport
import XCTest

/// The reliability suite at CI size: 30 kill -9 trials over register, sign and transfer, eight
/// concurrent registering processes while transfers run, recovery, and a personal-data sweep.
/// `reliability/run.sh --trials 200` is the soak size.
final class ReliabilityTests: XCTestCase {
    func testReliabilitySuiteAtCISize() throws {
        let box = try Sandbox()
        let script = Sandbox.repositoryRoot.appendingPathComponent("reliability/run.sh").path
        let result = try box.run([script, "--trials", "30", "--declarations", "150"],
                                 environment: ["CIVLINK": Sandbox.binary.path, "RELIABILITY_DIR": box.path("work")],
                                 executable: "/bin/bash")
        // The seed is the first line of standard error: a failure message carries it for a replay.
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("reliability: ok (30 trials)"), result.stdout + result.stderr)
    }
}
