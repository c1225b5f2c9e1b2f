import FoundationEssentials

/// A validated declaration: the normalised JSON plus the facts the ledger and plan need.
public struct Declaration: Sendable {
    public let group: ProcedureGroup
    public let normalised: JSON
    /// `normalised` as the ledger stores it, serialised while validating (on every core), not
    /// while registering (in the one writing thread).
    public let normalisedText: String
    public let receivedAt: Timestamp
    public let province: String
    public let commune: String
    /// The subject's event date: child's birth or the death.
    public let eventDate: CivilDate
    /// Registered later than the 60 days (birth) or 15 days (death) the law gives.
    public let late: Bool
    /// Birth: mother ID + child's birth date + child's name without diacritics or case.
    public let duplicateKey: String
    /// Birth: the medical birth certificate number; death: the deceased's personal ID number.
    public let documentKey: String
    public let options: PlanOptions

    /// The choices that shape the procedure plan.
    public struct PlanOptions: Sendable {
        public var residence = false
        public var residenceNeedsVerification = false
        public var healthInsurance = false
        public var benefit: Benefit = .none(reason: "")
    }

    public enum Benefit: Sendable, Equatable {
        case funeralAllowance(amountVND: Int)
        case funeralSupport
        case none(reason: Phrase)
    }
}

// MARK: - Schemas

extension Declaration {
    static let personName = Schema.FieldType.name
    static let relationship = Schema.FieldType.text(50)
    static let sexField = Schema.FieldType.oneOf(Sex.allCases.map(\.rawValue))

    static let parent = Schema([
        .required("full_name", .name), .required("date_of_birth", .date), .required("personal_id", .personalID),
        .optional("ethnicity", .name), .optional("nationality", .name), .optional("residence", .text(300)),
    ])
    static let declarant = Schema([
        .required("full_name", .name), .required("relationship", relationship), .required("personal_id", .personalID),
    ])
    static let common: [Schema.Field] = [
        .optional("reference", .code(64)),
        .optional("received_at", .timestamp),
        .required("province", .digits(2)),
        .required("commune", .digits(5)),
    ]

    public static let birthSchema = Schema(common + [
        .required("child", .object(Schema([
            .required("full_name", .name), .required("sex", sexField), .required("date_of_birth", .date),
            .required("place_of_birth", .text(300)), .required("ethnicity", .name), .required("nationality", .name),
            .optional("native_place", .text(300)),
        ]))),
        .required("medical_birth_certificate", .object(Schema([
            .required("number", .code(32)), .required("issuer", .text(200)),
        ]))),
        .required("mother", .object(parent)),
        .optional("father", .object(parent)),
        .required("declarant", .object(declarant)),
        .optional("residence_registration", .object(Schema([
            .required("address", .text(300)), .optional("household_head", .name), .optional("needs_verification", .bool),
        ]))),
        .optional("health_insurance", .object(Schema([
            .required("facility", .text(200)),
        ]))),
    ])

    public static let deathSchema = Schema(common + [
        .required("deceased", .object(Schema([
            .required("full_name", .name), .required("sex", sexField), .required("date_of_birth", .date),
            .required("personal_id", .personalID), .optional("ethnicity", .name), .optional("nationality", .name),
            .optional("residence", .text(300)),
        ]))),
        .required("death", .object(Schema([
            .required("date", .date), .optional("time", .time), .required("place", .text(300)), .optional("cause", .text(300)),
        ]))),
        .required("death_notice", .object(Schema([
            .required("number", .code(32)), .required("issuer", .text(200)),
        ]))),
        .required("declarant", .object(declarant)),
        .optional("residence_deletion", .bool),
        .optional("funeral_benefit", .bool),
        .optional("entitlement", .object(Schema([
            .optional("social_insurance_code", .digits(10)),
            .optional("pensioner", .bool),
            .optional("compulsory_months", .wholeNumber(0...1200)),
            .optional("voluntary_months", .wholeNumber(0...1200)),
            .optional("social_assistance", .bool),
            .optional("meritorious", .bool),
        ]))),
        .optional("beneficiary", .object(Schema([
            .required("full_name", .name), .required("relationship", relationship), .optional("personal_id", .personalID),
            .required("payment", .oneOf(["bank", "cash", "post"])), .optional("account", .code(34)),
        ]))),
    ])
}

