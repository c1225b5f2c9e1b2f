import Foundation

/// Health checks for the support team: each says ok, warn or fail, and what to do about it.
public struct DoctorFinding: Sendable {
    public enum Level: String, Sendable { case ok, warn, fail }
    public let check: String
    public let level: Level
    public let detail: String
    public let fix: String?

    public var json: JSON {
        .object([("check", .string(check)), ("level", .string(level.rawValue)), ("detail", .string(detail)), ("fix", .optional(fix))])
    }
}

public enum Doctor {
    /// Runs every check on `ledger`; never throws for what it finds, only reports it.
    public static func examine(_ ledger: Ledger, now: Timestamp, environment: [String: String], keyFiles: [String] = []) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        func add(_ check: String, _ level: DoctorFinding.Level, _ detail: String, _ fix: String? = nil) {
            findings.append(DoctorFinding(check: check, level: level, detail: detail, fix: fix))
        }
        do {
            let version = try ledger.schemaVersion
            add("schema", version == Migrations.latest ? .ok : .fail, "schema version \(version) (this civlink: \(Migrations.latest))",
                version == Migrations.latest ? nil : "open the ledger read-write once with this civlink to migrate it")
        } catch {
            add("schema", .fail, "\(error)", "check the ledger path and permissions")
        }
        do {
            let result = try ledger.database.query("PRAGMA integrity_check").map { $0.first?.string ?? "" }
            if result == ["ok"] {
                add("integrity", .ok, "SQLite integrity check passed")
            } else {
                add("integrity", .fail, "SQLite integrity check: \(result.prefix(3).joined(separator: "; "))",
                    "restore the last backup (civlink backup) and replay what came after it")
            }
        } catch {
            add("integrity", .fail, "\(error)", "restore the last backup")
        }
        do {
            let report = try AuditChain.verify(ledger)
            if let finding = report.finding {
                add("history", .fail, "event chain: \(finding.problem.rawValue) at event \(finding.seq): \(finding.detail)",
                    "the ledger was changed outside civlink; run civlink audit verify and compare with the last backup")
            } else {
                add("history", .ok, "event hash chain intact (\(report.events) events)")
            }
        } catch {
            add("history", .fail, "\(error)", "civlink audit verify")
        }
        do {
            let agencies = try ledger.agencies()
            if agencies.isEmpty {
                add("agencies", .warn, "no receiving system configured", "civlink agency add CODE --spool DIR (or --url URL)")
            }
            for agency in agencies {
                let problem: String?
                do { problem = try agency.transport().check() } catch { problem = "\(error)" }
                if let problem {
                    add("agency \(agency.code)", .fail, problem, "civlink agency check \(agency.code); fix the \(agency.kind.rawValue) target")
                } else {
                    add("agency \(agency.code)", .ok, "\(agency.kind.rawValue) reachable")
                }
                if let token = agency.tokenFile { keyCheck("token of \(agency.code)", token, &findings) }
            }
        } catch {
            add("agencies", .fail, "\(error)")
        }
        for key in keyFiles { keyCheck("key", key, &findings) }
        do {
            let stuck = try ledger.database.scalar("SELECT count(*) FROM procedures WHERE state = 'stuck' AND state NOT IN ('done', 'completed')").int ?? 0
            add("stuck", stuck == 0 ? .ok : .warn, "\(stuck) procedure(s) stuck after the maximum delivery attempts",
                stuck == 0 ? nil : "civlink status --list --state stuck, fix the cause, then retry them")
            let today = now.localDate.description
            let overdue = try ledger.database.scalar(
                "SELECT count(*) FROM procedures WHERE state NOT IN ('done', 'completed') AND deadline < ?", [.text(today)]).int ?? 0
            add("overdue", overdue == 0 ? .ok : .warn, "\(overdue) procedure(s) past their statutory deadline",
                overdue == 0 ? nil : "civlink status --list --overdue")
        } catch {
            add("counts", .fail, "\(error)")
        }
        do {
            let latest = try ledger.database.scalar("SELECT max(at) FROM events").int
            if environment["CIVLINK_NOW"].map({ !$0.isEmpty }) ?? false {
                add("clock", .warn, "CIVLINK_NOW fixes the clock at \(now)", "unset CIVLINK_NOW outside training and tests")
            } else if let latest, Int64(latest) > now.seconds + 300 {
                add("clock", .fail, "the latest event is \(Int64(latest) - now.seconds) s in the future: the clock went back",
                    "set the system clock (NTP) before registering anything")
            } else if now.localDate.year < 2023 {
                add("clock", .fail, "the clock says \(now)", "set the system clock (NTP)")
            } else {
                add("clock", .ok, "clock \(now), consistent with the ledger")
            }
        } catch {
            add("clock", .fail, "\(error)")
        }
        return findings
    }

    /// Secrets must be readable by their owner only, as ssh insists for its keys.
    static func keyCheck(_ check: String, _ path: String, _ findings: inout [DoctorFinding]) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            findings.append(DoctorFinding(check: check, level: .fail, detail: "\(path) cannot be read", fix: "check the path"))
            return
        }
        if info.st_mode & 0o077 != 0 {
            findings.append(DoctorFinding(check: check, level: .fail,
                                          detail: "\(path) is readable by group or others (mode \(String(info.st_mode & 0o777, radix: 8)))",
                                          fix: "chmod 600 \(path)"))
        } else {
            findings.append(DoctorFinding(check: check, level: .ok, detail: "\(path) readable by its owner only", fix: nil))
        }
    }
}
