/// Secondary (complementary) cell suppression: hides more cells until no hidden cell can be
/// worked out from the published ones.
///
/// Why: suppressing only the small counts is undone by the totals (24 − 10 − 5 − 5 = 4). What is
/// guaranteed here is stronger than the linear test ("e_j is not in the row space of the
/// equations' suppressed columns", see LinearDisclosure.swift): every suppressed cell ends up in
/// a `SuppressionCertificate`, an alternative table of non-negative integers that agrees with
/// every published cell and satisfies every equation and inequality but gives that cell another
/// value. So no reader, even one who uses non-negativity, integrality, the inequalities and
/// exact arithmetic (linear algebra, LP, brute force), can pin the cell to one value.
/// Certificates stay valid when more cells are hidden (the vector only touches hidden cells),
/// which is what makes the greedy construction sound: it never has to revisit a protected cell.
///
/// How: for each primary cell in cell order that no certificate covers yet, `CertificateSearch`
/// looks for a cheap certificate through it (a quick depth-first dive, then an A* search for a
/// cheaper one below the dive's cost, then a wider dive), costs counting only cells not yet
/// hidden, and the certificate's cells are hidden. One certificate protects all of its cells, the
/// complements included, so complements never need protecting of their own.
///
/// Preferences (encoded in the costs, `SuppressionOptions`): a cell costs its value plus a fixed
/// amount per cell, so the certificate hides few cells, and small ones (least information lost);
/// hidden cells cost nothing, so complements are shared between primaries. Zeros are avoided
/// (a large extra cost) for two reasons: a zero can only move up in an alternative table, so it
/// gives one-sided cover and often none at all; and readers frequently know that a cell is a
/// structural zero (a procedure a system does not handle), and a certificate that relies on
/// moving a known zero proves nothing to them. Totals and subtotals (`levels` > 0) cost more than
/// any certificate of ordinary cells, so they are hidden only when no other certificate is found.
///
/// Last resort: all relations are homogeneous, so the true table doubled is consistent with them;
/// hiding every non-zero cell of the connected part of the table around a primary cell (cells
/// linked by relations) therefore always protects it (its value v ≥ 1 becomes 2v). This is used
/// only when the search fails twice, is counted in `lastResorts`, and keeps the algorithm total:
/// every count ≥ 1 is protected, always. Only a cell the relations force to 0 can be `unprotected`.
///
/// Not guaranteed: bounds. A reader may still narrow a hidden cell to a range (e.g. 1 or 2);
/// only that it has at least two possible values is guaranteed. Knowledge outside the model
/// (structural zeros, other tables of the same data, previous releases, the algorithm's own
/// choices being reproducible) is not accounted for. Cost-minimality is heuristic (the search is
/// bounded); the protection is not.
extension SuppressionProblem {
    /// Checks that the model is sound: cells in range, values ≥ 0, and the true values satisfy
    /// every relation (otherwise the certificates would prove nothing).
    public func validate() throws {
        for (i, v) in values.enumerated() where v < 0 { throw SuppressionError.negativeValue(cell: i) }
        for form in equations + inequalities {
            for t in form.terms where t.cell < 0 || t.cell >= values.count { throw SuppressionError.cellOutOfRange(t.cell) }
        }
        for c in alsoSuppress where c < 0 || c >= values.count { throw SuppressionError.cellOutOfRange(c) }
        for (i, e) in equations.enumerated() {
            guard let s = e.evaluate(values) else { throw SuppressionError.arithmeticOverflow }
            if s != 0 { throw SuppressionError.equationViolated(index: i) }
        }
        for (i, e) in inequalities.enumerated() {
            guard let s = e.evaluate(values) else { throw SuppressionError.arithmeticOverflow }
            if s < 0 { throw SuppressionError.inequalityViolated(index: i) }
        }
    }

