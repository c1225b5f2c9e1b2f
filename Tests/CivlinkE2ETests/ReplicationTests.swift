import CivlinkTestSupport
import Foundation
import XCTest

/// Several commune ledgers on one machine replicated into a province ledger with `civlink
/// export` and `civlink import` (civlink-export(5)).
final class ReplicationTests: XCTestCase {
    /// Two communes, each with its ledger, and a province.
    private func communes() throws -> Sandbox {
        let box = try Sandbox()
        try box.ok("init", "--ledger", box.path("a.db"), "--province", "40", "--commune", "17986")
        try box.ok("init", "--ledger", box.path("b.db"), "--province", "40", "--commune", "17987")
        try box.ok("init", "--ledger", box.path("province.db"), "--province", "40")
        return box
    }

    private func register(_ box: Sandbox, _ ledger: String, commune: String, _ children: [(name: String, mother: String, certificate: String)]) throws -> [String] {
        try children.map { child in
            var declaration = Declarations.birth(childName: child.name, motherID: child.mother, certificate: child.certificate)
            declaration["commune"] = commune
            let result = try box.run(["register-birth", "--ledger", box.path(ledger), "-"], stdin: Data(Declarations.text(declaration).utf8))
            XCTAssertEqual(result.status, 0, result.stderr)
            return try result.json()["id"] as? String ?? ""
        }
    }

    /// What a province ledger holds of its replicas and cursors, to compare.
    private func dump(_ box: Sandbox, _ ledger: String) throws -> String {
        try Process.capture("/usr/bin/sqlite3", [box.path(ledger), """
            SELECT * FROM dossiers ORDER BY id; SELECT * FROM procedures ORDER BY dossier_id, code;
            SELECT * FROM search_keys ORDER BY key, dossier_id, role; SELECT source, seq, hash, border FROM replica_sources ORDER BY source;
            SELECT dossier_id, source, other_dossier, other_source FROM replica_findings ORDER BY dossier_id;
            """])
    }

    private func events(_ box: Sandbox, _ ledger: String) throws -> String {
        try Process.capture("/usr/bin/sqlite3", [box.path(ledger), "SELECT count(*), max(seq) FROM events; SELECT count(*) FROM replica_sources;"])
    }

