import FoundationEssentials

/// The electronic copy: the Birth Certificate extract or the Death Certificate Extract, signed
/// (civlink-signed-copy(5)). What it shows, how it is signed and how the document is put back
/// together from the parts the ledger stores; no ledger access.
public enum SignedCopy {
    public static let format = "civlink.signed-copy/1"
    public static let copyFormat = "civlink.certificate-copy/1"

    static func pick(_ object: JSON?, _ keys: [String]) -> JSON {
        .object(keys.compactMap { key in object?[key].map { (key, $0) } })
    }

    /// What an extract shows: names, dates, places, parents' names, the register entry, the dossier id.
    /// `issue` numbers the copies of one dossier (1, then 2 after a revocation...), so a re-signed
    /// copy never has the same bytes, hence the same signature, as a revoked one.
    public static func copy(of dossier: DossierRecord, issue: Int = 1) -> JSON {
        let d = dossier.declaration
        var members: [(String, JSON)] = [
            ("format", .string(copyFormat)),
            ("document", .string(dossier.group == .birth ? "birth-certificate-extract" : "death-certificate-extract")),
            ("dossier", .string(dossier.id)), ("issue", .int(issue)),
            ("province", .string(dossier.province)), ("commune", .string(dossier.commune)),
            ("register", dossier.registerJSON),
            ("registered_at", .optional(dossier.registeredAt.map(JWS.utcText))),
        ]
        if dossier.group == .birth {
            members.append(("child", pick(d["child"], ["full_name", "sex", "date_of_birth", "place_of_birth", "ethnicity", "nationality"])))
            members.append(("mother", pick(d["mother"], ["full_name"])))
            if d["father"] != nil { members.append(("father", pick(d["father"], ["full_name"]))) }
        } else {
            members.append(("deceased", pick(d["deceased"], ["full_name", "sex", "date_of_birth"])))
            members.append(("death", pick(d["death"], ["date", "time", "place"])))
        }
        return .object(members)
    }

    /// The signed document from its parts: the copy's canonical form (the JWS payload before
    /// base64url), the encoded protected header and the signature. The ledger stores these parts,
    /// so a document read back later has the bytes printed at signing.
    public static func documentText(payload: String, protected: String, signature: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(payload.utf8.count * 7 / 3 + protected.utf8.count + signature.utf8.count + 96)
        out.append(contentsOf: #"{"format":"#.utf8)
        JSON.writeString(format, to: &out)
        // The canonical form is the copy's JSON with sorted keys, so it is the `copy` member as is.
        out.append(contentsOf: #","copy":"#.utf8)
        out.append(contentsOf: payload.utf8)
        // Base64url text needs no escaping.
        out.append(contentsOf: #","jws":{"protected":""#.utf8)
        out.append(contentsOf: protected.utf8)
        out.append(contentsOf: #"","payload":""#.utf8)
        out.append(contentsOf: Base64URL.encode(Data(payload.utf8)).utf8)
        out.append(contentsOf: #"","signature":""#.utf8)
        out.append(contentsOf: signature.utf8)
        out.append(contentsOf: #""}}"#.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// A copy signed outside the write transaction and stored inside it: signing is the costly,
    /// pure part, so a batch signs on every core while the ledger stores the previous batch.
    public struct PreparedCopy: Sendable {
        public let dossier: String
        public let issue: Int
        /// The copy's RFC 8785 form: the JWS payload before base64url.
        public let payload: String
        public let signature: String
        public let signatureHash: String
    }

    /// Signs the copy of `dossier` numbered `issue` under an encoded protected header.
    public static func prepare(_ dossier: DossierRecord, issue: Int, signer: Signer, protected: String) throws -> PreparedCopy {
        let payload = copy(of: dossier, issue: issue).canonicalData
        let (jws, signature) = try JWS.sign(payload: payload, key: signer.key, protected: protected)
        return PreparedCopy(dossier: dossier.id, issue: issue, payload: String(decoding: payload, as: UTF8.self), signature: jws.signature,
                            signatureHash: Digest.sha256(signature).hexString)
    }

    /// What the `certificate-copy` event records of a signature.
    static func signedDetail(_ copy: PreparedCopy, signer: Signer) -> [(String, JSON)] {
        [("signed_copy", .object([("signature_sha256", .string(copy.signatureHash)), ("certificate", .string(signer.fingerprint)),
                                  ("officer", .string(signer.officer))]))]
    }
}
