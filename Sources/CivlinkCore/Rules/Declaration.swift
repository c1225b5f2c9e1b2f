import FoundationEssentials

/// A validated declaration: the normalised JSON plus the facts the ledger and plan need.
public struct Declaration: Sendable {
    public let group: ProcedureGroup
    /// The schema version it was read with (civlink-dossier(5)): 1 without a `format` member.
    public let version: Int
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
    /// Birth: mother's identity + child's birth date + child's name without diacritics or case.
    /// Death: the deceased's identity.
    public let duplicateKey: String
    /// Birth: the medical birth certificate number (a home birth: the birth itself); death: the
    /// deceased's identity.
    public let documentKey: String
    /// What a second declaration with the same `duplicateKey` or `documentKey` repeats.
    public let duplicateReason: Phrase
    public let documentReason: Phrase
    public let options: PlanOptions

    /// The choices that shape the procedure plan.
    public struct PlanOptions: Sendable {
        public var residence = false
        public var residenceNeedsVerification = false
        public var healthInsurance = false
        public var benefit: Benefit = .none(reason: "")
        /// The survivor benefit (tử tuất) asked for, if any.
        public var survivorBenefit: SurvivorBenefit?
    }

    public enum Benefit: Sendable, Equatable {
        case funeralAllowance(amountVND: Int)
        case funeralSupport
        case none(reason: Phrase)
    }

    /// One-off or monthly survivor benefit, paid by social insurance to the relatives'
    /// representative.
    public enum SurvivorBenefit: String, Sendable, CaseIterable {
        case oneOff = "one-off"
        case monthly
    }
}

// MARK: - Schemas

extension Declaration {
    static let personName = Schema.FieldType.name
    static let relationship = Schema.FieldType.text(50)
    static let sexField = Schema.FieldType.oneOf(Sex.allCases.map(\.rawValue))
    static let payment = Schema.FieldType.oneOf(["bank", "cash", "post"])

    /// The newest schema version; a declaration without `format` is version 1.
    public static let latestVersion = 2

    /// `civlink.birth-declaration/2`: the `format` member of a declaration of that version.
    public static func format(_ group: ProcedureGroup, version: Int) -> String { "civlink.\(group.rawValue)-declaration/\(version)" }

    /// The schema of a group's declarations in one version.
    public static func schema(_ group: ProcedureGroup, version: Int) -> Schema {
        switch (group, version) {
        case (.birth, 1): return birthSchema
        case (.death, 1): return deathSchema
        case (.birth, _): return birthSchemaV2
        case (.death, _): return deathSchemaV2
        }
    }

    static func common(_ group: ProcedureGroup, version: Int) -> [Schema.Field] {
        let format = Schema.FieldType.oneOf([Declaration.format(group, version: version)])
        return [
            version == 1 ? .optional("format", format) : .required("format", format),
            .optional("reference", .code(64)),
            .optional("received_at", .timestamp),
            .required("province", .digits(2)),
            .required("commune", .digits(5)),
        ]
    }

    // Version 1: every person by personal ID number, a medical birth certificate for every birth.

    static let parent = Schema([
        .required("full_name", .name), .required("date_of_birth", .date), .required("personal_id", .personalID),
        .optional("ethnicity", .name), .optional("nationality", .name), .optional("residence", .text(300)),
    ])
    static let declarant = Schema([
        .required("full_name", .name), .required("relationship", relationship), .required("personal_id", .personalID),
    ])
    static let child = Schema([
        .required("full_name", .name), .required("sex", sexField), .required("date_of_birth", .date),
        .required("place_of_birth", .text(300)), .required("ethnicity", .name), .required("nationality", .name),
        .optional("native_place", .text(300)),
    ])
    static let document = Schema([.required("number", .code(32)), .required("issuer", .text(200))])
    static let residenceRegistration = Schema([
        .required("address", .text(300)), .optional("household_head", .name), .optional("needs_verification", .bool),
    ])
    static let healthInsurance = Schema([.required("facility", .text(200))])
    static let death = Schema([
        .required("date", .date), .optional("time", .time), .required("place", .text(300)), .optional("cause", .text(300)),
    ])
    static let entitlementFields: [Schema.Field] = [
        .optional("social_insurance_code", .digits(10)),
        .optional("pensioner", .bool),
        .optional("compulsory_months", .wholeNumber(0...1200)),
        .optional("voluntary_months", .wholeNumber(0...1200)),
        .optional("social_assistance", .bool),
        .optional("meritorious", .bool),
    ]

