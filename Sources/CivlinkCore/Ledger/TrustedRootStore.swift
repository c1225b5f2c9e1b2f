import FoundationEssentials

/// The CA roots this ledger trusts for signing: recorded when a CA is made here (`ca init`) or
/// imported (`ca import`). `sign` refuses an officer chain that does not lead to one of them.
extension Ledger {
    /// Records self-signed CA certificates as trusted roots; returns how many were new.
    @discardableResult
    public func recordTrustedRoots(_ roots: [Certificate], now: Timestamp) throws -> Int {
        try write {
            var added = 0
            for root in roots {
                guard root.isCA, root.isSelfSigned else {
                    throw Failure(.invalidInput, "\(root.subjectName) is not a self-signed CA certificate: only roots are trusted")
                }
                try database.run("""
                    INSERT INTO trusted_roots(fingerprint, subject, not_after, pem, recorded_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """, [.text(root.fingerprint), .text(root.subjectName), .integer(root.notAfter.seconds), .text(root.pem), .integer(now.seconds)])
                added += database.changes
            }
            return added
        }
    }

    /// The roots signing trusts.
    public func trustedRoots() throws -> [Certificate] {
        try database.query("SELECT pem FROM trusted_roots ORDER BY recorded_at, fingerprint").flatMap {
            try Certificate.loadChain(pem: Data($0.string("pem").utf8), source: "the ledger's trusted roots")
        }
    }
}
