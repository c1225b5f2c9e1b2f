import Foundation

/// The receiving systems a dossier's procedures run in.
public enum Agency: String, Sendable, CaseIterable {
    case civilStatus = "civil-status"
    case population
    case residence
    case socialInsurance = "social-insurance"
    case socialAffairs = "social-affairs"
}

/// Where a procedure is. `done` and `completed` are final; `rejected` goes back to the officer.
public enum ProcedureState: String, Sendable, CaseIterable {
    case waiting      // waits on another procedure
    case ready        // can be sent to its agency
    case sent         // the agency or its spool has the message
    case accepted     // the agency acknowledged it
    case completed    // the agency returned its result
    case rejected     // the agency refused it; back to the officer
    case stuck        // delivery gave up after the maximum attempts; needs a person
    case done         // done locally at the desk (civil-status registration, signing)

    public var isFinal: Bool { self == .done || self == .completed }
}

/// One step of a procedure group, with its statutory time limit in working days.
public struct ProcedureKind: Sendable, Hashable {
    public let code: String
    public let agency: Agency
    public let defaultDeadlineDays: Int
    public let waitsOn: [String]

    public static let birthRegistration = ProcedureKind(code: "birth-registration", agency: .civilStatus, defaultDeadlineDays: 0, waitsOn: [])
    public static let deathRegistration = ProcedureKind(code: "death-registration", agency: .civilStatus, defaultDeadlineDays: 0, waitsOn: [])
    /// The signed electronic copy: the Birth Certificate extract or the Death Certificate Extract.
    /// Agencies that need the copy wait on it.
    public static let certificateCopy = ProcedureKind(code: "certificate-copy", agency: .civilStatus, defaultDeadlineDays: 0,
                                                      waitsOn: ["birth-registration", "death-registration"])
    public static let personalID = ProcedureKind(code: "personal-id", agency: .population, defaultDeadlineDays: 1, waitsOn: ["birth-registration"])
    public static let residenceRegistration = ProcedureKind(code: "residence-registration", agency: .residence, defaultDeadlineDays: 2,
                                                            waitsOn: ["personal-id", "certificate-copy"])
    public static let healthInsuranceCard = ProcedureKind(code: "health-insurance-card", agency: .socialInsurance, defaultDeadlineDays: 2,
                                                          waitsOn: ["personal-id", "certificate-copy"])
    public static let residenceDeletion = ProcedureKind(code: "residence-deletion", agency: .residence, defaultDeadlineDays: 2,
                                                        waitsOn: ["death-registration", "certificate-copy"])
    public static let funeralAllowance = ProcedureKind(code: "funeral-allowance", agency: .socialInsurance, defaultDeadlineDays: 5,
                                                       waitsOn: ["death-registration", "certificate-copy"])
    public static let funeralSupport = ProcedureKind(code: "funeral-support", agency: .socialAffairs, defaultDeadlineDays: 5,
                                                     waitsOn: ["death-registration", "certificate-copy"])

    public static let all: [ProcedureKind] = [
        .birthRegistration, .certificateCopy, .personalID, .residenceRegistration, .healthInsuranceCard,
        .deathRegistration, .residenceDeletion, .funeralAllowance, .funeralSupport,
    ]
    public static func named(_ code: String) -> ProcedureKind? { all.first { $0.code == code } }

    /// Residence registration that needs verification of the address gets 5 working days.
    public static let residenceVerificationDeadlineDays = 5
}

/// A procedure as planned at registration.
public struct PlannedProcedure: Sendable {
    public let kind: ProcedureKind
    public let state: ProcedureState
    /// The prerequisites actually planned for this dossier.
    public let waitsOn: [String]
    public let deadlineDays: Int
    public let deadline: CivilDate
}

/// Builds the procedure plan a declaration asks for; deadlines count from the working day the
/// complete file reached the officer (after 15:00 or on a day off: the next working day).
public struct ProcedurePlanner: Sendable {
    public let calendar: WorkingCalendar
    /// Province overrides of the default time limits, by procedure code.
    public let deadlineOverrides: [String: Int]

    public init(calendar: WorkingCalendar, deadlineOverrides: [String: Int] = [:]) {
        self.calendar = calendar
        self.deadlineOverrides = deadlineOverrides
    }

    public func plan(for declaration: Declaration) -> [PlannedProcedure] {
        var kinds: [ProcedureKind]
        var days: [String: Int] = [:]
        switch declaration.group {
        case .birth:
            kinds = [.birthRegistration, .certificateCopy, .personalID]
            if declaration.options.residence {
                kinds.append(.residenceRegistration)
                if declaration.options.residenceNeedsVerification {
                    days[ProcedureKind.residenceRegistration.code] = ProcedureKind.residenceVerificationDeadlineDays
                }
            }
            if declaration.options.healthInsurance { kinds.append(.healthInsuranceCard) }
        case .death:
            kinds = [.deathRegistration, .certificateCopy]
            if declaration.options.residence { kinds.append(.residenceDeletion) }
            switch declaration.options.benefit {
            case .funeralAllowance: kinds.append(.funeralAllowance)
            case .funeralSupport: kinds.append(.funeralSupport)
            case .none: break
            }
        }
        let start = calendar.startDay(receivedAt: declaration.receivedAt)
        let planned = Set(kinds.map(\.code))
        return kinds.map { kind in
            let limit = deadlineOverrides[kind.code] ?? days[kind.code] ?? kind.defaultDeadlineDays
            let waitsOn = kind.waitsOn.filter(planned.contains)
            let state: ProcedureState
            if kind.code == ProcedureKind.birthRegistration.code || kind.code == ProcedureKind.deathRegistration.code {
                state = .done
            } else {
                // Ready at once when everything it waits on is the registration itself.
                let doneAtOnce: Set = [ProcedureKind.birthRegistration.code, ProcedureKind.deathRegistration.code]
                state = waitsOn.allSatisfy(doneAtOnce.contains) ? .ready : .waiting
            }
            return PlannedProcedure(kind: kind, state: state, waitsOn: waitsOn, deadlineDays: limit,
                                    deadline: calendar.adding(workingDays: limit, to: start))
        }
    }
}