    public static let birthSchema = Schema(common(.birth, version: 1) + [
        .required("child", .object(child)),
        .required("medical_birth_certificate", .object(document)),
        .required("mother", .object(parent)),
        .optional("father", .object(parent)),
        .required("declarant", .object(declarant)),
        .optional("residence_registration", .object(residenceRegistration)),
        .optional("health_insurance", .object(healthInsurance)),
    ])

    public static let deathSchema = Schema(common(.death, version: 1) + [
        .required("deceased", .object(Schema([
            .required("full_name", .name), .required("sex", sexField), .required("date_of_birth", .date),
            .required("personal_id", .personalID), .optional("ethnicity", .name), .optional("nationality", .name),
            .optional("residence", .text(300)),
        ]))),
        .required("death", .object(death)),
        .required("death_notice", .object(document)),
        .required("declarant", .object(declarant)),
        .optional("residence_deletion", .bool),
        .optional("funeral_benefit", .bool),
        .optional("entitlement", .object(Schema(entitlementFields))),
        .optional("beneficiary", .object(Schema([
            .required("full_name", .name), .required("relationship", relationship), .optional("personal_id", .personalID),
            .required("payment", payment), .optional("account", .code(34)),
        ]))),
    ])

    // Version 2: a person by personal ID number or by a passport or foreign ID; an absent father;
    // a home birth confirmed by a witness; a deceased by personal ID number, old ID card number or
    // neither with the reason; the survivor benefit.

    /// A passport or foreign identity document: what identifies a person without a Vietnamese
    /// personal ID number.
    static let identityDocument = Schema([
        .required("type", .oneOf(["passport", "foreign-id"])), .required("number", .code(24)), .required("issuing_country", .countryCode),
    ])
    static let parentV2 = Schema([
        .required("full_name", .name), .required("date_of_birth", .date),
        .optional("personal_id", .personalID), .optional("identity_document", .object(identityDocument)),
        .optional("ethnicity", .name), .optional("nationality", .name), .optional("residence", .text(300)),
    ])
    static let declarantV2 = Schema([
        .required("full_name", .name), .required("relationship", relationship),
        .optional("personal_id", .personalID), .optional("identity_document", .object(identityDocument)),
    ])
    static let witness = Schema([
        .required("full_name", .name), .optional("personal_id", .personalID), .optional("identity_document", .object(identityDocument)),
        .required("residence", .text(300)), .optional("relationship", relationship), .required("confirmed_on", .date),
    ])
    static let payee = Schema([
        .required("full_name", .name), .required("relationship", relationship),
        .optional("personal_id", .personalID), .optional("identity_document", .object(identityDocument)),
        .required("payment", payment), .optional("account", .code(34)),
    ])

    public static let birthSchemaV2 = Schema(common(.birth, version: 2) + [
        .required("child", .object(child)),
        .optional("medical_birth_certificate", .object(document)),
        .optional("birth_witness", .object(witness)),
        .required("mother", .object(parentV2)),
        .optional("father", .object(parentV2)),
        .optional("father_absent", .object(Schema([.required("reason", .text(300))]))),
        .required("declarant", .object(declarantV2)),
        .optional("residence_registration", .object(residenceRegistration)),
        .optional("health_insurance", .object(healthInsurance)),
    ])

    public static let deathSchemaV2 = Schema(common(.death, version: 2) + [
        .required("deceased", .object(Schema([
            .required("full_name", .name), .required("sex", sexField), .required("date_of_birth", .date),
            .optional("personal_id", .personalID), .optional("old_id_card", .digitsOf([9, 12])), .optional("no_id_reason", .text(300)),
            .optional("ethnicity", .name), .optional("nationality", .name), .optional("residence", .text(300)),
        ]))),
        .required("death", .object(death)),
        .required("death_notice", .object(document)),
        .required("declarant", .object(declarantV2)),
        .optional("residence_deletion", .bool),
        .optional("funeral_benefit", .bool),
        .optional("entitlement", .object(Schema(entitlementFields + [.optional("work_accident", .bool)]))),
        .optional("beneficiary", .object(payee)),
        .optional("survivor_benefit", .object(Schema([
            .required("kind", .oneOf(SurvivorBenefit.allCases.map(\.rawValue))),
            .required("representative", .object(payee)),
            .optional("relatives", .list(.object(Schema([
                .required("full_name", .name), .required("relationship", relationship), .required("date_of_birth", .date),
                .optional("sex", sexField), .optional("personal_id", .personalID),
            ])), 20)),
        ]))),
    ])
}

