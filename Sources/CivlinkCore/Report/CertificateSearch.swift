/// The search for a cheap `SuppressionCertificate` through one cell: an integer vector z with
/// A z = 0 for every equation, every inequality still holding for v + z, v + z ≥ 0 and
/// z_target ≠ 0, whose cells outside the suppressed set cost as little as possible. Its support is
/// what must be hidden so that the target (and every other cell of the support) has an
/// alternative value; in a 2-D table with totals the cheapest such z is the familiar rectangle.
///
/// A state is a partial z; a relation is open when z unbalances an equation or pushes an
/// inequality below 0; a move adds one cell that closes an open relation (a zero may only go up).
/// Two strategies share that model:
/// - `dive`: depth-first, always on the open relation with the fewest feasible closing cells (a
///   forced move when there is one, a dead end when there is none), totals last, then the move
///   leaving the fewest open relations. It finds a certificate fast, also where forced margins
///   make cheap-looking states useless (a sparse figure such as "stuck", all zeros but one cell).
/// - `find`: A*, cheapest first, with an admissible estimate (the cheapest cell still able to
///   close each open relation), below the cost of the dive's certificate. It usually improves
///   the dive's answer to the optimum (among the cells it tries) within a small budget.
/// Long relations (a column over 1,500 rows) are not branched over in full: only their
/// suppressed cells, their cheapest cells and the cells that also sit in another open relation
/// (the corner that closes a rectangle) are tried. Budgets bound the work; the caller falls back
/// to a proof that always exists (see CellSuppression.swift).
struct CertificateSearch {
    /// Relations 0..<equationCount are equations (= 0), the rest inequalities (≥ 0), in
    /// compressed rows.
    let relStart: [Int], relCell: [Int], relCoef: [Int]
    let equationCount: Int
    /// Per relation, its value at the true table (0 for equations, ≥ 0 for inequalities).
    let slack: [Int]
    /// Per cell: the relations it is in, with its coefficient there.
    let cellStart: [Int], cellRel: [Int], cellCoef: [Int]
    let values: [Int]
    /// The most relations one cell is in (one new cell closes at most that many).
    let maxIncidence: Int
    /// `SuppressionOptions.levelCost`, to tell a cell's level from its cost.
    let levelCost: Int
    /// Cost of hiding a published cell (see `SuppressionOptions`).
    let staticCost: [Int]
    /// Per long relation, its cells by increasing cost.
    let relByCost: [[Int]]

    var suppressed: [Bool]
    /// Per relation, its suppressed cells (in the order they were hidden).
    var relSuppressed: [[Int]]
    /// Per cell: already in a certificate.
    var covered: [Bool]

    /// Relations of at most this many cells are branched over in full.
    static let fullBranching = 24
    /// |z_i| and residuals stay below this, so no product in the search can overflow.
    static let maxMagnitude = 1 << 24

