
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

    /// The canonical body (`canonicalBody` in RFC 8785 form), written from an event's stored
    /// fields with its detail spliced in as stored: the detail is stored in canonical form, so the
    /// bytes are those of `canonicalBody`, and an event read back is hashed without parsing it.
    static func canonicalBytes(seq: Int64, dossier: UnsafeRawBufferPointer, at: Int64, actor: UnsafeRawBufferPointer,
                               kind: UnsafeRawBufferPointer, procedure: UnsafeRawBufferPointer?, detail: UnsafeRawBufferPointer,
                               prev: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        out.append(contentsOf: #"{"actor":"#.utf8)
        JSON.writeString(bytes: actor, to: &out)
        out.append(contentsOf: #","at":"#.utf8)
        out.append(contentsOf: JSON.formatNumber(Double(at)).utf8)
        out.append(contentsOf: #","detail":"#.utf8)
        out.append(contentsOf: detail)
        out.append(contentsOf: #","dossier":"#.utf8)
        JSON.writeString(bytes: dossier, to: &out)
        out.append(contentsOf: #","kind":"#.utf8)
        JSON.writeString(bytes: kind, to: &out)
        out.append(contentsOf: #","prev":"#.utf8)
        JSON.writeString(bytes: prev, to: &out)
        out.append(contentsOf: #","procedure":"#.utf8)
        if let procedure { JSON.writeString(bytes: procedure, to: &out) } else { out.append(contentsOf: "null".utf8) }
        out.append(contentsOf: #","seq":"#.utf8)
        out.append(contentsOf: JSON.formatNumber(Double(seq)).utf8)
        out.append(UInt8(ascii: "}"))
    }

    static func canonicalBytes(seq: Int64, dossier: String, at: Int64, actor: String, kind: String, procedure: String?, detail: [UInt8],
                               prev: String, into out: inout [UInt8]) {
        var dossier = dossier, actor = actor, kind = kind, prev = prev, procedure = procedure
        dossier.withUTF8 { d in actor.withUTF8 { a in kind.withUTF8 { k in prev.withUTF8 { p in detail.withUnsafeBytes { detail in
            if procedure != nil {
                procedure!.withUTF8 { procedure in
                    canonicalBytes(seq: seq, dossier: UnsafeRawBufferPointer(d), at: at, actor: UnsafeRawBufferPointer(a), kind: UnsafeRawBufferPointer(k),
                                   procedure: UnsafeRawBufferPointer(procedure), detail: detail, prev: UnsafeRawBufferPointer(p), into: &out)
                }
            } else {
                canonicalBytes(seq: seq, dossier: UnsafeRawBufferPointer(d), at: at, actor: UnsafeRawBufferPointer(a), kind: UnsafeRawBufferPointer(k),
                               procedure: nil, detail: detail, prev: UnsafeRawBufferPointer(p), into: &out)
            }
        } } } } }
    }

    public var json: JSON {
        .object([
            ("seq", .int(Int(seq))), ("at", .string(at.description)), ("actor", .string(actor)), ("event", .string(kind)),
            ("procedure", .optional(procedure)), ("detail", detail),
        ])
    }
}

extension LedgerEvent {
    /// The kind of the ledger-level events that list row digests (civlink-log(5)).
    public static let rowsKind = "rows"
}
