/// The report as machine output: the `civlink.report/1` JSON object and the CSV rows.
extension Report {
    /// Share of processed procedures finished on time, 0...1; nil when none was processed.
    public static func share(_ counts: ReportCounts) -> Double? {
        counts.processed == 0 ? nil : Double(counts.onTime) / Double(counts.processed)
    }

    /// The `civlink.report/1` JSON object. Durations in seconds; suppressed values are null.
    public func json(suppress: Suppression) -> JSON {
        func counts(_ c: ReportCounts) -> [(String, JSON)] {
            var members = zip(ReportCounts.names, c.values).map { ($0, suppress.count($1).map(JSON.int) ?? .null) }
            let hidden = suppress.count(c.processed) == nil || suppress.count(c.onTime) == nil
            members.append(("on_time_share", hidden ? .null : Report.share(c).map { .number(($0 * 10000).rounded() / 10000) } ?? .null))
            return members
        }
        let rowsJSON: [JSON] = rows.map { row in
            .object(dimensions.enumerated().flatMap { index, dimension -> [(String, JSON)] in
                [(dimension.rawValue, JSON.string(row.keys[index]))]
                    + (hasNameColumn(dimension) ? [("\(dimension.rawValue)_name", JSON.string(row.name(index)))] : [])
            } + counts(row.counts))
        }
        let timingJSON: [JSON] = timings.map { t in
            let hidden = suppress.timing(t.distribution)
            return .object([
                ("metric", .string(t.metric)), ("agency", .optional(t.agency)),
                ("count", hidden ? .null : .int(t.distribution.count)),
                ("median_seconds", hidden ? .null : t.distribution.median.map { .int(Int($0)) } ?? .null),
                ("p90_seconds", hidden ? .null : t.distribution.p90.map { .int(Int($0)) } ?? .null),
            ])
        }
        return .object([
            ("format", .string("civlink.report/1")),
            ("generated_at", .string(generatedAt.description)),
            ("period", .object([("from", .string(scope.from.description)), ("to", .string(scope.to.description))])),
            ("scope", .object([("province", .optional(scope.province)), ("commune", .optional(scope.commune)),
                               ("units", .string(scope.units.rawValue))])),
            ("by", .array(dimensions.map { .string($0.rawValue) })),
            ("units", .object([("rows", .string(rowUnit.rawValue)), ("totals", .string(ReportUnit.records.rawValue))])),
            ("suppress_below", suppress.below > 1 ? .int(suppress.below) : .null),
            ("rows", .array(rowsJSON)),
            ("totals", .object(counts(totals))),
            ("timings", .array(timingJSON)),
        ])
    }

    /// The CSV header and rows: one row per group, then a `total` row.
    public func csvRows(suppress: Suppression) -> [[String]] {
        func cells(_ c: ReportCounts) -> [String] {
            let hidden = suppress.count(c.processed) == nil || suppress.count(c.onTime) == nil
            return c.values.map { suppress.count($0).map(String.init) ?? "suppressed" }
                + [hidden ? "suppressed" : Report.share(c).map { fixed($0, decimals: 4) } ?? ""]
        }
        let header = dimensions.flatMap { hasNameColumn($0) ? [$0.rawValue, "\($0.rawValue)_name"] : [$0.rawValue] }
        var result = [header + ReportCounts.names + ["on_time_share"]]
        result += rows.map { row in
            dimensions.enumerated().flatMap { index, dimension in hasNameColumn(dimension) ? [row.keys[index], row.name(index)] : [row.keys[index]] }
                + cells(row.counts)
        }
        if !dimensions.isEmpty {
            result.append(["total"] + Array(repeating: "", count: header.count - 1) + cells(totals))
        }
        return result
    }
}

/// Durations for people: 3d 04h, 5h 20m, 45m, 30s.
public func humanDuration(_ seconds: Int64) -> String {
    let s = max(0, seconds)
    if s >= 86400 { return "\(s / 86400)d " + pad(Int(s % 86400 / 3600), 2) + "h" }
    if s >= 3600 { return "\(s / 3600)h " + pad(Int(s % 3600 / 60), 2) + "m" }
    if s >= 60 { return "\(s / 60)m" }
    return "\(s)s"
}
