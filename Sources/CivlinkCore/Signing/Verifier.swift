import FoundationEssentials
import Synchronization

/// Offline verification of a signed copy against trusted roots and an optional revocation list.
public struct Verification: Sendable {
    /// Stable reason codes (civlink-verify(1)).
    public enum Reason: String, Sendable {
        case malformed, unsupportedAlgorithm = "unsupported-algorithm", payloadMismatch = "payload-mismatch"
        case badSignature = "bad-signature", untrustedChain = "untrusted-chain"
        case certificateExpired = "certificate-expired", certificateNotYetValid = "certificate-not-yet-valid"
        case keyUsage = "key-usage", caCertificate = "ca-certificate", communeMismatch = "commune-mismatch", revoked
        case certificateRevoked = "certificate-revoked"
        /// With a proof: the proof does not check out, or does not show this copy's signature logged.
        case badProof = "bad-proof", notLogged = "not-logged"
    }

    public struct Failure: Error, Sendable {
        public let reason: Reason
        public let detail: Phrase
    }

    public let copy: JSON
    public let officer: String
    public let role: String
    public let commune: String
    public let signedAt: Timestamp
    public let algorithm: String
    public let certificateFingerprint: String
    public let signatureSHA256: String

    public var json: JSON {
        .object([
            ("format", .string("civlink.verification/1")), ("valid", .bool(true)),
            ("document", .optional(copy["document"]?.stringValue)), ("dossier", .optional(copy["dossier"]?.stringValue)),
            ("signed_at", .string(JWS.utcText(signedAt))),
            ("signer", .object([("officer", .string(officer)), ("role", .string(role)), ("commune", .string(commune)),
                                ("certificate_sha256", .string(certificateFingerprint))])),
            ("algorithm", .string(algorithm)), ("signature_sha256", .string(signatureSHA256)),
        ])
    }

    static func fail(_ reason: Reason, _ detail: Phrase) -> Failure { Failure(reason: reason, detail: detail) }

    /// Where the copy's signature is logged, as a proof shows it.
    public struct Logged: Sendable {
        public let origin: String
        public let seq: Int
        public let treeSize: UInt64
        public let cosigners: [String]
        public var json: JSON {
            .object([("origin", .string(origin)), ("event", .int(seq)), ("tree_size", .int(Int(treeSize))),
                     ("cosigned_by", .array(cosigners.map { .string($0) }))])
        }
    }

    /// Checks `proof` (civlink.proof/1) against the commune ledger's key `logKey` and shows that
    /// it logs this copy: an event of the copy's dossier that records this signature, included in
    /// the tree of the proof's signed checkpoint (cosigned by `witnessKeys`, if any).
    public func logged(in proof: ProofDocument, logKey: String, witnessKeys: [String]) -> Result<Logged, Failure> {
        guard proof.dossier == copy["dossier"]?.stringValue else {
            return .failure(Verification.fail(.notLogged, "the proof is for dossier \(proof.dossier), not this copy's"))
        }
        let verified: ProofDocument.Verified
        do { verified = try proof.verify(logKey: logKey, witnessKeys: witnessKeys) } catch let error as CivlinkError {
            return .failure(Verification.fail(.badProof, error.phrase))
        } catch {
            return .failure(Verification.fail(.badProof, Phrase(verbatim: "\(error)")))
        }
        guard let event = proof.signingEvent(signatureSHA256: signatureSHA256), let seq = event["seq"]?.intValue else {
            return .failure(Verification.fail(.notLogged, "no event of the proof records this copy's signature"))
        }
        return .success(Logged(origin: verified.checkpoint.origin, seq: seq, treeSize: verified.checkpoint.size, cosigners: verified.cosigners))
    }

    /// What a `civlink.revocations/1` list revokes: signed copies by the SHA-256 of their
    /// signature, and officer certificates by their SHA-256 fingerprint, from an instant.
    public struct RevocationList: Sendable {
        public var signatures: Set<String> = []
        public var certificates: [String: Timestamp] = [:]
        public init() {}
    }

