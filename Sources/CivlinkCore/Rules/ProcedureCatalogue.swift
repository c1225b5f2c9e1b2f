/// The two procedure groups of Resolution 97/NQ-CP.
public enum ProcedureGroup: String, Sendable, CaseIterable {
    case birth, death

    /// National procedure catalogue code, for exports.
    public var catalogueCode: String { self == .birth ? "2.000986" : "1.011537" }
}

/// The receiving systems a dossier's procedures run in.
public enum Agency: String, Sendable, CaseIterable {
    case civilStatus = "civil-status"
    case population
    case residence
    case socialInsurance = "social-insurance"
    case socialAffairs = "social-affairs"

    /// The agencies civlink sends to (civil-status steps are done at the desk, never sent).
    public static let sendable: [Agency] = allCases.filter { $0 != .civilStatus }
}

/// One kind of procedure: its agency, statutory time limit, prerequisites, when a declaration
/// asks for it, the data its message carries, the result its agency returns, and what the
/// agency simulator answers. Everything that differs between procedures is here; the ledger,
/// planner, message builder, receipt checker, simulator and completions read it.
public struct ProcedureKind: Sendable {
    public let code: String
    public let agency: Agency
    public let defaultDeadlineDays: Int
    /// Procedures this one waits on, when the dossier plans them.
    public let waitsOn: [String]
    /// The registration itself: done the moment the dossier is registered.
    public let isRegistration: Bool
    /// Whether a declaration asks for this procedure.
    let isPlanned: @Sendable (Declaration) -> Bool
    /// A time limit the declaration changes (an address needing verification), else nil.
    let deadlineFor: @Sendable (Declaration) -> Int?
    /// The data-minimised payload of the message to the agency; nil for desk steps.
    let payload: (@Sendable (MessageContext) throws -> JSON)?
    /// What a completed receipt's `result` must hold.
    let result: ResultRule?
    /// A plausible result for the simulator.
    let simulatedResult: (@Sendable (_ message: JSON, _ random: inout SeededRandom) -> JSON)?
    /// A step of another record rather than a record of its own (the signed copy is the result
    /// of the registration): reports do not count it as one of its system's records.
    public var isStep = false

    /// True for procedures civlink sends to an agency.
    public var isSent: Bool { payload != nil }
    /// True when the message must carry the signed certificate copy.
    public var carriesCertificateCopy: Bool { waitsOn.contains(ProcedureKind.certificateCopyCode) }
}

/// What a message payload is built from.
struct MessageContext {
    let dossier: DossierRecord
    /// The child's personal ID number once the population database returned it.
    let personalID: String?
    /// The reference data of the ledger (its province table).
    var reference: ReferenceData = .embedded
}

/// The shape and rules of a procedure's result.
struct ResultRule: Sendable {
    let schema: Schema
    /// Whether `check` reads the dossier (it is loaded only then).
    var needsDossier = false
    /// Rules between fields and against the dossier (a personal ID number must fit the child).
    let check: @Sendable (_ result: JSON, _ dossier: DossierRecord?, _ reference: ReferenceData) throws -> Void
}

extension ProcedureKind {
    static let certificateCopyCode = "certificate-copy"

    /// Each group's procedure kinds in plan order: the order a dossier lists them. The
    /// certificate copy belongs to both.
    public static let birthGroup: [ProcedureKind] = [birthRegistration, certificateCopy, personalID, residenceRegistration, healthInsuranceCard]
    public static let deathGroup: [ProcedureKind] = [deathRegistration, certificateCopy, residenceDeletion, funeralAllowance, funeralSupport,
                                                      survivorBenefit]

    public static func of(_ group: ProcedureGroup) -> [ProcedureKind] { group == .birth ? birthGroup : deathGroup }

    /// Every procedure kind once.
    public static let all: [ProcedureKind] = birthGroup + deathGroup.filter { kind in !birthGroup.contains { $0.code == kind.code } }

    public static func named(_ code: String) -> ProcedureKind? { all.first { $0.code == code } }

    /// The registration procedures (one per group): a dossier's record in civil status.
    public static let registrations: [ProcedureKind] = all.filter(\.isRegistration)

