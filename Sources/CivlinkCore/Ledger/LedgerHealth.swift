/// What the doctor asks of the ledger file itself.
extension Ledger {
    /// SQLite's integrity check: `["ok"]` or the first problems it found.
    public func integrityCheck() throws -> [String] {
        try database.query("PRAGMA integrity_check").map { $0.values.first?.string ?? "" }
    }
}