// MARK: - Validation

extension Declaration {
    public static let birthDeadlineDays = 60
    public static let deathDeadlineDays = 15
    /// A declarant, witness, beneficiary or representative is at least this old in the year of
    /// registration, by the birth year of their personal ID number (civlink-dossier(5)).
    public static let minimumActingAge = 15
    /// A monthly survivor benefit needs this many months of compulsory contributions (15 years),
    /// unless the deceased received a pension or died of a work accident or occupational disease.
    public static let monthlySurvivorMonths = 180

    /// Parses and validates raw declaration bytes. Throws `ValidationErrors` with every rule the
    /// declaration breaks, each naming its field.
    public static func parse(_ data: Data, group: ProcedureGroup, now: Timestamp, reference: ReferenceData) throws -> Declaration {
        // A file saved by Notepad or a spreadsheet program may start with a UTF-8 byte order mark.
        let body = data.starts(with: [0xEF, 0xBB, 0xBF]) ? data.dropFirst(3) : data[...]
        let json: JSON
        do { json = try JSONReader.parse(Data(body), limits: .declaration) } catch let error as ValidationError { throw ValidationErrors([error]) }
        return try validate(json, group: group, now: now, reference: reference)
    }

    /// Validates a parsed declaration: a pure function of the declaration, the clock and the
    /// reference data, so an amendment can run it again. Throws `ValidationErrors`.
    public static func validate(_ json: JSON, group: ProcedureGroup, now: Timestamp, reference: ReferenceData) throws -> Declaration {
        guard case .object(let members) = json else { throw ValidationErrors([ValidationError("", "a declaration must be a JSON object")]) }
        let version = try self.version(of: members.first { $0.0 == "format" }?.1, group: group)
        let schema = self.schema(group, version: version)
        var errors = ValidationCollector()
        var normalised = schema.validate(json, into: &errors) ?? .object([])
        var check = Checks(raw: json, d: normalised, version: version, reference: reference, errors: errors)
        let receivedAt = normalised["received_at"]?.stringValue.flatMap(Timestamp.init) ?? now
        if receivedAt > now { check.errors.add("received_at", "must not be in the future") }
        if normalised["received_at"] == nil, json["received_at"] == nil, case .object(var out) = normalised {
            out.insert(("received_at", .string(receivedAt.description)), at: out.firstIndex { $0.0 == "province" } ?? out.endIndex)
            normalised = .object(out)
            check.d = normalised
        }
        let today = receivedAt.localDate
        check.today = today
        check.units()
        let outcome: Outcome?
        switch group {
        case .birth: outcome = check.birth()
        case .death: outcome = check.death()
        }
        guard check.errors.isEmpty, let outcome else {
            // Every rule that gives no outcome reports why; should one not, say so rather than accept.
            let errors = check.errors.isEmpty ? [ValidationError("", "the declaration is incomplete")] : ordered(check.errors.errors, schema: schema)
            throw ValidationErrors(errors)
        }
        let lateBy = today.dayNumber - outcome.eventDate.dayNumber
        return Declaration(
            group: group, version: version, normalised: normalised, normalisedText: normalised.serialized(), receivedAt: receivedAt,
            province: normalised["province"]!.stringValue!, commune: normalised["commune"]!.stringValue!, eventDate: outcome.eventDate,
            late: lateBy > (group == .birth ? birthDeadlineDays : deathDeadlineDays),
            duplicateKey: outcome.duplicateKey, documentKey: outcome.documentKey, duplicateReason: outcome.duplicateReason,
            documentReason: outcome.documentReason, options: outcome.options)
    }

