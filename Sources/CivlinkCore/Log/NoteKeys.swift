import FoundationEssentials
import Glibc

public enum NoteKeyError: CivlinkError, Hashable {
    public var kind: FailureKind {
        switch self {
        case .file: return .notFound
        case .insecurePermissions: return .permission
        default: return .invalidInput
        }
    }
    public var remedy: Remedy? {
        if case .insecurePermissions(let path, _) = self { return .makePrivate(path: path) }
        return nil
    }

    /// The key string is not `name+hex8+base64` (or `PRIVATE+KEY+name+hex8+base64`).
    case malformed(Phrase)
    /// The key's declared ID is not the one its name and key material give.
    case keyIDMismatch(declared: UInt32, computed: UInt32)
    /// The key's signature type byte is not one this key kind accepts.
    case unsupportedType(UInt8)
    case invalidKeyName(String)
    case key(Ed25519Error)
    case file(Phrase)
    /// A signer key file that group or others may read is refused, as ssh does.
    case insecurePermissions(path: String, mode: UInt32)

    public var phrase: Phrase {
        switch self {
        case .malformed(let reason): return "malformed note key: \(reason)"
        case .keyIDMismatch(let declared, let computed): return "key ID \(hex8(declared)) does not match the key (\(hex8(computed)))"
        case .unsupportedType(let type): return "unsupported signature type 0x\(String(type, radix: 16))"
        case .invalidKeyName(let name): return "invalid key name \(name.debugDescription)"
        case .key(let error): return error.phrase
        case .file(let reason): return reason
        case .insecurePermissions(let path, let mode):
            return "key \(path) is readable by group or others (mode \(Files.octal(mode_t(mode & 0o777))))"
        }
    }
}

/// The text forms of note keys, as golang.org/x/mod/sumdb/note writes them:
///
///     verifier key  <name>+<hex8 key ID>+base64(<type byte> || <public key>)
///     signer key    PRIVATE+KEY+<name>+<hex8 key ID>+base64(<type byte> || <private key>)
///
/// where the key ID is that of the *public* key (`SignedNote.keyID`). Ed25519 keys carry type
/// 0x01 and the 32-byte seed as private key; cosigner (witness) keys carry type 0x04.
public enum NoteKeyText {
    /// Parses a verifier key, checking the name and that the key ID matches.
    public static func parseVerifierKey(_ text: String) throws(NoteKeyError) -> (name: String, keyID: UInt32, type: UInt8, key: [UInt8]) {
        let (name, keyID, type, key) = try parseParts(text)
        let computed = SignedNote.keyID(name: name, type: type, publicKey: key)
        guard computed == keyID else { throw .keyIDMismatch(declared: keyID, computed: computed) }
        return (name, keyID, type, key)
    }

    /// Parses a signer key; the caller derives the public key and checks the ID.
    public static func parseSignerKey(_ text: String) throws(NoteKeyError) -> (name: String, keyID: UInt32, type: UInt8, key: [UInt8]) {
        let prefix = "PRIVATE+KEY+"
        guard text.hasPrefix(prefix) else { throw .malformed("a signer key starts with PRIVATE+KEY+") }
        return try parseParts(String(text.dropFirst(prefix.count)))
    }

    public static func verifierKey(name: String, type: UInt8, publicKey: [UInt8]) -> String {
        "\(name)+\(hex8(SignedNote.keyID(name: name, type: type, publicKey: publicKey)))+\(Base64.encode([type] + publicKey))"
    }

    public static func signerKey(name: String, type: UInt8, publicKey: [UInt8], privateKey: [UInt8]) -> String {
        "PRIVATE+KEY+\(name)+\(hex8(SignedNote.keyID(name: name, type: type, publicKey: publicKey)))+\(Base64.encode([type] + privateKey))"
    }

