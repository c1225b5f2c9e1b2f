/// The abstract input of cell suppression: numbered non-negative integer cells, the linear
/// relations a reader knows hold between them, and the small counts that must not be shown.
///
/// Every relation is homogeneous (`Σ coefficient × cell = 0`, or `≥ 0` for an inequality), which
/// is what report tables give (a total is the sum of its parts, received = processed + pending +
/// rejected + stuck, on time ≤ processed). Homogeneity matters: it is why a table with every
/// value doubled is always consistent with the same relations, the last-resort protection the
/// algorithm relies on (see `CellSuppression.swift`).

/// One term `coefficient × cell` of a linear relation.
public struct LinearTerm: Sendable, Hashable {
    public var cell: Int
    public var coefficient: Int
    public init(cell: Int, coefficient: Int) {
        self.cell = cell
        self.coefficient = coefficient
    }
}

/// `Σ coefficient × cell` over its terms; compared with 0 by the problem that holds it.
/// Terms are merged per cell and kept in cell order, zero coefficients dropped.
public struct LinearForm: Sendable, Hashable {
    public private(set) var terms: [LinearTerm]

    public init(_ terms: [LinearTerm]) {
        var merged: [Int: Int] = [:]
        for t in terms { merged[t.cell, default: 0] += t.coefficient }
        self.terms = merged.filter { $0.value != 0 }.sorted { $0.key < $1.key }
            .map { LinearTerm(cell: $0.key, coefficient: $0.value) }
    }

    /// The form's value for `values`, nil on Int overflow.
    func evaluate(_ values: [Int]) -> Int? {
        var sum = 0
        for t in terms {
            guard let p = checkedMultiply(t.coefficient, values[t.cell]), let s = checkedAdd(sum, p) else { return nil }
            sum = s
        }
        return sum
    }
}

/// What to protect and what a reader knows.
public struct SuppressionProblem: Sendable {
    /// The true value of each cell, all ≥ 0.
    public var values: [Int]
    /// How aggregated each cell is: 0 for an ordinary cell, 1 for a subtotal or a total row or
    /// column, 2 for a grand total, and so on. A complement of a higher level is chosen only when
    /// no certificate of lower levels can be found, so totals stay published when possible.
    public var levels: [Int]
    /// Counts from 1 to `threshold - 1` are primary suppressions (0 discloses no one).
    public var threshold: Int
    /// Cells to suppress whatever their value (e.g. a figure the caller hides for another reason).
    public var alsoSuppress: [Int] = []
    /// `form = 0` for each.
    public private(set) var equations: [LinearForm] = []
    /// `form ≥ 0` for each; checked on every alternative table (see `SuppressionCertificate`).
    public private(set) var inequalities: [LinearForm] = []

    public init(values: [Int], threshold: Int, levels: [Int]? = nil) {
        self.values = values
        self.threshold = threshold
        self.levels = levels ?? Array(repeating: 0, count: values.count)
    }

    public var cellCount: Int { values.count }

    /// Adds a cell and returns its index (for building tables cell by cell).
    public mutating func addCell(value: Int, level: Int = 0) -> Int {
        values.append(value)
        levels.append(level)
        return values.count - 1
    }

    /// `Σ coefficient × cell = 0`.
    public mutating func addEquation(_ terms: [(cell: Int, coefficient: Int)]) {
        equations.append(LinearForm(terms.map { LinearTerm(cell: $0.cell, coefficient: $0.coefficient) }))
    }

    /// `total = Σ parts`, i.e. `total - Σ parts = 0`.
    public mutating func addSum(total: Int, parts: [Int]) {
        addEquation([(total, 1)] + parts.map { ($0, -1) })
    }

    /// `Σ coefficient × cell ≥ 0`.
    public mutating func addInequality(_ terms: [(cell: Int, coefficient: Int)]) {
        inequalities.append(LinearForm(terms.map { LinearTerm(cell: $0.cell, coefficient: $0.coefficient) }))
    }

