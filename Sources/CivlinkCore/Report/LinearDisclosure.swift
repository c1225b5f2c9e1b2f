/// The exact linear disclosure test, independent of how a suppression pattern was chosen: it
/// audits any pattern, including today's primary-only one.
///
/// A reader knows the published values and the equations. Moving the published terms to the
/// right-hand side leaves `A_S x_S = b` over the suppressed cells S, so the reader can compute
/// cell j exactly when the unit vector e_j lies in the row space of A_S (then e_j = yᵀA_S and
/// x_j = yᵀb for every consistent table). Equivalently: no vector of A_S's null space moves x_j.
///
/// It is decided by Gauss-Jordan elimination over the rationals, kept in integers: every row is
/// a primitive integer vector (its entries divided by their gcd), and eliminating column p from
/// row r with pivot row q computes (q_p / g)·r − (r_p / g)·q, g = gcd(r_p, q_p), which is exact.
/// All products are overflow-checked; on overflow the test throws instead of guessing. (Modular
/// arithmetic would be faster but is only exact when the prime exceeds every minor involved,
/// which cannot be bounded usefully for thousands of cells.) In the reduced form each pivot
/// column appears in its own row only, and e_j is in the row space exactly when j is a pivot
/// whose row has no other entry.
public enum LinearDisclosure {
    /// The suppressed cells whose values are determined by the published cells and `equations`,
    /// in cell order. `suppressed[i]` tells whether cell i is hidden.
    public static func determinedCells(equations: [LinearForm], suppressed: [Bool]) throws -> [Int] {
        var pivotRow = [Int](repeating: -1, count: suppressed.count)   // cell -> row index
        var rows: [[LinearTerm]] = []
        var pivotOf: [Int] = []                                         // row index -> pivot cell
        var rowsWithColumn = [[Int]](repeating: [], count: suppressed.count)  // may hold stale ids

        func eliminate(_ r: [LinearTerm], _ q: [LinearTerm], at p: Int) throws -> [LinearTerm] {
            guard let ra = r.first(where: { $0.cell == p })?.coefficient,
                  let qa = q.first(where: { $0.cell == p })?.coefficient else { return r }
            let g = gcd(ra, qa)
            let mr = qa / g, mq = ra / g
            var out: [LinearTerm] = []
            out.reserveCapacity(r.count + q.count)
            var i = 0, k = 0
            while i < r.count || k < q.count {
                let cell: Int, value: Int
                if k == q.count || (i < r.count && r[i].cell < q[k].cell) {
                    cell = r[i].cell
                    guard let v = checkedMultiply(r[i].coefficient, mr) else { throw SuppressionError.arithmeticOverflow }
                    value = v; i += 1
                } else if i == r.count || q[k].cell < r[i].cell {
                    cell = q[k].cell
                    guard let v = checkedMultiply(q[k].coefficient, -mq) else { throw SuppressionError.arithmeticOverflow }
                    value = v; k += 1
                } else {
                    cell = r[i].cell
                    guard let a = checkedMultiply(r[i].coefficient, mr), let b = checkedMultiply(q[k].coefficient, mq),
                          let v = checkedAdd(a, -b) else { throw SuppressionError.arithmeticOverflow }
                    value = v; i += 1; k += 1
                }
                if value != 0 { out.append(LinearTerm(cell: cell, coefficient: value)) }
            }
            return primitive(out)
        }

        for equation in equations {
            var r = equation.terms.filter { suppressed[$0.cell] }
            if r.isEmpty { continue }
            r = primitive(r)
            // Reduce by the existing rows: they are fully reduced, so one pass over r's original
            // pivot columns suffices (elimination only brings in non-pivot columns).
            for p in r.map(\.cell) where pivotRow[p] >= 0 {
                r = try eliminate(r, rows[pivotRow[p]], at: p)
            }
            if r.isEmpty { continue }
            // Pivot: the smallest coefficient, then the column in fewest rows (less fill-in),
            // then the lowest cell, so the result does not depend on hashing.
            var best = r[0]
            var bestKey = (r[0].coefficient.magnitude, rowsWithColumn[r[0].cell].count, r[0].cell)
            for t in r.dropFirst() {
                let key = (t.coefficient.magnitude, rowsWithColumn[t.cell].count, t.cell)
                if key < bestKey { best = t; bestKey = key }
            }
            if best.coefficient < 0 { r = r.map { LinearTerm(cell: $0.cell, coefficient: -$0.coefficient) } }
            let index = rows.count
            // Clear the new pivot column from the other rows.
            for other in Set(rowsWithColumn[best.cell]) where other != index && rows[other].contains(where: { $0.cell == best.cell }) {
                let reduced = try eliminate(rows[other], r, at: best.cell)
                rows[other] = reduced
                for t in reduced where !rowsWithColumn[t.cell].contains(other) { rowsWithColumn[t.cell].append(other) }
            }
            rows.append(r)
            pivotOf.append(best.cell)
            pivotRow[best.cell] = index
            for t in r { rowsWithColumn[t.cell].append(index) }
            rowsWithColumn[best.cell] = rowsWithColumn[best.cell].filter { rows[$0].contains(where: { $0.cell == best.cell }) }
        }
        return suppressed.indices.filter { j in
            suppressed[j] && pivotRow[j] >= 0 && rows[pivotRow[j]].count == 1
        }
    }

    /// `terms` divided by the gcd of its coefficients.
    static func primitive(_ terms: [LinearTerm]) -> [LinearTerm] {
        var g = 0
        for t in terms { g = gcd(g, t.coefficient); if g == 1 { return terms } }
        guard g > 1 else { return terms }
        return terms.map { LinearTerm(cell: $0.cell, coefficient: $0.coefficient / g) }
    }
}

extension SuppressionProblem {
    /// The exact linear test of any suppression pattern against this problem's equations.
    public func determinedCells(suppressed: [Bool]) throws -> [Int] {
        try LinearDisclosure.determinedCells(equations: equations, suppressed: suppressed)
    }
}
