import FoundationEssentials

/// National statistics from provinces' reports: `civlink.report/1` objects made without
/// suppression (each timing carries its histogram), over the same period, scope, units and
/// dimensions, added together into the report one ledger holding every province's records would
/// give: rows with the same keys summed, totals summed, timing histograms merged (so medians and
/// percentiles are exact). Suppression, if wanted, is applied to the merged report, never before:
/// a suppressed input is refused, since its hidden cells cannot be added up.
public enum ReportMerge {
    public static func merge(_ documents: [(name: String, json: JSON)], now: Timestamp) throws -> Report {
        guard let first = documents.first else { throw Failure(.badRequest, "nothing to merge") }
        var shape: JSON?
        var rows: [[String]: ReportRow] = [:]
        var totals = ReportCounts()
        var timings: [(metric: String, agency: String?, distribution: Distribution)] = []
        var dimensions: [ReportDimension] = []
        var communeNames = false
        for (name, document) in documents {
            guard document["format"]?.stringValue == "civlink.report/1" else {
                throw ValidationError(name, "is not a civlink.report/1 object")
            }
            if let below = document["suppress_below"], below != .null {
                throw ValidationError(name, "is suppressed (suppress_below \(below.intValue ?? 0)): merge reports made without suppression, and suppress the merged one")
            }
            let thisShape = JSON.object([("period", document["period"] ?? .null), ("scope", document["scope"] ?? .null), ("by", document["by"] ?? .null)])
            if let shape, shape != thisShape {
                throw ValidationError(name, "covers another period, scope or grouping than \(first.name)")
            }
            shape = thisShape
            dimensions = try (document["by"]?.arrayValue ?? []).map { value in
                guard let dimension = value.stringValue.flatMap(ReportDimension.init(rawValue:)) else { throw ValidationError(name, "groups by an unknown dimension") }
                return dimension
            }
            for row in document["rows"]?.arrayValue ?? [] {
                var keys: [String] = [], names: [String] = []
                for dimension in dimensions {
                    guard let key = row[dimension.rawValue]?.stringValue else { throw ValidationError(name, "has a row without its \(dimension.rawValue)") }
                    keys.append(key)
                    let unitName = row["\(dimension.rawValue)_name"]?.stringValue
                    if dimension == .commune && unitName != nil { communeNames = true }
                    names.append(unitName ?? "")
                }
                let counts = try self.counts(row, name)
                let id = keys + names
                rows[id] = ReportRow(keys: keys, counts: (rows[id]?.counts ?? ReportCounts()) + counts, names: names)
            }
            guard let total = document["totals"] else { throw ValidationError(name, "has no totals") }
            totals = totals + (try counts(total, name))
            for timing in document["timings"]?.arrayValue ?? [] {
                guard let metric = timing["metric"]?.stringValue, let histogram = timing["histogram"]?.arrayValue else {
                    throw ValidationError(name, "has a timing without its histogram (made by an older civlink, or suppressed)")
                }
                let agency = timing["agency"]?.stringValue
                var index = timings.firstIndex { $0.metric == metric && $0.agency == agency }
                if index == nil {
                    timings.append((metric, agency, Distribution()))
                    index = timings.count - 1
                }
                for pair in histogram {
                    guard let parts = pair.arrayValue, parts.count == 2, let value = parts[0].intValue, let count = parts[1].intValue, count >= 0 else {
                        throw ValidationError(name, "has a histogram entry that is not [seconds, count]")
                    }
                    timings[index!].distribution.add(Int64(value), count: count)
                }
            }
        }
        guard let period = shape?["period"], let from = period["from"]?.stringValue.flatMap(CivilDate.init), let to = period["to"]?.stringValue.flatMap(CivilDate.init) else {
            throw ValidationError(first.name, "has no period")
        }
        let scopeJSON = shape?["scope"]
        var scope = ReportScope(from: from, to: to, province: scopeJSON?["province"]?.stringValue, commune: scopeJSON?["commune"]?.stringValue)
        if let units = scopeJSON?["units"]?.stringValue.flatMap(ReportUnits.init(rawValue:)) { scope.units = units }
        var merged = rows.values.sorted { a, b in
            a.keys != b.keys ? a.keys.lexicographicallyPrecedes(b.keys) : a.names.lexicographicallyPrecedes(b.names)
        }
        if dimensions == [.system] {
            let found = Dictionary(merged.map { ($0.keys[0], $0) }, uniquingKeysWith: { a, _ in a })
            merged = Agency.allCases.map { found[$0.rawValue] ?? ReportRow(keys: [$0.rawValue], counts: ReportCounts()) }
        }
        var report = Report(scope: scope, dimensions: dimensions, generatedAt: now, rows: merged, totals: totals,
                            timings: timings.map { TimingFigure(metric: $0.metric, agency: $0.agency, distribution: $0.distribution) })
        report.communeNames = communeNames
        return report
    }

    private static func counts(_ object: JSON, _ name: String) throws -> ReportCounts {
        var values: [Int] = []
        for field in ReportCounts.names {
            guard let value = object[field]?.intValue, value >= 0 else { throw ValidationError(name, "has a figure \(field) that is not a count") }
            values.append(value)
        }
        return ReportCounts(values: values)
    }
}
