public enum CheckpointError: CivlinkError, Hashable {
    public var kind: FailureKind { .invalidInput }

    /// The note text is not a checkpoint body; the reason says why.
    case malformed(Phrase)
    /// The signed note around it is refused.
    case note(NoteError)
    /// The checkpoint is for another log.
    case originMismatch(expected: String, found: String)
    /// The log's own signature is missing from the verified ones.
    case missingLogSignature
    /// Fewer distinct witnesses cosigned than the policy requires.
    case insufficientCosignatures(verified: Int, required: Int)
    /// A witness's cosignature is dated after the latest time the verifier accepts.
    case cosignatureInFuture(name: String, timestamp: UInt64)

    public var phrase: Phrase {
        switch self {
        case .malformed(let reason): return "malformed checkpoint: \(reason)"
        case .note(let error): return error.phrase
        case .originMismatch(let expected, let found): return "checkpoint is for log \(found.debugDescription), not \(expected.debugDescription)"
        case .missingLogSignature: return "checkpoint is not signed by the log's key"
        case .insufficientCosignatures(let verified, let required): return "checkpoint has \(verified) valid witness cosignatures, \(required) required"
        case .cosignatureInFuture(let name, let timestamp): return "cosignature by \(name) is dated in the future (\(timestamp))"
        }
    }
}

/// A C2SP tlog-checkpoint (c2sp.org/tlog-checkpoint): the note text
///
///     <origin>
///     <tree size, decimal, no leading zeroes>
///     <base64 root hash>
///     [<extension line>]...
///
/// signed as a note by the log (and cosigned by witnesses, see `CosignatureV1`).
public struct Checkpoint: Hashable, Sendable {
    /// The log's unique identity, e.g. `example.com/log42`.
    public let origin: String
    public let size: UInt64
    public let rootHash: MerkleHash
    /// Opaque, non-empty lines after the root hash ("NOT RECOMMENDED, as they are not auditable").
    public let extensionLines: [String]

    /// A checkpoint to sign. The origin must be a valid key name (non-empty, no Unicode spaces, no
    /// plus), as the spec recommends for origins and as the log's key name should match it.
    public init(origin: String, size: UInt64, rootHash: MerkleHash, extensionLines: [String] = []) throws(CheckpointError) {
        guard SignedNote.isValidKeyName(origin) else {
            throw .malformed("the origin must be non-empty without Unicode spaces or plus signs")
        }
        for line in extensionLines {
            guard !line.isEmpty else { throw .malformed("extension lines must be non-empty") }
            guard !line.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw .malformed("extension lines must not contain newlines or control characters")
            }
        }
        self.init(validated: origin, size, rootHash, extensionLines)
    }

    private init(validated origin: String, _ size: UInt64, _ rootHash: MerkleHash, _ extensionLines: [String]) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// Parses a checkpoint body (a note text, with its final newline). Strict: at least three
    /// non-empty lines, canonical decimal size, canonical base64 of exactly 32 bytes, non-empty
    /// extension lines. The origin is only required to be non-empty ("clients MUST NOT assume
    /// that the origin is following this format").
    public init(text: String) throws(CheckpointError) {
        guard text.hasSuffix("\n") else { throw .malformed("the text must end with a newline") }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw .malformed("control character other than newline")
        }
        let lines = text.dropLast().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count >= 3 else { throw .malformed("fewer than three lines") }
        guard lines.allSatisfy({ !$0.isEmpty }) else { throw .malformed("empty line") }
        guard let size = Checkpoint.parseSize(lines[1]) else {
            throw .malformed("the tree size is not a decimal number without leading zeroes")
        }
        guard let root = MerkleHash(base64: lines[2]) else {
            throw .malformed("the root hash is not the canonical base64 of 32 bytes")
        }
        self.init(validated: lines[0], size, root, Array(lines[3...]))
    }

    /// The note text: the lines, each ending in a newline.
    public var text: String {
        ([origin, String(size), rootHash.base64] + extensionLines).map { $0 + "\n" }.joined()
    }

    /// The signed note (c2sp.org/signed-note) of this checkpoint.
    public func sign(signers: [any NoteSigner]) throws(CheckpointError) -> String {
        do { return try SignedNote.sign(text: text, signers: signers) } catch { throw .note(error) }
    }

    /// Opens a signed checkpoint with the known keys (the log's, the witnesses'); see
    /// `SignedNote.open` for what is verified. `expectedOrigin`, when given, must match.
    public static func open(_ note: [UInt8], verifiers: [any NoteVerifier], expectedOrigin: String? = nil) throws(CheckpointError) -> (checkpoint: Checkpoint, note: OpenedNote) {
        let opened: OpenedNote
        do { opened = try SignedNote.open(note, verifiers: verifiers) } catch { throw .note(error) }
        let checkpoint = try Checkpoint(text: opened.text)
        if let expectedOrigin, checkpoint.origin != expectedOrigin {
            throw .originMismatch(expected: expectedOrigin, found: checkpoint.origin)
        }
        return (checkpoint, opened)
    }

    public static func open(_ note: String, verifiers: [any NoteVerifier], expectedOrigin: String? = nil) throws(CheckpointError) -> (checkpoint: Checkpoint, note: OpenedNote) {
        try open(Array(note.utf8), verifiers: verifiers, expectedOrigin: expectedOrigin)
    }

    /// "the ASCII decimal representation of the number of leaves in the tree, with no leading
    /// zeroes (unless the tree is empty, in which case the tree size is `0`)".
    static func parseSize(_ line: String) -> UInt64? {
        let digits = Array(line.utf8)
        guard !digits.isEmpty, digits.count <= 20 else { return nil }
        if digits.count > 1 && digits[0] == UInt8(ascii: "0") { return nil }
        var value: UInt64 = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }
}
