import CCrypto
import FoundationEssentials
import Glibc

/// An X.509 certificate held by libcrypto. An officer certificate names the officer (CN), the
/// role (title) and the commune code (L); see civlink-ca(1).
public final class Certificate: Sendable {
    private let handle: ImmutableCObject
    var x509: OpaquePointer { handle.pointer }

    init(owning x509: OpaquePointer) { handle = ImmutableCObject(pointer: x509) }
    deinit { X509_free(x509) }

    public convenience init(der: Data) throws {
        let bytes = [UInt8](der)
        let x = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            return d2i_X509(nil, &pointer, bytes.count)
        }
        guard let x else { ERR_clear_error(); throw Failure(.invalidInput, "not a DER X.509 certificate") }
        self.init(owning: x)
    }

    /// Every certificate of a PEM file, leaf first.
    public static func loadChain(pem: Data, source: String) throws -> [Certificate] {
        let bio = memoryBIO(pem)
        defer { BIO_free(bio) }
        var chain: [Certificate] = []
        while let x = PEM_read_bio_X509(bio, nil, nil, nil) { chain.append(Certificate(owning: x)) }
        ERR_clear_error()
        guard !chain.isEmpty else { throw Failure(.invalidInput, "\(source) holds no PEM certificate") }
        return chain
    }

    public static func loadChain(path: String) throws -> [Certificate] {
        guard let data = Files.read(path) else { throw Files.readFailure(path) }
        return try loadChain(pem: data, source: path)
    }

    public var der: Data {
        var out: UnsafeMutablePointer<UInt8>?
        let length = i2d_X509(x509, &out)
        guard length > 0, let out else { return Data() }
        defer { CRYPTO_free(out, #file, #line) }
        return Data(bytes: out, count: Int(length))
    }

    public var pem: String {
        let bio = BIO_new(BIO_s_mem())!
        defer { BIO_free(bio) }
        PEM_write_bio_X509(bio, x509)
        return String(decoding: bioData(bio), as: UTF8.self)
    }

    public var fingerprint: String { Digest.sha256(der).hexString }

    static func time(_ asn1: UnsafePointer<ASN1_TIME>?) -> Timestamp {
        var t = tm()
        guard let asn1, ASN1_TIME_to_tm(asn1, &t) == 1 else { return Timestamp(seconds: 0) }
        return Timestamp(seconds: Int64(timegm(&t)))
    }

    public var notBefore: Timestamp { Certificate.time(X509_get0_notBefore(x509)) }
    public var notAfter: Timestamp { Certificate.time(X509_get0_notAfter(x509)) }

    static func field(_ name: OpaquePointer?, _ nid: Int32) -> String? {
        guard let name else { return nil }
        let index = X509_NAME_get_index_by_NID(name, nid, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry) else { return nil }
        var out: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&out, data)
        guard length >= 0, let out else { return nil }
        defer { CRYPTO_free(out, #file, #line) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
    }

    public var commonName: String? { Certificate.field(X509_get_subject_name(x509), NID_commonName) }
    public var role: String? { Certificate.field(X509_get_subject_name(x509), NID_title) }
    public var commune: String? { Certificate.field(X509_get_subject_name(x509), NID_localityName) }
    public var issuerName: String { Certificate.oneLine(X509_get_issuer_name(x509)) }
    public var subjectName: String { Certificate.oneLine(X509_get_subject_name(x509)) }

    /// The name as people read it, `CN=Phạm Thị Lan, title=..., L=17986`: RFC 2253 order and
    /// escaping, but UTF-8 kept as UTF-8 (X509_NAME_oneline would write `Ph\xE1\xBA\xA1m`).
    static func oneLine(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, civlink_readable_name_flags()) >= 0 else { return "" }
        return String(decoding: bioData(bio), as: UTF8.self)
    }

    /// True when the certificate may sign documents: a key usage extension with digitalSignature
    /// or nonRepudiation (one without the extension is refused: an officer's certificate says what
    /// its key is for).
    public var allowsDocumentSigning: Bool {
        let usage = X509_get_key_usage(x509)
        return usage != UInt32.max && usage & UInt32(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION) != 0
    }

    /// True for a CA certificate (basic constraints CA:TRUE), which must never sign a copy.
    public var isCA: Bool { X509_check_ca(x509) != 0 }

    /// True when the certificate is issued by its own subject and signed by its own key.
    public var isSelfSigned: Bool { X509_get_extension_flags(x509) & UInt32(EXFLAG_SS) != 0 }

    var publicKeyType: KeyType? { X509_get0_pubkey(x509).flatMap { CivlinkCore.keyType(of: $0) } }

    public func matches(_ key: PrivateKey) -> Bool {
        guard let pub = X509_get0_pubkey(x509) else { return false }
        return EVP_PKEY_eq(pub, key.pkey) == 1
    }

    public func verify(_ signature: Data, over data: Data) -> Bool {
        guard let pub = X509_get0_pubkey(x509), let type = keyType(of: pub) else { return false }
        return verifySignature(signature, over: data, publicKey: pub, type: type)
    }

    /// The libcrypto verification result of this certificate with `intermediates` to one of
    /// `trusted`, at time `at`: nil when valid, else (X509_V_ERR code, text).
    public func chainError(intermediates: [Certificate], trusted: [Certificate], at: Timestamp) -> (Int32, String)? {
        guard let store = X509_STORE_new() else { return (-1, "out of memory") }
        defer { X509_STORE_free(store) }
        for root in trusted { X509_STORE_add_cert(store, root.x509) }
        guard let untrusted = OPENSSL_sk_new_null() else { return (-1, "out of memory") }
        defer { OPENSSL_sk_free(untrusted) }
        for cert in intermediates { OPENSSL_sk_push(untrusted, UnsafeRawPointer(cert.x509)) }
        guard let ctx = X509_STORE_CTX_new() else { return (-1, "out of memory") }
        defer { X509_STORE_CTX_free(ctx) }
        guard X509_STORE_CTX_init(ctx, store, x509, untrusted) == 1 else { return (-1, opensslError("chain").description) }
        X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx), time_t(at.seconds))
        if X509_verify_cert(ctx) == 1 { return nil }
        let code = X509_STORE_CTX_get_error(ctx)
        ERR_clear_error()
        return (code, String(cString: X509_verify_cert_error_string(Int(code))))
    }
}

