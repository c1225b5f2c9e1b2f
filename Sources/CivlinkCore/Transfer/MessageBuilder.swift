/// The message civlink sends an agency for one procedure (`civlink.message/1`, civlink-message(5)).
/// It carries only what that agency needs (the procedure's payload in the catalogue), and an id
/// that stays the same across retries: the key receivers deduplicate on. A corrected resend after
/// a rejection gets a new id that names the old one in `supersedes`.
public enum MessageBuilder {
    /// Builds the message body. `signedCopy` is the dossier's current signed copy, needed by the
    /// procedures that carry it.
    static func build(messageID: String, supersedes: String?, dossier: DossierRecord, procedure: ProcedureRecord, signedCopy: String?,
                      now: Timestamp, reference: ReferenceData = .embedded) throws -> JSON {
        guard let kind = ProcedureKind.named(procedure.code), let payload = kind.payload else {
            throw Failure(.internalError, "procedure \(procedure.code) is not sent to an agency")
        }
        let personalID = dossier.procedures.first { $0.code == ProcedureKind.personalID.code }?.result?["personal_id"]?.stringValue
        var members: [(String, JSON)] = [
            ("format", .string("civlink.message/1")),
            ("message_id", .string(messageID)),
            ("supersedes", .optional(supersedes)),
            ("dossier_id", .string(dossier.id)),
            ("procedure", .string(procedure.code)),
            ("agency", .string(procedure.agency)),
            ("catalogue_code", .string(dossier.group.catalogueCode)),
            ("province", .string(dossier.province)),
            ("commune", .string(dossier.commune)),
            ("created_at", .string(now.description)),
            ("data", try payload(MessageContext(dossier: dossier, personalID: personalID, reference: reference))),
        ]
        if procedure.waitsOn.contains(ProcedureKind.certificateCopy.code) {
            guard let signedCopy else { throw Failure(.internalError, "dossier \(dossier.id) has no signed certificate copy") }
            members.append(("certificate_copy", try JSONReader.parse(signedCopy)))
        }
        return .object(members)
    }

    /// The 63-province code that opens the child's personal ID number: the registering province's.
    public static func idProvinceCode(for province: String) -> String? { MessagePayload.idProvinceCode(for: province) }
}
