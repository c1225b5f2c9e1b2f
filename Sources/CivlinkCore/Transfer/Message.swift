import Foundation

/// The message civlink sends an agency for one procedure (`civlink.message/1`, civlink-message(5)).
/// It carries only what that agency needs, and an id that stays the same across retries: the key
/// receivers deduplicate on. A corrected resend after a rejection gets a new id that names the
/// old one in `supersedes`.
public enum MessageBuilder {
    static func pick(_ json: JSON?, _ keys: [String]) -> JSON {
        guard let json, case .object(let members) = json else { return .null }
        return .object(members.filter { keys.contains($0.0) })
    }

    static func with(_ json: JSON, _ extra: [(String, JSON)]) -> JSON {
        guard case .object(let members) = json else { return .object(extra) }
        return .object(members + extra)
    }

    /// The 63-province code that opens the child's personal ID number: the registering province's.
    public static func idProvinceCode(for province: String, provinces: ProvinceTable = .embedded) -> String? {
        let matches = provinces.byIDCode.values.filter { $0.unit2025 == province }.map(\.idCode).sorted()
        if matches.contains("0" + province) { return "0" + province }
        return matches.first
    }

    /// The data-minimised payload for `procedure`.
    static func payload(procedure: String, dossier: DossierRecord, personalID: String?) throws -> JSON {
        let d = dossier.declaration
        let child = pick(d["child"], ["full_name", "sex", "date_of_birth", "place_of_birth", "ethnicity", "nationality"])
        let parent = { (key: String) in pick(d[key], ["full_name", "date_of_birth", "personal_id"]) }
        switch procedure {
        case ProcedureKind.personalID.code:
            var members: [(String, JSON)] = [
                ("child", child), ("mother", parent("mother")),
                ("province_id_code", .optional(idProvinceCode(for: dossier.province))),
                ("registered_on", .string(dossier.registeredAt.localDate.description)),
            ]
            if d["father"] != nil { members.insert(("father", parent("father")), at: 2) }
            return .object(members)
        case ProcedureKind.residenceRegistration.code:
            guard let personalID else { throw LedgerError("residence registration needs the child's personal ID number first", exitCode: .software) }
            return .object([
                ("child", with(pick(child, ["full_name", "sex", "date_of_birth"]), [("personal_id", .string(personalID))])),
                ("mother", pick(d["mother"], ["full_name", "personal_id"])),
                ("residence", d["residence_registration"] ?? .null),
            ])
        case ProcedureKind.healthInsuranceCard.code:
            guard let personalID else { throw LedgerError("the health-insurance card needs the child's personal ID number first", exitCode: .software) }
            return .object([
                ("child", with(pick(child, ["full_name", "sex", "date_of_birth"]), [("personal_id", .string(personalID))])),
                ("health_insurance", d["health_insurance"] ?? .null),
            ])
        case ProcedureKind.residenceDeletion.code:
            return .object([
                ("deceased", pick(d["deceased"], ["full_name", "sex", "date_of_birth", "personal_id", "residence"])),
                ("death", pick(d["death"], ["date"])),
            ])
        case ProcedureKind.funeralAllowance.code, ProcedureKind.funeralSupport.code:
            return .object([
                ("deceased", pick(d["deceased"], ["full_name", "sex", "date_of_birth", "personal_id"])),
                ("death", pick(d["death"], ["date"])),
                ("entitlement", d["entitlement"] ?? .null),
                ("beneficiary", d["beneficiary"] ?? .null),
                ("benefit", dossier.benefit),
            ])
        default:
            throw LedgerError("procedure \(procedure) is not sent to an agency", exitCode: .software)
        }
    }

    /// Builds the message body. Call inside a transaction.
    static func build(ledger: Ledger, messageID: String, supersedes: String?, dossier: DossierRecord, procedure: ProcedureRecord,
                      now: Timestamp) throws -> JSON {
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
            ("data", try payload(procedure: procedure.code, dossier: dossier, personalID: personalID)),
        ]
        if procedure.waitsOn.contains(ProcedureKind.certificateCopy.code) {
            guard let text = try SignedCopy.current(dossier: dossier.id, ledger: ledger) else {
                throw LedgerError("dossier \(dossier.id) has no signed certificate copy", exitCode: .software)
            }
            members.append(("certificate_copy", try JSONReader.parse(text)))
        }
        return .object(members)
    }
}
