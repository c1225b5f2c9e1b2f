/// A procedure as planned at registration.
public struct PlannedProcedure: Sendable {
    public let kind: ProcedureKind
    public let state: ProcedureState
    /// The prerequisites actually planned for this dossier.
    public let waitsOn: [String]
    public let deadlineDays: Int
    public let deadline: CivilDate
}

/// Builds the procedure plan a declaration asks for from the catalogue; deadlines count from the
/// working day the complete file reached the officer (after 15:00 or on a day off: the next
/// working day).
public struct ProcedurePlanner: Sendable {
    public let calendar: WorkingCalendar
    /// Province overrides of the default time limits, by procedure code.
    public let deadlineOverrides: [String: Int]

    public init(calendar: WorkingCalendar, deadlineOverrides: [String: Int] = [:]) {
        self.calendar = calendar
        self.deadlineOverrides = deadlineOverrides
    }

    /// The plan of a declaration registered at once (`intake` false: the registration is done and
    /// what waits only on it is ready) or received for the officer to decide (`intake` true: the
    /// registration is ready, everything else waits on it). Deadlines count from `clockFrom`, the
    /// moment the complete file reached the officer (default: the declaration's `received_at`).
    public func plan(for declaration: Declaration, intake: Bool = false, clockFrom: Timestamp? = nil) -> [PlannedProcedure] {
        let kinds = ProcedureKind.of(declaration.group).filter { $0.isPlanned(declaration) }
        let start = calendar.startDay(receivedAt: clockFrom ?? declaration.receivedAt)
        let planned = Set(kinds.map(\.code))
        let registrations = Set(kinds.filter(\.isRegistration).map(\.code))
        return kinds.map { kind in
            let limit = deadlineOverrides[kind.code] ?? kind.deadlineFor(declaration) ?? kind.defaultDeadlineDays
            let waitsOn = kind.waitsOn.filter(planned.contains)
            // The registration is done at once; what waits only on it is ready at once. Received for
            // a decision, the registration waits on the officer and everything else on it.
            let state: ProcedureState
            if intake { state = kind.isRegistration ? .ready : .waiting }
            else { state = kind.isRegistration ? .done : waitsOn.allSatisfy(registrations.contains) ? .ready : .waiting }
            return PlannedProcedure(kind: kind, state: state, waitsOn: waitsOn, deadlineDays: limit,
                                    deadline: calendar.adding(workingDays: limit, to: start))
        }
    }
}