    /// Set of revoked signature hashes from a `civlink.revocations/1` list.
    public static func revokedHashes(_ data: Data) throws -> Set<String> { try revocations(data).signatures }

    /// The revoked copies and certificates of a `civlink.revocations/1` list.
    public static func revocations(_ data: Data) throws -> RevocationList {
        let list = try JSONReader.parse(data)
        guard list["format"]?.stringValue == "civlink.revocations/1", let entries = list["revoked"]?.arrayValue else {
            throw ValidationError("", "not a civlink.revocations/1 list")
        }
        var result = RevocationList()
        result.signatures = Set(entries.compactMap { $0["signature_sha256"]?.stringValue })
        for entry in list["certificates"]?.arrayValue ?? [] {
            guard let fingerprint = entry["certificate_sha256"]?.stringValue,
                  let at = entry["revoked_at"]?.stringValue.flatMap(Timestamp.init) else {
                throw ValidationError("certificates", "each entry needs certificate_sha256 and revoked_at (RFC 3339)")
            }
            result.certificates[fingerprint] = min(at, result.certificates[fingerprint] ?? at)
        }
        return result
    }

    public static func verify(_ data: Data, trusted: [Certificate], revoked: Set<String> = []) -> Result<Verification, Failure> {
        Verifier(trusted: trusted, revoked: revoked).verify(data)
    }
}

/// Verifies signed copies against one set of trusted roots and one revocation list. Copies signed
/// in one batch share their chain and signing time, so the chain is parsed and validated once per
/// distinct chain and time (path validation checks one signature per link); the signature over
/// each copy is always checked. Safe to use from several threads.
public final class Verifier: Sendable {
    public let trusted: [Certificate]
    public let revoked: Set<String>
    /// Revoked certificates (of the chain) by fingerprint: a copy signed at or after the instant is refused.
    public let revokedCertificates: [String: Timestamp]
    private let chains = Mutex<[String: Result<[Certificate], Verification.Failure>]>([:])
    private let validations = Mutex<[String: Verification.Failure?]>([:])

    public init(trusted: [Certificate], revoked: Set<String> = [], revokedCertificates: [String: Timestamp] = [:]) {
        self.trusted = trusted
        self.revoked = revoked
        self.revokedCertificates = revokedCertificates
    }

    public convenience init(trusted: [Certificate], revocations: Verification.RevocationList) {
        self.init(trusted: trusted, revoked: revocations.signatures, revokedCertificates: revocations.certificates)
    }

    /// The cached value for `key`, computed outside the lock when missing (two threads may
    /// compute the same value; both get a correct one).
    private func cached<T: Sendable>(_ table: borrowing Mutex<[String: T]>, _ key: String, _ compute: () -> T) -> T {
        if let hit = table.withLock({ $0[key] }) { return hit }
        let value = compute()
        table.withLock { cache in
            // Bounded: a file of copies from many officers must not grow the caches without limit.
            if cache.count > 4096 { cache.removeAll() }
            cache[key] = value
        }
        return value
    }

    public func verify(_ data: Data) -> Result<Verification, Verification.Failure> {
        do { return .success(try check(data)) } catch let failure as Verification.Failure {
            return .failure(failure)
        } catch {
            return .failure(Verification.fail(.malformed, "\(error)"))
        }
    }

    /// Verifies each document on every core; results keep the input's order.
    public func verifyAll(_ documents: [Data]) -> [Result<Verification, Verification.Failure>] {
        documents.parallelMap { self.verify($0) }
    }

