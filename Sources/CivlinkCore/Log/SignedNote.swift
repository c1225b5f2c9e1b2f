/// Signs note text for one key (C2SP signed-note). `sign` returns the signature bytes that follow
/// the 4-byte key ID in the signature line.
public protocol NoteSigner: Sendable {
    var name: String { get }
    var keyID: UInt32 { get }
    func sign(text: [UInt8]) throws -> [UInt8]
}

/// Verifies one key's signatures on note text. `signature` excludes the 4-byte key ID.
public protocol NoteVerifier: Sendable {
    var name: String { get }
    var keyID: UInt32 { get }
    func verify(text: [UInt8], signature: [UInt8]) -> Bool
}

/// One signature line of a note: `— <name> base64(keyID || signature)`.
public struct NoteSignature: Hashable, Sendable {
    public let name: String
    public let keyID: UInt32
    /// The signature proper, after the key ID.
    public let signature: [UInt8]

    public init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// base64(keyID || signature), as the line carries it.
    public var base64: String { Base64.encode(keyIDBytes(keyID) + signature) }

    /// The whole line, with its final newline.
    public var line: String { "\u{2014} \(name) \(base64)\n" }
}

/// A note opened with a set of known keys: its text, the signatures that verified and the ones
/// from unknown keys (kept, never trusted).
public struct OpenedNote: Hashable, Sendable {
    /// The text, including its final newline, excluding the blank separator line.
    public let text: String
    public let verifiedSignatures: [NoteSignature]
    public let unverifiedSignatures: [NoteSignature]
}

public enum NoteError: CivlinkError, Hashable {
    public var kind: FailureKind { .invalidInput }

    /// The note breaks the format; the reason says how.
    case malformed(Phrase)
    /// More signature lines than `SignedNote.maxSignatures`.
    case tooManySignatures
    /// A signature whose key name and ID match a known key failed to verify.
    case invalidSignature(name: String, keyID: UInt32)
    /// No signature from a known key: the text must not be trusted.
    case noVerifiedSignature
    /// Several known keys share this name and key ID.
    case ambiguousVerifier(name: String, keyID: UInt32)
    /// A key name is empty, or contains a Unicode space or a plus.
    case invalidKeyName(String)
    /// Text to sign must be a newline-terminated text without control characters.
    case invalidText(Phrase)
    /// A signer failed.
    case signerFailed(Phrase)

    public var phrase: Phrase {
        switch self {
        case .malformed(let reason): return "malformed note: \(reason)"
        case .tooManySignatures: return "malformed note: more than \(SignedNote.maxSignatures) signatures"
        case .invalidSignature(let name, let id): return "invalid signature for key \(name)+\(hex8(id))"
        case .noVerifiedSignature: return "note has no verifiable signatures"
        case .ambiguousVerifier(let name, let id): return "ambiguous key \(name)+\(hex8(id))"
        case .invalidKeyName(let name): return "invalid key name \(name.debugDescription)"
        case .invalidText(let reason): return "cannot sign: \(reason)"
        case .signerFailed(let reason): return "signer failed: \(reason)"
        }
    }
}

/// C2SP signed notes (c2sp.org/signed-note): a text ending in a newline, a blank line, and one or
/// more signature lines `— <key name> base64(32-bit key ID || signature)`.
public enum SignedNote {
    /// Notes with more signature lines are refused (the spec requires accepting at least 16).
    public static let maxSignatures = 100

    /// "Key names MUST be non-empty and MUST NOT contain any Unicode spaces or plus (U+002B)".
    public static func isValidKeyName(_ name: String) -> Bool {
        !name.isEmpty && !name.unicodeScalars.contains { $0 == "+" || $0.properties.isWhitespace }
    }

    /// The recommended key ID: the first 4 bytes, big-endian, of
    /// SHA-256(key name || 0x0A || signature type || public key).
    public static func keyID(name: String, type: UInt8, publicKey: [UInt8]) -> UInt32 {
        let digest = [UInt8](Digest.sha256(Array(name.utf8) + [0x0A, type] + publicKey))
        return UInt32(digest[0]) << 24 | UInt32(digest[1]) << 16 | UInt32(digest[2]) << 8 | UInt32(digest[3])
    }

    /// The note signed by `signers`: the text, a blank line, one signature line per signer.
    public static func sign(text: String, signers: [any NoteSigner]) throws(NoteError) -> String {
        try checkSignable(text)
        return text + "\n" + (try signatureLines(text: text, signers: signers)).joined()
    }

    /// Adds `signers`' signatures to a note (a witness cosigning a checkpoint, say), keeping its
    /// other signature lines; an existing line from the same key (name and ID) is replaced. The
    /// note is parsed strictly but its signatures are not verified here.
    public static func addSignatures(to note: String, signers: [any NoteSigner]) throws(NoteError) -> String {
        let (text, existing) = try parse(Array(note.utf8))
        let replaced = Set(signers.map { NameAndID(name: $0.name, keyID: $0.keyID) })
        let kept = existing.filter { !replaced.contains(NameAndID(name: $0.name, keyID: $0.keyID)) }.map(\.line)
        return text + "\n" + kept.joined() + (try signatureLines(text: text, signers: signers)).joined()
    }

