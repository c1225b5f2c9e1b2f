import Glibc

/// Signature type byte of Ed25519 cosignatures (c2sp.org/tlog-cosignature, "cosignature/v1").
public let cosignatureV1SignatureType: UInt8 = 0x04

/// C2SP tlog-cosignature, Ed25519 form: a witness's statement that, as of its timestamp, this is
/// the largest consistent tree head it has seen for the log.
///
/// The key ID is SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4]. The signature is a
/// `timestamped_signature`: the u64 big-endian POSIX timestamp then the 64-byte Ed25519 signature
/// of
///
///     cosignature/v1
///     time <timestamp, decimal, no leading zeroes>
///     <the whole checkpoint note text, extension lines included>
public enum CosignatureV1 {
    /// "It MUST NOT exceed 2^63 - 1".
    public static let maxTimestamp: UInt64 = (1 << 63) - 1

    /// The message a cosignature signs.
    public static func message(timestamp: UInt64, checkpointText: [UInt8]) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n".utf8) + checkpointText
    }

    /// The timestamp a cosignature carries (nil when the signature is not 8 + 64 bytes long).
    /// Only meaningful for a signature that verified.
    public static func timestamp(of signature: NoteSignature) -> UInt64? {
        guard signature.signature.count == 8 + 64 else { return nil }
        return signature.signature.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Seconds since the Epoch now.
    public static func currentTime() -> UInt64 {
        UInt64(max(0, time(nil)))
    }

    /// Adds a witness's cosignature to a signed checkpoint (the checkpoint's other signatures are
    /// kept; verify them, and the consistency with what the witness saw before, first).
    public static func cosign(note: String, signer: CosignatureV1Signer) throws(NoteError) -> String {
        try SignedNote.addSignatures(to: note, signers: [signer])
    }
}

public enum CosignatureError: CivlinkError, Hashable {
    public var kind: FailureKind { .invalidInput }

    case timestampTooLarge(UInt64)
    case notACheckpoint(CheckpointError)

    public var phrase: Phrase {
        switch self {
        case .timestampTooLarge(let t): return "cosignature timestamp \(t) exceeds 2^63 - 1"
        case .notACheckpoint(let error): return "only checkpoints are cosigned: \(error.phrase)"
        }
    }
}

/// A witness's Ed25519 cosigning key.
public struct CosignatureV1Signer: Ed25519KeyedSigner {
    public typealias Verifier = CosignatureV1Verifier
    public static let signatureType = cosignatureV1SignatureType
    public let name: String
    public let keyID: UInt32
    public let privateKey: Ed25519PrivateKey
    /// The time each signature is dated with (seconds since the Epoch).
    public let clock: @Sendable () -> UInt64

    public init(name: String, privateKey: Ed25519PrivateKey, clock: @escaping @Sendable () -> UInt64 = CosignatureV1.currentTime) throws(NoteKeyError) {
        guard SignedNote.isValidKeyName(name) else { throw .invalidKeyName(name) }
        self.name = name
        self.privateKey = privateKey
        self.clock = clock
        self.keyID = SignedNote.keyID(name: name, type: cosignatureV1SignatureType, publicKey: privateKey.publicKey.bytes)
    }

    public static func generate(name: String, clock: @escaping @Sendable () -> UInt64 = CosignatureV1.currentTime) throws(NoteKeyError) -> CosignatureV1Signer {
        let key: Ed25519PrivateKey
        do { key = try Ed25519PrivateKey.generate() } catch { throw .key(error) }
        return try CosignatureV1Signer(name: name, privateKey: key, clock: clock)
    }

    /// From `PRIVATE+KEY+<name>+<hex8>+base64(0x04 || 32-byte seed)`, the key ID being the
    /// cosignature (0x04) one.
    public init(signerKey text: String, clock: @escaping @Sendable () -> UInt64 = CosignatureV1.currentTime) throws(NoteKeyError) {
        let (name, keyID, key) = try Self.parse(signerKey: text)
        try self.init(name: name, privateKey: key, clock: clock)
        guard self.keyID == keyID else { throw .keyIDMismatch(declared: keyID, computed: self.keyID) }
    }

    // The verifier key is the vkey form the spec allows for cosigners (Ed25519KeyedSigner).

    /// timestamp (8 bytes, big-endian) || Ed25519(message), dated by `clock`.
    public func sign(text: [UInt8]) throws -> [UInt8] {
        try sign(text: text, timestamp: clock())
    }