    /// Primary plus complementary suppression. Deterministic: the same problem and options give
    /// the same result (no hashing or randomness decides anything).
    public func suppress(options: SuppressionOptions = SuppressionOptions()) throws -> SuppressionResult {
        try validate()
        var problem = self
        if problem.levels.count < problem.values.count {
            problem.levels += Array(repeating: 0, count: problem.values.count - problem.levels.count)
        }
        let primary = problem.primaryCells
        var hidden = [Bool](repeating: false, count: values.count)
        for c in primary { hidden[c] = true }
        guard options.complementary else {
            return SuppressionResult(suppressed: hidden, primary: primary, complementary: [], certificates: [],
                                     unprotected: [], widerSearches: 0, lastResorts: 0)
        }
        var search = CertificateSearch(problem: problem, suppressed: hidden, options: options)
        var certificates: [SuppressionCertificate] = []
        var unprotected: [Int] = []
        var wider = 0, lastResorts = 0
        var components: [Int]? = nil

        func accept(_ delta: [LinearTerm]) {
            certificates.append(SuppressionCertificate(delta: delta))
            for t in delta { search.hide(t.cell); search.covered[t.cell] = true }
        }

        for target in primary where !search.covered[target] {
            // A quick dive gives a certificate and its cost; the A* search then looks for a
            // cheaper one below that cost (it usually finds the optimum quickly, and gives up
            // early when the dive's answer is already as cheap as it can tell).
            let first = search.dive(target: target, budget: options.searchBudget / 2, cap: 8, firstOnly: true)
            let budget = first == nil ? options.searchBudget : options.searchBudget / 4
            if let better = search.find(target: target, budget: budget, cap: 8, below: first?.cost ?? Int.max) {
                accept(better); continue
            }
            if let first { accept(first.delta); continue }
            if let delta = search.dive(target: target, budget: options.searchBudget * 16, cap: 32, firstOnly: true)?.delta {
                wider += 1; accept(delta); continue
            }
            guard values[target] > 0 else { unprotected.append(target); continue }
            // Last resort: double the connected part of the table.
            if components == nil { components = problem.connectedComponents() }
            let root = components![target]
            let delta = values.indices.filter { components![$0] == root && values[$0] > 0 }
                .map { LinearTerm(cell: $0, coefficient: values[$0]) }
            lastResorts += 1
            accept(delta)
        }

        let suppressed = search.suppressed
        try problem.verify(certificates, suppressed: suppressed)
        if options.audit {
            let determined = try problem.determinedCells(suppressed: suppressed).filter { !unprotected.contains($0) }
            if !determined.isEmpty { throw SuppressionError.auditFailed(cells: determined) }
        }
        let primarySet = hidden
        return SuppressionResult(
            suppressed: suppressed, primary: primary,
            complementary: suppressed.indices.filter { suppressed[$0] && !primarySet[$0] },
            certificates: certificates, unprotected: unprotected, widerSearches: wider, lastResorts: lastResorts)
    }

    /// Re-checks every certificate from scratch (cheap, and independent of the search's own
    /// bookkeeping): only hidden cells move, values stay ≥ 0, every relation still holds.
    func verify(_ certificates: [SuppressionCertificate], suppressed: [Bool]) throws {
        var alternative = values
        var equationsOf = [[Int]](repeating: [], count: values.count)
        var inequalitiesOf = [[Int]](repeating: [], count: values.count)
        for (k, form) in equations.enumerated() { for t in form.terms { equationsOf[t.cell].append(k) } }
        for (k, form) in inequalities.enumerated() { for t in form.terms { inequalitiesOf[t.cell].append(k) } }
        for cert in certificates {
            for t in cert.delta {
                guard suppressed[t.cell], t.coefficient != 0, let v = checkedAdd(values[t.cell], t.coefficient), v >= 0 else {
                    throw SuppressionError.auditFailed(cells: [t.cell])
                }
                alternative[t.cell] = v
            }
            for k in Set(cert.delta.flatMap { equationsOf[$0.cell] }) {
                guard let s = equations[k].evaluate(alternative) else { throw SuppressionError.arithmeticOverflow }
                if s != 0 { throw SuppressionError.auditFailed(cells: cert.delta.map(\.cell)) }
            }
            for k in Set(cert.delta.flatMap { inequalitiesOf[$0.cell] }) {
                guard let s = inequalities[k].evaluate(alternative) else { throw SuppressionError.arithmeticOverflow }
                if s < 0 { throw SuppressionError.auditFailed(cells: cert.delta.map(\.cell)) }
            }
            for t in cert.delta { alternative[t.cell] = values[t.cell] }
        }
    }

    /// Per cell, the smallest cell index of its connected part (cells linked by any relation).
    func connectedComponents() -> [Int] {
        var parent = Array(values.indices)
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for form in equations + inequalities {
            guard let first = form.terms.first?.cell else { continue }
            for t in form.terms.dropFirst() {
                let (a, b) = (find(first), find(t.cell))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }
        return values.indices.map(find)
    }
}
