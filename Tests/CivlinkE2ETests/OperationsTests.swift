import Foundation
import CivlinkTestSupport
import XCTest

final class OperationsTests: XCTestCase {
    func testBackupWhileAnotherProcessRegisters() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let lines = (0..<2000).map { i in
            Declarations.text(Declarations.birth(childName: "Con \(i)", motherID: String(format: "040195%06d", i), certificate: "BK\(i)"))
        }
        let input = try box.write("births.jsonl", lines.joined(separator: "\n"))
        let writer = try box.start(["register-birth", "--batch", input])
        let backup = box.path("copy.db")
        let result = try box.run("backup", backup, "--format", "json")
        writer.waitUntilExit()
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(writer.terminationStatus, 0)
        let copied = try result.json()["dossiers"] as! Int
        XCTAssertEqual(try Process.capture("/usr/bin/sqlite3", [backup, "PRAGMA integrity_check;"]), "ok\n")
        // The copy is a ledger in its own right, with every procedure of every dossier it holds.
        let listed = try box.run(["status", "--list", "--format", "json", "--ledger", backup])
        XCTAssertEqual(try listed.jsonLines().count, copied)
        XCTAssertEqual(try Process.capture("/usr/bin/sqlite3", [backup, "SELECT count(*) FROM procedures;"]), "\(copied * 5)\n")
        let mode = try FileManager.default.attributesOfItem(atPath: backup)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)
        XCTAssertEqual(try box.run("backup", backup).status, 73)
    }

    func testMakeInstallAndUninstallIntoATemporaryPrefix() throws {
        let box = try Sandbox()
        let prefix = box.path("prefix")
        let make = try box.run(["-C", Sandbox.repositoryRoot.path, "install", "PREFIX=\(prefix)", "BIN=\(Sandbox.binary.path)"], executable: "/usr/bin/make")
        XCTAssertEqual(make.status, 0, make.stderr)
        let installed = try box.run(["--version"], executable: prefix + "/bin/civlink")
        XCTAssertTrue(installed.stdout.hasPrefix("civlink "), installed.stdout)
        for file in ["share/bash-completion/completions/civlink", "share/zsh/site-functions/_civlink", "share/fish/vendor_completions.d/civlink.fish",
                     "share/man/man5/civlink-dossier.5"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: prefix + "/" + file), file)
        }
        let pages = try FileManager.default.contentsOfDirectory(atPath: prefix + "/share/man/man1")
        XCTAssertGreaterThanOrEqual(pages.count, 5)
        for page in pages {
            let rendered = try box.run(["-Tutf8", prefix + "/share/man/man1/" + page], executable: "/usr/bin/mandoc")
            XCTAssertEqual(rendered.status, 0, page)
            // mandoc marks bold as character, backspace, character.
            let plain = rendered.stdout.replacingOccurrences(of: ".\u{8}", with: "", options: .regularExpression)
            XCTAssertTrue(plain.contains("NAME"), page)
        }
        let man = try box.run(["-M", prefix + "/share/man", "-P", "cat", "civlink"], executable: "/usr/bin/man")
        XCTAssertTrue(man.stdout.replacingOccurrences(of: ".\u{8}", with: "", options: .regularExpression).contains("register-birth"), man.stderr)

        let staged = box.path("stage")
        let withDestdir = try box.run(["-C", Sandbox.repositoryRoot.path, "install", "PREFIX=/usr", "DESTDIR=\(staged)", "BIN=\(Sandbox.binary.path)"],
                                      executable: "/usr/bin/make")
        XCTAssertEqual(withDestdir.status, 0, withDestdir.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: staged + "/usr/bin/civlink"))

        let uninstall = try box.run(["-C", Sandbox.repositoryRoot.path, "uninstall", "PREFIX=\(prefix)"], executable: "/usr/bin/make")
        XCTAssertEqual(uninstall.status, 0, uninstall.stderr)
        let left = FileManager.default.enumerator(atPath: prefix)!.compactMap { $0 as? String }.filter {
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: prefix + "/" + $0, isDirectory: &isDirectory)
            return !isDirectory.boolValue
        }
        XCTAssertEqual(left, [], "files left after uninstall")
    }
}