    init(problem: SuppressionProblem, suppressed: [Bool], options: SuppressionOptions) {
        let n = problem.cellCount
        values = problem.values
        let relations = problem.equations + problem.inequalities
        equationCount = problem.equations.count
        var start = [0], cells: [Int] = [], coefs: [Int] = []
        for r in relations {
            for t in r.terms { cells.append(t.cell); coefs.append(t.coefficient) }
            start.append(cells.count)
        }
        (relStart, relCell, relCoef) = (start, cells, coefs)
        slack = relations.enumerated().map { $0.offset < problem.equations.count ? 0 : ($0.element.evaluate(problem.values) ?? 0) }
        var count = [Int](repeating: 0, count: n + 1)
        for c in cells { count[c + 1] += 1 }
        for i in 0..<n { count[i + 1] += count[i] }
        var fill = count
        var rels = [Int](repeating: 0, count: cells.count), cs = [Int](repeating: 0, count: cells.count)
        for k in 0..<relations.count {
            for i in start[k]..<start[k + 1] {
                rels[fill[cells[i]]] = k; cs[fill[cells[i]]] = coefs[i]; fill[cells[i]] += 1
            }
        }
        (cellStart, cellRel, cellCoef) = (count, rels, cs)
        maxIncidence = max(1, (0..<n).map { count[$0 + 1] - count[$0] }.max() ?? 1)
        let perCell = options.perCellCost ?? max(1, problem.threshold)
        levelCost = max(1, options.levelCost)
        let costs: [Int] = (0..<n).map { c in
            let v = problem.values[c]
            let level = c < problem.levels.count ? min(max(0, problem.levels[c]), 1000) : 0
            // Saturate rather than overflow: a cell worth more than 2^40 is simply "very costly".
            return level * options.levelCost + (v == 0 ? options.zeroCost : 0) + perCell + min(v, 1 << 40)
        }
        staticCost = costs
        relByCost = (0..<relations.count).map { k in
            let slice = cells[start[k]..<start[k + 1]]
            return slice.count <= CertificateSearch.fullBranching ? [] : slice.sorted { (costs[$0], $0) < (costs[$1], $1) }
        }
        self.suppressed = suppressed
        var rs = [[Int]](repeating: [], count: relations.count)
        for c in 0..<n where suppressed[c] {
            for k in count[c]..<count[c + 1] { rs[rels[k]].append(c) }
        }
        relSuppressed = rs
        covered = [Bool](repeating: false, count: n)
        residual = [Int](repeating: 0, count: relations.count)
        touchedMark = [Int](repeating: -1, count: relations.count)
        openMark = [Int](repeating: -1, count: relations.count)
        zStamp = [Int](repeating: -1, count: n)
        candidateMark = [Int](repeating: -1, count: n)
    }

    /// Hides `cell` (after a certificate was accepted).
    mutating func hide(_ cell: Int) {
        guard !suppressed[cell] else { return }
        suppressed[cell] = true
        for k in cellStart[cell]..<cellStart[cell + 1] { relSuppressed[cellRel[k]].append(cell) }
    }

    // MARK: search state

    private struct Node {
        var offset: Int       // into poolCell/poolValue
        var count: Int
        var cost: Int
    }
    /// Ordered by the A* estimate, then fewer open relations (closer to a certificate), then
    /// first pushed: all deterministic.
    private struct QueueEntry: Comparable {
        var estimate: Int, open: Int, seq: Int, node: Int
        static func < (a: QueueEntry, b: QueueEntry) -> Bool { (a.estimate, a.open, a.seq) < (b.estimate, b.open, b.seq) }
    }
    private var nodes: [Node] = []
    private var poolCell: [Int] = [], poolValue: [Int] = []
    private var heap = MinHeap<QueueEntry>()
    // Scratch: per relation the residual Σ coefficient × z of the state being expanded, marks
    // (== stamp) for touched and open relations, for cells in z and for candidates.
    private var residual: [Int]
    private var touched: [Int] = []
    private var touchedMark: [Int], openMark: [Int]
    private var zStamp: [Int]
    private var candidateMark: [Int]
    private var stamp = 0, candidateStamp = 0
    /// States expanded by the last `find` (for tests and tuning).
    private(set) var lastExpansions = 0

    @inline(__always) private func isInequality(_ r: Int) -> Bool { r >= equationCount }
    @inline(__always) private func length(_ r: Int) -> Int { relStart[r + 1] - relStart[r] }

    /// Whether relation `r` is open when its residual is `res`.
    @inline(__always) private func isOpen(_ r: Int, _ res: Int) -> Bool {
        isInequality(r) ? slack[r] + res < 0 : res != 0
    }

    @inline(__always) private func coefficient(of c: Int, in r: Int) -> Int {
        for k in cellStart[c]..<cellStart[c + 1] where cellRel[k] == r { return cellCoef[k] }
        return 0
    }

