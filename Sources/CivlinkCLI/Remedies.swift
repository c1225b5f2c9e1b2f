import CivlinkCore

/// The command to run for each remedy the core names.
enum Remedies {
    /// What to append to an error message so the reader knows what to do.
    static func hint(_ remedy: Remedy) -> Phrase? {
        switch remedy {
        case .createLedger: return "; create one with 'civlink init' or name it with --ledger or CIVLINK_LEDGER"
        case .makePrivate: return "; run chmod 600 on it"
        case .replaceExisting: return "; name another file, or add --force to replace it"
        case .signCopy(let dossier): return "; sign it with 'civlink sign \(dossier)'"
        case .importCA: return "; record the province CA with 'civlink ca import CA.pem' (or 'civlink ca init')"
        case .useTrainingLedger: return "; unset CIVLINK_NOW, or practise on a ledger made with 'civlink init --training'"
        case .runAudit: return "; run 'civlink audit verify'"
        default: return nil
        }
    }

    /// What the doctor prints as the fix of a finding.
    static func fix(_ remedy: Remedy) -> Phrase {
        switch remedy {
        case .createLedger: return "civlink init"
        case .signCopy(let dossier): return "civlink sign \(dossier) --key KEY --cert CERT"
        case .migrateSchema: return "open the ledger read-write once with this civlink to migrate it"
        case .checkLedgerPath: return "check the ledger path and permissions"
        case .restoreBackup: return "restore the last backup (civlink backup) and replay what came after it"
        case .auditAndCompareWithBackup: return "the ledger was changed outside civlink; run civlink audit verify and compare with the last backup"
        case .runAudit: return "civlink audit verify"
        case .addAgency: return "civlink agency add CODE --spool DIR (or --url URL)"
        case .fixAgency(let code, let transport): return "civlink agency check \(code); fix the \(transport) target"
        case .checkPath: return "check the path"
        case .makePrivate(let path): return "chmod 600 \(path)"
        case .replaceExisting(let path): return "remove \(path), name another file, or add --force"
        case .retryStuck: return "civlink status --list --state stuck, fix the cause, then retry them"
        case .listOverdue: return "civlink status --list --overdue"
        case .unsetFixedClock: return "unset CIVLINK_NOW outside training and tests"
        case .setSystemClock: return "set the system clock (NTP) before registering anything"
        case .installSQLite: return "install a libsqlite3 built with SQLITE_ENABLE_PREUPDATE_HOOK (Debian's is)"
        case .restoreLedgerKey(let path): return "restore \(path) from the backup of the ledger key (mode 0600)"
        case .importCA: return "civlink ca import CA.pem"
        case .useTrainingLedger: return "unset CIVLINK_NOW, or use a ledger made with civlink init --training"
        }
    }
}
