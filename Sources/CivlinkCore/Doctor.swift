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
    public static func examine(_ ledger: Ledger, now: Timestamp, environment: [String: String]) -> [DoctorFinding] {
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
            let stuck = try ledger.database.scalar("SELECT count(*) FROM procedures WHERE state = 'stuck'").int ?? 0
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
}
