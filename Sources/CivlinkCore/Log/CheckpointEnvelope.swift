import FoundationEssentials

/// A signed checkpoint as it travels between a commune's ledger and its witness (civlink-log(5)):
///
///     {"format":"civlink.checkpoint/1","origin":"civlink/40/17986/...","size":1234,
///      "checkpoint":"<the C2SP signed note>","proofs":[{"old_size":1000,"path":["<hex>",...]}]}
///
/// `proofs` are RFC 9162 consistency proofs from earlier sizes the witness may have seen (the last
/// checkpoint shipped, the last one it cosigned) to this one. A witness sends the same envelope
/// back with its cosignature added to the note and no proofs. A file holding just the signed
/// note is read as an envelope without proofs.
public struct CheckpointEnvelope: Sendable {
    public static let format = "civlink.checkpoint/1"

    public let note: String
    public let checkpoint: Checkpoint
    public let proofs: [ConsistencyProof]

    public init(note: String, proofs: [ConsistencyProof] = []) throws {
        self.note = note
        self.checkpoint = try Checkpoint(text: try SignedNote.parse(Array(note.utf8)).text)
        self.proofs = proofs
    }

    public var json: JSON {
        .object([
            ("format", .string(CheckpointEnvelope.format)), ("origin", .string(checkpoint.origin)), ("size", .int(Int(checkpoint.size))),
            ("checkpoint", .string(note)),
            ("proofs", .array(proofs.map { proof in
                .object([("old_size", .int(Int(proof.oldSize))), ("path", .array(proof.path.map { .string($0.hex) }))])
            })),
        ])
    }

    /// Reads an envelope, or a bare signed note.
    public static func parse(_ data: Data) throws -> CheckpointEnvelope {
        let bytes = [UInt8](data)
        guard bytes.first == UInt8(ascii: "{") else {
            guard let text = String(validating: bytes, as: UTF8.self) else { throw ValidationError("checkpoint", "is not UTF-8 text") }
            return try CheckpointEnvelope(note: text)
        }
        let object = try JSONReader.parse(data)
        guard object["format"]?.stringValue == format, let note = object["checkpoint"]?.stringValue else {
            throw ValidationError("format", "must be \(format) with a checkpoint")
        }
        let envelope = try CheckpointEnvelope(note: note)
        var proofs: [ConsistencyProof] = []
        for (n, item) in (object["proofs"]?.arrayValue ?? []).enumerated() {
            guard let old = item["old_size"]?.numberValue, old >= 0, old.rounded() == old, let path = item["path"]?.arrayValue else {
                throw ValidationError("proofs[\(n)]", "must have old_size and path")
            }
            let hashes = try path.map { value -> MerkleHash in
                guard let hex = value.stringValue, let hash = MerkleHash(hex: hex) else {
                    throw ValidationError("proofs[\(n)].path", "must be hashes of 64 hexadecimal digits")
                }
                return hash
            }
            proofs.append(ConsistencyProof(oldSize: UInt64(old), newSize: envelope.checkpoint.size, path: hashes))
        }
        return try CheckpointEnvelope(note: note, proofs: proofs)
    }

    /// The file name a checkpoint travels under: its origin made safe for a file name, and its size.
    public var fileName: String {
        let safe = checkpoint.origin.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        return "checkpoint-" + String(safe) + "-" + String(checkpoint.size)
    }
}
