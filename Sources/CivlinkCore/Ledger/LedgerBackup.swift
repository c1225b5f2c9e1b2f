import Glibc

/// Online copies of a ledger. The copy is written next to the target and renamed into place only
/// when complete and checked, so a backup interrupted half way never looks like a good one.
extension Ledger {
    /// Where a backup into `directory` goes: the ledger's name and the local date
    /// (`commune-2026-11-20.db`), with the time as well when that one exists already.
    public func backupPath(in directory: String, now: Timestamp) -> String {
        var stem = String(path.split(separator: "/").last ?? "civlink")
        if stem.hasSuffix(".db") { stem.removeLast(3) }
        let base = (directory.hasSuffix("/") ? directory : directory + "/") + stem + "-" + now.localDate.description
        if !Files.exists(base + ".db") { return base + ".db" }
        let s = now.localSecondsOfDay
        return base + "-" + pad(s / 3600, 2) + pad(s / 60 % 60, 2) + pad(s % 60, 2) + ".db"
    }

    /// Copies the ledger to `target`, which must not exist; returns the number of dossiers copied.
    @discardableResult
    public func backup(to target: String) throws -> Int {
        if target.hasSuffix("/") || Files.isDirectory(target) {
            throw Failure(.cannotCreate, "backup target \(target) is a directory; name a file in it")
        }
        if Files.exists(target) {
            throw Failure(.cannotCreate, "backup target \(target) exists already; remove it or name another")
        }
        let partial = target + ".partial-\(getpid())"
        let fd = open(partial, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(.cannotCreate, "cannot create backup \(target): \(Files.reason())") }
        close(fd)
        let dossiers: Int
        do {
            try database.backup(to: partial)
            let copy = try SQLiteDatabase(path: partial)
            guard try copy.scalar("PRAGMA integrity_check").string == "ok" else {
                throw Failure(.io, "backup copy failed its integrity check")
            }
            dossiers = try copy.scalar("SELECT count(*) FROM dossiers").int ?? 0
            try copy.execute("PRAGMA journal_mode = DELETE")
        } catch {
            unlink(partial)
            throw error
        }
        guard rename(partial, target) == 0 else {
            let why = Files.reason()
            unlink(partial)
            throw Failure(.cannotCreate, "cannot move backup into place at \(target): \(why)")
        }
        return dossiers
    }
}