    /// Validates a corrected declaration of a stored dossier (an amendment or a completed file):
    /// every rule again, and what fixes the dossier in its commune's register and starts its
    /// statutory clock (province, commune, `received_at`) stays as it was.
    public static func validateCorrection(_ json: JSON, of dossier: DossierRecord, now: Timestamp, reference: ReferenceData) throws -> Declaration {
        guard case .object(var members) = json else { throw ValidationErrors([ValidationError("", "a declaration must be a JSON object")]) }
        if let text = json["received_at"]?.stringValue, let given = Timestamp(text), given != dossier.receivedAt {
            throw ValidationErrors([ValidationError("received_at", "cannot be corrected: the statutory clock started when the file was received")])
        }
        for (field, stored) in [("province", dossier.province), ("commune", dossier.commune)] {
            if let given = json[field], given != .string(stored) {
                throw ValidationErrors([ValidationError(field, "cannot be corrected: the dossier belongs to this commune's register; cancel or refuse it and declare it where it belongs")])
            }
        }
        if json["received_at"] == nil || json["received_at"] == .null {
            members.removeAll { $0.0 == "received_at" }
            members.insert(("received_at", .string(dossier.receivedAt.description)), at: members.firstIndex { $0.0 == "province" } ?? 0)
        }
        return try validate(.object(members), group: dossier.group, now: max(now, dossier.receivedAt), reference: reference)
    }

    /// The schema version a `format` member names; a declaration of the other group is refused.
    static func version(of format: JSON?, group: ProcedureGroup) throws -> Int {
        guard let format, format != .null else { return 1 }
        guard case .string(let text) = format else { throw ValidationErrors([ValidationError("format", "must be a string")]) }
        for version in 1...latestVersion {
            if text == Declaration.format(group, version: version) { return version }
            let other: ProcedureGroup = group == .birth ? .death : .birth
            if text == Declaration.format(other, version: version) {
                throw ValidationErrors([ValidationError("format", "names a \(other.rawValue) declaration, not a \(group.rawValue) declaration")])
            }
        }
        let known = (1...latestVersion).map { Declaration.format(group, version: $0) }.joined(separator: ", ")
        throw ValidationErrors([ValidationError("format", "must be one of \(known)")])
    }

    /// Errors in the order of the declaration's fields, whole-declaration errors first.
    static func ordered(_ errors: [ValidationError], schema: Schema) -> [ValidationError] {
        func rank(_ error: ValidationError) -> Int {
            if error.field.isEmpty { return -1 }
            let top = error.field.split(separator: ".").first.map { String($0.split(separator: "[").first ?? $0) } ?? ""
            return schema.fields.firstIndex { $0.name == top } ?? schema.fields.count
        }
        return errors.enumerated().sorted { a, b in
            let (ra, rb) = (rank(a.element), rank(b.element))
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)
    }

    /// What a valid declaration's rules found.
    struct Outcome {
        var eventDate: CivilDate
        var duplicateKey: String
        var documentKey: String
        var duplicateReason: Phrase
        var documentReason: Phrase
        var options: PlanOptions
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

/// The rules of a declaration beyond its schema, each adding what it finds to `errors` and going
/// on. `raw` is the declaration as given (to tell a member that is absent from one that broke its
/// schema rule), `d` the normalised one (without the members that broke a rule: the rules that
/// need them are skipped, so one mistake is reported once).
private struct Checks {
    let raw: JSON
    var d: JSON
    let version: Int
    let reference: ReferenceData
    var errors: ValidationCollector
    var today = CivilDate(year: 1970, month: 1, day: 1)!

    init(raw: JSON, d: JSON, version: Int, reference: ReferenceData, errors: ValidationCollector) {
        self.raw = raw
        self.d = d
        self.version = version
        self.reference = reference
        self.errors = errors
    }

    // MARK: Reading

    func node(_ json: JSON, _ path: String) -> JSON? {
        var current: JSON? = json
        for key in path.split(separator: ".") { current = current?[String(key)] }
        return current == .null ? nil : current
    }
    /// Whether the declaration gives the member (valid or not).
    func given(_ path: String) -> Bool { node(raw, path) != nil }
    func string(_ path: String) -> String? { node(d, path)?.stringValue }
    func date(_ path: String) -> CivilDate? { string(path).flatMap(CivilDate.init) }
    /// Valid when given and valid, or not given: whether the rules that read it can run.
    func usable(_ path: String) -> Bool { !given(path) || node(d, path) != nil }

