import CCrypto
import FoundationEssentials
import Glibc

/// libcrypto's error queue as one line (and cleared).
func opensslError(_ what: Phrase) -> Phrase {
    let code = ERR_get_error()
    ERR_clear_error()
    guard code != 0 else { return what }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(code, &buffer, buffer.count)
    return "\(what): \(Phrase(verbatim: String(cString: buffer)))"
}

/// Reads everything a memory BIO holds.
func bioData(_ bio: OpaquePointer) -> Data {
    var out = Data()
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = BIO_read(bio, &buffer, Int32(buffer.count))
        if n <= 0 { break }
        out.append(buffer, count: Int(n))
    }
    return out
}

func memoryBIO(_ data: Data) -> OpaquePointer {
    let bio = BIO_new(BIO_s_mem())!
    data.withUnsafeBytes { raw in _ = BIO_write(bio, raw.baseAddress, Int32(raw.count)) }
    return bio
}

public enum KeyType: String, Sendable, CaseIterable {
    case ed25519
    case p256 = "ecdsa-p256"
    case rsa

    /// The JWS `alg` (RFC 7518, RFC 8037).
    public var jwsAlgorithm: String {
        switch self {
        case .ed25519: return "EdDSA"
        case .p256: return "ES256"
        case .rsa: return "RS256"
        }
    }
}

/// A key pair held by libcrypto (an `EVP_PKEY`), freed with the object.
public final class PrivateKey: Sendable {
    private let handle: ImmutableCObject
    var pkey: OpaquePointer { handle.pointer }
    public let type: KeyType

    init(owning pkey: OpaquePointer) throws {
        handle = ImmutableCObject(pointer: pkey)
        switch EVP_PKEY_get_base_id(pkey) {
        case EVP_PKEY_ED25519: type = .ed25519
        case EVP_PKEY_EC:
            guard EVP_PKEY_get_bits(pkey) == 256 else { EVP_PKEY_free(pkey); throw Failure(.permission, "only the P-256 curve is supported for ECDSA keys") }
            type = .p256
        case EVP_PKEY_RSA:
            guard EVP_PKEY_get_bits(pkey) >= 2048 else { EVP_PKEY_free(pkey); throw Failure(.permission, "RSA keys must have at least 2048 bits") }
            type = .rsa
        default:
            EVP_PKEY_free(pkey)
            throw Failure(.permission, "unsupported key type: use Ed25519, ECDSA P-256 or RSA 2048+")
        }
    }

    deinit { EVP_PKEY_free(pkey) }

    /// A fresh key: Ed25519 (default), ECDSA P-256 or RSA of `bits` (2048 or more).
    public static func generate(_ type: KeyType, bits: Int = 3072) throws -> PrivateKey {
        let id: Int32
        switch type {
        case .ed25519: id = EVP_PKEY_ED25519
        case .p256: id = EVP_PKEY_EC
        case .rsa: id = EVP_PKEY_RSA
        }
        guard let ctx = EVP_PKEY_CTX_new_id(id, nil) else { throw Failure(.invalidInput, opensslError("key generation")) }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { throw Failure(.invalidInput, opensslError("key generation")) }
        if type == .p256 { guard EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1) == 1 else { throw Failure(.invalidInput, opensslError("curve")) } }
        if type == .rsa {
            guard bits >= 2048 else { throw Failure(.badRequest, "RSA keys must have at least 2048 bits") }
            guard EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, Int32(bits)) == 1 else { throw Failure(.invalidInput, opensslError("RSA bits")) }
        }
        var pkey: OpaquePointer?
        guard EVP_PKEY_keygen(ctx, &pkey) == 1, let pkey else { throw Failure(.invalidInput, opensslError("key generation")) }
        return try PrivateKey(owning: pkey)
    }

    /// Loads a PEM private key, refusing (exit 77) a file that group or others may read, as ssh does.
    public static func load(path: String) throws -> PrivateKey {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(.notFound, "cannot read key \(path)") }
        if info.st_mode & 0o077 != 0 {
            throw Failure(.permission, "key \(path) is readable by group or others (mode \(Files.octal(info.st_mode & 0o777)))",
                          remedy: .makePrivate(path: path))
        }
        guard let data = Files.read(path) else { throw Failure(.notFound, "cannot read key \(path)") }
        let bio = memoryBIO(data)
        defer { BIO_free(bio) }
        guard let pkey = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            ERR_clear_error()
            throw Failure(.invalidInput, "\(path) is not a PEM private key (encrypted keys are not supported)")
        }
        return try PrivateKey(owning: pkey)
    }

    /// PKCS#8 PEM.
    public var pem: Data {
        let bio = BIO_new(BIO_s_mem())!
        defer { BIO_free(bio) }
        PEM_write_bio_PrivateKey(bio, pkey, nil, nil, 0, nil, nil)
        return bioData(bio)
    }

    public var publicKeyPEM: Data {
        let bio = BIO_new(BIO_s_mem())!
        defer { BIO_free(bio) }
        PEM_write_bio_PUBKEY(bio, pkey)
        return bioData(bio)
    }

    var digest: OpaquePointer? { type == .ed25519 ? nil : EVP_sha256() }

    /// A JWS signature over `data`: raw Ed25519, raw r||s for ES256, PKCS#1 v1.5 for RS256.
    public func sign(_ data: Data) throws -> Data {
        guard let ctx = EVP_MD_CTX_new() else { throw Failure(.invalidInput, opensslError("sign")) }
        defer { EVP_MD_CTX_free(ctx) }
        guard EVP_DigestSignInit(ctx, nil, digest, nil, pkey) == 1 else { throw Failure(.invalidInput, opensslError("sign")) }
        let signature = try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [UInt8] in
            let input = bytes.bindMemory(to: UInt8.self).baseAddress
            var length = 0
            guard EVP_DigestSign(ctx, nil, &length, input, bytes.count) == 1 else { throw Failure(.invalidInput, opensslError("sign")) }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(ctx, &signature, &length, input, bytes.count) == 1 else { throw Failure(.invalidInput, opensslError("sign")) }
            return Array(signature.prefix(length))
        }
        let der = Data(signature)
        return type == .p256 ? try ECDSASignature.raw(fromDER: der) : der
    }
}

