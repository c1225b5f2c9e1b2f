/// The report as machine output: the `civlink.report/1` JSON object.
extension PublishedReport {
    /// The `civlink.report/1` JSON object. Durations in seconds; hidden values are null.
    public var json: JSON {
        func counts(_ figures: [Int?]) -> [(String, JSON)] {
            var members = zip(ReportCounts.names, figures).map { ($0, $1.map(JSON.int) ?? .null) }
            members.append(("on_time_share", PublishedReport.share(figures).map { .number(($0 * 10000).rounded() / 10000) } ?? .null))
            return members
        }
        let rowsJSON: [JSON] = rows.map { row in
            .object(report.dimensions.enumerated().flatMap { index, dimension -> [(String, JSON)] in
                [(dimension.rawValue, JSON.string(row.keys[index]))]
                    + (report.hasNameColumn(dimension) ? [("\(dimension.rawValue)_name", JSON.string(row.name(index)))] : [])
            } + counts(row.figures))
        }
        let timingJSON: [JSON] = zip(report.timings, timingHidden).map { t, hidden in
            .object([
                ("metric", .string(t.metric)), ("agency", .optional(t.agency)),
                ("count", hidden ? .null : .int(t.distribution.count)),
                ("median_seconds", hidden ? .null : t.distribution.median.map { .int(Int($0)) } ?? .null),
                ("p90_seconds", hidden ? .null : t.distribution.p90.map { .int(Int($0)) } ?? .null),
            ] + (below > 1 ? [] : [("histogram", .array(t.distribution.histogram.map { .array([.int(Int($0.value)), .int($0.count)]) }))]))
        }
        return .object([
            ("format", .string("civlink.report/1")),
            ("generated_at", .string(report.generatedAt.description)),
            ("period", .object([("from", .string(report.scope.from.description)), ("to", .string(report.scope.to.description))])),
            ("scope", .object([("province", .optional(report.scope.province)), ("commune", .optional(report.scope.commune)),
                               ("units", .string(report.scope.units.rawValue))])),
            ("by", .array(report.dimensions.map { .string($0.rawValue) })),
            ("units", .object([("rows", .string(report.rowUnit.rawValue)), ("totals", .string(ReportUnit.records.rawValue))])),
            ("suppress_below", below > 1 ? .int(below) : .null),
            ("rows", .array(rowsJSON)),
            ("totals", .object(counts(totals))),
            ("timings", .array(timingJSON)),
        ])
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
