/// Statistical disclosure control for a report: small counts are hidden, and so are enough other
/// cells that no hidden count can be worked out from what is published (the totals, the other
/// rows, the relations between a row's figures, the timing counts).
///
/// The model a reader is assumed to have (civlink-report(1) documents it). Rows count procedures
/// (by system or procedure) or records (the other dimensions); totals always count records.
/// - a total is the sum of the rows, where the rows count records too; with two or more
///   dimensions, each dimension's own totals (what `report --by` that dimension alone publishes)
///   are the sums of the rows, too;
/// - a record's totals are its registration's: the records planned, received, processed,
///   cancelled... are at most (and often exactly) the civil-status rows' figures;
/// - within every row, the states share out what was planned: processed + pending + returned +
///   refused + cancelled + rejected + stuck ≤ planned (= for records); received ≤ planned;
///   processed + pending + returned + refused + rejected ≤ received ≤ the same + cancelled +
///   stuck; overdue ≤ planned − processed; on time ≤ processed; late ≤ processed + pending;
///   a record's overdue, rejected and stuck ≤ pending;
/// - a civil-status row (by system, or a civil-status procedure) has received = planned and no
///   rejected or stuck procedure;
/// - the timing counts: registration to personal ID over the processed personal-id procedures;
///   an agency's answer time over at least its processed and rejected procedures and at most its
///   received ones.
/// Every relation is checked on the true figures first and kept only when it holds, so a ledger
/// edited by hand can never make a report fail.
///
/// Guarantee (from `CellSuppression.swift`): every hidden cell has another value in a table of
/// non-negative integers that agrees with everything published and satisfies every relation
/// above. Hidden cells are all shown the same way (`x`, `suppressed`, null), whatever their
/// value, since telling small ones apart would give their range away.
public struct PublishedReport: Sendable {
    public struct Row: Sendable {
        public let keys: [String]
        /// The figures in `ReportCounts.names` order, nil when hidden.
        public let figures: [Int?]
        /// The province and commune names beside their codes (see `ReportRow.names`).
        public var names: [String] = []

        public func name(_ index: Int) -> String { index < names.count ? names[index] : "" }
    }

    public let report: Report
    /// Counts from 1 to `below - 1` are hidden; 0 or 1 hides nothing.
    public let below: Int
    public let rows: [Row]
    public let totals: [Int?]
    /// Per timing figure of the report: hidden (its count, median and 90th percentile) or not.
    public let timingHidden: [Bool]
    /// Cells hidden to protect the small ones (for the record; the output does not tell them apart).
    public let complementaryCount: Int

    private init(report: Report, below: Int, rows: [Row], totals: [Int?], timingHidden: [Bool], complementaryCount: Int) {
        self.report = report
        self.below = below
        self.rows = rows
        self.totals = totals
        self.timingHidden = timingHidden
        self.complementaryCount = complementaryCount
    }

    /// The report with nothing hidden.
    public init(unsuppressed report: Report) {
        self.init(report: report, below: 0, rows: report.rows.map { Row(keys: $0.keys, figures: $0.counts.values.map(Optional.some), names: $0.names) },
                  totals: report.totals.values.map(Optional.some), timingHidden: report.timings.map { _ in false }, complementaryCount: 0)
    }

    /// The report with counts below `below` hidden, and the complementary cells that protect them.
    public init(_ report: Report, suppressBelow below: Int) throws {
        guard below > 1 else {
            self.init(unsuppressed: report)
            return
        }
        let model = ReportSuppressionModel(report: report, threshold: below)
        let result = try model.problem.suppress()
        func shown(_ cells: [Int]) -> [Int?] { cells.map { result.suppressed[$0] ? nil : model.problem.values[$0] } }
        self.init(report: report, below: below, rows: zip(report.rows, model.rowCells).map { Row(keys: $0.keys, figures: shown($1), names: $0.names) },
                  totals: shown(model.totalCells), timingHidden: model.timingCells.map { result.suppressed[$0] },
                  complementaryCount: result.complementary.count)
    }