    private func check(_ data: Data) throws -> Verification {
        let fail = Verification.fail
        let document: JSON
        do { document = try JSONReader.parse(data) } catch { throw fail(.malformed, "not JSON: \(error)") }
        guard document["format"]?.stringValue == SignedCopy.format, let copy = document["copy"], copy.objectValue != nil,
              let protected = document["jws"]?["protected"]?.stringValue, let payload = document["jws"]?["payload"]?.stringValue,
              let signatureText = document["jws"]?["signature"]?.stringValue else {
            throw fail(.malformed, "not a \(SignedCopy.format) document")
        }
        guard let headerBytes = Base64URL.decode(protected), let header = try? JSONReader.parse(headerBytes),
              let payloadBytes = Base64URL.decode(payload), let signature = Base64URL.decode(signatureText) else {
            throw fail(.malformed, "the JWS is not base64url JSON")
        }
        guard payloadBytes == copy.canonicalData else { throw fail(.payloadMismatch, "the copy is not the signed payload") }
        guard let alg = header["alg"]?.stringValue else { throw fail(.malformed, "the protected header has no alg") }
        if header["crit"] != nil { throw fail(.malformed, "unsupported critical header parameters") }
        guard let x5c = header["x5c"]?.arrayValue, !x5c.isEmpty else { throw fail(.malformed, "the protected header has no x5c chain") }
        let entries = x5c.map { $0.stringValue }
        let chainKey = entries.map { $0 ?? "\u{0}" }.joined(separator: ",")
        let chain = try cached(chains, chainKey) { () -> Result<[Certificate], Verification.Failure> in
            var chain: [Certificate] = []
            for entry in entries {
                guard let b64 = entry, let der = Base64.decode(b64), let cert = try? Certificate(der: Data(der)) else {
                    return .failure(fail(.malformed, "x5c holds something that is not a certificate"))
                }
                chain.append(cert)
            }
            return .success(chain)
        }.get()
        guard let sigT = header["sigT"]?.stringValue, let signedAt = Timestamp(sigT) else {
            throw fail(.malformed, "the protected header has no signing time (sigT)")
        }
        let leaf = chain[0]
        guard let type = leaf.publicKeyType, type.jwsAlgorithm == alg else {
            throw fail(.unsupportedAlgorithm, "alg \(alg) does not match the certificate's key")
        }
        var input: [UInt8] = []
        input.reserveCapacity(protected.utf8.count + 1 + payload.utf8.count)
        input.append(contentsOf: protected.utf8)
        input.append(UInt8(ascii: "."))
        input.append(contentsOf: payload.utf8)
        guard leaf.verify(signature, over: Data(input)) else {
            throw fail(.badSignature, "the signature does not verify with the certificate's key")
        }
        let validation = cached(validations, chainKey + "|" + sigT) { () -> Verification.Failure? in
            guard let (code, text) = leaf.chainError(intermediates: Array(chain.dropFirst()), trusted: trusted, at: signedAt) else { return nil }
            switch code {
            case 10: return fail(.certificateExpired, "a certificate of the chain had expired at the signing time")
            case 9: return fail(.certificateNotYetValid, "a certificate of the chain was not yet valid at the signing time")
            default: return fail(.untrustedChain, "the chain does not lead to a trusted root: \(Phrase(verbatim: text))")
            }
        }
        if let validation { throw validation }
        guard !leaf.isCA else { throw fail(.caCertificate, "the copy is signed with a CA certificate (CA:TRUE), not an officer's") }
        guard leaf.allowsDocumentSigning else {
            throw fail(.keyUsage, "the certificate's key usage does not allow signing (it needs digitalSignature or nonRepudiation)")
        }
        let copyCommune = copy["commune"]?.stringValue ?? ""
        guard let signerCommune = leaf.commune, !signerCommune.isEmpty, signerCommune == copyCommune else {
            throw fail(.communeMismatch, "the copy is of commune \(copyCommune); the certificate is for \(leaf.commune.map { "commune \($0)" as Phrase } ?? "no commune" as Phrase)")
        }
        if !revokedCertificates.isEmpty {
            for cert in chain {
                if let at = revokedCertificates[cert.fingerprint], signedAt >= at {
                    throw fail(.certificateRevoked, "the signer's certificate was revoked at \(JWS.utcText(at)), before this copy was signed")
                }
            }
        }
        let signatureHash = Digest.sha256(signature).hexString
        if revoked.contains(signatureHash) { throw fail(.revoked, "this signed copy has been revoked") }
        return Verification(copy: copy, officer: leaf.commonName ?? "", role: leaf.role ?? "", commune: leaf.commune ?? "",
                            signedAt: signedAt, algorithm: alg, certificateFingerprint: leaf.fingerprint, signatureSHA256: signatureHash)
    }
}