/// Verifies a JWS signature with a certificate's public key.
func verifySignature(_ signature: Data, over data: Data, publicKey pkey: OpaquePointer, type: KeyType) -> Bool {
    guard let ctx = EVP_MD_CTX_new() else { return false }
    defer { EVP_MD_CTX_free(ctx) }
    guard EVP_DigestVerifyInit(ctx, nil, type == .ed25519 ? nil : EVP_sha256(), nil, pkey) == 1 else { ERR_clear_error(); return false }
    var sig = signature
    if type == .p256 {
        guard let der = ECDSASignature.der(fromRaw: signature) else { return false }
        sig = der
    }
    let s = [UInt8](sig), d = [UInt8](data)
    let ok = EVP_DigestVerify(ctx, s, s.count, d, d.count) == 1
    ERR_clear_error()
    return ok
}

func keyType(of pkey: OpaquePointer) -> KeyType? {
    switch EVP_PKEY_get_base_id(pkey) {
    case EVP_PKEY_ED25519: return .ed25519
    case EVP_PKEY_EC: return EVP_PKEY_get_bits(pkey) == 256 ? .p256 : nil
    case EVP_PKEY_RSA: return EVP_PKEY_get_bits(pkey) >= 2048 ? .rsa : nil
    default: return nil
    }
}

/// ES256 signatures are raw 32-byte r || 32-byte s in JWS, DER in libcrypto.
enum ECDSASignature {
    static func raw(fromDER der: Data) throws -> Data {
        let bytes = [UInt8](der)
        return try bytes.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            guard let sig = d2i_ECDSA_SIG(nil, &pointer, bytes.count) else { throw Failure(.invalidInput, opensslError("ECDSA signature")) }
            defer { ECDSA_SIG_free(sig) }
            var out = [UInt8](repeating: 0, count: 64)
            BN_bn2binpad(ECDSA_SIG_get0_r(sig), &out, 32)
            out.withUnsafeMutableBufferPointer { _ = BN_bn2binpad(ECDSA_SIG_get0_s(sig), $0.baseAddress! + 32, 32) }
            return Data(out)
        }
    }

    static func der(fromRaw raw: Data) -> Data? {
        guard raw.count == 64 else { return nil }
        let bytes = [UInt8](raw)
        guard let sig = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(sig) }
        let r = BN_bin2bn(bytes, 32, nil), s = bytes.withUnsafeBufferPointer { BN_bin2bn($0.baseAddress! + 32, 32, nil) }
        guard ECDSA_SIG_set0(sig, r, s) == 1 else { BN_free(r); BN_free(s); return nil }
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_ECDSA_SIG(sig, &out)
        guard length > 0, let out else { return nil }
        defer { CRYPTO_free(out, #file, #line) }
        return Data(bytes: out, count: Int(length))
    }
}