    /// The step that closes (or moves towards closing) relation `r`, residual `res`, with cell c of
    /// coefficient `a`, and the factor m the rest of z is scaled by (1 unless a does not divide res).
    @inline(__always) private func closingStep(_ r: Int, _ res: Int, _ a: Int) -> (step: Int, m: Int) {
        if isInequality(r) {
            // a·δ ≥ −(slack + res)
            let deficit = -(slack[r] + res)
            return ((deficit + Int(a.magnitude) - 1) / Int(a.magnitude) * a.signum(), 1)
        }
        // res·m + a·δ = 0
        let g = gcd(a, res)
        if a.magnitude == UInt(g) { return (-res / a, 1) }
        return (-(res / g) * a.signum(), Int(a.magnitude) / g)
    }

    /// The cheapest and second cheapest cost of a cell of relation `r` outside z (zStamp ==
    /// stamp) that can move the way `res` needs (a zero cannot go down), and the cheapest cell;
    /// Int.max when there is none. Every open relation needs one more cell at least, so these
    /// bound the cost still to pay. It is what makes a total's cost visible early: a state that
    /// can only be closed through a total row carries that cost in its estimate, so the search
    /// does not wander among cheap cells (zeros that would have to go below 0) first.
    private func cheapest(in r: Int, residual res: Int) -> (cell: Int, first: Int, second: Int) {
        var bestCell = -1, first = Int.max, second = Int.max
        func offer(_ c: Int, _ cost: Int) {
            if cost < first { second = first; first = cost; bestCell = c } else if cost < second { second = cost }
        }
        @inline(__always) func movable(_ c: Int, _ a: Int) -> Bool { values[c] + closingStep(r, res, a).step >= 0 }
        if length(r) <= CertificateSearch.fullBranching {
            for k in relStart[r]..<relStart[r + 1] where zStamp[relCell[k]] != stamp && movable(relCell[k], relCoef[k]) {
                let c = relCell[k]
                offer(c, suppressed[c] ? 0 : staticCost[c])
            }
            return (bestCell, first, second)
        }
        // Long relation: look at a bounded number of cells; past that, the next cost (the lists
        // are in increasing cost) is still a lower bound.
        var found = 0, scanned = 0
        for c in relSuppressed[r] where zStamp[c] != stamp {
            scanned += 1
            if scanned > 64 { offer(c, 0); found = 2; break }
            if movable(c, coefficient(of: c, in: r)) { offer(c, 0); found += 1; if found == 2 { break } }
        }
        scanned = 0
        if found < 2 {
            for c in relByCost[r] where !suppressed[c] && zStamp[c] != stamp {
                scanned += 1
                if scanned > 64 { offer(c, staticCost[c]); break }
                if movable(c, coefficient(of: c, in: r)) { offer(c, staticCost[c]); found += 1; if found >= 2 { break } }
            }
        }
        return (bestCell, first, second)
    }