    /// Splits a note into its text and signature lines, checking the format strictly, without
    /// verifying anything. Never trust the text of a note that was not opened.
    public static func parse(_ message: [UInt8]) throws(NoteError) -> (text: String, signatures: [NoteSignature]) {
        // "Signed notes MUST be valid UTF-8 and MUST NOT contain any ASCII control characters
        // (those below U+0020) other than newline." (So CR and CRLF line endings are refused.)
        guard let string = String(validating: message, as: UTF8.self) else { throw .malformed("not valid UTF-8") }
        if string.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw .malformed("control character other than newline")
        }
        // "the text is separated from the signatures by the last empty line in the note."
        guard let split = lastBlankLine(message) else { throw .malformed("no blank line before the signatures") }
        let text = Array(message[..<(split + 1)])
        let block = message[(split + 2)...]
        guard !block.isEmpty, block.last == 0x0A else { throw .malformed("no newline-terminated signature line") }
        var signatures = [NoteSignature]()
        for line in block.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false) {
            signatures.append(try parseSignatureLine(Array(line)))
            if signatures.count > maxSignatures { throw .tooManySignatures }
        }
        return (String(decoding: text, as: UTF8.self), signatures)
    }

    /// Opens a note: parses it strictly, verifies every signature from a known key (name and key ID
    /// both match) and ignores the others. Throws when a known key's signature fails, or when no
    /// known key signed.
    public static func open(_ message: [UInt8], verifiers: [any NoteVerifier]) throws(NoteError) -> OpenedNote {
        let (text, signatures) = try parse(message)
        let textBytes = Array(text.utf8)
        var known = [NameAndID: [any NoteVerifier]]()
        for verifier in verifiers {
            known[NameAndID(name: verifier.name, keyID: verifier.keyID), default: []].append(verifier)
        }
        var verified = [NoteSignature](), unverified = [NoteSignature]()
        var seenVerified = Set<NameAndID>(), seenUnverified = Set<NoteSignature>()
        for signature in signatures {
            let key = NameAndID(name: signature.name, keyID: signature.keyID)
            guard let candidates = known[key] else {
                // "Verifiers MUST ignore signatures from unknown keys" (identical repeats dropped).
                if seenUnverified.insert(signature).inserted { unverified.append(signature) }
                continue
            }
            guard candidates.count == 1 else { throw .ambiguousVerifier(name: key.name, keyID: key.keyID) }
            // "If the key name and ID match a known key, verifiers MUST verify the signature.
            // If a signature from a known key fails to verify, clients SHOULD reject the whole note."
            guard candidates[0].verify(text: textBytes, signature: signature.signature) else {
                throw .invalidSignature(name: key.name, keyID: key.keyID)
            }
            if seenVerified.insert(key).inserted { verified.append(signature) }
        }
        // "If no signature from a known key verifies successfully, clients MUST reject the note."
        guard !verified.isEmpty else { throw .noVerifiedSignature }
        return OpenedNote(text: text, verifiedSignatures: verified, unverifiedSignatures: unverified)
    }

    public static func open(_ message: String, verifiers: [any NoteVerifier]) throws(NoteError) -> OpenedNote {
        try open(Array(message.utf8), verifiers: verifiers)
    }

    // MARK: - Internals

    struct NameAndID: Hashable {
        let name: String
        let keyID: UInt32
    }

    static func checkSignable(_ text: String) throws(NoteError) {
        guard text.hasSuffix("\n") else { throw .invalidText("the text must end with a newline") }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            throw .invalidText("the text contains a control character other than newline")
        }
    }

    private static func signatureLines(text: String, signers: [any NoteSigner]) throws(NoteError) -> [String] {
        let bytes = Array(text.utf8)
        var lines = [String]()
        for signer in signers {
            guard isValidKeyName(signer.name) else { throw .invalidKeyName(signer.name) }
            let signature: [UInt8]
            do {
                signature = try signer.sign(text: bytes)
            } catch {
                throw .signerFailed((error as? CivlinkError)?.phrase ?? Phrase(verbatim: "\(error)"))
            }
            lines.append(NoteSignature(name: signer.name, keyID: signer.keyID, signature: signature).line)
        }
        return lines
    }

    /// Index of the first newline of the last "\n\n".
    private static func lastBlankLine(_ message: [UInt8]) -> Int? {
        guard message.count >= 2 else { return nil }
        var i = message.count - 2
        while i >= 0 {
            if message[i] == 0x0A && message[i + 1] == 0x0A { return i }
            i -= 1
        }
        return nil
    }

    private static let emDashSpace: [UInt8] = [0xE2, 0x80, 0x94, 0x20]

    private static func parseSignatureLine(_ line: [UInt8]) throws(NoteError) -> NoteSignature {
        guard line.starts(with: emDashSpace) else { throw .malformed("signature line does not start with an em dash and a space") }
        let rest = line[emDashSpace.count...]
        guard let space = rest.firstIndex(of: 0x20) else { throw .malformed("signature line has no signature") }
        let name = String(decoding: rest[..<space], as: UTF8.self)
        guard isValidKeyName(name) else { throw .malformed("invalid key name \(name.debugDescription)") }
        let encoded = Array(rest[(space + 1)...])
        guard !encoded.isEmpty, let raw = Base64.decode(bytes: encoded) else {
            throw .malformed("signature of \(name) is not canonical base64")
        }
        guard raw.count >= 5 else { throw .malformed("signature of \(name) is too short") }
        let keyID = UInt32(raw[0]) << 24 | UInt32(raw[1]) << 16 | UInt32(raw[2]) << 8 | UInt32(raw[3])
        return NoteSignature(name: name, keyID: keyID, signature: Array(raw[4...]))
    }
}

func keyIDBytes(_ keyID: UInt32) -> [UInt8] {
    [UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xFF), UInt8(keyID >> 8 & 0xFF), UInt8(keyID & 0xFF)]
}

func hex8(_ value: UInt32) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    for shift in stride(from: 28, through: 0, by: -4) {
        out.append(digits[Int(value >> UInt32(shift) & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
