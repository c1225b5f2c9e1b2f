import FoundationEssentials

/// An officer's key and certificate chain (leaf first), checked to belong together.
public struct Signer: Sendable {
    public let key: PrivateKey
    public let chain: [Certificate]
    /// The chain as JWS `x5c` entries and the officer certificate's fingerprint, computed once.
    public let x5c: [String]
    public let fingerprint: String
    /// Read from the certificate once: every stored copy names them.
    public let officer: String
    public let commune: String
    public let role: String
    public var certificate: Certificate { chain[0] }

    public init(keyPath: String, certificatePath: String) throws {
        key = try PrivateKey.load(path: keyPath)
        chain = try Certificate.loadChain(path: certificatePath)
        guard chain[0].matches(key) else { throw Failure(.permission, "the key \(keyPath) does not match the certificate \(certificatePath)") }
        guard chain[0].commonName?.isEmpty == false, chain[0].commune?.isEmpty == false else {
            throw Failure(.permission, "the certificate names no officer (CN) or commune (L)")
        }
        guard !chain[0].isCA else { throw Failure(.permission, "the certificate is a CA certificate (CA:TRUE): a copy is signed with an officer's certificate") }
        guard chain[0].allowsDocumentSigning else {
            throw Failure(.permission, "the certificate's key usage does not allow signing (it needs digitalSignature or nonRepudiation)")
        }
        x5c = chain.map { Base64.encode($0.der) }
        fingerprint = chain[0].fingerprint
        officer = chain[0].commonName ?? ""
        commune = chain[0].commune ?? ""
        role = chain[0].role ?? ""
    }

    /// Refuses a chain that does not lead, valid at `now`, to one of `roots`.
    public func checkChain(trusted roots: [Certificate], at now: Timestamp) throws {
        guard !roots.isEmpty else {
            throw Failure(.permission, "this ledger trusts no CA root yet: a copy is signed only with a chain to a recorded root", remedy: .importCA)
        }
        if let (_, text) = certificate.chainError(intermediates: Array(chain.dropFirst()), trusted: roots, at: now) {
            throw Failure(.permission, "the certificate chain does not lead to a CA root this ledger trusts: \(Phrase(verbatim: text))", remedy: .importCA)
        }
    }

    /// Refuses an expired or not yet valid certificate.
    public func checkValidity(at now: Timestamp) throws {
        if now < certificate.notBefore {
            throw Failure(.permission, "the certificate is not valid before \(certificate.notBefore)")
        }
        if now > certificate.notAfter {
            throw Failure(.permission, "the certificate expired at \(certificate.notAfter)")
        }
    }
}