    /// The cheapest certificate through `target` found within `budget` expansions, as (cell, δ)
    /// in cell order; nil when none was found.
    mutating func find(target: Int, budget: Int, cap: Int, below upperBound: Int = Int.max) -> [LinearTerm]? {
        nodes.removeAll(keepingCapacity: true)
        poolCell.removeAll(keepingCapacity: true)
        poolValue.removeAll(keepingCapacity: true)
        heap.removeAll()
        var seen = Set<[Int]>()
        var seq = 0
        // Both directions: a count can go up or down; a zero only up.
        for delta in [1, -1] where values[target] + delta >= 0 {
            nodes.append(Node(offset: poolCell.count, count: 1, cost: suppressed[target] ? 0 : staticCost[target]))
            poolCell.append(target); poolValue.append(delta)
            heap.push(QueueEntry(estimate: nodes.last!.cost, open: 0, seq: seq, node: nodes.count - 1)); seq += 1
        }
        var expansions = 0
        var signature: [Int] = []
        var open: [Int] = []
        while let entry = heap.pop() {
            if entry.estimate >= upperBound { break }
            let node = nodes[entry.node]
            let range = node.offset..<(node.offset + node.count)
            // Skip a vector already reached another way.
            signature.removeAll(keepingCapacity: true)
            for i in range.sorted(by: { poolCell[$0] < poolCell[$1] }) { signature.append(poolCell[i]); signature.append(poolValue[i]) }
            if !seen.insert(signature).inserted { continue }
            expansions += 1
            lastExpansions = expansions
            if expansions > budget { break }
            // Load z, compute its residuals and open relations.
            stamp += 1
            var overflow = false
            for i in range {
                let c = poolCell[i], d = poolValue[i]
                zStamp[c] = stamp
                for k in cellStart[c]..<cellStart[c + 1] {
                    let r = cellRel[k]
                    if touchedMark[r] != stamp { touchedMark[r] = stamp; residual[r] = 0; touched.append(r) }
                    guard let p = checkedMultiply(cellCoef[k], d), let s = checkedAdd(residual[r], p),
                          s.magnitude <= UInt(CertificateSearch.maxMagnitude) else { overflow = true; continue }
                    residual[r] = s
                }
            }
            open.removeAll(keepingCapacity: true)
            for r in touched where isOpen(r, residual[r]) { open.append(r); openMark[r] = stamp }
            touched.removeAll(keepingCapacity: true)
            if overflow { continue }
            if open.isEmpty {
                return range.map { LinearTerm(cell: poolCell[$0], coefficient: poolValue[$0]) }.sorted { $0.cell < $1.cell }
            }
            if node.count >= 64 { continue }
            // The most constrained open relation.
            var e = open[0]
            for f in open.dropFirst() where (length(f), f) < (length(e), e) { e = f }
            let bounds = open.map { f in (rel: f, cheapest(in: f, residual: residual[f])) }
            let r = residual[e]
            for c in candidates(in: e, open: open, cap: cap) {
                let a = coefficient(of: c, in: e)
                if a == 0 { continue }
                let (step, m) = closingStep(e, r, a)
                if step.magnitude > UInt(CertificateSearch.maxMagnitude) || values[c] + step < 0 { continue }
                if m > 1 {
                    var ok = true
                    for i in range {
                        guard let scaled = checkedMultiply(poolValue[i], m), scaled.magnitude <= UInt(CertificateSearch.maxMagnitude),
                              values[poolCell[i]] + scaled >= 0 else { ok = false; break }
                    }
                    if !ok { continue }
                }
                // The child's open relations and its lower bound: the largest cheapest closing
                // cost, or the sum of them over the most relations one cell can close.
                var most = 0, sum = 0, openCount = 0, dead = false
                let saved = zStamp[c]
                zStamp[c] = stamp
                func account(_ least: Int) {
                    if least == Int.max { dead = true; return }
                    openCount += 1
                    most = max(most, least)
                    sum = sum &+ least
                }
                for (f, b) in bounds {
                    let ac = coefficient(of: c, in: f)
                    guard let scaled = checkedMultiply(residual[f], m), let moved = checkedMultiply(ac, step),
                          let res = checkedAdd(scaled, moved) else { dead = true; break }
                    if !isOpen(f, res) { continue }
                    account(ac == 0 ? (b.cell == c ? b.second : b.first) : cheapest(in: f, residual: res).first)
                    if dead { break }
                }
                if !dead {
                    for k in cellStart[c]..<cellStart[c + 1] where openMark[cellRel[k]] != stamp {
                        let f = cellRel[k]
                        let before = touchedMark[f] == stamp ? residual[f] * m : 0
                        guard let moved = checkedMultiply(cellCoef[k], step), let res = checkedAdd(before, moved) else { dead = true; break }
                        if !isOpen(f, res) { continue }
                        account(cheapest(in: f, residual: res).first)
                        if dead { break }
                    }
                }
                zStamp[c] = saved
                if dead { continue }
                let bound = max(most, sum / maxIncidence)
                let offset = poolCell.count
                for i in range { poolCell.append(poolCell[i]); poolValue.append(poolValue[i] * m) }
                poolCell.append(c); poolValue.append(step)
                let cost = node.cost + (suppressed[c] ? 0 : staticCost[c])
                if cost + bound >= upperBound { poolCell.removeLast(node.count + 1); poolValue.removeLast(node.count + 1); continue }
                nodes.append(Node(offset: offset, count: node.count + 1, cost: cost))
                heap.push(QueueEntry(estimate: cost + bound, open: openCount, seq: seq, node: nodes.count - 1)); seq += 1
            }
        }
        return nil
    }