    func testCommunesReplicateIntoTheProvinceWhichSeesThemAllAndTheirDuplicates() throws {
        let box = try communes()
        let a = try register(box, "a.db", commune: "17986", [("Nguyễn Thị Ánh", "040195000123", "GCS-A-1"), ("Lê Văn Bình", "040195000124", "GCS-A-2")])
        // The same child declared in the second commune too: the same duplicate key.
        let b = try register(box, "b.db", commune: "17987", [("Nguyễn Thị Ánh", "040195000123", "GCS-A-1"), ("Trần Văn Cao", "040195000125", "GCS-B-2")])
        try box.ok("export", "--ledger", box.path("a.db"), "--out", box.path("a1.jsonl"))
        let exported = try box.ok("export", "--ledger", box.path("b.db"))
        XCTAssertTrue(exported.stderr.contains("next cursor"), exported.stderr)
        let key = try box.ok("audit", "key", "--ledger", box.path("a.db"), "--format", "json").json()["verifier_key"] as? String ?? ""
        XCTAssertFalse(key.isEmpty)

        let first = try box.ok("import", box.path("a1.jsonl"), "--ledger", box.path("province.db"), "--log-key", key)
        XCTAssertTrue(first.stdout.contains("key given"), first.stdout)
        XCTAssertEqual(first.stderr, "")
        let second = try box.run(["import", "-", "--ledger", box.path("province.db")], stdin: Data(exported.stdout.utf8))
        XCTAssertEqual(second.status, 0, second.stderr)
        XCTAssertTrue(second.stdout.contains("trusted on first use"), second.stdout)
        // The duplicate across communes is reported, not refused, and listed for both communes.
        XCTAssertTrue(second.stderr.contains("duplicate across communes: dossier \(b[0])"), second.stderr)
        XCTAssertTrue(second.stderr.contains(a[0]), second.stderr)
        let findings = try box.run(["import", "--findings", "--ledger", box.path("province.db"), "--format", "json"]).jsonLines()
        XCTAssertEqual(Set(findings.map { $0["dossier"] as? String ?? "" }), [a[0], b[0]])
        XCTAssertEqual(findings.first?["format"] as? String, "civlink.replica-finding/1")

        // status, find and report over the province ledger see every commune's records.
        let listed = try box.ok("status", "--list", "--ledger", box.path("province.db"), "--format", "json").jsonLines()
        XCTAssertEqual(Set(listed.map { $0["id"] as? String ?? "" }), Set(a + b))
        XCTAssertEqual(try box.ok("status", b[1], "--ledger", box.path("province.db"), "--format", "json").json()["commune"] as? String, "17987")
        let found = try box.ok("find", "040195000123", "--ledger", box.path("province.db"), "--format", "json").jsonLines()
        XCTAssertEqual(Set(found.map { $0["id"] as? String ?? "" }), [a[0], b[0]])
        let report = try box.ok("report", "--by", "commune", "--ledger", box.path("province.db"), "--format", "json").stdout
        XCTAssertTrue(report.contains("17986") && report.contains("17987"), report)
        let sources = try box.ok("import", "--sources", "--ledger", box.path("province.db"), "--format", "json").jsonLines()
        XCTAssertEqual(sources.map { $0["dossiers"] as? Int ?? 0 }, [2, 2])

        // An increment from the cursor; the same input twice changes nothing.
        let cursor = try Process.capture("/usr/bin/sqlite3", [box.path("a.db"), "SELECT max(seq) FROM events"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let more = try register(box, "a.db", commune: "17986", [("Phạm Thị Dung", "040195000126", "GCS-A-3")])
        try box.ok("export", "--ledger", box.path("a.db"), "--since", cursor, "--out", box.path("a2.jsonl"))
        try box.ok("import", box.path("a2.jsonl"), "--ledger", box.path("province.db"))
        XCTAssertEqual(try box.ok("status", more[0], "--ledger", box.path("province.db"), "--format", "json").json()["id"] as? String, more[0])
        let before = try dump(box, "province.db"), eventsBefore = try events(box, "province.db")
        for file in ["a1.jsonl", "a2.jsonl"] {
            let again = try box.ok("import", box.path(file), "--ledger", box.path("province.db"))
            XCTAssertTrue(again.stdout.contains("imported 0 events and 0 rows"), again.stdout)
        }
        let both = try String(contentsOfFile: box.path("a1.jsonl"), encoding: .utf8) + String(contentsOfFile: box.path("a2.jsonl"), encoding: .utf8)
        XCTAssertEqual(try box.run(["import", "-", "--ledger", box.path("province.db")], stdin: Data(both.utf8)).status, 0)
        XCTAssertEqual(try dump(box, "province.db"), before)
        XCTAssertEqual(try events(box, "province.db"), eventsBefore)

        // A change to a commune's record reaches the province; the province's log covers its replica.
        try box.ok("cancel", more[0], "--ledger", box.path("a.db"), "--reason", "test")
        let cursor2 = try Process.capture("/usr/bin/sqlite3", [box.path("province.db"), "SELECT seq FROM replica_sources WHERE source LIKE '%17986%'"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let delta = try box.ok("export", "--ledger", box.path("a.db"), "--since", cursor2)
        try box.ok(["import", "-", "--ledger", box.path("province.db")], stdin: delta.stdout)
        XCTAssertEqual(try box.ok("status", more[0], "--ledger", box.path("province.db"), "--format", "json").json()["state"] as? String, "cancelled")
        try box.ok("audit", "verify", "--ledger", box.path("province.db"))
        // Each commune's ledger stays the single writer of its records.
        for words in [["cancel", a[1], "--reason", "test"]] {
            let refused = try box.run(words + ["--ledger", box.path("province.db")])
            XCTAssertEqual(refused.status, 65, "\(words): \(refused.stderr)")
            XCTAssertTrue(refused.stderr.contains("is a replica of civlink/40/17986/"), refused.stderr)
        }
        // The province sends nothing of the communes' procedures to the agencies.
        try box.ok("agency", "add", "population", "--spool", box.path("spool/population"), "--ledger", box.path("province.db"))
        let plan = try box.run(["transfer", "--dry-run", "--ledger", box.path("province.db"), "--format", "json"])
        XCTAssertFalse(plan.stdout.contains(a[0]), plan.stdout)
    }

    /// Rewrites an export's lines with a Python function (each line parsed as JSON, None drops it).
    private func rewrite(_ box: Sandbox, _ input: String, _ output: String, _ body: String) throws {
        _ = try python("""
            import json, sys, hashlib
            lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
            def canon(o): return json.dumps(o, sort_keys=True, separators=(',', ':'), ensure_ascii=False)
            def rehash(lines):
                prev = None
                for l in lines:
                    if 'event' in l:
                        if prev is not None: l['event']['prev'] = prev
                        l['hash'] = hashlib.sha256(canon(l['event']).encode()).hexdigest()
                        prev = l['hash']
            \(body)
            open(sys.argv[2], 'w').write(''.join(canon(l) + '\\n' for l in lines if l is not None))
            """, [box.path(input), box.path(output)])
    }

    func testForgedReorderedTruncatedGappedAndForkedExportsAreRefusedWithNothingWritten() throws {
        let box = try communes()
        _ = try register(box, "a.db", commune: "17986", [("Nguyễn Thị Ánh", "040195000123", "GCS-A-1")])
        try box.ok("export", "--ledger", box.path("a.db"), "--out", box.path("a1.jsonl"))
        try box.ok("import", box.path("a1.jsonl"), "--ledger", box.path("province.db"))
        let cursor = try Process.capture("/usr/bin/sqlite3", [box.path("a.db"), "SELECT max(seq) FROM events"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try FileManager.default.copyItem(atPath: box.path("a.db"), toPath: box.path("fork.db"))
        try FileManager.default.copyItem(atPath: box.path("a.db.key"), toPath: box.path("fork.db.key"))
        _ = try register(box, "a.db", commune: "17986", [("Lê Văn Bình", "040195000124", "GCS-A-2"), ("Lê Văn Cường", "040195000127", "GCS-A-4")])
        try box.ok("export", "--ledger", box.path("a.db"), "--since", cursor, "--out", box.path("a2.jsonl"))
        let later = try Process.capture("/usr/bin/sqlite3", [box.path("a.db"), "SELECT max(seq) FROM events"]).trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try register(box, "a.db", commune: "17986", [("Phạm Thị Dung", "040195000126", "GCS-A-3")])
        try box.ok("export", "--ledger", box.path("a.db"), "--since", String(Int(later)! + 1), "--out", box.path("a3.jsonl"))
        // The fork: the same ledger copied, going on with other records, further than the original.
        _ = try register(box, "fork.db", commune: "17986", [("Võ Thị Em", "040195000128", "GCS-F-1"), ("Võ Thị Giang", "040195000129", "GCS-F-2"),
                                                           ("Võ Văn Hà", "040195000130", "GCS-F-3")])
        try box.ok("import", box.path("a2.jsonl"), "--ledger", box.path("province.db"))
        try box.ok("export", "--ledger", box.path("fork.db"), "--since", "0", "--out", box.path("fork.jsonl"))
        let pristine = try dump(box, "province.db"), pristineEvents = try events(box, "province.db")

        try box.ok("register-birth", "--ledger", box.path("a.db"), examples("birth-late.json"))
        try box.ok("export", "--ledger", box.path("a.db"), "--since", later, "--out", box.path("a4.jsonl"))
        try rewrite(box, "a4.jsonl", "value.jsonl", """
            rows = [l for l in lines if 'row' in l and l['values']]
            rows[0]['values']['state'] = 'cancelled'
            """)
        try rewrite(box, "a4.jsonl", "rechained.jsonl", """
            for l in lines:
                if 'row' in l and l['row'] == 'dossiers' and l['values']: l['values']['commune'] = '17987'
            import re
            for l in lines:
                if 'event' in l and l['event']['kind'] == 'rows':
                    pass
            rehash(lines)
            """)
        try rewrite(box, "a4.jsonl", "reordered.jsonl", """
            ev = [i for i, l in enumerate(lines) if 'event' in l]
            lines[ev[0]], lines[ev[1]] = lines[ev[1]], lines[ev[0]]
            """)
        try rewrite(box, "a4.jsonl", "no-checkpoint.jsonl", "lines[-1] = None")
        try rewrite(box, "a4.jsonl", "no-row.jsonl", "lines[[i for i, l in enumerate(lines) if 'row' in l][0]] = None")
        try rewrite(box, "a4.jsonl", "event-edited.jsonl", "[l for l in lines if 'event' in l][0]['event']['actor'] = 'someone'")
        try rewrite(box, "a4.jsonl", "resigned.jsonl", """
            [l for l in lines if 'event' in l][-1]['event']['actor'] = 'someone'
            rehash(lines)
            """)
        try rewrite(box, "a4.jsonl", "other-key.jsonl", "lines[0]['key'] = lines[0]['key'][:-4] + 'AAA='")
        let half = try String(contentsOfFile: box.path("a4.jsonl"), encoding: .utf8)
        _ = try box.write("cut.jsonl", String(half.prefix(half.count / 2)))
        let cases: [(String, String)] = [
            ("value.jsonl", "forged"), ("rechained.jsonl", "forged"), ("reordered.jsonl", "reordered"), ("no-checkpoint.jsonl", "truncated"),
            ("no-row.jsonl", "truncated"), ("event-edited.jsonl", "forged"), ("resigned.jsonl", "forged"), ("other-key.jsonl", "key"),
            ("cut.jsonl", "nothing imported"), ("a3.jsonl", "missing"), ("fork.jsonl", "fork"),
        ]
        for (file, word) in cases {
            let result = try box.run(["import", box.path(file), "--ledger", box.path("province.db")])
            XCTAssertEqual(result.status, 65, "\(file): \(result.stdout) \(result.stderr)")
            print("\(file): \(result.stderr)")
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, "\(file): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains(word), "\(file): \(result.stderr)")
            if file != "cut.jsonl" && file != "other-key.jsonl" {
                XCTAssertTrue(result.stderr.contains("source civlink/40/17986/") && result.stderr.contains("event "), "\(file): \(result.stderr)")
            }
            XCTAssertEqual(try dump(box, "province.db"), pristine, file)
            XCTAssertEqual(try events(box, "province.db"), pristineEvents, file)
        }
        // The export as it was is taken.
        try box.ok("import", box.path("a4.jsonl"), "--ledger", box.path("province.db"))
    }

    private func examples(_ name: String) -> String { Sandbox.repositoryRoot.appendingPathComponent("examples/\(name)").path }

    func testAnImportKilledAndResumedLosesAndDoublesNothing() throws {
        let box = try communes()
        let count = 400
        let lines = (0..<count).map { i in
            Declarations.text(Declarations.birth(childName: "Con \(i)", motherID: String(format: "040195%06d", i), certificate: "K\(i)"))
        }
        let batch = try box.write("births.jsonl", lines.joined(separator: "\n") + "\n")
        try box.ok("register-birth", "--batch", batch, "--ledger", box.path("a.db"))
        for id in try box.ok("status", "--list", "--ledger", box.path("a.db"), "--format", "json").jsonLines().prefix(40).map({ $0["id"] as? String ?? "" }) {
            try box.ok("cancel", id, "--ledger", box.path("a.db"), "--reason", "test")
        }
        try box.ok("export", "--ledger", box.path("a.db"), "--out", box.path("a.jsonl"))
        try box.ok("import", box.path("a.jsonl"), "--ledger", box.path("province.db"))
        let reference = try dump(box, "province.db")

        try box.ok("init", "--ledger", box.path("killed.db"))
        var killedAt: [String] = []
        for _ in 0..<3 {
            var environment = box.environment
            environment["CIVLINK_IMPORT_CHUNK"] = "3"
            let process = Process()
            process.executableURL = Sandbox.binary
            process.arguments = ["import", box.path("a.jsonl"), "--ledger", box.path("killed.db")]
            process.environment = environment
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(60)
            // Killed once it has committed a few chunks past where the last run stopped.
            let start = Int(killedAt.last ?? "") ?? 0
            var seq = ""
            while Date() < deadline, process.isRunning {
                seq = (try? Process.capture("/usr/bin/sqlite3", [box.path("killed.db"), "SELECT seq FROM replica_sources"]))?
                    .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                if let n = Int(seq), n >= start + 40 { break }
                usleep(2000)
            }
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            killedAt.append(seq)
        }
        print("import killed at events \(killedAt)")
        XCTAssertTrue(killedAt.contains { Int($0) ?? 0 > 0 }, "no chunk was committed before the kill: \(killedAt)")
        try box.ok("import", box.path("a.jsonl"), "--ledger", box.path("killed.db"))
        XCTAssertEqual(try dump(box, "killed.db"), reference)
        try box.ok("audit", "verify", "--ledger", box.path("killed.db"))
        let listed = try box.ok("status", "--list", "--ledger", box.path("killed.db"), "--format", "json").jsonLines()
        XCTAssertEqual(listed.count, count)
    }

    /// National statistics: provinces' unsuppressed JSON reports merged give, figure for figure and
    /// byte for byte, the report of one ledger holding every commune.
    func testMergedProvinceReportsAreTheReportOfOneLedgerHoldingEverything() throws {
        let box = try communes()
        try box.ok("init", "--ledger", box.path("c.db"), "--province", "01", "--commune", "00004")
        try box.ok("init", "--ledger", box.path("hanoi.db"), "--province", "01")
        try box.ok("init", "--ledger", box.path("nation.db"))
        _ = try register(box, "a.db", commune: "17986", [("Nguyễn Thị Ánh", "040195000123", "GCS-A-1"), ("Lê Văn Bình", "040195000124", "GCS-A-2"),
                                                         ("Lê Văn Cao", "040195000131", "GCS-A-5")])
        _ = try register(box, "b.db", commune: "17987", [("Trần Văn Cao", "040195000125", "GCS-B-2")])
        for (n, mother) in ["001195000123", "001195000124"].enumerated() {
            var declaration = Declarations.birth(childName: "Hà Nội \(n)", motherID: mother, certificate: "GCS-C-\(n)", born: n == 0 ? "2026-11-15" : "2026-08-01")
            declaration["province"] = "01"
            declaration["commune"] = "00004"
            try box.ok(["register-birth", "--ledger", box.path("c.db"), "-"], stdin: Declarations.text(declaration))
        }
        // Answers from an agency, some minutes later, so timings have figures.
        for ledger in ["a.db", "c.db"] {
            try box.ok("agency", "add", "population", "--spool", box.path("spool-\(ledger)"), "--ledger", box.path(ledger))
            try box.ok("transfer", "--ledger", box.path(ledger))
            box.advance(minutes: ledger == "a.db" ? 90 : 25)
            try box.ok("agency", "simulate", "--spool", box.path("spool-\(ledger)"))
            try box.ok("transfer", "--ledger", box.path(ledger))
        }
        for (commune, provinces) in [("a", ["province.db", "nation.db"]), ("b", ["province.db", "nation.db"]), ("c", ["hanoi.db", "nation.db"])] {
            try box.ok("export", "--ledger", box.path("\(commune).db"), "--out", box.path("\(commune).jsonl"))
            for province in provinces { try box.ok("import", box.path("\(commune).jsonl"), "--ledger", box.path(province)) }
        }
        let period = ["--from", "2026-11-01", "--to", "2026-11-30"]
        for by in ["system", "commune,system", "group,month", "province", "procedure", "province,commune,group"] {
            let reports = try ["province.db", "hanoi.db"].map { ledger -> String in
                let json = try box.ok(["report", "--by", by, "--format", "json", "--ledger", box.path(ledger)] + period).stdout
                return try box.write("\(ledger)-\(by).json", json)
            }
            for format in ["json", "csv", "table"] {
                let merged = try box.ok(["report", "--merge"] + reports + ["--format", format]).stdout
                let national = try box.ok(["report", "--by", by, "--format", format, "--ledger", box.path("nation.db")] + period).stdout
                XCTAssertEqual(merged, national, "--by \(by) --format \(format)")
            }
            let merged = try box.ok(["report", "--merge"] + reports + ["--format", "json", "--suppress-below", "3"]).stdout
            let national = try box.ok(["report", "--by", by, "--format", "json", "--suppress-below", "3", "--ledger", box.path("nation.db")] + period).stdout
            XCTAssertEqual(merged, national, "--by \(by) --suppress-below 3")
        }
        let json = try box.ok(["report", "--format", "json", "--ledger", box.path("nation.db")] + period).json()
        let timings = json["timings"] as? [[String: Any]] ?? []
        XCTAssertTrue(timings.contains { ($0["count"] as? Int ?? 0) >= 2 }, "no timing to merge: \(timings)")

        // Suppressed inputs cannot be added up; reports of other periods or groupings do not add.
        let suppressed = try box.write("suppressed.json", try box.ok("report", "--format", "json", "--suppress-below", "3", "--ledger", box.path("province.db")).stdout)
        let plain = try box.write("plain.json", try box.ok(["report", "--format", "json", "--ledger", box.path("hanoi.db")] + period).stdout)
        let other = try box.write("other.json", try box.ok("report", "--format", "json", "--by", "commune", "--ledger", box.path("hanoi.db")).stdout)
        for (files, word) in [([suppressed, plain], "suppressed"), ([plain, other], "another period")] {
            let result = try box.run(["report", "--merge"] + files)
            XCTAssertEqual(result.status, 65, result.stderr)
            XCTAssertTrue(result.stderr.contains(word), result.stderr)
        }
    }

    /// `transfer` ships the increments to the province agency's spool; the province's cron imports
    /// what waits there, in order, and a refused export stays for a person without holding up the
    /// others.
    func testTransferShipsExportsThroughTheProvinceSpoolAndTheProvinceImportsThem() throws {
        let box = try communes()
        for commune in ["a", "b"] {
            try box.ok("agency", "add", "province", "--spool", box.path("spool-\(commune)"), "--ledger", box.path("\(commune).db"))
        }
        let a = try register(box, "a.db", commune: "17986", [("Nguyễn Thị Ánh", "040195000123", "GCS-A-1")])
        let b = try register(box, "b.db", commune: "17987", [("Trần Văn Cao", "040195000125", "GCS-B-2")])
        for commune in ["a", "b"] {
            let run = try box.ok("transfer", "--ledger", box.path("\(commune).db"))
            XCTAssertTrue(run.stdout.contains("events exported to the province"), run.stdout)
        }
        // Nothing new: nothing shipped again.
        let quiet = try box.ok("transfer", "--ledger", box.path("a.db"), "--format", "json").json()
        XCTAssertEqual(quiet["exported"] as? Int, 0)
        let more = try register(box, "a.db", commune: "17986", [("Lê Văn Bình", "040195000124", "GCS-A-2")])
        try box.ok("transfer", "--ledger", box.path("a.db"))
        let exports = try FileManager.default.contentsOfDirectory(atPath: box.path("spool-a/outbox")).filter { $0.hasPrefix("export-") }.sorted()
        XCTAssertEqual(exports.count, 2, "\(exports)")

        // The cron line of the province, for each commune's spool.
        for commune in ["a", "b"] { try box.ok("import", "--spool", box.path("spool-\(commune)"), "--ledger", box.path("province.db")) }
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: box.path("spool-a/outbox")).filter { $0.hasPrefix("export-") }.isEmpty)
        let listed = try box.ok("status", "--list", "--ledger", box.path("province.db"), "--format", "json").jsonLines()
        XCTAssertEqual(Set(listed.map { $0["id"] as? String ?? "" }), Set(a + b + more))
        // The witness still finds its checkpoints in the same spool.
        try box.ok("audit", "witness", "--key", box.path("witness.key"), "--state", box.path("witness.json"), "--new-key", "province-40-witness")
        let key = try box.ok("audit", "key", "--ledger", box.path("a.db"), "--format", "json").json()["verifier_key"] as? String ?? ""
        try box.ok("audit", "witness", "--key", box.path("witness.key"), "--state", box.path("witness.json"), "--spool", box.path("spool-a"), "--log-key", key)

        // A forged export in one spool is refused and kept; the other commune's goes in.
        _ = try register(box, "a.db", commune: "17986", [("Phạm Thị Dung", "040195000126", "GCS-A-3")])
        _ = try register(box, "b.db", commune: "17987", [("Trần Văn Đức", "040195000127", "GCS-B-3")])
        for commune in ["a", "b"] { try box.ok("transfer", "--ledger", box.path("\(commune).db")) }
        let forged = try FileManager.default.contentsOfDirectory(atPath: box.path("spool-a/outbox")).filter { $0.hasPrefix("export-") }[0]
        let path = box.path("spool-a/outbox/\(forged)")
        try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(of: "Phạm", with: "Pham").write(toFile: path, atomically: true, encoding: .utf8)
        let refused = try box.run(["import", "--spool", box.path("spool-a"), "--ledger", box.path("province.db")])
        XCTAssertEqual(refused.status, 65, refused.stderr)
        XCTAssertTrue(refused.stderr.contains(forged) && refused.stderr.contains("forged"), refused.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: path))
        try box.ok("import", "--spool", box.path("spool-b"), "--ledger", box.path("province.db"))
        XCTAssertEqual(try box.ok("import", "--sources", "--ledger", box.path("province.db"), "--format", "json").jsonLines().map { $0["dossiers"] as? Int ?? 0 },
                       [2, 2])
    }

    /// Over HTTPS with mutual TLS: the province's endpoint takes the exports (the test server
    /// keeps them as a spool would), and a killed import of them resumes.
    func testTransferShipsExportsOverHTTPSWithMutualTLS() throws {
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let box = try communes()
        try server.control(["drop": box.path("received")])
        let pki = TestPKI.shared
        let key = try box.writePrivate("client.key", try String(contentsOfFile: pki.path("client.key"), encoding: .utf8))
        try box.ok("agency", "add", "province", "--url", "\(server.url)/province", "--ca", pki.path("ca.pem"),
                   "--client-cert", pki.path("client.pem"), "--client-key", key, "--ledger", box.path("a.db"))
        let a = try register(box, "a.db", commune: "17986", [("Nguyễn Thị Ánh", "040195000123", "GCS-A-1"), ("Lê Văn Bình", "040195000124", "GCS-A-2")])
        let run = try box.ok("transfer", "--ledger", box.path("a.db"), "--format", "json").json()
        XCTAssertGreaterThan(run["exported"] as? Int ?? 0, 0, "\(run)")
        XCTAssertEqual(run["export_error"] as? String, nil)
        try box.ok("import", "--spool", box.path("received"), "--ledger", box.path("province.db"))
        let listed = try box.ok("status", "--list", "--ledger", box.path("province.db"), "--format", "json").jsonLines()
        XCTAssertEqual(Set(listed.map { $0["id"] as? String ?? "" }), Set(a))
        // Unreachable: the export waits for the next run, and nothing is lost.
        _ = try register(box, "a.db", commune: "17986", [("Phạm Thị Dung", "040195000126", "GCS-A-3")])
        try server.control(["fail": 2])
        let failed = try box.run(["transfer", "--ledger", box.path("a.db")])
        XCTAssertTrue(failed.stderr.contains("the export was not shipped to the province"), failed.stderr)
        try box.ok("transfer", "--ledger", box.path("a.db"))
        try box.ok("import", "--spool", box.path("received"), "--ledger", box.path("province.db"))
        XCTAssertEqual(try box.ok("status", "--list", "--ledger", box.path("province.db"), "--format", "json").jsonLines().count, 3)
    }
}