    // MARK: Units

    /// The province and commune must be units in force on the day the file was received.
    mutating func units() {
        if let province = string("province") {
            if !reference.provinces.provinceCodes(on: today).contains(province) {
                if ProvinceTable.isBeforeReorganisation(today) {
                    errors.add("province", "must be a province code in force on \(today): before \(ProvinceTable.reorganisation), one of the 63 (id_code in provinces.tsv without its leading 0)")
                } else {
                    errors.add("province", "must be a 2025 province code (unit_2025 in provinces.tsv)")
                }
            }
        }
        if let commune = string("commune"), let communes = reference.communes {
            if let found = communes.commune(commune, on: today) {
                if let province = string("province"), found.province != province {
                    errors.add("commune", "is a commune of province \(found.province) in the commune table, not of \(province)")
                }
            } else {
                errors.add("commune", "must be a commune in force on \(today) in the commune table")
            }
        }
    }

    // MARK: People

    /// A person identified by a personal ID number or a passport or foreign ID (version 2). The
    /// key that identifies the person for duplicates, or nil.
    mutating func identity(_ path: String, born: CivilDate?, sex: Sex?, required: Bool, nationalityRequired: Bool) -> String? {
        let hasID = given(path + ".personal_id"), hasDocument = version >= 2 && given(path + ".identity_document")
        if hasID && hasDocument {
            errors.add(path + ".identity_document", "must not be given with personal_id: give one of them")
            return nil
        }
        if !hasID && !hasDocument {
            // Version 1 requires the number in its schema, which has said so already.
            if required && version >= 2 {
                errors.add(path + ".personal_id", "is required, or identity_document (a passport or foreign ID) for a person without one")
            }
            return nil
        }
        if hasDocument {
            if nationalityRequired && !given(path + ".nationality") {
                errors.add(path + ".nationality", "is required with an identity_document")
            }
            guard let type = string(path + ".identity_document.type"), let number = string(path + ".identity_document.number"),
                  let country = string(path + ".identity_document.issuing_country") else { return nil }
            return "\(type):\(country):\(number.uppercased())"
        }
        guard let text = string(path + ".personal_id") else { return nil }
        return checkID(text, field: path + ".personal_id", born: born, sex: sex)
    }

    /// A personal ID number against what is known of its holder: the province code always, the
    /// century and year digits with a date of birth, the sex digit with the sex.
    mutating func checkID(_ text: String, field: String, born: CivilDate?, sex: Sex?) -> String? {
        let provinces = reference.provinces
        if let born, let sex {
            return errors.check { try PersonalID.validate(text, field: field, provinces: provinces, born: born, sex: sex).digits }
        }
        if let born {
            return errors.check { try PersonalID.validate(text, field: field, provinces: provinces, born: born).digits }
        }
        return errors.check { try PersonalID.validate(text, field: field, provinces: provinces).digits }
    }

    /// Someone who acts for the family (declarant, witness, beneficiary, representative): the
    /// digits of their personal ID number must give a birth at least `minimumActingAge` years
    /// before the year of registration.
    mutating func actingPerson(_ path: String, required: Bool) {
        guard let key = identity(path, born: nil, sex: nil, required: required, nationalityRequired: false),
              let digits = string(path + ".personal_id"), key == digits else { return }
        let year = PersonalID.birthYear(digits)
        let latest = today.year - Declaration.minimumActingAge
        if year > latest {
            errors.add(path + ".personal_id", "the century and year digits give a birth in \(year): someone who acts for the family must be born in \(latest) or earlier (\(Declaration.minimumActingAge) years before the registration)")
        }
    }

    /// A parent's date of birth, checked against the child's; nil when it cannot be used.
    mutating func parentBorn(_ path: String, child: CivilDate?) -> CivilDate? {
        guard let born = date(path + ".date_of_birth") else { return nil }
        if let child, born >= child { errors.add(path + ".date_of_birth", "must be before the child's date of birth") }
        return born
    }

    mutating func payment(_ path: String) {
        guard version >= 2, string(path + ".payment") == "bank", !given(path + ".account") else { return }
        errors.add(path + ".account", "is required when payment is bank")
    }