    /// `name+hex8+base64`: the name ends at the first plus, the key ID at the second (base64 may
    /// itself contain pluses).
    private static func parseParts(_ text: String) throws(NoteKeyError) -> (String, UInt32, UInt8, [UInt8]) {
        let bytes = Array(text.utf8)
        guard let firstPlus = bytes.firstIndex(of: UInt8(ascii: "+")) else { throw .malformed("no key ID") }
        let afterName = bytes[(firstPlus + 1)...]
        guard let secondPlus = afterName.firstIndex(of: UInt8(ascii: "+")) else { throw .malformed("no key material") }
        let name = String(decoding: bytes[..<firstPlus], as: UTF8.self)
        guard SignedNote.isValidKeyName(name) else { throw .invalidKeyName(name) }
        let hexDigits = bytes[(firstPlus + 1)..<secondPlus]
        guard hexDigits.count == 8 else { throw .malformed("the key ID is not 8 hexadecimal digits") }
        var keyID: UInt32 = 0
        for digit in hexDigits {
            guard let value = hexValue(digit) else { throw .malformed("the key ID is not 8 hexadecimal digits") }
            keyID = keyID << 4 | UInt32(value)
        }
        guard let material = Base64.decode(bytes: Array(bytes[(secondPlus + 1)...])), material.count >= 2 else {
            throw .malformed("the key material is not canonical base64")
        }
        return (name, keyID, material[0], Array(material[1...]))
    }
}

/// Signature type byte of plain Ed25519 note signatures.
public let ed25519SignatureType: UInt8 = 0x01

/// Signs notes with Ed25519 (signature type 0x01): a log signing its checkpoints.
public struct Ed25519NoteSigner: Ed25519KeyedSigner {
    public typealias Verifier = Ed25519NoteVerifier
    public static let signatureType = ed25519SignatureType
    public let name: String
    public let keyID: UInt32
    public let privateKey: Ed25519PrivateKey

    public init(name: String, privateKey: Ed25519PrivateKey) throws(NoteKeyError) {
        guard SignedNote.isValidKeyName(name) else { throw .invalidKeyName(name) }
        self.name = name
        self.privateKey = privateKey
        self.keyID = SignedNote.keyID(name: name, type: ed25519SignatureType, publicKey: privateKey.publicKey.bytes)
    }

    /// A new key pair named `name`.
    public static func generate(name: String) throws(NoteKeyError) -> Ed25519NoteSigner {
        let key: Ed25519PrivateKey
        do { key = try Ed25519PrivateKey.generate() } catch { throw .key(error) }
        return try Ed25519NoteSigner(name: name, privateKey: key)
    }

    /// From `PRIVATE+KEY+<name>+<hex8>+base64(0x01 || 32-byte seed)`.
    public init(signerKey text: String) throws(NoteKeyError) {
        let (name, keyID, key) = try Self.parse(signerKey: text)
        try self.init(name: name, privateKey: key)
        guard self.keyID == keyID else { throw .keyIDMismatch(declared: keyID, computed: self.keyID) }
    }

    public func sign(text: [UInt8]) throws -> [UInt8] {
        try privateKey.signature(for: text)
    }
}

/// Verifies Ed25519 (type 0x01) note signatures: RFC 8032 over the note text.
public struct Ed25519NoteVerifier: Ed25519KeyedVerifier, Hashable {
    public static let signatureType = ed25519SignatureType
    public let name: String
    public let keyID: UInt32
    public let publicKey: Ed25519PublicKey

    public init(name: String, keyID: UInt32, publicKey: Ed25519PublicKey) {
        self.name = name
        self.keyID = keyID
        self.publicKey = publicKey
    }

    public func verify(text: [UInt8], signature: [UInt8]) -> Bool {
        publicKey.isValidSignature(signature, for: text)
    }
}

/// Reading and writing signer key files: one line, the signer key, mode 0600.
public enum NoteKeyFile {
    /// Writes `signerKey` and a newline to a new file only its owner may read; refuses to overwrite.
    public static func save(signerKey: String, to path: String) throws {
        try Files.writePrivate(path, Data((signerKey + "\n").utf8))
    }