    public static let birthRegistration = ProcedureKind(
        code: "birth-registration", agency: .civilStatus, defaultDeadlineDays: 0, waitsOn: [], isRegistration: true,
        isPlanned: { _ in true }, deadlineFor: { _ in nil }, payload: nil, result: nil, simulatedResult: nil)

    public static let deathRegistration = ProcedureKind(
        code: "death-registration", agency: .civilStatus, defaultDeadlineDays: 0, waitsOn: [], isRegistration: true,
        isPlanned: { _ in true }, deadlineFor: { _ in nil }, payload: nil, result: nil, simulatedResult: nil)

    /// The signed electronic copy: the Birth Certificate extract or the Death Certificate Extract.
    /// Agencies that need the copy wait on it.
    public static let certificateCopy = ProcedureKind(
        code: certificateCopyCode, agency: .civilStatus, defaultDeadlineDays: 0,
        waitsOn: ["birth-registration", "death-registration"], isRegistration: false,
        isPlanned: { _ in true }, deadlineFor: { _ in nil }, payload: nil, result: nil, simulatedResult: nil, isStep: true)

    public static let personalID = ProcedureKind(
        code: "personal-id", agency: .population, defaultDeadlineDays: 1, waitsOn: ["birth-registration"],
        isRegistration: false, isPlanned: { _ in true }, deadlineFor: { _ in nil },
        payload: { context in
            let d = context.dossier.declaration
            var members: [(String, JSON)] = [
                ("child", d["child"].picking(MessagePayload.childFields)), ("mother", d["mother"].picking(MessagePayload.parentFields)),
                ("province_id_code", .optional(MessagePayload.idProvinceCode(for: context.dossier.province, on: context.dossier.receivedAt.localDate,
                                                                             provinces: context.reference.provinces))),
                ("registered_on", .optional(context.dossier.registeredAt?.localDate.description)),
            ]
            if d["father"] != nil { members.insert(("father", d["father"].picking(MessagePayload.parentFields)), at: 2) }
            return .object(members)
        },
        result: ResultRule(schema: Schema([.required("personal_id", .digits(12))], allowsUnknownFields: true), needsDossier: true) { result, dossier, reference in
            // A number returned for a child must be one the child can have: a province code of the
            // registering province, the century/sex digit and year digits of the child's birth.
            guard let number = result["personal_id"]?.stringValue, let dossier, let child = dossier.declaration["child"],
                  let born = child["date_of_birth"]?.stringValue.flatMap(CivilDate.init),
                  let sex = child["sex"]?.stringValue.flatMap(Sex.init(rawValue:)) else { return }
            _ = try PersonalID.validate(number, field: "result.personal_id", provinces: reference.provinces, born: born, sex: sex)
            guard reference.provinces.idCodes(ofProvince: dossier.province, on: dossier.receivedAt.localDate).contains(String(number.prefix(3))) else {
                throw ValidationError("result.personal_id", "first 3 digits must be a province code of the registering province")
            }
        },
        simulatedResult: { message, random in
            let data = message["data"] ?? .null
            let child = data["child"] ?? .null
            let born = child["date_of_birth"]?.stringValue.flatMap(CivilDate.init) ?? CivilDate(year: 2026, month: 1, day: 1)!
            let century = PersonalID.centurySexDigit(year: born.year, sex: child["sex"]?.stringValue == "female" ? .female : .male) ?? 2
            let code = data["province_id_code"]?.stringValue ?? "001"
            return .object([("personal_id", .string("\(code)\(century)\(pad(born.year % 100, 2))\(random.digits(6))"))])
        })

    public static let residenceRegistration = ProcedureKind(
        code: "residence-registration", agency: .residence, defaultDeadlineDays: 2,
        waitsOn: ["personal-id", certificateCopyCode], isRegistration: false,
        isPlanned: { $0.options.residence },
        deadlineFor: { $0.options.residenceNeedsVerification ? residenceVerificationDeadlineDays : nil },
        payload: { context in
            guard let personalID = context.personalID else {
                throw Failure(.internalError, "residence registration needs the child's personal ID number first")
            }
            let d = context.dossier.declaration
            return .object([
                ("child", d["child"].picking(["full_name", "sex", "date_of_birth"]).adding([("personal_id", .string(personalID))])),
                ("mother", d["mother"].picking(["full_name", "personal_id", "identity_document", "nationality"])),
                ("residence", d["residence_registration"] ?? .null),
            ])
        },
        result: ResultRule.confirmation,
        simulatedResult: { message, random in
            .object([("confirmation", .string("DKTT-\(message["province"]?.stringValue ?? "01")-\(random.digits(8))"))])
        })

