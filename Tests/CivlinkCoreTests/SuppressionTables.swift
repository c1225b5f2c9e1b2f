@testable import CivlinkCore

/// Random report-like tables. Values: many small counts (the ones that get suppressed), some
/// zeros, some large ones, as in commune-level statistics.
enum Tables {
    static func count(_ rng: inout SeededRandom, small: Double = 0.35, zero: Double = 0.15) -> Int {
        let u = Double(rng.next() % 1_000_000) / 1_000_000
        if u < zero { return 0 }
        if u < zero + small { return Int(rng.next() % 4) + 1 }
        return Int(rng.next() % 60) + 5
    }

    /// total = a + b + ...  (1-D row with its total first).
    static func oneD(_ rng: inout SeededRandom, parts: Int, threshold: Int = 5) -> SuppressionProblem {
        let values = (0..<parts).map { _ in count(&rng) }
        var p = SuppressionProblem(values: [values.reduce(0, +)] + values, threshold: threshold)
        p.levels[0] = 1
        p.addSum(total: 0, parts: Array(1...parts))
        return p
    }

    /// rows × columns with a total column, a total row and the grand total.
    static func twoD(_ rng: inout SeededRandom, rows: Int, columns: Int, threshold: Int = 5) -> SuppressionProblem {
        var p = SuppressionProblem(values: [], threshold: threshold)
        let inner = (0..<rows).map { _ in (0..<columns).map { _ in count(&rng) } }
        var cell = [[Int]](repeating: [], count: rows + 1)
        for r in 0...rows {
            for c in 0...columns {
                let isTotalRow = r == rows, isTotalColumn = c == columns
                let v: Int
                switch (isTotalRow, isTotalColumn) {
                case (false, false): v = inner[r][c]
                case (false, true): v = inner[r].reduce(0, +)
                case (true, false): v = inner.map { $0[c] }.reduce(0, +)
                case (true, true): v = inner.joined().reduce(0, +)
                }
                cell[r].append(p.addCell(value: v, level: (isTotalRow ? 1 : 0) + (isTotalColumn ? 1 : 0)))
            }
        }
        for r in 0...rows { p.addSum(total: cell[r][columns], parts: (0..<columns).map { cell[r][$0] }) }
        for c in 0...columns { p.addSum(total: cell[rows][c], parts: (0..<rows).map { cell[$0][c] }) }
        return p
    }

    /// grand total → systems → procedures, one count each; `subtotals` false publishes the
    /// procedures and the grand total only (the system level does not exist in the table).
    static func hierarchy(_ rng: inout SeededRandom, systems: Int, maxProcedures: Int, subtotals: Bool, threshold: Int = 5) -> SuppressionProblem {
        var p = SuppressionProblem(values: [], threshold: threshold)
        let grand = p.addCell(value: 0, level: 2)
        var systemCells: [Int] = [], leaves: [Int] = []
        var grandValue = 0
        for _ in 0..<systems {
            let n = Int(rng.next() % UInt64(maxProcedures)) + 1
            let procedureValues = (0..<n).map { _ in count(&rng) }
            let sum = procedureValues.reduce(0, +)
            grandValue += sum
            let children = procedureValues.map { p.addCell(value: $0, level: 0) }
            leaves += children
            if subtotals {
                let s = p.addCell(value: sum, level: 1)
                systemCells.append(s)
                p.addSum(total: s, parts: children)
            }
        }
        p.values[grand] = grandValue
        p.addSum(total: grand, parts: subtotals ? systemCells : leaves)
        return p
    }