    /// `larger ≥ smaller` (e.g. processed ≥ on time).
    public mutating func addAtLeast(_ larger: Int, _ smaller: Int) {
        addInequality([(larger, 1), (smaller, -1)])
    }

    /// The primary suppressions: counts 1...threshold-1 and `alsoSuppress`, in cell order.
    public var primaryCells: [Int] {
        var mark = values.map { $0 > 0 && $0 < threshold }
        for c in alsoSuppress where c >= 0 && c < mark.count { mark[c] = true }
        return mark.indices.filter { mark[$0] }
    }
}

/// Tuning of the complement choice. The defaults encode the preferences in
/// `CellSuppression.swift`; tests change `complementary` to show that the attacker wins without it.
public struct SuppressionOptions: Sendable {
    /// false: primary suppression only (today's behaviour, disclosive; for tests and comparison).
    public var complementary = true
    /// Cost of suppressing one cell besides its value, so fewer cells beat slightly smaller ones.
    /// nil: the problem's threshold.
    public var perCellCost: Int? = nil
    /// Extra cost of suppressing a published zero (see `CellSuppression.swift` for why zeros are
    /// avoided). Large enough that any short chain of non-zero cells wins.
    public var zeroCost = 1_000_000
    /// Cost per level of aggregation: a total costs more than any certificate of ordinary cells.
    public var levelCost = 1_000_000_000
    /// Search states expanded per certificate before the wider retry, then the last resort.
    public var searchBudget = 4_000
    /// Ask `suppress` to re-check the result with the exact linear test (slower; for audits).
    public var audit = false

    public init() {}
}

public enum SuppressionError: Error, Sendable, Equatable {
    case cellOutOfRange(Int)
    case negativeValue(cell: Int)
    case zeroCoefficient
    /// The true values do not satisfy equation number `index`: the model of the table is wrong.
    case equationViolated(index: Int)
    case inequalityViolated(index: Int)
    /// An exact computation left Int's range.
    case arithmeticOverflow
    /// The audit found a suppressed cell that the published cells determine (a bug; never expected).
    case auditFailed(cells: [Int])
}

/// A proof that a suppressed cell is not disclosed: adding `delta` to the true values gives
/// another table of non-negative integers, equal on every published cell, satisfying every
/// equation and inequality, in which every cell of `delta` (all suppressed) has another value.
/// A reader who sees only the published cells cannot tell the two tables apart.
public struct SuppressionCertificate: Sendable, Equatable {
    /// (cell, change), change ≠ 0, in cell order.
    public let delta: [LinearTerm]
}

public struct SuppressionResult: Sendable {
    /// Per cell: true when it is not published.
    public let suppressed: [Bool]
    /// Counts below the threshold and `alsoSuppress`, in cell order.
    public let primary: [Int]
    /// Cells suppressed to protect the primary ones, in cell order.
    public let complementary: [Int]
    /// The certificates found; every suppressed cell is in at least one (unless `unprotected`).
    public let certificates: [SuppressionCertificate]
    /// Suppressed cells for which no alternative table exists whatever else is hidden: only a
    /// cell forced to 0 by the relations can be here, never a count ≥ 1 (see CellSuppression.swift).
    public let unprotected: [Int]
    /// Certificates that needed the wider search, and those that fell back to hiding a whole
    /// connected part of the table; both 0 for ordinary tables.
    public let widerSearches: Int
    public let lastResorts: Int

    /// The value to publish, nil when suppressed.
    public func published(_ values: [Int]) -> [Int?] {
        zip(values, suppressed).map { $1 ? nil : $0 }
    }

    /// The index into `certificates` protecting each suppressed cell, nil for published cells.
    public var certificateOfCell: [Int?] {
        var result = [Int?](repeating: nil, count: suppressed.count)
        for (i, cert) in certificates.enumerated() {
            for t in cert.delta where result[t.cell] == nil { result[t.cell] = i }
        }
        return result
    }
}
