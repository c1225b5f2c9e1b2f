/// The mask evaluation of ISO/IEC 18004 §7.8.3, Table 11, scored over the whole symbol:
///
/// - N1 = 3: each run of five or more same-coloured modules in a row or column scores 3, plus 1
///   for each module beyond five.
/// - N2 = 3: each 2×2 block of one colour scores 3 (so an m×n block scores 3·(m−1)·(n−1)).
/// - N3 = 40: each dark-light-dark-light-dark run sequence in ratio 1:1:3:1:1 in a row or
///   column, with a light run at least four times the unit wide before or after it, scores 40.
///   The area beyond the symbol's edge counts as light: it is the quiet zone, which is light.
/// - N4 = 10: when the dark share is between 50 ± 5k % and 50 ± 5(k+1) %, it scores 10k.
struct Penalty: Sendable, Equatable, CustomStringConvertible {
    var n1 = 0
    var n2 = 0
    var n3 = 0
    var n4 = 0
    var darkModules = 0
    var total: Int { n1 + n2 + n3 + n4 }

    var description: String { "N1 \(n1) + N2 \(n2) + N3 \(n3) + N4 \(n4) = \(total)" }

    /// Stands for a light run that reaches the symbol's edge: the quiet zone continues it.
    private static let edge = Int.max / 8

    init(evaluating modules: [Bool], size: Int) {
        precondition(modules.count == size * size)
        var runs: [Int] = []
        runs.reserveCapacity(size + 3)
        modules.withUnsafeBufferPointer { m in
            for line in 0..<size {
                scoreLine(m, start: line * size, stride: 1, count: size, runs: &runs)  // row
                scoreLine(m, start: line, stride: size, count: size, runs: &runs)  // column
            }
            for y in 0..<(size - 1) {
                for x in 0..<(size - 1) {
                    let c = m[y * size + x]
                    if c == m[y * size + x + 1] && c == m[(y + 1) * size + x] && c == m[(y + 1) * size + x + 1] {
                        n2 += 3
                    }
                }
            }
            for dark in m where dark { darkModules += 1 }
        }
        let total = size * size
        // k = ⌊|100·dark/total − 50| / 5⌋, in integers.
        n4 = 10 * (abs(20 * darkModules - 10 * total) / total)
    }

    /// N1 and N3 of one row or column.
    private mutating func scoreLine(_ m: UnsafeBufferPointer<Bool>, start: Int, stride: Int, count: Int, runs: inout [Int]) {
        // Runs alternate light, dark, …, light; the first and last light runs touch the edge
        // and are recorded as `edge` (for N3), while N1 counts only the modules inside.
        runs.removeAll(keepingCapacity: true)
        var color = false
        var length = 0
        var index = start
        for _ in 0..<count {
            let dark = m[index]
            index += stride
            if dark == color {
                length += 1
            } else {
                if length >= 5 { n1 += 3 + (length - 5) }
                runs.append(runs.isEmpty ? Penalty.edge : length)
                color = dark
                length = 1
            }
        }
        if length >= 5 { n1 += 3 + (length - 5) }
        if color { runs.append(length) }
        runs.append(Penalty.edge)

        // Dark runs sit at odd indices; a centre needs two dark runs on each side of it.
        var i = 3
        while i + 3 < runs.count {
            let centre = runs[i]
            if centre % 3 == 0 {
                let unit = centre / 3
                if runs[i - 2] == unit && runs[i - 1] == unit && runs[i + 1] == unit && runs[i + 2] == unit
                    && (runs[i - 3] >= 4 * unit || runs[i + 3] >= 4 * unit)
                {
                    n3 += 40
                }
            }
            i += 2
        }
    }
}
