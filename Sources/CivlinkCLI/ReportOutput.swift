import CivlinkCore

/// Renders reports for `civlink report`: table, CSV, the slide chart and the overdue list.
enum ReportOutput {
    static func heading(_ dimension: ReportDimension) -> Phrase {
        switch dimension {
        case .system: return "System"
        case .procedure: return "Procedure"
        case .group: return "Group"
        case .province: return "Province"
        case .commune: return "Commune"
        case .month: return "Month"
        }
    }

    static func nameHeading(_ dimension: ReportDimension) -> Phrase { dimension == .province ? "Province name" : "Commune name" }

    /// Headings in `ReportCounts.names` order, then the share.
    static let figureHeadings: [Phrase] = ["Planned", "Received", "Processed", "Pending", "Returned", "Refused", "Cancelled", "Overdue",
                                           "Rejected", "Stuck", "Late", "On time", "On time share"]

    /// The key columns: each dimension, and a name beside the province and commune codes.
    static func keyHeadings(_ report: Report) -> [Phrase] {
        report.dimensions.flatMap { report.hasNameColumn($0) ? [heading($0), nameHeading($0)] : [heading($0)] }
    }

    static func keyNames(_ report: Report) -> [String] {
        report.dimensions.flatMap { report.hasNameColumn($0) ? [$0.rawValue, "\($0.rawValue)_name"] : [$0.rawValue] }
    }

    static func key(_ dimension: ReportDimension, _ value: String, agencyNames: [String: String]) -> Cell {
        switch dimension {
        case .commune, .province: return .code(value)
        // A system a province named (config set agency.CODE.name) is shown by that name.
        case .system: return .text(agencyNames[value] ?? value)
        default: return .text(value)
        }
    }

    /// A row's cells: its keys (or "total"), the figures and the on-time share.
    static func cells(keys: [Cell], _ figures: [Int?]) -> [Cell] {
        keys + figures.map { $0.map(Cell.int) ?? .suppressed }
            + [PublishedReport.shareHidden(figures) ? .suppressed : .share(PublishedReport.share(figures))]
    }

    static func rows(_ published: PublishedReport, agencyNames: [String: String] = [:]) -> [[Cell]] {
        let report = published.report
        var rows = published.rows.map { row in
            cells(keys: report.dimensions.enumerated().flatMap { index, dimension -> [Cell] in
                let code = key(dimension, row.keys[index], agencyNames: agencyNames)
                return report.hasNameColumn(dimension) ? [code, .text(row.name(index))] : [code]
            }, row.figures)
        }
        let keyCount = keyNames(report).count
        if keyCount > 0 {
            rows.append(cells(keys: [.phrase("total")] + Array(repeating: Cell.text(""), count: keyCount - 1), published.totals))
        }
        return rows
    }

    /// "Period 2026-10-01 to 2026-10-31, province Nghệ An (40); generated ...", one whole sentence per scope.
    static func scopeLine(_ report: Report, reference: ReferenceData) -> Phrase {
        let (from, to, at) = (report.scope.from, report.scope.to, report.generatedAt.shortDescription)
        let province = report.scope.province.map { code in reference.provinces.name(ofProvince: code).map { "\($0) (\(code))" } ?? code }
        switch (province, report.scope.commune) {
        case (nil, nil): return "Period \(from) to \(to), all provinces; generated \(at)"
        case (let province?, nil): return "Period \(from) to \(to), province \(province); generated \(at)"
        case (nil, let commune?): return "Period \(from) to \(to), commune \(commune); generated \(at)"
        case (let province?, let commune?): return "Period \(from) to \(to), province \(province), commune \(commune); generated \(at)"
        }
    }

    static func table(_ published: PublishedReport, reference: ReferenceData, agencyNames: [String: String] = [:], _ invocation: Invocation) throws {
        let report = published.report
        try invocation.line(invocation.text(scopeLine(report, reference: reference)))
        try invocation.line("")
        let headings = keyHeadings(report) + figureHeadings
        try invocation.table(headings, rows(published, agencyNames: agencyNames).map { $0.map { $0.table(invocation.language) } })
            .forEach(invocation.line)
        if report.rowUnit == .procedures {
            try invocation.line(invocation.text("Rows count each system's records (one a procedure, civil status its registration); the total counts whole records."))
        }
        try invocation.line("")
        let timingRows: [[String]] = zip(report.timings, published.timingHidden).map { t, hidden in
            let name = invocation.text(Labels.timing(t.metric, agency: t.agency))
            if hidden { return [name, Labels.suppressedMark, Labels.suppressedMark, Labels.suppressedMark] }
            let d = t.distribution
            return [name, "\(d.count)", d.median.map { invocation.text(Labels.duration($0)) } ?? "-", d.p90.map { invocation.text(Labels.duration($0)) } ?? "-"]
        }
        try invocation.table(["Timing", "N", "Median", "90th percentile"], timingRows).forEach(invocation.line)
        if published.below > 1 {
            try invocation.line("")
            try invocation.line(invocation.text("\(Labels.suppressedMark): hidden, a count from 1 to \(published.below - 1) or a figure it could be worked out from"))
        }
    }

