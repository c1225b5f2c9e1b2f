import CCrypto

public enum Ed25519Error: CivlinkError, Hashable {
    public var kind: FailureKind { .invalidInput }

    case invalidPublicKeyLength(Int)
    case invalidSeedLength(Int)
    case libcrypto(Phrase)

    public var phrase: Phrase {
        switch self {
        case .invalidPublicKeyLength(let n): return "an Ed25519 public key has 32 bytes, not \(n)"
        case .invalidSeedLength(let n): return "an Ed25519 private key seed has 32 bytes, not \(n)"
        case .libcrypto(let message): return message
        }
    }
}

/// libcrypto's error queue as one line, cleared.
func libcryptoError(_ what: Phrase) -> Ed25519Error {
    let code = ERR_get_error()
    ERR_clear_error()
    guard code != 0 else { return .libcrypto(what) }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    let message = buffer.withUnsafeBufferPointer { String(decoding: $0.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    return .libcrypto("\(what): \(Phrase(verbatim: message))")
}

/// An Ed25519 public key (RFC 8032, 32 bytes).
public struct Ed25519PublicKey: Hashable, Sendable {
    public let bytes: [UInt8]

    public init(bytes: [UInt8]) throws(Ed25519Error) {
        guard bytes.count == 32 else { throw .invalidPublicKeyLength(bytes.count) }
        self.bytes = bytes
    }

    /// Whether `signature` is a valid RFC 8032 Ed25519 signature of `message` by this key
    /// (libcrypto also refuses non-canonical S values and keys that do not decode).
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        guard let pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, bytes, bytes.count) else {
            ERR_clear_error()
            return false
        }
        defer { EVP_PKEY_free(pkey) }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, pkey) == 1 else {
            ERR_clear_error()
            return false
        }
        let ok = message.withUnsafeBufferPointer { text in
            EVP_DigestVerify(context, signature, signature.count, text.baseAddress, text.count) == 1
        }
        ERR_clear_error()
        return ok
    }
}

/// An Ed25519 private key, kept as its 32-byte RFC 8032 seed (the form note signer keys store).
/// libcrypto derives the key from the seed for each signature, so the value stays `Sendable`.
public struct Ed25519PrivateKey: Sendable {
    public let seed: [UInt8]
    public let publicKey: Ed25519PublicKey

    /// The key of this 32-byte seed.
    public init(seed: [UInt8]) throws(Ed25519Error) {
        guard seed.count == 32 else { throw .invalidSeedLength(seed.count) }
        let pkey = try Ed25519PrivateKey.makePKey(seed)
        defer { EVP_PKEY_free(pkey) }
        var length = 32
        var publicBytes = [UInt8](repeating: 0, count: 32)
        guard EVP_PKEY_get_raw_public_key(pkey, &publicBytes, &length) == 1, length == 32 else {
            throw libcryptoError("Ed25519 public key")
        }
        self.seed = seed
        self.publicKey = try Ed25519PublicKey(bytes: publicBytes)
    }

    /// A fresh key from libcrypto's CSPRNG.
    public static func generate() throws(Ed25519Error) -> Ed25519PrivateKey {
        var seed = [UInt8](repeating: 0, count: 32)
        guard RAND_bytes(&seed, 32) == 1 else { throw libcryptoError("random seed") }
        return try Ed25519PrivateKey(seed: seed)
    }

    /// The RFC 8032 Ed25519 signature of `message` (64 bytes, deterministic).
    public func signature(for message: [UInt8]) throws(Ed25519Error) -> [UInt8] {
        let pkey = try Ed25519PrivateKey.makePKey(seed)
        defer { EVP_PKEY_free(pkey) }
        guard let context = EVP_MD_CTX_new() else { throw libcryptoError("sign") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, nil, nil, pkey) == 1 else { throw libcryptoError("sign") }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        let ok = message.withUnsafeBufferPointer { text in
            EVP_DigestSign(context, &signature, &length, text.baseAddress, text.count) == 1
        }
        guard ok, length == 64 else { throw libcryptoError("sign") }
        return signature
    }

    private static func makePKey(_ seed: [UInt8]) throws(Ed25519Error) -> OpaquePointer {
        guard let pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, seed, seed.count) else {
            throw libcryptoError("Ed25519 private key")
        }
        return pkey
    }
}