    /// Depth-first branch and bound, the second strategy: where the A* search drowns in cheap
    /// partial vectors (a sparse figure such as "stuck", all zeros but one cell, forces its
    /// margins, which the estimate cannot see), diving finds a complete certificate quickly. It
    /// always extends the open relation with the fewest cells able to close it (a forced move
    /// when there is one, a dead end when there is none), tries cheaper cells first, and keeps
    /// the cheapest certificate found, pruning branches that cannot beat it (or stops at the
    /// first with `firstOnly`, as an upper bound for the A* search). Only unit steps
    /// (coefficients dividing the residual) are taken here; the A* search handles the rest.
    mutating func dive(target: Int, budget: Int, cap: Int, firstOnly: Bool = false) -> (delta: [LinearTerm], cost: Int)? {
        stamp += 1
        let mark = stamp
        var zCells: [Int] = [], zSteps: [Int] = []
        var res = [Int: Int]()          // residual per relation touched by z
        var openList: [Int] = []
        var best: [LinearTerm]? = nil
        var bestCost = Int.max
        var nodesLeft = budget
        func isOpenNow(_ r: Int) -> Bool { isOpen(r, res[r] ?? 0) }
        func apply(_ c: Int, _ d: Int, _ sign: Int) {
            for k in cellStart[c]..<cellStart[c + 1] {
                let r = cellRel[k]
                let wasOpen = isOpenNow(r)
                res[r, default: 0] += sign * cellCoef[k] * d
                let nowOpen = isOpenNow(r)
                if wasOpen != nowOpen {
                    if nowOpen { openList.append(r) } else { openList.removeAll { $0 == r } }
                }
            }
        }
        func push(_ c: Int, _ d: Int) { zCells.append(c); zSteps.append(d); zStamp[c] = mark; apply(c, d, 1) }
        func pop() { let c = zCells.removeLast(), d = zSteps.removeLast(); zStamp[c] = -1; apply(c, d, -1) }

        func recurse(_ cost: Int) {
            nodesLeft -= 1
            if nodesLeft < 0 { return }
            if openList.isEmpty {
                if cost < bestCost {
                    bestCost = cost
                    best = zip(zCells, zSteps).map { LinearTerm(cell: $0, coefficient: $1) }.sorted { $0.cell < $1.cell }
                }
                if firstOnly { nodesLeft = -1 }
                return
            }
            if zCells.count >= 48 { return }
            // The open relation with the fewest feasible closing cells; the bound on the way.
            var choice: [(cell: Int, step: Int)] = []
            var chosen = -1, bound = 0
            // Long relations have many closing cells: look at them only when no short one is open.
            let short = openList.filter { length($0) <= CertificateSearch.fullBranching }.sorted()
            for r in short.isEmpty ? openList.sorted() : short {
                let rr = res[r] ?? 0
                var options: [(cell: Int, step: Int)] = []
                for c in candidates(in: r, open: openList, cap: cap) {
                    let a = coefficient(of: c, in: r)
                    guard a != 0 else { continue }
                    let (step, m) = closingStep(r, rr, a)
                    if m == 1 && step.magnitude <= UInt(CertificateSearch.maxMagnitude) && values[c] + step >= 0 { options.append((c, step)) }
                }
                if options.isEmpty { return }   // dead end
                bound = max(bound, options.map { suppressed[$0.cell] ? 0 : staticCost[$0.cell] }.min()!)
                if chosen < 0 || options.count < choice.count { chosen = r; choice = options }
            }
            if cost >= bestCost || cost + bound >= bestCost { return }
            // Order: lower level first (totals last), then the move leaving the fewest open
            // relations (a cell closing two at once is the corner of a rectangle), then cost.
            var keyed: [(level: Int, open: Int, cost: Int, cell: Int, step: Int)] = []
            for (c, step) in choice {
                push(c, step)
                keyed.append((staticCost[c] / levelCost, openList.count, suppressed[c] ? 0 : staticCost[c], c, step))
                pop()
            }
            keyed.sort { ($0.level, $0.open, $0.cost, $0.cell) < ($1.level, $1.open, $1.cost, $1.cell) }
            for (_, _, _, c, step) in keyed {
                let added = suppressed[c] ? 0 : staticCost[c]
                if cost + added >= bestCost { break }
                push(c, step)
                recurse(cost + added)
                pop()
                if nodesLeft < 0 { return }
            }
        }
        for delta in [1, -1] where values[target] + delta >= 0 {
            push(target, delta)
            recurse(suppressed[target] ? 0 : staticCost[target])
            pop()
        }
        return best.map { ($0, bestCost) }
    }