    static func csv(_ published: PublishedReport, _ invocation: Invocation) throws {
        let style = invocation.csvStyle
        var writer = CSVWriter(bom: style.bom)
        if let language = style.spreadsheet {
            writer.row((keyHeadings(published.report) + figureHeadings).map(language.render))
        } else {
            writer.row(keyNames(published.report) + ReportCounts.names + ["on_time_share"])
        }
        for row in rows(published) { writer.row(row.map { $0.csv(style.spreadsheet) }) }
        try invocation.output.write(writer.text)
    }

    /// The chart: received and processed per system and month, from its own suppressed table.
    static func chart(_ published: PublishedReport, reference: ReferenceData, _ invocation: Invocation) -> SlideChart {
        let report = published.report
        let months = report.scope.months
        var byKey: [String: [Int?]] = [:]
        for row in published.rows { byKey[row.keys[0] + "|" + row.keys[1]] = row.figures }
        let language = invocation.language
        let series = Agency.allCases.map { agency in
            SlideChart.Series(label: language.render(Labels.system(agency.rawValue)), points: months.map { month in
                let figures = byKey[agency.rawValue + "|" + month] ?? Array(repeating: 0, count: ReportCounts.names.count)
                return SlideChart.Point(received: figures[1], processed: figures[2])
            })
        }
        let (from, to) = (report.scope.from, report.scope.to)
        let place: Phrase
        switch (report.scope.province.flatMap { reference.provinces.name(ofProvince: $0) } ?? report.scope.province, report.scope.commune) {
        case (nil, nil): place = "all provinces"
        case (let province?, nil): place = "\(province)"
        case (nil, let commune?): place = "commune \(commune)"
        case (let province?, let commune?): place = "\(province), commune \(commune)"
        }
        let footnote: Phrase = published.below > 1
            ? "Source: civlink report. Received: by the system (civil status at registration, the others once sent). Processed: result returned. Counts from 1 to \(published.below - 1), and figures they could be worked out from, are hidden: hatched bars are hidden figures, not zeros."
            : "Source: civlink report. Received: by the system (civil status at registration, the others once sent). Processed: result returned."
        let labels = ChartLabels(language: language.rawValue, received: language.render("Received"),
                                 processed: language.render("Processed and returned"),
                                 suppressed: published.below > 1 ? language.render("hidden (small count or what reveals one)") : "",
                                 suppressedMark: Labels.suppressedMark, noData: language.render("No published figures"),
                                 monthNames: Labels.months.map(language.render),
                                 monthYearSeparator: language == .vietnamese ? "/" : " ",
                                 thousandsSeparator: language == .vietnamese ? "." : ",")
        return SlideChart(title: language.render("Dossiers received and processed, by system and month"),
                          subtitle: language.render("Received \(from) to \(to), \(place)"),
                          footnote: language.render(footnote), months: months, series: series, labels: labels)
    }

    static func overdue(ledger: Ledger, scope: ReportScope, allPeriods: Bool, now: Timestamp, _ invocation: Invocation) throws {
        let printer = try RecordPrinter(invocation, kind: "civlink.overdue/1", columns: [
            RecordColumn("commune", "Commune"), RecordColumn("agency", "Agency"), RecordColumn("procedure", "Procedure"),
            RecordColumn("dossier", "Dossier"), RecordColumn("state", "State"), RecordColumn("deadline", "Deadline"),
            RecordColumn("working_days_late", "Working days late"), RecordColumn("held_by", "Held by"),
        ])
        try ledger.overdueProcedures(scope, allPeriods: allPeriods, now: now) { p in
            try printer.add([.code(p.commune), .text(p.agency), .text(p.procedure), .text(p.dossier), .state(p.state), .date(p.deadline),
                             .int(p.workingDaysLate), .text(p.heldBy)])
        }
        try printer.finish()
    }
}