    /// civlink's own shape: rows (e.g. commune × system) of planned, received, processed, pending,
    /// rejected, stuck, overdue, on time; received = processed + pending + rejected + stuck,
    /// planned ≥ received, on time ≤ processed, overdue ≤ planned; a total row per column.
    /// With `groups` > 1 the rows come in groups (communes) each with a subtotal row, and the
    /// grand total row sums the subtotals: a 3-level commune × system × figure table.
    static func civlink(_ rng: inout SeededRandom, groups: Int, rowsPerGroup: Int, threshold: Int = 5) -> SuppressionProblem {
        var p = SuppressionProblem(values: [], threshold: threshold)
        let figures = 8  // planned received processed pending rejected stuck overdue on_time
        func rowValues() -> [Int] {
            let processed = count(&rng), pending = count(&rng)
            let rejected = Int(rng.next() % 3) == 0 ? count(&rng, small: 0.7, zero: 0.3) : 0
            let stuck = Int(rng.next() % 4) == 0 ? count(&rng, small: 0.7, zero: 0.3) : 0
            let received = processed + pending + rejected + stuck
            let planned = received + (Int(rng.next() % 3) == 0 ? count(&rng) : 0)
            let overdue = min(planned, Int(rng.next() % 3) == 0 ? count(&rng, small: 0.8, zero: 0.2) : 0)
            let onTime = processed == 0 ? 0 : Int(rng.next() % UInt64(processed + 1))
            return [planned, received, processed, pending, rejected, stuck, overdue, onTime]
        }
        func addRow(_ v: [Int], level: Int) -> [Int] {
            let cells = v.map { p.addCell(value: $0, level: level) }
            p.addSum(total: cells[1], parts: [cells[2], cells[3], cells[4], cells[5]])
            p.addAtLeast(cells[0], cells[1])
            p.addAtLeast(cells[2], cells[7])
            p.addAtLeast(cells[0], cells[6])
            return cells
        }
        var groupRows: [[Int]] = []
        for _ in 0..<groups {
            let rows = (0..<rowsPerGroup).map { _ in rowValues() }
            let cells = rows.map { addRow($0, level: 0) }
            if groups == 1 { groupRows = cells; break }
            let sums = (0..<figures).map { f in rows.map { $0[f] }.reduce(0, +) }
            let sub = addRow(sums, level: 1)
            for f in 0..<figures { p.addSum(total: sub[f], parts: cells.map { $0[f] }) }
            groupRows.append(sub)
        }
        let totals = (0..<figures).map { f in groupRows.map { p.values[$0[f]] }.reduce(0, +) }
        let total = addRow(totals, level: groups == 1 ? 1 : 2)
        for f in 0..<figures { p.addSum(total: total[f], parts: groupRows.map { $0[f] }) }
        return p
    }

    /// commune × system × figure with every margin a reader of three tables could know:
    /// per (commune, figure) over systems, per (system, figure) over communes, and the grand
    /// totals; within each row received = processed + pending + rejected + stuck.
    static func cube(_ rng: inout SeededRandom, communes: Int, systems: Int, threshold: Int = 5) -> SuppressionProblem {
        var p = SuppressionProblem(values: [], threshold: threshold)
        let figures = 9
        func row() -> [Int] {
            let processed = count(&rng), pending = count(&rng)
            let rejected = Int(rng.next() % 3) == 0 ? count(&rng) : 0, stuck = Int(rng.next() % 4) == 0 ? count(&rng) : 0
            let received = processed + pending + rejected + stuck
            return [received + count(&rng, small: 0.2, zero: 0.5), received, processed, pending, rejected, stuck,
                    count(&rng), Int(rng.next() % UInt64(processed + 1)), count(&rng)]
        }
        let data = (0..<communes).map { _ in (0..<systems).map { _ in row() } }
        // cell[c][s][f], c == communes / s == systems are the margins.
        var cell = [[[Int]]](repeating: [[Int]](repeating: [], count: systems + 1), count: communes + 1)
        for c in 0...communes {
            for s in 0...systems {
                for f in 0..<figures {
                    var v = 0
                    for cc in (c == communes ? Array(0..<communes) : [c]) {
                        for ss in (s == systems ? Array(0..<systems) : [s]) { v += data[cc][ss][f] }
                    }
                    cell[c][s].append(p.addCell(value: v, level: (c == communes ? 1 : 0) + (s == systems ? 1 : 0)))
                }
            }
        }
        for c in 0...communes {
            for s in 0...systems { p.addSum(total: cell[c][s][1], parts: [2, 3, 4, 5].map { cell[c][s][$0] }) }
            for f in 0..<figures { p.addSum(total: cell[c][systems][f], parts: (0..<systems).map { cell[c][$0][f] }) }
        }
        for s in 0..<systems {
            for f in 0..<figures { p.addSum(total: cell[communes][s][f], parts: (0..<communes).map { cell[$0][s][f] }) }
        }
        return p
    }

    /// Random equations with coefficients in -3...3 (not table-shaped), each made to hold by a
    /// balancing cell.
    static func general(_ rng: inout SeededRandom, cells: Int, equations: Int, threshold: Int = 5) -> SuppressionProblem {
        var p = SuppressionProblem(values: (0..<cells).map { _ in count(&rng) }, threshold: threshold)
        for _ in 0..<equations {
            let k = Int(rng.next() % 4) + 2
            var terms: [(cell: Int, coefficient: Int)] = []
            var used = Set<Int>()
            for _ in 0..<k {
                let c = Int(rng.next() % UInt64(p.values.count))
                if !used.insert(c).inserted { continue }
                var a = Int(rng.next() % 7) - 3
                if a == 0 { a = 1 }
                terms.append((c, a))
            }
            let sum = terms.reduce(0) { $0 + $1.coefficient * p.values[$1.cell] }
            let b = p.addCell(value: abs(sum), level: 1)
            terms.append((b, sum > 0 ? -1 : 1))
            p.addEquation(terms)
        }
        return p
    }
}