// MARK: - Validation

extension Declaration {
    public static let birthDeadlineDays = 60
    public static let deathDeadlineDays = 15

    /// Parses and validates raw declaration bytes. Throws a `ValidationError` naming the field.
    public static func parse(_ data: Data, group: ProcedureGroup, now: Timestamp, reference: ReferenceData) throws -> Declaration {
        // A file saved by Notepad or a spreadsheet program may start with a UTF-8 byte order mark.
        let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        let json = try JSONReader.parse(Data(body), limits: .declaration)
        return try validate(json, group: group, now: now, reference: reference)
    }

    public static func validate(_ json: JSON, group: ProcedureGroup, now: Timestamp, reference: ReferenceData) throws -> Declaration {
        guard case .object = json else { throw ValidationError("", "a declaration must be a JSON object") }
        var normalised = try (group == .birth ? birthSchema : deathSchema).validate(json)
        let receivedAt = normalised["received_at"]?.stringValue.flatMap(Timestamp.init) ?? now
        if receivedAt > now { throw ValidationError("received_at", "must not be in the future") }
        if normalised["received_at"] == nil, case .object(var members) = normalised {
            members.insert(("received_at", .string(receivedAt.description)), at: members.firstIndex { $0.0 == "province" } ?? 0)
            normalised = .object(members)
        }
        let province = normalised["province"]!.stringValue!
        guard reference.provinces.byIDCode.values.contains(where: { $0.unit2025 == province }) else {
            throw ValidationError("province", "must be a 2025 province code (unit_2025 in provinces.tsv)")
        }
        let commune = normalised["commune"]!.stringValue!
        let today = receivedAt.localDate
        switch group {
        case .birth: return try validateBirth(normalised, receivedAt: receivedAt, today: today, province: province, commune: commune, reference: reference)
        case .death: return try validateDeath(normalised, receivedAt: receivedAt, today: today, province: province, commune: commune, reference: reference)
        }
    }

    private static func date(_ json: JSON, _ path: String) -> CivilDate {
        var node = json
        for key in path.split(separator: ".") { node = node[String(key)]! }
        return CivilDate(node.stringValue!)!
    }

    private static func sex(_ json: JSON?) -> Sex { Sex(rawValue: json?["sex"]?.stringValue ?? "") ?? .male }

    private static func validateBirth(_ d: JSON, receivedAt: Timestamp, today: CivilDate, province: String, commune: String, reference: ReferenceData) throws -> Declaration {
        let child = d["child"]!
        let born = date(d, "child.date_of_birth")
        if born > today { throw ValidationError("child.date_of_birth", "must not be in the future") }
        let motherBorn = date(d, "mother.date_of_birth")
        if motherBorn >= born { throw ValidationError("mother.date_of_birth", "must be before the child's date of birth") }
        let motherID = try PersonalID.validate(d["mother"]!["personal_id"]!.stringValue!, field: "mother.personal_id",
                                               provinces: reference.provinces, born: motherBorn, sex: .female)
        if let father = d["father"] {
            let fatherBorn = date(d, "father.date_of_birth")
            if fatherBorn >= born { throw ValidationError("father.date_of_birth", "must be before the child's date of birth") }
            let fatherID = try PersonalID.validate(father["personal_id"]!.stringValue!, field: "father.personal_id",
                                                   provinces: reference.provinces, born: fatherBorn, sex: .male)
            if fatherID == motherID { throw ValidationError("father.personal_id", "must differ from mother.personal_id") }
        }
        _ = try PersonalID.validate(d["declarant"]!["personal_id"]!.stringValue!, field: "declarant.personal_id", provinces: reference.provinces)
        var options = PlanOptions()
        if let residence = d["residence_registration"] {
            options.residence = true
            options.residenceNeedsVerification = residence["needs_verification"]?.boolValue ?? false
        }
        if d["health_insurance"] != nil {
            if born.monthsUntil(today) >= 72 {
                throw ValidationError("health_insurance", "the free health-insurance card is only for a child under 6 (72 months) on the day of registration")
            }
            options.healthInsurance = true
        }
        let nameKey = TextRules.comparisonKey(child["full_name"]!.stringValue!)
        return Declaration(
            group: .birth, normalised: d, normalisedText: d.serialized(), receivedAt: receivedAt, province: province, commune: commune, eventDate: born,
            late: today.dayNumber - born.dayNumber > birthDeadlineDays,
            duplicateKey: "\(motherID.digits)|\(born)|\(nameKey)",
            documentKey: d["medical_birth_certificate"]!["number"]!.stringValue!.uppercased(),
            options: options)
    }

