import FoundationEssentials

/// `civlink.proof/1` (civlink-log(5)): a dossier's events with their RFC 9162 inclusion proofs in
/// the tree of a signed checkpoint, for checking offline that they are in the ledger's log:
///
///     {"format":"civlink.proof/1","dossier":"B26-...","checkpoint":"<signed note>","log_key":"<verifier key>",
///      "tree_size":1234,"events":[{"leaf_index":0,"event_hash":"<hex>","inclusion_path":["<hex>",...],
///                                  "event":{"actor":...,"at":...,"detail":...,"dossier":...,"kind":...,"prev":...,"procedure":...,"seq":1}}]}
///
/// An event's leaf data is its hash, the SHA-256 of the event's RFC 8785 form; the leaf hash is
/// SHA-256(0x00 || event hash); leaf i is event i + 1. `log_key` is the key the ledger records,
/// for information: a verifier trusts the key it got from the commune, not the one in the file.
public struct ProofDocument: Sendable {
    public static let format = "civlink.proof/1"

    public struct Entry: Sendable {
        public let event: JSON
        public let leafIndex: UInt64
        public let path: [MerkleHash]
    }

    public let dossier: String
    public let note: String
    public let logKey: String
    public let entries: [Entry]

    public init(dossier: String, note: String, logKey: String, entries: [Entry]) {
        self.dossier = dossier
        self.note = note
        self.logKey = logKey
        self.entries = entries
    }

    /// The hash of an event as the chain and the tree have it: SHA-256 of its canonical form.
    public static func eventHash(_ event: JSON) -> MerkleHash {
        MerkleHash(bytes: [UInt8](Digest.sha256(event.bytes(sortKeys: true))))!
    }

    public var json: JSON {
        let size = (try? CheckpointEnvelope(note: note)).map { Int($0.checkpoint.size) }
        return .object([
            ("format", .string(ProofDocument.format)), ("dossier", .string(dossier)), ("checkpoint", .string(note)), ("log_key", .string(logKey)),
            ("tree_size", size.map { .int($0) } ?? .null),
            ("events", .array(entries.map { entry in
                .object([("leaf_index", .int(Int(entry.leafIndex))), ("event_hash", .string(ProofDocument.eventHash(entry.event).hex)),
                         ("inclusion_path", .array(entry.path.map { .string($0.hex) })), ("event", entry.event)])
            })),
        ])
    }

    public static func parse(_ data: Data) throws -> ProofDocument {
        let object = try JSONReader.parse(data)
        guard object["format"]?.stringValue == format, let dossier = object["dossier"]?.stringValue, let note = object["checkpoint"]?.stringValue,
              let events = object["events"]?.arrayValue else {
            throw ValidationError("format", "must be \(format) with a dossier, a checkpoint and events")
        }
        let entries = try events.enumerated().map { n, item -> Entry in
            guard let event = item["event"], event.objectValue != nil, let index = item["leaf_index"]?.intValue, index >= 0,
                  let path = item["inclusion_path"]?.arrayValue else {
                throw ValidationError("events[\(n)]", "must have an event, its leaf_index and its inclusion_path")
            }
            return Entry(event: event, leafIndex: UInt64(index), path: try path.map { value in
                guard let hash = value.stringValue.flatMap({ MerkleHash(hex: $0) }) else {
                    throw ValidationError("events[\(n)].inclusion_path", "must be hashes of 64 hexadecimal digits")
                }
                return hash
            })
        }
        return ProofDocument(dossier: dossier, note: note, logKey: object["log_key"]?.stringValue ?? "", entries: entries)
    }

    /// What checking a proof established.
    public struct Verified: Sendable {
        public let checkpoint: Checkpoint
        public let cosigners: [String]
    }

    /// Checks the checkpoint's signature with `logKey` (and the cosignature of every witness of
    /// `witnessKeys`) and every event's inclusion in its tree; throws the first problem.
    public func verify(logKey: String, witnessKeys: [String] = []) throws -> Verified {
        let log = try Ed25519NoteVerifier(verifierKey: logKey)
        let witnesses = try witnessKeys.map { try CosignatureV1Verifier(verifierKey: $0) }
        let verified = try Checkpoint.verify(Array(note.utf8), log: log, witnesses: witnesses, quorum: witnesses.count)
        let checkpoint = verified.checkpoint
        let hasher = MerkleHasher()
        for entry in entries {
            guard let seq = entry.event["seq"]?.intValue, seq >= 1, UInt64(seq - 1) == entry.leafIndex,
                  entry.event["dossier"]?.stringValue == dossier else {
                throw ValidationError("events", "event at leaf \(entry.leafIndex) is not an event of dossier \(dossier) at that place")
            }
            let proof = InclusionProof(leafIndex: entry.leafIndex, treeSize: checkpoint.size, path: entry.path)
            try proof.verify(leafHash: hasher.leafHash(ProofDocument.eventHash(entry.event).bytes), root: checkpoint.rootHash, hasher: hasher)
        }
        return Verified(checkpoint: checkpoint, cosigners: verified.cosignatures.map(\.name))
    }

    /// The event that recorded the signature with this SHA-256 (the certificate copy's).
    public func signingEvent(signatureSHA256: String) -> JSON? {
        entries.map(\.event).first { $0["detail"]?["signed_copy"]?["signature_sha256"]?.stringValue == signatureSHA256 }
    }
}