/// Making certificates: a province CA for small deployments and tests, officer certificates,
/// and certificate signing requests for a real CA.
public enum CertificateAuthority {
    static func name(_ fields: [(String, String)]) throws -> OpaquePointer {
        let name = X509_NAME_new()!
        for (field, value) in fields where !value.isEmpty {
            guard X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, value, -1, -1, 0) == 1 else {
                X509_NAME_free(name)
                throw Failure(.invalidInput, opensslError("subject field \(field)"))
            }
        }
        return name
    }

    static func addExtension(_ x: OpaquePointer, issuer: OpaquePointer, nid: Int32, _ value: String) throws {
        var ctx = X509V3_CTX()
        X509V3_set_ctx(&ctx, issuer, x, nil, nil, 0)
        guard let ext = X509V3_EXT_conf_nid(nil, &ctx, nid, value) else { throw Failure(.invalidInput, opensslError("extension \(value)")) }
        defer { X509_EXTENSION_free(ext) }
        X509_add_ext(x, ext, -1)
    }

    static func build(subject: [(String, String)], publicKey: OpaquePointer, issuer: Certificate?, issuerKey: PrivateKey,
                      notBefore: Timestamp, notAfter: Timestamp, isCA: Bool) throws -> Certificate {
        guard let x = X509_new() else { throw Failure(.invalidInput, "out of memory") }
        let cert = Certificate(owning: x)
        X509_set_version(x, 2)
        var serial = [UInt8](repeating: 0, count: 16)
        RAND_bytes(&serial, 16)
        serial[0] &= 0x7F
        let bn = BN_bin2bn(serial, 16, nil)
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))
        BN_free(bn)
        ASN1_TIME_set(X509_getm_notBefore(x), time_t(notBefore.seconds))
        ASN1_TIME_set(X509_getm_notAfter(x), time_t(notAfter.seconds))
        let subjectName = try name(subject)
        defer { X509_NAME_free(subjectName) }
        X509_set_subject_name(x, subjectName)
        X509_set_issuer_name(x, issuer.map { X509_get_subject_name($0.x509) } ?? subjectName)
        X509_set_pubkey(x, publicKey)
        let issuerX = issuer?.x509 ?? x
        if isCA {
            try addExtension(x, issuer: issuerX, nid: NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
            try addExtension(x, issuer: issuerX, nid: NID_key_usage, "critical,keyCertSign,cRLSign")
        } else {
            try addExtension(x, issuer: issuerX, nid: NID_basic_constraints, "critical,CA:FALSE")
            try addExtension(x, issuer: issuerX, nid: NID_key_usage, "critical,digitalSignature,nonRepudiation")
        }
        try addExtension(x, issuer: issuerX, nid: NID_subject_key_identifier, "hash")
        if issuer != nil { try addExtension(x, issuer: issuerX, nid: NID_authority_key_identifier, "keyid:always") }
        guard X509_sign(x, issuerKey.pkey, issuerKey.digest) > 0 else { throw Failure(.invalidInput, opensslError("certificate signing")) }
        return cert
    }

    /// A self-signed province CA certificate.
    public static func makeRoot(key: PrivateKey, name: String, province: String?, notBefore: Timestamp, days: Int) throws -> Certificate {
        try build(subject: [("CN", name), ("ST", province ?? "")], publicKey: key.pkey, issuer: nil, issuerKey: key,
                  notBefore: notBefore, notAfter: Timestamp(seconds: notBefore.seconds + Int64(days) * 86400), isCA: true)
    }

    /// An officer certificate for the public key of a CSR (whose signature is checked).
    public static func issue(csrPEM: Data, officer: String, commune: String, role: String, caCert: Certificate, caKey: PrivateKey,
                             notBefore: Timestamp, notAfter: Timestamp) throws -> Certificate {
        let bio = memoryBIO(csrPEM)
        defer { BIO_free(bio) }
        guard let req = PEM_read_bio_X509_REQ(bio, nil, nil, nil) else { ERR_clear_error(); throw Failure(.invalidInput, "not a PEM certificate signing request") }
        defer { X509_REQ_free(req) }
        guard let pub = X509_REQ_get_pubkey(req) else { throw Failure(.invalidInput, "the request has no public key") }
        defer { EVP_PKEY_free(pub) }
        guard X509_REQ_verify(req, pub) == 1 else { ERR_clear_error(); throw Failure(.invalidInput, "the request's signature does not verify") }
        guard keyType(of: pub) != nil else { throw Failure(.invalidInput, "unsupported key in the request: use Ed25519, ECDSA P-256 or RSA 2048+") }
        guard notAfter > notBefore else { throw Failure(.badRequest, "the validity period is empty") }
        return try build(subject: [("CN", officer), ("title", role), ("L", commune)], publicKey: pub, issuer: caCert, issuerKey: caKey,
                         notBefore: notBefore, notAfter: notAfter, isCA: false)
    }

    /// A PEM certificate signing request naming the officer.
    public static func request(key: PrivateKey, officer: String, commune: String?, role: String?) throws -> Data {
        guard let req = X509_REQ_new() else { throw Failure(.invalidInput, "out of memory") }
        defer { X509_REQ_free(req) }
        X509_REQ_set_version(req, 0)
        let subject = try name([("CN", officer), ("title", role ?? ""), ("L", commune ?? "")])
        defer { X509_NAME_free(subject) }
        X509_REQ_set_subject_name(req, subject)
        X509_REQ_set_pubkey(req, key.pkey)
        guard X509_REQ_sign(req, key.pkey, key.digest) > 0 else { throw Failure(.invalidInput, opensslError("request signing")) }
        let out = BIO_new(BIO_s_mem())!
        defer { BIO_free(out) }
        PEM_write_bio_X509_REQ(out, req)
        return bioData(out)
    }
}
