
/// One entry of a dossier's history. Its hash covers the canonical form of every field and the
/// previous event's hash, so editing, deleting, inserting or reordering events breaks the chain.
public struct LedgerEvent: Sendable {
    public let seq: Int64
    public let dossier: String
    public let at: Timestamp
    public let actor: String
    public let kind: String
    public let procedure: String?
    public let detail: JSON
    public let previousHash: String

    public init(seq: Int64, dossier: String, at: Timestamp, actor: String, kind: String, procedure: String?, detail: JSON, previousHash: String) {
        self.seq = seq
        self.dossier = dossier
        self.at = at
        self.actor = actor
        self.kind = kind
        self.procedure = procedure
        self.detail = detail
        self.previousHash = previousHash
    }

    init(row: Row) throws {
        seq = row["seq"].int64 ?? 0
        dossier = row.string("dossier_id")
        at = Timestamp(seconds: row["at"].int64 ?? 0)
        actor = row.string("actor")
        kind = row.string("kind")
        procedure = row["procedure"].string
        detail = try JSONReader.parse(row["detail"].string ?? "null")
        previousHash = row.string("prev_hash")
    }

    /// The bytes the hash covers.
    public var canonicalBody: JSON {
        .object([
            ("seq", .int(Int(seq))), ("dossier", .string(dossier)), ("at", .int(Int(at.seconds))), ("actor", .string(actor)),
            ("kind", .string(kind)), ("procedure", .optional(procedure)), ("detail", detail), ("prev", .string(previousHash)),
        ])
    }

    public var hash: String { Digest.sha256(canonicalBody.bytes(sortKeys: true)).hexString }

    public var json: JSON {
        .object([
            ("seq", .int(Int(seq))), ("at", .string(at.description)), ("actor", .string(actor)), ("event", .string(kind)),
            ("procedure", .optional(procedure)), ("detail", detail),
        ])
    }
}