/// `make install` builds and installs the release binary, which must run on a machine without the
/// Swift toolchain: the test hides the toolchain's directory in a private mount namespace and runs
/// the whole demo with the installed binary.
final class InstalledBinaryTests: XCTestCase {
    /// Where the toolchain that built the tests lives (/opt/swift for /opt/swift/usr/bin/swift).
    private func toolchainDirectory() throws -> String {
        let swift = try Process.capture("/bin/sh", ["-c", "readlink -f \"$(command -v swift)\""]).trimmingCharacters(in: .whitespacesAndNewlines)
        var url = URL(fileURLWithPath: swift)
        for _ in 0..<3 { url.deleteLastPathComponent() }   // .../usr/bin/swift -> ...
        return url.path
    }

    func testTheInstalledReleaseBinaryRunsTheDemoWithTheToolchainHidden() throws {
        try XCTSkipUnless(getuid() == 0, "hiding the toolchain needs a mount namespace (root)")
        let box = try Sandbox()
        let prefix = box.path("prefix")
        let make = try box.run(["-C", Sandbox.repositoryRoot.path, "install", "PREFIX=\(prefix)"], executable: "/usr/bin/make")
        XCTAssertEqual(make.status, 0, make.stderr)
        let binary = prefix + "/bin/civlink"
        let toolchain = try toolchainDirectory()
        XCTAssertTrue(FileManager.default.fileExists(atPath: toolchain + "/usr/bin/swift"), toolchain)

        // Only system libraries, none from the toolchain; OpenSSL is loaded when first needed.
        let ldd = try box.run([binary], executable: "/usr/bin/ldd")
        XCTAssertEqual(ldd.status, 0, ldd.stderr)
        let allowed = ["linux-vdso.so.1", "libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1", "libsqlite3.so.0",
                       "libssl.so.3", "libcrypto.so.3", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"]
        for line in ldd.stdout.split(separator: "\n") {
            let name = URL(fileURLWithPath: String(line.split(separator: " ")[0].trimmingCharacters(in: .whitespaces))).lastPathComponent
            XCTAssertTrue(allowed.contains(name), "unexpected run-time library: \(line)")
            XCTAssertFalse(line.contains(toolchain), "a library from the toolchain: \(line)")
        }
        let readelf = try Process.capture("/usr/bin/readelf", ["-d", binary])
        XCTAssertFalse(readelf.contains("RUNPATH") && readelf.contains(toolchain), "no run path into the toolchain")

        // The demo, with the toolchain's directory replaced by an empty one.
        let demo = Sandbox.repositoryRoot.appendingPathComponent("examples/demo.sh").path
        let script = """
            set -e
            mount -t tmpfs tmpfs "$1"
            if command -v swift >/dev/null 2>&1 || [ -e "$1/usr/bin/swift" ]; then echo "the toolchain is still visible" >&2; exit 99; fi
            mkdir -p "$3"
            CIVLINK="$2" DEMO_DIR="$3" exec "$4"
            """
        let run = try box.run(["-m", "/bin/sh", "-c", script, "sh", toolchain, binary, box.path("demo"), demo], executable: "/usr/bin/unshare")
        XCTAssertEqual(run.status, 0, run.stderr)
        XCTAssertTrue(run.stdout.contains("valid: birth-certificate-extract"), run.stdout)
        // The batch goes through the bulk writer (a producer thread and the ledger's writer),
        // which an optimised build once left silently empty.
        let batch = try String(contentsOfFile: Sandbox.repositoryRoot.appendingPathComponent("examples/births.jsonl").path, encoding: .utf8)
            .split(separator: "\n").count
        XCTAssertTrue(run.stdout.contains(", batch \(batch) dossiers"), run.stdout)
        let listed = try box.run(["status", "--list", "--format", "json", "--ledger", box.path("demo/civlink.db")], executable: binary)
        let dossiers = try listed.jsonLines()
        // The batch, the birth and the death at the desk, and the birth declared online.
        XCTAssertEqual(dossiers.count, batch + 3)
        XCTAssertTrue(run.stdout.contains("== needing a person"), run.stdout)
        // Every procedure got its result: the list of those needing a person is its header alone.
        let needing = (run.stdout.components(separatedBy: "== needing a person\n").last ?? "").components(separatedBy: "== this month's report").first ?? ""
        XCTAssertEqual(needing.split(separator: "\n").count, 1, needing)
    }
}

final class DoctorTests: XCTestCase {
    func testHealthyLedgerWarningsAndFailures() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let unconfigured = try box.run("doctor")
        XCTAssertEqual(unconfigured.status, 2)
        XCTAssertTrue(unconfigured.stderr.contains("first to fix: agencies: civlink agency add"), unconfigured.stderr)
        try box.ok("agency", "add", "population", "--spool", box.path("spool/population"))
        let key = try box.officer().key
        box.environment["CIVLINK_NOW"] = ""
        let healthy = try box.run("doctor", "--format", "json", "--key", key)
        XCTAssertEqual(healthy.status, 0, healthy.stdout + healthy.stderr)
        XCTAssertEqual(try healthy.jsonLines().map { $0["check"] as! String },
                       ["schema", "integrity", "history", "ledger key", "agency population", "key", "openssl", "stuck", "overdue", "clock"])
        XCTAssertEqual(Set(try healthy.jsonLines().map { $0["level"] as! String }), ["ok"])
        // The ledger key: readable by others, or gone.
        let ledgerKey = box.ledgerPath + ".key"
        chmod(ledgerKey, 0o644)
        XCTAssertTrue(try box.run("doctor").stderr.contains("first to fix: ledger key: chmod 600 \(ledgerKey)"))
        chmod(ledgerKey, 0o600)
        try FileManager.default.moveItem(atPath: ledgerKey, toPath: ledgerKey + ".aside")
        let lost = try box.run("doctor")
        XCTAssertEqual(lost.status, 1)
        XCTAssertTrue(lost.stderr.contains("first to fix: ledger key: restore"), lost.stderr)
        XCTAssertEqual(try box.run("audit", "checkpoint").status, 66)
        try FileManager.default.moveItem(atPath: ledgerKey + ".aside", toPath: ledgerKey)
        chmod(key, 0o644)
        let exposed = try box.run("doctor", "--key", key)
        XCTAssertEqual(exposed.status, 1)
        XCTAssertTrue(exposed.stderr.contains("first to fix: key: chmod 600"), exposed.stderr)
        chmod(key, 0o600)
        // A spool that cannot be created is refused when added, and a failure to fix when it
        // goes missing later.
        try "".write(toFile: box.path("blocker"), atomically: true, encoding: .utf8)
        let refused = try box.run("agency", "add", "residence", "--spool", box.path("blocker/residence"))
        XCTAssertEqual(refused.status, 73)
        XCTAssertTrue(refused.stderr.contains("cannot create directory"), refused.stderr)
        try box.ok("agency", "add", "residence", "--spool", box.path("gone/residence"))
        try FileManager.default.removeItem(atPath: box.path("gone"))
        try "".write(toFile: box.path("gone"), atomically: true, encoding: .utf8)
        let unreachable = try box.run("doctor")
        XCTAssertEqual(unreachable.status, 1)
        XCTAssertTrue(unreachable.stderr.contains("first to fix: agency residence"), unreachable.stderr)
        try box.ok("agency", "remove", "residence")