    // MARK: Birth

    mutating func birth() -> Declaration.Outcome? {
        let born = date("child.date_of_birth")
        if let born, born > today { errors.add("child.date_of_birth", "must not be in the future") }
        let mother = identity("mother", born: parentBorn("mother", child: born), sex: .female, required: true, nationalityRequired: true)
        var fatherKey: String?
        if given("father") {
            fatherKey = identity("father", born: parentBorn("father", child: born), sex: .male, required: true, nationalityRequired: true)
            if version >= 2, given("father_absent") { errors.add("father_absent", "must not be given with father: leave it out when the father is declared") }
        } else if version >= 2, !given("father_absent") {
            errors.add("father", "is required, or father_absent with the reason when no father is declared")
        }
        if let mother, let fatherKey, mother == fatherKey {
            errors.add(given("father.personal_id") ? "father.personal_id" : "father.identity_document", given("father.personal_id")
                       ? "must differ from mother.personal_id" : "must differ from the mother's identity_document")
        }
        actingPerson("declarant", required: true)

        // A medical birth certificate, or for a birth outside a facility a witness's confirmation.
        let certificate = given("medical_birth_certificate"), witness = version >= 2 && given("birth_witness")
        if version >= 2 {
            if certificate && witness {
                errors.add("birth_witness", "must not be given with medical_birth_certificate: a witness confirms a birth without one")
            } else if !certificate && !witness {
                errors.add("medical_birth_certificate", "is required, or birth_witness for a birth without one (at home)")
            }
            if witness {
                actingPerson("birth_witness", required: true)
                if let confirmed = date("birth_witness.confirmed_on") {
                    if confirmed > today { errors.add("birth_witness.confirmed_on", "must not be in the future") }
                    if let born, confirmed < born { errors.add("birth_witness.confirmed_on", "must not be before child.date_of_birth") }
                }
            }
        }

        var options = Declaration.PlanOptions()
        if d["residence_registration"] != nil {
            options.residence = true
            options.residenceNeedsVerification = d["residence_registration"]?["needs_verification"]?.boolValue ?? false
        }
        if given("health_insurance") {
            if let born, born.monthsUntil(today) >= 72 {
                errors.add("health_insurance", "the free health-insurance card is only for a child under 6 (72 months) on the day of registration")
            }
            options.healthInsurance = true
        }
        guard errors.isEmpty, let born, let mother, let name = string("child.full_name") else { return nil }
        let key = "\(mother)|\(born)|\(TextRules.comparisonKey(name))"
        let number = string("medical_birth_certificate.number")
        return Declaration.Outcome(
            eventDate: born, duplicateKey: key,
            // A home birth has no certificate number: the birth itself (mother, date, name) is its document.
            documentKey: number?.uppercased() ?? "home|\(key)",
            duplicateReason: "a birth with the same mother, date of birth and child's name",
            documentReason: number != nil ? "the same medical birth certificate number" : "a home birth with the same mother, date of birth and child's name",
            options: options)
    }

    // MARK: Death

