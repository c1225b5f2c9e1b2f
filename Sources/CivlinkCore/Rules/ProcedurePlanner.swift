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

    public func plan(for declaration: Declaration) -> [PlannedProcedure] {
        let kinds = ProcedureKind.of(declaration.group).filter { $0.isPlanned(declaration) }
        let start = calendar.startDay(receivedAt: declaration.receivedAt)
        let planned = Set(kinds.map(\.code))
        let registrations = Set(kinds.filter(\.isRegistration).map(\.code))
        return kinds.map { kind in
            let limit = deadlineOverrides[kind.code] ?? kind.deadlineFor(declaration) ?? kind.defaultDeadlineDays
            let waitsOn = kind.waitsOn.filter(planned.contains)
            // The registration is done at once; what waits only on it is ready at once.
            let state: ProcedureState = kind.isRegistration ? .done : waitsOn.allSatisfy(registrations.contains) ? .ready : .waiting
            return PlannedProcedure(kind: kind, state: state, waitsOn: waitsOn, deadlineDays: limit,
                                    deadline: calendar.adding(workingDays: limit, to: start))
        }
    }
}
