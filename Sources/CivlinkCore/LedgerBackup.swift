import Foundation

/// Online copies of a ledger. The copy is written next to the target and renamed into place only
/// when complete and checked, so a backup interrupted half way never looks like a good one.
public enum LedgerBackup {
    public static func copy(_ ledger: Ledger, to target: String) throws {
        if FileManager.default.fileExists(atPath: target) {
            throw LedgerError("backup target \(target) exists already; remove it or name another", exitCode: .cantCreate)
        }
        let partial = target + ".partial-\(getpid())"
        let fd = open(partial, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw LedgerError("cannot create backup \(target): \(String(cString: strerror(errno)))", exitCode: .cantCreate)
        }
        close(fd)
        do {
            try ledger.database.backup(to: partial)
            let copy = try SQLiteDatabase(path: partial)
            let check = try copy.scalar("PRAGMA integrity_check").string
            guard check == "ok" else { throw LedgerError("backup copy failed its integrity check", exitCode: .ioError) }
            try copy.execute("PRAGMA journal_mode = DELETE")
        } catch {
            unlink(partial)
            throw error
        }
        guard rename(partial, target) == 0 else {
            unlink(partial)
            throw LedgerError("cannot move backup into place at \(target): \(String(cString: strerror(errno)))", exitCode: .cantCreate)
        }
    }
}