    mutating func death() -> Declaration.Outcome? {
        let born = date("deceased.date_of_birth"), died = date("death.date")
        if let born, born > today { errors.add("deceased.date_of_birth", "must not be in the future") }
        if let died, died > today { errors.add("death.date", "must not be in the future") }
        if let born, let died, died < born { errors.add("death.date", "must not be before deceased.date_of_birth") }

        // The deceased: a personal ID number, an old ID card number, or neither with the reason
        // (version 1: the number, which its schema requires).
        let ways = (version >= 2 ? ["personal_id", "old_id_card", "no_id_reason"] : ["personal_id"]).filter { given("deceased." + $0) }
        var identity: (key: String, reason: Phrase)?
        if ways.count > 1 {
            errors.add("deceased", "give one of personal_id, old_id_card or no_id_reason, not \(ways.joined(separator: " and "))")
        } else if ways.isEmpty {
            if version >= 2 {
                errors.add("deceased.personal_id", "is required, or old_id_card (9 or 12 digits), or no_id_reason when the deceased had neither")
            }
        } else if let id = string("deceased.personal_id") {
            let sex = string("deceased.sex").flatMap(Sex.init(rawValue:))
            let checked = checkID(id, field: "deceased.personal_id", born: born, sex: born == nil ? nil : sex)
            identity = checked.map { ($0, "a death for the same personal ID number" as Phrase) }
        } else if let card = string("deceased.old_id_card") {
            identity = ("cmnd:\(card)", "a death for the same old ID card number" as Phrase)
        } else if string("deceased.no_id_reason") != nil, let name = string("deceased.full_name"), let born, let died {
            identity = ("person|\(TextRules.comparisonKey(name))|\(born)|\(died)",
                        "a death of a person with the same name, date of birth and date of death" as Phrase)
        }
        actingPerson("declarant", required: true)
        if given("beneficiary"), usable("beneficiary") {
            actingPerson("beneficiary", required: false)
            payment("beneficiary")
        }

        var options = Declaration.PlanOptions()
        options.residence = d["residence_deletion"]?.boolValue ?? (usable("residence_deletion") ? true : false)
        if options.residence, !given("deceased.personal_id"), !given("deceased.residence"), ways.count == 1 {
            errors.add("deceased.residence", "is required for residence deletion when the deceased has no personal ID number: the police find the registration by the address")
        }
        if let died, usable("entitlement"), usable("funeral_benefit") {
            let (d, reference) = (self.d, self.reference)
            if let benefit = errors.check({ try Declaration.entitlement(d, died: died, reference: reference) }) {
                options.benefit = benefit
                if case .none = benefit {} else if !given("beneficiary") {
                    errors.add("beneficiary", "is required when a funeral benefit is requested and the deceased is entitled to one")
                }
            }
        }
        if version >= 2, given("survivor_benefit") { options.survivorBenefit = survivorBenefit() }
        guard errors.isEmpty, let died, let identity else { return nil }
        return Declaration.Outcome(eventDate: died, duplicateKey: "death|\(identity.key)", documentKey: identity.key,
                                   duplicateReason: identity.reason, documentReason: identity.reason, options: options)
    }

    /// The survivor benefit asked for, checked against the deceased's social insurance.
    mutating func survivorBenefit() -> Declaration.SurvivorBenefit? {
        let facts = d["entitlement"] ?? .object([])
        if !given("entitlement.social_insurance_code") {
            errors.add("entitlement.social_insurance_code", "is required for the survivor benefit")
        }
        actingPerson("survivor_benefit.representative", required: true)
        payment("survivor_benefit.representative")
        if case .array(let relatives)? = d["survivor_benefit"]?["relatives"] {
            for (index, relative) in relatives.enumerated() {
                let path = "survivor_benefit.relatives[\(index)]"
                let born = relative["date_of_birth"]?.stringValue.flatMap(CivilDate.init)
                if let born, born > today { errors.add(path + ".date_of_birth", "must not be in the future") }
                if let id = relative["personal_id"]?.stringValue {
                    _ = checkID(id, field: path + ".personal_id", born: born, sex: relative["sex"]?.stringValue.flatMap(Sex.init(rawValue:)))
                }
            }
        }
        guard let kind = string("survivor_benefit.kind").flatMap(Declaration.SurvivorBenefit.init(rawValue:)), usable("entitlement") else { return nil }
        let pensioner = facts["pensioner"]?.boolValue ?? false, accident = facts["work_accident"]?.boolValue ?? false
        let compulsory = facts["compulsory_months"]?.intValue ?? 0, voluntary = facts["voluntary_months"]?.intValue ?? 0
        switch kind {
        case .monthly:
            if !(pensioner || accident || compulsory >= Declaration.monthlySurvivorMonths) {
                errors.add("survivor_benefit.kind", "monthly needs a deceased who received a pension, paid \(Declaration.monthlySurvivorMonths) months (15 years) of compulsory social insurance or died of a work accident or occupational disease; ask for one-off")
            }
            if (d["survivor_benefit"]?["relatives"]?.arrayValue ?? []).isEmpty && !given("survivor_benefit.relatives") {
                errors.add("survivor_benefit.relatives", "is required for a monthly benefit: the relatives it is paid for")
            }
        case .oneOff:
            if !(pensioner || accident || compulsory > 0 || voluntary > 0) {
                errors.add("survivor_benefit", "needs a deceased who received a pension or paid social insurance (entitlement)")
            }
        }
        return kind
    }
}