    /// Share of processed procedures finished on time, 0...1; nil when nothing was processed or
    /// either part is hidden (the share and one part would give the other away).
    public static func share(_ figures: [Int?]) -> Double? {
        guard let processed = figures[ReportSuppressionModel.processed], let onTime = figures[ReportSuppressionModel.onTime], processed > 0 else {
            return nil
        }
        return Double(onTime) / Double(processed)
    }

    /// Whether the share is hidden (rather than undefined).
    public static func shareHidden(_ figures: [Int?]) -> Bool {
        figures[ReportSuppressionModel.processed] == nil || figures[ReportSuppressionModel.onTime] == nil
    }
}

/// The suppression problem of one report: one cell per figure of every row, of the dimensions'
/// own totals (two or more dimensions), of the total row, and one per timing count.
struct ReportSuppressionModel {
    var problem: SuppressionProblem
    /// Per report row, its cells (one per figure).
    var rowCells: [[Int]] = []
    var totalCells: [Int] = []
    var timingCells: [Int] = []

    // Figures in ReportCounts order.
    static let planned = 0, received = 1, processed = 2, pending = 3, returned = 4, refused = 5, cancelled = 6, overdue = 7, rejected = 8,
               stuck = 9, late = 10, onTime = 11
    static let figureCount = ReportCounts.names.count