    /// The cells of relation `e` worth branching on, not already in z, in a fixed order:
    /// suppressed cells not yet covered (hiding them costs nothing and protects them too), other
    /// suppressed cells, cells that also sit in another open relation, then the cheapest.
    private mutating func candidates(in e: Int, open: [Int], cap: Int) -> [Int] {
        candidateStamp += 1
        var result: [Int] = []
        func add(_ c: Int) {
            if zStamp[c] != stamp && candidateMark[c] != candidateStamp { candidateMark[c] = candidateStamp; result.append(c) }
        }
        let cells = relStart[e]..<relStart[e + 1]
        if length(e) <= CertificateSearch.fullBranching {
            for k in cells where suppressed[relCell[k]] && !covered[relCell[k]] { add(relCell[k]) }
            for k in cells where suppressed[relCell[k]] { add(relCell[k]) }
            for k in cells { add(relCell[k]) }
            return result
        }
        var taken = 0
        for c in relSuppressed[e] where !covered[c] && zStamp[c] != stamp { add(c); taken += 1; if taken >= 2 * cap { break } }
        taken = 0
        for c in relSuppressed[e] where zStamp[c] != stamp && candidateMark[c] != candidateStamp { add(c); taken += 1; if taken >= cap { break } }
        // Closing cells: in e and in another open relation; scan the shorter side when it is short.
        for f in open where f != e {
            if length(f) <= 4 * CertificateSearch.fullBranching {
                for k in relStart[f]..<relStart[f + 1] where coefficient(of: relCell[k], in: e) != 0 { add(relCell[k]) }
            } else if length(e) <= 4 * CertificateSearch.fullBranching {
                for k in cells where coefficient(of: relCell[k], in: f) != 0 { add(relCell[k]) }
            }
        }
        taken = 0
        for c in relByCost[e] where !suppressed[c] && zStamp[c] != stamp {
            add(c); taken += 1
            if taken >= cap { break }
        }
        return result
    }
}

/// A binary min-heap (the standard library has none).
struct MinHeap<Element: Comparable> {
    private var items: [Element] = []
    var isEmpty: Bool { items.isEmpty }
    mutating func removeAll() { items.removeAll(keepingCapacity: true) }
    mutating func push(_ x: Element) {
        items.append(x)
        var i = items.count - 1
        while i > 0 {
            let p = (i - 1) / 2
            if items[i] < items[p] { items.swapAt(i, p); i = p } else { break }
        }
    }
    mutating func pop() -> Element? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        if !items.isEmpty {
            items[0] = last
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < items.count && items[l] < items[m] { m = l }
                if r < items.count && items[r] < items[m] { m = r }
                if m == i { break }
                items.swapAt(i, m); i = m
            }
        }
        return top
    }
}
