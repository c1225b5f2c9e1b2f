import COpenSSLLoader
/// Health checks for the support team: each says ok, warn or fail, and what to do about it.
public struct DoctorFinding: Sendable {
    public enum Level: String, Sendable { case ok, warn, fail }
    /// What was checked: `ledger`, `schema`, `integrity`, `history`, `agencies`, `agency CODE`,
    /// `token of CODE`, `client key of CODE`, `openssl`, `key`, `stuck`, `overdue`, `counts`, `clock`.
    public let check: String
    public let level: Level
    public let detail: Phrase
    public let remedy: Remedy?
}

public enum Doctor {
    /// Runs every check on `ledger`; never throws for what it finds, only reports it.
    public static func examine(_ ledger: Ledger, now: Timestamp, clockIsFixed: Bool, keyFiles: [String] = []) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        func add(_ check: String, _ level: DoctorFinding.Level, _ detail: Phrase, _ remedy: Remedy? = nil) {
            findings.append(DoctorFinding(check: check, level: level, detail: detail, remedy: remedy))
        }
        func describe(_ error: any Error) -> Phrase { (error as? CivlinkError)?.phrase ?? Phrase(verbatim: "\(error)") }
        do {
            let version = try ledger.schemaVersion
            let latest = Ledger.latestSchemaVersion
            add("schema", version == latest ? .ok : .fail, "schema version \(version) (this civlink: \(latest))",
                version == latest ? nil : .migrateSchema)
        } catch {
            add("schema", .fail, describe(error), .checkLedgerPath)
        }
        do {
            let result = try ledger.integrityCheck()
            if result == ["ok"] {
                add("integrity", .ok, "SQLite integrity check passed")
            } else {
                add("integrity", .fail, "SQLite integrity check: \(Phrase(verbatim: result.prefix(3).joined(separator: "; ")))", .restoreBackup)
            }
        } catch {
            add("integrity", .fail, describe(error), .restoreBackup)
        }
        do {
            let report = try Audit.verify(ledger)
            if let finding = report.finding {
                let more = report.findings.count + report.moreRowFindings - 1
                add("history", .fail, "\(finding.problem.rawValue): \(finding.detail)\(more > 0 ? " (and \(more) more)" as Phrase : "")",
                    .auditAndCompareWithBackup)
            } else {
                add("history", .ok, "hash chain, Merkle tree and \(report.rowsChecked) rows intact (\(report.events) events)")
            }
        } catch {
            add("history", .fail, describe(error), .runAudit)
        }
        if !SQLiteDatabase.hasPreupdateHook {
            add("sqlite", .fail, "this SQLite library has no preupdate hook: civlink cannot record row changes and refuses to write", .installSQLite)
        }
        do {
            let key = ledger.keyPath
            if (try? ledger.logIdentity()) != nil {
                if Files.exists(key) {
                    let check = privateFileCheck("ledger key", key)
                    if check.level != .ok {
                        findings.append(check)
                    } else if let problem = (try? ledger.logSigner()) == nil ? "\(key) is not the key this ledger records" as Phrase : nil {
                        add("ledger key", .fail, problem, .restoreLedgerKey(path: key))
                    } else {
                        findings.append(check)
                    }
                } else {
                    add("ledger key", .fail, "\(key) is missing: checkpoints cannot be signed", .restoreLedgerKey(path: key))
                }
            }
        }
        do {
            let agencies = try ledger.agencies()
            if agencies.isEmpty { add("agencies", .warn, "no receiving system configured", .addAgency) }
            for agency in agencies {
                let problem: Phrase?
                do { problem = try agency.transport().check() } catch { problem = describe(error) }
                if let problem {
                    add("agency \(agency.code)", .fail, problem, .fixAgency(code: agency.code, transport: agency.kind.rawValue))
                } else {
                    add("agency \(agency.code)", .ok, "\(agency.kind.rawValue) reachable")
                }
                if let token = agency.tokenFile { findings.append(privateFileCheck("token of \(agency.code)", token)) }
                if let key = agency.clientKey { findings.append(privateFileCheck("client key of \(agency.code)", key)) }
            }
        } catch {
            add("agencies", .fail, describe(error))
        }
        for key in keyFiles { findings.append(privateFileCheck("key", key)) }
        // Loaded on first use: signing, verifying, the audit chain and HTTPS need it.
        if let problem = civlink_openssl_load_error() {
            add("openssl", .fail, Phrase(verbatim: String(cString: problem)))
        } else {
            add("openssl", .ok, "OpenSSL 3 (libssl, libcrypto) loads")
        }
        do {
            let counts = try ledger.openProcedureCounts(today: now.localDate)
            add("stuck", counts.stuck == 0 ? .ok : .warn, "\(counts.stuck) procedure(s) stuck after the maximum delivery attempts",
                counts.stuck == 0 ? nil : .retryStuck)
            add("overdue", counts.overdue == 0 ? .ok : .warn, "\(counts.overdue) procedure(s) past their statutory deadline",
                counts.overdue == 0 ? nil : .listOverdue)
        } catch {
            add("counts", .fail, describe(error))
        }
        do {
            let latest = try ledger.latestEventTime()
            if clockIsFixed {
                add("clock", .warn, "CIVLINK_NOW fixes the clock at \(now)", .unsetFixedClock)
            } else if let latest, latest.seconds > now.seconds + 300 {
                add("clock", .fail, "the latest event is \(latest.seconds - now.seconds) s in the future: the clock went back", .setSystemClock)
            } else if now.localDate.year < 2023 {
                add("clock", .fail, "the clock says \(now)", .setSystemClock)
            } else {
                add("clock", .ok, "clock \(now), consistent with the ledger")
            }
        } catch {
            add("clock", .fail, describe(error))
        }
        return findings
    }

    /// The checks that need no ledger, when the ledger at `path` cannot be opened: the ledger
    /// itself fails with `error`, then the key files and the clock.
    public static func examine(unopened path: String, because error: any CivlinkError, now: Timestamp, clockIsFixed: Bool,
                               keyFiles: [String] = []) -> [DoctorFinding] {
        var findings = [DoctorFinding(check: "ledger", level: .fail, detail: error.phrase, remedy: error.remedy ?? .checkLedgerPath)]
        for key in keyFiles { findings.append(privateFileCheck("key", key)) }
        if clockIsFixed {
            findings.append(DoctorFinding(check: "clock", level: .warn, detail: "CIVLINK_NOW fixes the clock at \(now)", remedy: .unsetFixedClock))
        } else if now.localDate.year < 2023 {
            findings.append(DoctorFinding(check: "clock", level: .fail, detail: "the clock says \(now)", remedy: .setSystemClock))
        } else {
            findings.append(DoctorFinding(check: "clock", level: .ok, detail: "clock \(now)", remedy: nil))
        }
        return findings
    }

    /// Secrets must be readable by their owner only, as ssh insists for its keys.
    static func privateFileCheck(_ check: String, _ path: String) -> DoctorFinding {
        guard let mode = Files.mode(path) else {
            return DoctorFinding(check: check, level: .fail, detail: "\(path) cannot be read", remedy: .checkPath)
        }
        if mode & 0o077 != 0 {
            return DoctorFinding(check: check, level: .fail,
                                 detail: "\(path) is readable by group or others (mode \(String(mode & 0o777, radix: 8)))", remedy: .makePrivate(path: path))
        }
        return DoctorFinding(check: check, level: .ok, detail: "\(path) readable by its owner only", remedy: nil)
    }
}