    public static let healthInsuranceCard = ProcedureKind(
        code: "health-insurance-card", agency: .socialInsurance, defaultDeadlineDays: 2,
        waitsOn: ["personal-id", certificateCopyCode], isRegistration: false,
        isPlanned: { $0.options.healthInsurance }, deadlineFor: { _ in nil },
        payload: { context in
            guard let personalID = context.personalID else {
                throw Failure(.internalError, "the health-insurance card needs the child's personal ID number first")
            }
            let d = context.dossier.declaration
            return .object([
                ("child", d["child"].picking(["full_name", "sex", "date_of_birth"]).adding([("personal_id", .string(personalID))])),
                ("health_insurance", d["health_insurance"] ?? .null),
            ])
        },
        result: ResultRule(schema: Schema([
            .required("card_number", .code(15)), .required("valid_from", .date), .required("valid_until", .date),
        ], allowsUnknownFields: true), needsDossier: true) { result, dossier, reference in
            // TE1 (a child under 6, benefit level 1), the 2-digit code of a real province, the
            // 10-digit social insurance code: 15 characters.
            let card = result["card_number"]?.stringValue ?? ""
            guard card.utf8.count == 15, card.hasPrefix("TE1"), card.utf8.dropFirst(3).allSatisfy({ (0x30...0x39).contains($0) }) else {
                throw ValidationError("result.card_number", "must be 15 characters: TE1, a 2-digit province code and a 10-digit social insurance code")
            }
            let cardProvince = String(card.dropFirst(3).prefix(2))
            guard reference.provinces.byIDCode["0" + cardProvince] != nil else {
                throw ValidationError("result.card_number", "4th and 5th characters must be a province code (see provinces.tsv)")
            }
            guard let from = result["valid_from"]?.stringValue.flatMap(CivilDate.init),
                  let until = result["valid_until"]?.stringValue.flatMap(CivilDate.init), from <= until else {
                throw ValidationError("result.valid_from", "valid_from and valid_until must be dates, in order")
            }
            // Against the child: issued in the registering province, valid from the birth to 72
            // months (or 30 September of that year).
            guard let dossier, let born = dossier.declaration["child"]?["date_of_birth"]?.stringValue.flatMap(CivilDate.init) else { return }
            let date = dossier.receivedAt.localDate
            let provinces = ProvinceTable.isBeforeReorganisation(date) ? [dossier.province]
                : [dossier.province] + reference.provinces.formerProvinces(of: dossier.province)
            guard provinces.contains(cardProvince) else {
                throw ValidationError("result.card_number", "4th and 5th characters must be the code of the registering province")
            }
            guard from >= born else { throw ValidationError("result.valid_from", "must not be before the child's date of birth") }
            guard from <= (dossier.registeredAt ?? dossier.receivedAt).localDate.adding(days: 366) else {
                throw ValidationError("result.valid_from", "must be within a year of the registration")
            }
            let expected = HealthInsurance.validUntil(born: born)
            guard until == expected else {
                throw ValidationError("result.valid_until", "must be \(expected): 72 months from the child's birth, or 30 September of that year")
            }
        },
        simulatedResult: { message, random in
            let data = message["data"] ?? .null
            let born = data["child"]?["date_of_birth"]?.stringValue.flatMap(CivilDate.init) ?? CivilDate(year: 2026, month: 1, day: 1)!
            return .object([
                ("card_number", .string("TE1\(message["province"]?.stringValue ?? "01")\(random.digits(10))")),
                ("valid_from", .string(born.description)),
                ("valid_until", .string(HealthInsurance.validUntil(born: born).description)),
            ])
        })

