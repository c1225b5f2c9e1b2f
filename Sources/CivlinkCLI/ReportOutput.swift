import CivlinkCore

/// Renders reports for `civlink report`: table, CSV, SVG and the overdue list.
enum ReportOutput {
    static func table(_ report: Report, suppress: Suppression, agencyNames: [String: String] = [:], _ invocation: Invocation) throws {
        try invocation.line("period \(report.scope.from) to \(report.scope.to)" + (report.scope.province.map { ", province \($0)" } ?? "")
                            + (report.scope.commune.map { ", commune \($0)" } ?? "") + "; generated \(report.generatedAt.shortDescription)")
        try invocation.line("")
        let rows = report.csvRows(suppress: suppress)
        let header = rows[0].map { $0.uppercased().replacing("_", with: " ") }
        let systemColumn = report.dimensions.firstIndex(of: .system).map { index in
            report.dimensions.prefix(index).filter(report.hasNameColumn).count + index
        }
        let body = rows.dropFirst().map { row in
            // A system a province named (config set agency.CODE.name) is shown by that name.
            row.enumerated().map { i, cell in i == systemColumn ? agencyNames[cell] ?? cell : cell }
            .map { $0 == "suppressed" ? "<\(suppress.below)" : $0 }.enumerated().map { i, cell in
                i == row.count - 1 && !cell.isEmpty && !cell.hasPrefix("<") ? fixed((Double(cell) ?? 0) * 100, decimals: 1) + "%" : cell
            }
        }
        try invocation.table(header, Array(body)).forEach(invocation.line)
        if report.rowUnit == .procedures {
            try invocation.line(invocation.text("Rows count each system's records (one a procedure, civil status its registration); the total counts whole records."))
        }
        try invocation.line("")
        let timingRows: [[String]] = report.timings.map { t in
            let name = t.metric + (t.agency.map { " (\($0))" } ?? "")
            if suppress.timing(t.distribution) { return [name, "<\(suppress.below)", "", ""] }
            return [name, "\(t.distribution.count)", t.distribution.median.map(humanDuration) ?? "-", t.distribution.p90.map(humanDuration) ?? "-"]
        }
        try invocation.table(["TIMING", "N", "MEDIAN", "P90"], timingRows).forEach(invocation.line)
    }

    static func csv(_ report: Report, suppress: Suppression, bom: Bool, _ invocation: Invocation) throws {
        var writer = CSVWriter(bom: bom)
        report.csvRows(suppress: suppress).forEach { writer.row($0) }
        try invocation.output.write(writer.text)
    }

    static func chart(rows: [ReportRow], scope: ReportScope, suppress: Suppression) -> SVGChart {
        let months = scope.months
        var byKey: [String: ReportCounts] = [:]
        for row in rows { byKey[row.keys[0] + "|" + row.keys[1]] = row.counts }
        let series = Agency.allCases.map { agency in
            SVGChart.Series(system: agency.rawValue, values: months.map { month in
                let c = byKey[agency.rawValue + "|" + month] ?? ReportCounts()
                return (received: suppress.count(c.received), processed: suppress.count(c.processed))
            })
        }
        var place = "all provinces"
        if let p = scope.province { place = "province \(p)" }
        if let c = scope.commune { place += ", commune \(c)" }
        return SVGChart(title: "Received vs processed and returned, by system and month",
                        subtitle: "Dossiers received \(scope.from) to \(scope.to), \(place)",
                        months: months, series: series,
                        footnote: "civlink report. Received: by the system (civil status at registration, others once sent). Processed: result returned."
                            + (suppress.below > 1 ? " Counts below \(suppress.below) not drawn." : ""))
    }

    static func overdue(ledger: Ledger, scope: ReportScope, allPeriods: Bool, now: Timestamp, format: OutputFormat, bom: Bool,
                        _ invocation: Invocation) throws {
        let header = ["commune", "agency", "procedure", "dossier", "state", "deadline", "working_days_late", "held_by"]
        var writer = CSVWriter(bom: bom)
        var rows: [[String]] = []
        if format == .csv { writer.row(header) }
        try ledger.overdueProcedures(scope, allPeriods: allPeriods, now: now) { p in
            let cells = [p.commune, p.agency, p.procedure, p.dossier, p.state, p.deadline.description, "\(p.workingDaysLate)", p.heldBy]
            switch format {
            case .json:
                try invocation.line(JSON.object([
                    ("commune", .string(p.commune)), ("agency", .string(p.agency)), ("procedure", .string(p.procedure)),
                    ("dossier", .string(p.dossier)), ("state", .string(p.state)), ("deadline", .string(p.deadline.description)),
                    ("working_days_late", .int(p.workingDaysLate)), ("held_by", .string(p.heldBy)),
                ]))
            case .csv:
                writer.row(cells)
                if writer.text.utf8.count > 64 * 1024 { try invocation.output.write(writer.text); writer = CSVWriter() }
            case .table: rows.append(cells)
            }
        }
        switch format {
        case .csv: try invocation.output.write(writer.text)
        case .table: try invocation.table(header.map { $0.uppercased().replacing("_", with: " ") }, rows).forEach(invocation.line)
        case .json: break
        }
    }
}