    /// The cosignature of a checkpoint note text at an explicit time.
    public func sign(text: [UInt8], timestamp: UInt64) throws -> [UInt8] {
        guard timestamp <= CosignatureV1.maxTimestamp else { throw CosignatureError.timestampTooLarge(timestamp) }
        do { _ = try Checkpoint(text: String(decoding: text, as: UTF8.self)) } catch { throw CosignatureError.notACheckpoint(error) }
        let signature = try privateKey.signature(for: CosignatureV1.message(timestamp: timestamp, checkpointText: text))
        return (0..<8).map { UInt8(timestamp >> UInt64(56 - 8 * $0) & 0xFF) } + signature
    }
}

/// Verifies a witness's Ed25519 cosignatures (type 0x04).
public struct CosignatureV1Verifier: Ed25519KeyedVerifier, Hashable {
    public static let signatureType = cosignatureV1SignatureType
    public let name: String
    public let keyID: UInt32
    public let publicKey: Ed25519PublicKey

    public init(name: String, keyID: UInt32, publicKey: Ed25519PublicKey) {
        self.name = name
        self.keyID = keyID
        self.publicKey = publicKey
    }

    public func verify(text: [UInt8], signature: [UInt8]) -> Bool {
        guard signature.count == 8 + 64 else { return false }
        let timestamp = signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard timestamp <= CosignatureV1.maxTimestamp else { return false }
        guard (try? Checkpoint(text: String(decoding: text, as: UTF8.self))) != nil else { return false }
        return publicKey.isValidSignature(Array(signature[8...]), for: CosignatureV1.message(timestamp: timestamp, checkpointText: text))
    }
}

/// A witness cosignature that verified.
public struct VerifiedCosignature: Hashable, Sendable {
    public let name: String
    public let keyID: UInt32
    public let timestamp: UInt64
}

/// A checkpoint whose log signature, and enough witness cosignatures, verified.
public struct VerifiedCheckpoint: Hashable, Sendable {
    public let checkpoint: Checkpoint
    public let note: OpenedNote
    public let cosignatures: [VerifiedCosignature]
}

extension Checkpoint {
    /// Verifies a signed checkpoint against a witnessing policy: the log's signature must be
    /// present and valid, and at least `quorum` distinct `witnesses` must have cosigned it (every
    /// signature from a known key must verify; unknown keys are ignored). `latestAcceptedTime`,
    /// when given, refuses cosignatures dated after it ("verifiers MAY reject cosignatures with
    /// timestamps in the future").
    public static func verify(
        _ note: [UInt8],
        log: any NoteVerifier,
        witnesses: [CosignatureV1Verifier] = [],
        quorum: Int = 0,
        expectedOrigin: String? = nil,
        latestAcceptedTime: UInt64? = nil
    ) throws(CheckpointError) -> VerifiedCheckpoint {
        let (checkpoint, opened) = try open(note, verifiers: [log] + witnesses, expectedOrigin: expectedOrigin)
        guard opened.verifiedSignatures.contains(where: { $0.name == log.name && $0.keyID == log.keyID }) else {
            throw .missingLogSignature
        }
        let witnessKeys = Set(witnesses.map { SignedNote.NameAndID(name: $0.name, keyID: $0.keyID) })
        var cosignatures = [VerifiedCosignature]()
        for signature in opened.verifiedSignatures where witnessKeys.contains(SignedNote.NameAndID(name: signature.name, keyID: signature.keyID)) {
            guard let timestamp = CosignatureV1.timestamp(of: signature) else { continue }
            if let latestAcceptedTime, timestamp > latestAcceptedTime {
                throw .cosignatureInFuture(name: signature.name, timestamp: timestamp)
            }
            cosignatures.append(VerifiedCosignature(name: signature.name, keyID: signature.keyID, timestamp: timestamp))
        }
        guard cosignatures.count >= quorum else { throw .insufficientCosignatures(verified: cosignatures.count, required: quorum) }
        return VerifiedCheckpoint(checkpoint: checkpoint, note: opened, cosignatures: cosignatures)
    }

    public static func verify(
        _ note: String,
        log: any NoteVerifier,
        witnesses: [CosignatureV1Verifier] = [],
        quorum: Int = 0,
        expectedOrigin: String? = nil,
        latestAcceptedTime: UInt64? = nil
    ) throws(CheckpointError) -> VerifiedCheckpoint {
        try verify(Array(note.utf8), log: log, witnesses: witnesses, quorum: quorum, expectedOrigin: expectedOrigin, latestAcceptedTime: latestAcceptedTime)
    }
}