    public static let residenceDeletion = ProcedureKind(
        code: "residence-deletion", agency: .residence, defaultDeadlineDays: 2,
        waitsOn: ["death-registration", certificateCopyCode], isRegistration: false,
        isPlanned: { $0.options.residence }, deadlineFor: { _ in nil },
        payload: { context in
            let d = context.dossier.declaration
            return .object([
                ("deceased", d["deceased"].picking(MessagePayload.deceasedFields + ["residence"])),
                ("death", d["death"].picking(["date"])),
            ])
        },
        result: ResultRule.confirmation,
        simulatedResult: { message, random in
            .object([("confirmation", .string("XTT-\(message["province"]?.stringValue ?? "01")-\(random.digits(8))"))])
        })

    public static let funeralAllowance = ProcedureKind(
        code: "funeral-allowance", agency: .socialInsurance, defaultDeadlineDays: 5,
        waitsOn: ["death-registration", certificateCopyCode], isRegistration: false,
        isPlanned: { if case .funeralAllowance = $0.options.benefit { return true } else { return false } },
        deadlineFor: { _ in nil }, payload: MessagePayload.funeral, result: ResultRule.decision,
        simulatedResult: { message, random in
            let amount = message["data"]?["benefit"]?["amount_vnd"]?.intValue ?? 23_400_000
            return .object([("decision", .string("QD-BHXH-\(random.digits(6))")), ("amount_vnd", .int(amount))])
        })

    public static let funeralSupport = ProcedureKind(
        code: "funeral-support", agency: .socialAffairs, defaultDeadlineDays: 5,
        waitsOn: ["death-registration", certificateCopyCode], isRegistration: false,
        isPlanned: { $0.options.benefit == .funeralSupport }, deadlineFor: { _ in nil },
        payload: MessagePayload.funeral, result: ResultRule.decision,
        simulatedResult: { _, random in
            .object([("decision", .string("QD-TCXH-\(random.digits(6))")), ("amount_vnd", .int(10_000_000))])
        })

    /// Survivor benefit (tử tuất), one-off or monthly, to the representative the relatives chose:
    /// social insurance, once the death is registered and the copy signed. The time limit is not
    /// confirmed from the decree text: 5 working days as for the funeral allowance, configurable.
    public static let survivorBenefit = ProcedureKind(
        code: "survivor-benefit", agency: .socialInsurance, defaultDeadlineDays: 5,
        waitsOn: ["death-registration", certificateCopyCode], isRegistration: false,
        isPlanned: { $0.options.survivorBenefit != nil }, deadlineFor: { _ in nil },
        payload: { context in
            let d = context.dossier.declaration
            return .object([
                ("deceased", d["deceased"].picking(MessagePayload.deceasedFields)),
                ("death", d["death"].picking(["date"])),
                ("entitlement", d["entitlement"] ?? .null),
                ("survivor_benefit", d["survivor_benefit"] ?? .null),
            ])
        },
        result: ResultRule(schema: Schema([
            .required("decision", .text(200)), .required("kind", .oneOf(Declaration.SurvivorBenefit.allCases.map(\.rawValue))),
            .optional("amount_vnd", .wholeNumber(1...9_007_199_254_740_991)),
            .optional("monthly_amount_vnd", .wholeNumber(1...9_007_199_254_740_991)), .optional("from", .date),
        ], allowsUnknownFields: true), needsDossier: true) { result, dossier, _ in
            let kind = result["kind"]?.stringValue.flatMap(Declaration.SurvivorBenefit.init(rawValue:))
            switch kind {
            case .oneOff?:
                guard result["amount_vnd"] != nil else { throw ValidationError("result.amount_vnd", "is required for a one-off survivor benefit") }
            case .monthly?:
                guard result["monthly_amount_vnd"] != nil else {
                    throw ValidationError("result.monthly_amount_vnd", "is required for a monthly survivor benefit")
                }
                guard let from = result["from"]?.stringValue.flatMap(CivilDate.init) else {
                    throw ValidationError("result.from", "is required for a monthly survivor benefit")
                }
                if let died = dossier?.declaration["death"]?["date"]?.stringValue.flatMap(CivilDate.init), from < died {
                    throw ValidationError("result.from", "must not be before the death")
                }
            case nil: return
            }
            if let dossier, let asked = dossier.declaration["survivor_benefit"]?["kind"]?.stringValue, asked != kind?.rawValue {
                throw ValidationError("result.kind", "must be \(asked), the benefit the relatives asked for")
            }
        },
        simulatedResult: { message, random in
            let data = message["data"] ?? .null
            let died = data["death"]?["date"]?.stringValue.flatMap(CivilDate.init) ?? CivilDate(year: 2026, month: 1, day: 1)!
            let base = BaseSalaryTable.embedded.baseSalary(on: died) ?? 2_340_000
            let decision: (String, JSON) = ("decision", .string("QD-TT-\(random.digits(6))"))
            if data["survivor_benefit"]?["kind"]?.stringValue == Declaration.SurvivorBenefit.monthly.rawValue {
                // 50% of the base salary a month for each relative paid for.
                let relatives = max(1, data["survivor_benefit"]?["relatives"]?.arrayValue?.count ?? 1)
                let next = died.month == 12 ? CivilDate(year: died.year + 1, month: 1, day: 1)! : CivilDate(year: died.year, month: died.month + 1, day: 1)!
                return .object([decision, ("kind", .string("monthly")), ("monthly_amount_vnd", .int(base / 2 * relatives)),
                                ("from", .string(next.description))])
            }
            let months = 12 + Int(random.digits(2))! % 25
            return .object([decision, ("kind", .string("one-off")), ("amount_vnd", .int(base * months))])
        })