        // Registered long ago: its procedures are overdue now.
        box.environment["CIVLINK_NOW"] = "2024-03-01T09:00:00+07:00"
        try box.ok("register-birth", stdin: Declarations.text(setting(Declarations.birth(born: "2024-02-20"), "mother.date_of_birth", "1995-03-02")))
        box.environment["CIVLINK_NOW"] = ""
        let warned = try box.run("doctor")
        XCTAssertEqual(warned.status, 2, warned.stdout)
        XCTAssertTrue(warned.stderr.contains("first to fix: overdue: civlink status --list --overdue"), warned.stderr)

        // An event from the future: the clock went back.
        box.environment["CIVLINK_NOW"] = "2031-01-05T09:00:00+07:00"
        try box.ok("register-death", stdin: Declarations.text(setting(Declarations.death(), "death.date", "2031-01-01")))
        box.environment["CIVLINK_NOW"] = ""
        let failed = try box.run("doctor")
        XCTAssertEqual(failed.status, 1, failed.stdout)
        XCTAssertTrue(failed.stderr.contains("first to fix: clock: set the system clock"), failed.stderr)

        // An event edited by hand breaks the chain, and that comes first.
        _ = try Process.capture("/usr/bin/sqlite3", [box.ledgerPath, "UPDATE events SET actor = 'someone' WHERE seq = 1;"])
        let tampered = try box.run("doctor")
        XCTAssertEqual(tampered.status, 1)
        XCTAssertTrue(tampered.stderr.contains("first to fix: history"), tampered.stderr)
    }
}