    /// Reads a signer key file, refusing one that group or others may read. A single trailing
    /// newline is allowed.
    public static func load(from path: String) throws(NoteKeyError) -> String {
        guard let mode = Files.mode(path) else { throw .file("cannot read \(path): \(Files.reason())") }
        guard mode & 0o077 == 0 else { throw .insecurePermissions(path: path, mode: UInt32(mode)) }
        guard let data = Files.read(path) else { throw .file("cannot read \(path): \(Files.reason())") }
        guard data.count < 64 * 1024 else { throw .file("\(path) is too large for a key") }
        var bytes = [UInt8](data)
        if bytes.last == 0x0A { bytes.removeLast() }
        guard let text = String(validating: bytes, as: UTF8.self), !text.contains("\n") else {
            throw .file("\(path) does not hold one signer key line")
        }
        return text
    }
}

/// A note verifier that is an Ed25519 public key under a name, for one signature type: its key
/// ID and its verifier key text (`<name>+<hex8>+base64(type || key)`) follow from those.
public protocol Ed25519KeyedVerifier: NoteVerifier {
    static var signatureType: UInt8 { get }
    var publicKey: Ed25519PublicKey { get }
    init(name: String, keyID: UInt32, publicKey: Ed25519PublicKey)
}

extension Ed25519KeyedVerifier {
    public init(name: String, publicKey: Ed25519PublicKey) throws(NoteKeyError) {
        guard SignedNote.isValidKeyName(name) else { throw .invalidKeyName(name) }
        self.init(name: name, keyID: SignedNote.keyID(name: name, type: Self.signatureType, publicKey: publicKey.bytes), publicKey: publicKey)
    }

    public init(verifierKey text: String) throws(NoteKeyError) {
        let (name, keyID, type, key) = try NoteKeyText.parseVerifierKey(text)
        guard type == Self.signatureType else { throw .unsupportedType(type) }
        let publicKey: Ed25519PublicKey
        do { publicKey = try Ed25519PublicKey(bytes: key) } catch { throw .key(error) }
        self.init(name: name, keyID: keyID, publicKey: publicKey)
    }

    public var verifierKey: String {
        NoteKeyText.verifierKey(name: name, type: Self.signatureType, publicKey: publicKey.bytes)
    }
}

/// A note signer that is an Ed25519 private key under a name, for one signature type: its
/// signer key text (`PRIVATE+KEY+<name>+<hex8>+base64(type || seed)`, to keep secret), its
/// verifier key and its verifier follow from those.
public protocol Ed25519KeyedSigner: NoteSigner {
    associatedtype Verifier: Ed25519KeyedVerifier
    static var signatureType: UInt8 { get }
    var privateKey: Ed25519PrivateKey { get }
}

extension Ed25519KeyedSigner {
    /// The name, key ID and key of a signer key text of this type.
    static func parse(signerKey text: String) throws(NoteKeyError) -> (name: String, keyID: UInt32, key: Ed25519PrivateKey) {
        let (name, keyID, type, seed) = try NoteKeyText.parseSignerKey(text)
        guard type == signatureType else { throw .unsupportedType(type) }
        do { return (name, keyID, try Ed25519PrivateKey(seed: seed)) } catch { throw .key(error) }
    }

    public var signerKey: String {
        NoteKeyText.signerKey(name: name, type: Self.signatureType, publicKey: privateKey.publicKey.bytes, privateKey: privateKey.seed)
    }

    public var verifierKey: String {
        NoteKeyText.verifierKey(name: name, type: Self.signatureType, publicKey: privateKey.publicKey.bytes)
    }

    public var verifier: Verifier {
        Verifier(name: name, keyID: keyID, publicKey: privateKey.publicKey)
    }
}