    init(report: Report, threshold: Int) {
        problem = SuppressionProblem(values: [], threshold: threshold)
        let dims = report.dimensions
        var candidates: (equations: [[(Int, Int)]], inequalities: [[(Int, Int)]]) = ([], [])

        func addFigures(_ counts: ReportCounts, level: Int) -> [Int] {
            counts.values.map { problem.addCell(value: $0, level: level) }
        }
        /// The relations within one row (or total) of figures. Each is a candidate: kept only
        /// where the true figures satisfy it (a procedure row and a record row differ).
        func rowRelations(_ c: [Int], system: Agency?) {
            let (p, r, f, w, ret, ref) = (c[Self.planned], c[Self.received], c[Self.processed], c[Self.pending], c[Self.returned], c[Self.refused])
            let (can, o, j, s, l, t) = (c[Self.cancelled], c[Self.overdue], c[Self.rejected], c[Self.stuck], c[Self.late], c[Self.onTime])
            let states = [(f, 1), (w, 1), (ret, 1), (ref, 1), (can, 1), (j, 1), (s, 1)]
            candidates.equations += [
                [(p, 1)] + states.map { ($0.0, -1) },                   // records: every state is a share of planned
                [(r, 1), (p, -1)],                                       // records and civil status: received = planned
                // civlink-report(1): received = processed + pending + returned + refused + cancelled
                [(r, 1), (f, -1), (w, -1), (ret, -1), (ref, -1), (can, -1)],
            ]
            candidates.inequalities += [
                [(p, 1)] + states.map { ($0.0, -1) },                   // planned ≥ every state
                [(p, 1), (r, -1)],                                       // planned ≥ received
                [(r, 1), (f, -1), (w, -1), (ret, -1), (ref, -1), (j, -1)],  // received ≥ what was answered or is waiting
                states.map { ($0.0, $0.1) } + [(r, -1)],                 // received ≤ every state
                [(p, 1), (f, -1), (o, -1)],                              // overdue ≤ planned − processed
                [(f, 1), (t, -1)],                                       // on time ≤ processed
                [(f, 1), (w, 1), (l, -1)],                               // late ≤ processed + pending
                [(f, 1), (l, -1)],                                       // a registration: late ≤ processed
                [(w, 1), (o, -1)], [(w, 1), (j, -1)], [(w, 1), (s, -1)], // a record: overdue, rejected, stuck ≤ pending
            ]
            if system == .civilStatus {
                candidates.equations += [[(j, 1)], [(s, 1)]]
            } else if system != nil {
                // Only civil status returns, refuses and registers late.
                candidates.equations += [[(ret, 1)], [(ref, 1)], [(l, 1)]]
            }
        }
        func system(of keys: [(ReportDimension, String)]) -> Agency? {
            for (dimension, value) in keys {
                if dimension == .system { return Agency(rawValue: value) }
                if dimension == .procedure, let kind = ProcedureKind.named(value) { return kind.agency }
            }
            return nil
        }

        // Rows.
        for row in report.rows {
            let cells = addFigures(row.counts, level: 0)
            rowCells.append(cells)
            rowRelations(cells, system: system(of: Array(zip(dims, row.keys))))
        }
        // Each dimension's own totals, when there are two dimensions or more.
        var marginal: [ReportDimension: [String: [Int]]] = [:]
        if dims.count >= 2 {
            for (d, dimension) in dims.enumerated() {
                var groups: [String: (counts: ReportCounts, rows: [Int])] = [:]
                var order: [String] = []
                for (i, row) in report.rows.enumerated() {
                    let value = row.keys[d]
                    if groups[value] == nil { order.append(value); groups[value] = (ReportCounts(), []) }
                    groups[value]!.counts = groups[value]!.counts + row.counts
                    groups[value]!.rows.append(i)
                }
                for value in order {
                    let cells = addFigures(groups[value]!.counts, level: 1)
                    marginal[dimension, default: [:]][value] = cells
                    rowRelations(cells, system: system(of: [(dimension, value)]))
                    for f in 0..<Self.figureCount {
                        candidates.equations.append([(cells[f], 1)] + groups[value]!.rows.map { (rowCells[$0][f], -1) })
                    }
                }
            }
        }
        // The total row.
        totalCells = addFigures(report.totals, level: dims.count >= 2 ? 2 : 1)
        rowRelations(totalCells, system: nil)
        let civilStatusRows = report.rows.indices.filter { system(of: Array(zip(dims, report.rows[$0].keys))) == .civilStatus }
        for f in 0..<Self.figureCount {
            candidates.equations.append([(totalCells[f], 1)] + rowCells.map { ($0[f], -1) })
            // Rows of procedures: a record is its registration, which civil status holds.
            if !civilStatusRows.isEmpty {
                candidates.equations.append([(totalCells[f], 1)] + civilStatusRows.map { (rowCells[$0][f], -1) })
                candidates.inequalities.append(civilStatusRows.map { (rowCells[$0][f], 1) } + [(totalCells[f], -1)])
            }
        }
        // Timing counts.
        func cells(_ dimension: ReportDimension, _ value: String) -> [Int]? {
            if dims == [dimension] { return report.rows.firstIndex { $0.keys == [value] }.map { rowCells[$0] } }
            return marginal[dimension]?[value]
        }
        let populationIsPersonalID = ProcedureKind.all.filter { $0.agency == .population }.map(\.code) == ["personal-id"]
        for timing in report.timings {
            let cell = problem.addCell(value: timing.distribution.count, level: 0)
            timingCells.append(cell)
            switch (timing.metric, timing.agency) {
            case ("personal-id-return", nil):
                if let exact = cells(.procedure, "personal-id") ?? (populationIsPersonalID ? cells(.system, Agency.population.rawValue) : nil) {
                    candidates.equations.append([(cell, 1), (exact[Self.processed], -1)])
                } else {
                    candidates.inequalities.append([(totalCells[Self.processed], 1), (cell, -1)])
                }
            case ("answer", let agency?):
                if let system = cells(.system, agency) {
                    candidates.inequalities.append([(cell, 1), (system[Self.processed], -1), (system[Self.rejected], -1)])
                    candidates.inequalities.append([(system[Self.received], 1), (cell, -1)])
                } else {
                    candidates.inequalities.append([(totalCells[Self.received], 1), (cell, -1)])
                }
            default:
                break
            }
        }
        // Only relations the true figures satisfy: a relation that does not hold (a ledger edited
        // by hand) is no knowledge a reader can use, and must not stop the report.
        let values = problem.values
        func value(_ terms: [(Int, Int)]) -> Int { terms.reduce(0) { $0 + $1.1 * values[$1.0] } }
        for terms in candidates.equations where value(terms) == 0 {
            problem.addEquation(terms.map { (cell: $0.0, coefficient: $0.1) })
        }
        for terms in candidates.inequalities where value(terms) >= 0 {
            problem.addInequality(terms.map { (cell: $0.0, coefficient: $0.1) })
        }
    }
}
