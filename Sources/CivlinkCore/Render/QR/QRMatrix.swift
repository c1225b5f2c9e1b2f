/// The square of modules being built, with which of them belong to function patterns (finders,
/// separators, timing, alignment, dark module, format and version information) and so are
/// neither data nor masked. Coordinates are (x, y) = (column, row), (0, 0) the top-left module.
struct QRMatrix: Sendable, Equatable {
    let size: Int
    /// Row-major, true = dark.
    private(set) var modules: [Bool]
    private(set) var isFunction: [Bool]

    /// A matrix with every function pattern of `version` drawn, the format information areas
    /// reserved (light until `drawFormatInformation`) and all data modules light.
    init(version: QRVersion) {
        size = version.size
        modules = [Bool](repeating: false, count: size * size)
        isFunction = [Bool](repeating: false, count: size * size)
        drawTimingPatterns()
        drawFinderPattern(centerX: 3, centerY: 3)
        drawFinderPattern(centerX: size - 4, centerY: 3)
        drawFinderPattern(centerX: 3, centerY: size - 4)
        drawAlignmentPatterns(version.alignmentPatternCenters)
        for (first, second) in FormatInformation.positions(size: size) {
            setFunction(first.x, first.y, false)
            setFunction(second.x, second.y, false)
        }
        setFunction(8, size - 8, true)  // the dark module (§7.9.1)
        if version.number >= 7 { drawVersionInformation(version.number) }
    }

    subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    func isFunction(x: Int, y: Int) -> Bool { isFunction[y * size + x] }

    private mutating func setFunction(_ x: Int, _ y: Int, _ dark: Bool) {
        modules[y * size + x] = dark
        isFunction[y * size + x] = true
    }

    /// Row 6 and column 6 alternate dark and light, dark on even coordinates (§6.3.5). Drawn
    /// first across the whole symbol; finders and separators then overwrite the ends.
    private mutating func drawTimingPatterns() {
        for i in 0..<size {
            setFunction(6, i, i % 2 == 0)
            setFunction(i, 6, i % 2 == 0)
        }
    }

    /// A 7×7 finder (dark 7×7, light 5×5, dark 3×3) with its one-module light separator, clipped
    /// to the symbol (§6.3.3, §6.3.4).
    private mutating func drawFinderPattern(centerX: Int, centerY: Int) {
        for dy in -4...4 {
            for dx in -4...4 {
                let x = centerX + dx, y = centerY + dy
                guard x >= 0, x < size, y >= 0, y < size else { continue }
                let ring = max(abs(dx), abs(dy))
                setFunction(x, y, ring != 2 && ring != 4)
            }
        }
    }

    /// 5×5 alignment patterns (dark 5×5, light 3×3, dark centre) at every pairing of the centre
    /// coordinates except the three that fall on finder patterns (§6.3.6).
    private mutating func drawAlignmentPatterns(_ centers: [Int]) {
        guard let first = centers.first, let last = centers.last else { return }
        for cy in centers {
            for cx in centers {
                if (cx == first && cy == first) || (cx == first && cy == last) || (cx == last && cy == first) {
                    continue
                }
                for dy in -2...2 {
                    for dx in -2...2 {
                        setFunction(cx + dx, cy + dy, max(abs(dx), abs(dy)) != 1)
                    }
                }
            }
        }
    }

    private mutating func drawVersionInformation(_ version: Int) {
        let bits = VersionInformation.bits(version: version)
        for (i, place) in VersionInformation.positions(size: size).enumerated() {
            let dark = (bits >> i) & 1 != 0
            setFunction(place.bottomLeft.x, place.bottomLeft.y, dark)
            setFunction(place.topRight.x, place.topRight.y, dark)
        }
    }

    /// Writes both copies of the format information for `level` and `mask`.
    mutating func drawFormatInformation(level: QRCode.ErrorCorrection, mask: Int) {
        let bits = FormatInformation.bits(level: level, mask: mask)
        for (i, place) in FormatInformation.positions(size: size).enumerated() {
            let dark = (bits >> i) & 1 != 0
            setFunction(place.first.x, place.first.y, dark)
            setFunction(place.second.x, place.second.y, dark)
        }
    }

    /// The data modules in placement order (§7.7.3): two-module-wide columns from the right edge
    /// leftwards, skipping the vertical timing column, alternately upwards and downwards, the
    /// right module of each pair before the left, function modules skipped.
    func dataModulePositions() -> [(x: Int, y: Int)] {
        var positions: [(x: Int, y: Int)] = []
        positions.reserveCapacity(size * size)
        var right = size - 1
        while right >= 1 {
            if right == 6 { right = 5 }
            let upward = (right + 1) & 2 == 0
            for step in 0..<size {
                let y = upward ? size - 1 - step : step
                for x in [right, right - 1] where !isFunction[y * size + x] {
                    positions.append((x, y))
                }
            }
            right -= 2
        }
        return positions
    }

    /// Places the codewords' bits, most significant bit first, in placement order. The modules
    /// left over are the remainder bits and stay light (§7.6).
    mutating func placeCodewords(_ codewords: [UInt8]) {
        let positions = dataModulePositions()
        precondition(positions.count >= codewords.count * 8 && positions.count - codewords.count * 8 < 8)
        for (i, place) in positions.enumerated() {
            let dark = i < codewords.count * 8 && (codewords[i >> 3] >> (7 - UInt8(i & 7))) & 1 != 0
            modules[place.y * size + place.x] = dark
        }
    }

    /// Inverts every data module the mask pattern selects (§7.8.2). Applying a mask twice undoes it.
    mutating func applyMask(_ mask: Int) {
        for y in 0..<size {
            for x in 0..<size where !isFunction[y * size + x] && MaskPattern.inverts(mask, x: x, y: y) {
                modules[y * size + x].toggle()
            }
        }
    }
}
