/// The message civlink sends an agency for one procedure (`civlink.message/1`, civlink-message(5)).
/// It carries only what that agency needs (the procedure's payload in the catalogue), and an id
/// that stays the same across retries: the key receivers deduplicate on. A corrected resend after
/// a rejection gets a new id that names the old one in `supersedes`; so do an update (corrected
/// data after an amendment) and a void (the dossier was cancelled), told apart by `kind`.
public enum MessageBuilder {
    /// Builds the message body. `signedCopy` is the dossier's current signed copy, needed by the
    /// procedures that carry it.
    static func build(messageID: String, kind messageKind: MessageKind = .request, supersedes: String?, dossier: DossierRecord,
                      procedure: ProcedureRecord, signedCopy: String?, now: Timestamp, reference: ReferenceData = .embedded) throws -> JSON {
        var members = envelope(messageID: messageID, kind: messageKind, supersedes: supersedes, dossier: dossier, procedure: procedure, now: now)
        members.append(("data", try payload(procedure.code, of: dossier, reference: reference)))
        if procedure.waitsOn.contains(ProcedureKind.certificateCopy.code) {
            guard let signedCopy else { throw Failure(.internalError, "dossier \(dossier.id) has no signed certificate copy") }
            members.append(("certificate_copy", try JSONReader.parse(signedCopy)))
        }
        return .object(members)
    }

    /// A void: the dossier was cancelled, so the agency undoes what `supersedes` asked for. It
    /// carries the reason and no personal data.
    static func void(messageID: String, supersedes: String, dossier: DossierRecord, procedure: ProcedureRecord, reason: String,
                     now: Timestamp) -> JSON {
        .object(envelope(messageID: messageID, kind: .void, supersedes: supersedes, dossier: dossier, procedure: procedure, now: now)
                + [("data", .object([("reason", .string(reason))]))])
    }

    /// The data-minimised payload the catalogue builds for a procedure of `dossier`: what its
    /// message carries as `data`. An amendment compares it before and after.
    static func payload(_ code: String, of dossier: DossierRecord, reference: ReferenceData = .embedded) throws -> JSON {
        guard let kind = ProcedureKind.named(code), let payload = kind.payload else {
            throw Failure(.internalError, "procedure \(code) is not sent to an agency")
        }
        let personalID = dossier.procedures.first { $0.code == ProcedureKind.personalID.code }?.result?["personal_id"]?.stringValue
        return try payload(MessageContext(dossier: dossier, personalID: personalID, reference: reference))
    }

    private static func envelope(messageID: String, kind: MessageKind, supersedes: String?, dossier: DossierRecord, procedure: ProcedureRecord,
                                 now: Timestamp) -> [(String, JSON)] {
        [
            ("format", .string("civlink.message/1")),
            ("message_id", .string(messageID)),
            ("kind", .string(kind.rawValue)),
            ("supersedes", .optional(supersedes)),
            ("dossier_id", .string(dossier.id)),
            ("procedure", .string(procedure.code)),
            ("agency", .string(procedure.agency)),
            ("catalogue_code", .string(dossier.group.catalogueCode)),
            ("province", .string(dossier.province)),
            ("commune", .string(dossier.commune)),
            ("created_at", .string(now.description)),
        ]
    }

    /// The 63-province code that opens the child's personal ID number: the registering province's.
    public static func idProvinceCode(for province: String) -> String? { MessagePayload.idProvinceCode(for: province) }
}
