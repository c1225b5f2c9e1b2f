import CivlinkCore

/// Renders reports for `civlink report`: table, CSV, the slide chart and the overdue list.
enum ReportOutput {
    static func heading(_ dimension: ReportDimension) -> Phrase {
        switch dimension {
        case .system: return "System"
        case .procedure: return "Procedure"
        case .commune: return "Commune"
        case .month: return "Month"
        }
    }

    static let figureHeadings: [Phrase] = ["Planned", "Received", "Processed", "Pending", "Overdue", "Rejected", "Stuck", "On time", "On time share"]

    static func key(_ dimension: ReportDimension, _ value: String) -> Cell {
        dimension == .commune ? .code(value) : .text(value)
    }

    /// A row's cells: its keys (or "total"), the eight figures and the on-time share.
    static func cells(keys: [Cell], _ figures: [Int?]) -> [Cell] {
        keys + figures.map { $0.map(Cell.int) ?? .suppressed }
            + [PublishedReport.shareHidden(figures) ? .suppressed : .share(PublishedReport.share(figures))]
    }

    static func rows(_ published: PublishedReport) -> [[Cell]] {
        let dims = published.report.dimensions
        var rows = published.rows.map { row in cells(keys: zip(dims, row.keys).map { key($0, $1) }, row.figures) }
        if !dims.isEmpty {
            rows.append(cells(keys: [.phrase("total")] + Array(repeating: Cell.text(""), count: dims.count - 1), published.totals))
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

    static func table(_ published: PublishedReport, reference: ReferenceData, _ invocation: Invocation) throws {
        let report = published.report
        try invocation.line(invocation.text(scopeLine(report, reference: reference)))
        try invocation.line("")
        let headings = report.dimensions.map(heading) + figureHeadings
        try invocation.table(headings, rows(published).map { $0.map { $0.table(invocation.language) } }).forEach(invocation.line)
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
        let dims = published.report.dimensions
        if let language = style.spreadsheet {
            writer.row((dims.map(heading) + figureHeadings).map(language.render))
        } else {
            writer.row(dims.map(\.rawValue) + ReportCounts.names + ["on_time_share"])
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
                let figures = byKey[agency.rawValue + "|" + month] ?? Array(repeating: 0, count: 8)
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
            RecordColumn("working_days_late", "Working days late"),
        ])
        try ledger.overdueProcedures(scope, allPeriods: allPeriods, now: now) { p in
            try printer.add([.code(p.commune), .text(p.agency), .text(p.procedure), .text(p.dossier), .state(p.state), .date(p.deadline),
                             .int(p.workingDaysLate)])
        }
        try printer.finish()
    }
}
