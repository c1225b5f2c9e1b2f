/// The tables whose every row change is recorded in the event log (civlink-log(5)): each write
/// transaction appends a `rows` event listing the digest of every row it inserted or updated, and
/// a tombstone for every row it deleted, so `civlink audit verify` finds any row edited, deleted or
/// inserted outside civlink. A table added to the schema is covered by one line here; its columns
/// and primary key are read from the schema.
///
/// Not covered: the event log itself (`events`, hash-chained), the Merkle tree over it
/// (`log_nodes`, recomputed from the events by the audit), the checkpoints issued
/// (`log_checkpoints`, signed and checked against the tree), the search index (`search_keys`,
/// worked out again from the dossiers by the audit: `auditSearchIndex`), and how far `transfer`
/// shipped the ledger's export to the province (`replica_shipped`: a wrong value only sends again
/// what the province holds, which it skips, or leaves a gap, which it refuses; recording it must
/// not itself make an event, which the next run would ship).
enum CoveredTables {
    static let all: [CoveredTable] = [
        CoveredTable("dossiers", dossier: .column("id")),
        CoveredTable("procedures", dossier: .column("dossier_id")),
        CoveredTable("signed_copies", dossier: .column("dossier_id")),
        CoveredTable("jws_headers"),
        CoveredTable("messages", dossier: .column("dossier_id")),
        CoveredTable("receipts", dossier: .message("message_id")),
        CoveredTable("quarantine"),
        CoveredTable("officers", personalKey: true),
        CoveredTable("certificates"),
        CoveredTable("certificate_revocations"),
        CoveredTable("trusted_roots"),
        CoveredTable("agencies"),
        // A province's replicas (civlink-export(5)): where each source's import stands, and the
        // duplicates found across communes.
        CoveredTable("replica_sources"),
        CoveredTable("replica_findings", dossier: .column("dossier_id")),
        // The chain head changes with every transaction and is checked against the chain itself.
        CoveredTable("settings", except: [AuditChain.headSetting]),
    ]
}

/// One covered table: its name, where a row names its dossier (so findings can say which
/// dossier), primary-key values left out (a settings row that is checked another way), and
/// whether its key holds personal data (an officer's name), which findings then do not show.
struct CoveredTable: Sendable {
    enum DossierColumn: Sendable {
        case none
        /// The column holds the dossier id.
        case column(String)
        /// The column holds a message id, `<dossier>.<procedure>.<n>`.
        case message(String)
    }

    let name: String
    let dossier: DossierColumn
    let except: Set<String>
    let personalKey: Bool

    init(_ name: String, dossier: DossierColumn = .none, except: Set<String> = [], personalKey: Bool = false) {
        self.name = name
        self.dossier = dossier
        self.except = except
        self.personalKey = personalKey
    }
}