    /// Residence registration that needs verification of the address gets 5 working days.
    public static let residenceVerificationDeadlineDays = 5
}

extension ResultRule {
    /// Residence registration and deletion: the police's confirmation number.
    static let confirmation = ResultRule(schema: Schema([.required("confirmation", .text(200))], allowsUnknownFields: true)) { _, _, _ in }

    /// Funeral benefits: the decision and the amount paid.
    static let decision = ResultRule(schema: Schema([
        .required("decision", .text(200)), .required("amount_vnd", .wholeNumber(1...9_007_199_254_740_991)),
    ], allowsUnknownFields: true)) { _, _, _ in }
}

/// Pieces of message payloads shared by several procedures.
enum MessagePayload {
    static let childFields = ["full_name", "sex", "date_of_birth", "place_of_birth", "ethnicity", "nationality"]
    static let parentFields = ["full_name", "date_of_birth", "personal_id", "identity_document", "nationality"]
    /// How the deceased is identified: a personal ID number, an old ID card number, or the reason
    /// for neither.
    static let deceasedFields = ["full_name", "sex", "date_of_birth", "personal_id", "old_id_card", "no_id_reason"]

    static let funeral: @Sendable (MessageContext) throws -> JSON = { context in
        let d = context.dossier.declaration
        return .object([
            ("deceased", d["deceased"].picking(deceasedFields)),
            ("death", d["death"].picking(["date"])),
            ("entitlement", d["entitlement"] ?? .null),
            ("beneficiary", d["beneficiary"] ?? .null),
            ("benefit", context.dossier.benefit),
        ])
    }

    /// The 63-province code that opens the child's personal ID number: the registering province's
    /// (of a 2025 province, the former province with the same code, else the first).
    public static func idProvinceCode(for province: String, on date: CivilDate = ProvinceTable.reorganisation,
                                      provinces: ProvinceTable = .embedded) -> String? {
        let matches = provinces.idCodes(ofProvince: province, on: date)
        if matches.contains("0" + province) { return "0" + province }
        return matches.first
    }
}

/// The free health-insurance card of a child under 6.
public enum HealthInsurance {
    /// Valid until the child is 72 months old; a child who turns 72 months before the school year
    /// starts keeps it until 30 September of that year.
    public static func validUntil(born: CivilDate) -> CivilDate {
        let sixth = born.adding(years: 6)
        if sixth.month <= 9 { return CivilDate(year: sixth.year, month: 9, day: 30)! }
        return sixth.adding(days: -1)
    }
}

extension Optional where Wrapped == JSON {
    /// The members of an object named in `keys`, in the object's order; null when not an object.
    func picking(_ keys: [String]) -> JSON {
        guard case .object(let members)? = self else { return .null }
        return .object(members.filter { keys.contains($0.0) })
    }
}

extension JSON {
    /// The object with `extra` members appended (an object of them alone when not an object).
    func adding(_ extra: [(String, JSON)]) -> JSON {
        guard case .object(let members) = self else { return .object(extra) }
        return .object(members + extra)
    }
}