    private static func validateDeath(_ d: JSON, receivedAt: Timestamp, today: CivilDate, province: String, commune: String, reference: ReferenceData) throws -> Declaration {
        let deceased = d["deceased"]!
        let born = date(d, "deceased.date_of_birth")
        let died = date(d, "death.date")
        if born > today { throw ValidationError("deceased.date_of_birth", "must not be in the future") }
        if died > today { throw ValidationError("death.date", "must not be in the future") }
        if died < born { throw ValidationError("death.date", "must not be before deceased.date_of_birth") }
        let id = try PersonalID.validate(deceased["personal_id"]!.stringValue!, field: "deceased.personal_id",
                                         provinces: reference.provinces, born: born, sex: sex(deceased))
        _ = try PersonalID.validate(d["declarant"]!["personal_id"]!.stringValue!, field: "declarant.personal_id", provinces: reference.provinces)
        if let beneficiaryID = d["beneficiary"]?["personal_id"]?.stringValue {
            _ = try PersonalID.validate(beneficiaryID, field: "beneficiary.personal_id", provinces: reference.provinces)
        }
        var options = PlanOptions()
        options.residence = d["residence_deletion"]?.boolValue ?? true
        options.benefit = try entitlement(d, died: died, reference: reference)
        if case .none = options.benefit {} else if d["beneficiary"] == nil {
            throw ValidationError("beneficiary", "is required when a funeral benefit is requested and the deceased is entitled to one")
        }
        return Declaration(
            group: .death, normalised: d, normalisedText: d.serialized(), receivedAt: receivedAt, province: province, commune: commune, eventDate: died,
            late: today.dayNumber - died.dayNumber > deathDeadlineDays,
            duplicateKey: "death|\(id.digits)", documentKey: id.digits, options: options)
    }

    /// Which funeral benefit the deceased is entitled to (DOMAIN.md, Decree 20/2021 and 76/2024).
    static func entitlement(_ d: JSON, died: CivilDate, reference: ReferenceData) throws -> Benefit {
        if d["funeral_benefit"]?.boolValue == false { return .none(reason: "not requested by the declarant") }
        let facts = d["entitlement"] ?? .object([])
        let pensioner = facts["pensioner"]?.boolValue ?? false
        let compulsory = facts["compulsory_months"]?.intValue ?? 0
        let voluntary = facts["voluntary_months"]?.intValue ?? 0
        if pensioner || compulsory >= 12 || voluntary >= 60 {
            guard facts["social_insurance_code"] != nil else {
                throw ValidationError("entitlement.social_insurance_code", "is required when the deceased is entitled to the funeral allowance")
            }
            guard let base = reference.baseSalary.baseSalary(on: died) else {
                throw ValidationError("death.date", "is before the first base salary in the base-salary table")
            }
            return .funeralAllowance(amountVND: base * 10)
        }
        if facts["social_assistance"]?.boolValue == true || facts["meritorious"]?.boolValue == true {
            return .funeralSupport
        }
        return .none(reason: "not entitled: no pension or monthly benefit, under 12 months of compulsory and under 60 months of voluntary social insurance, not a social-assistance beneficiary or person with meritorious services")
    }
}
