import CivlinkCore
import FoundationEssentials

enum ReportCommand: Command {
    static let spec = CommandSpec(
        "report", summary: "Province statistics: received, processed, pending, overdue by system, procedure, commune, month; overdue list.",
        usage: ["civlink report [--from DATE] [--to DATE] [--province CODE] [--commune CODE] [--units as-of|current] [--by system,procedure,group,province,commune,month] [--overdue] [--format table|json|csv] [--bom] [--spreadsheet vi|en] [--chart FILE.svg] [--suppress-below N]",
                "civlink report --merge FILE... [--format table|json|csv] [--suppress-below N]"],
        options: outputOptions() + [
            .value("--from", "YYYY-MM-DD", .text, "first day of the period (dossiers received from this local day; default: first of this month)"),
            .value("--to", "YYYY-MM-DD", .text, "last day of the period, included (default: last of this month)"),
            .value("--province", "CODE", .text, "only dossiers of this 2-digit province (of the units of --units)"),
            .value("--commune", "CODE", .text, "only dossiers of this 5-digit commune (of the units of --units)"),
            .value("--units", "as-of|current", .choice(ReportUnits.allCases.map(\.rawValue)),
                   "provinces and communes of the record's day (as-of) or today's (current, the default: the 63 provinces counted in the 34)"),
            .value("--by", "DIMS", .choiceList(ReportDimension.allCases.map(\.rawValue)), "group by system, procedure, group (birth, death), province, commune, month, comma-separated (default: system)"),
            .flag("--overdue", "list overdue procedures by commune and agency instead (dossier id only)"),
            .value("--chart", "FILE.svg", .file, "also draw received vs processed per system and month as a 16:9 SVG slide"),
            .value("--suppress-below", "N", .text, "hide counts from 1 to N-1, timings of fewer than N, and every figure they could be worked out from"),
            .flag("--merge", "add up the unsuppressed JSON reports FILE... of provinces into the report of one ledger holding them all"),
        ], positionals: .files)

    /// `--merge FILE...`: provinces' reports added up; suppression, if asked, applies to the result.
    static func merge(_ invocation: Invocation) throws -> ExitStatus {
        guard !invocation.positionals.isEmpty else { throw UsageError("--merge needs the JSON reports to add up (files, - for standard input)") }
        for option in ["--from", "--to", "--province", "--commune", "--units", "--by", "--chart"] where invocation.value(option) != nil {
            throw UsageError("\(option) does not go with --merge: the reports merged give the period, scope and grouping")
        }
        if invocation.has("--overdue") { throw UsageError("--overdue does not go with --merge") }
        var suppressBelow = 0
        if let text = invocation.value("--suppress-below") {
            guard let n = Int(text), n >= 1, n <= 1_000_000 else { throw UsageError("--suppress-below must be a whole number from 1") }
            suppressBelow = n
        }
        let documents = try invocation.positionals.map { path -> (name: String, json: JSON) in
            let data = try invocation.readInput(path)
            do { return (path, try JSONReader.parse(data, limits: .document)) } catch { throw ValidationError(path, "is not a JSON report") }
        }
        let report = try ReportMerge.merge(documents, now: try invocation.now())
        let published = try PublishedReport(report, suppressBelow: suppressBelow)
        switch invocation.format() {
        case .csv: try ReportOutput.csv(published, invocation)
        case .json: try invocation.line(published.json)
        case .table: try ReportOutput.table(published, reference: .embedded, invocation)
        }
        return .ok
    }

    static func digits(_ text: String, _ count: Int) -> Bool { text.utf8.count == count && text.utf8.allSatisfy { (0x30...0x39).contains($0) } }

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        if invocation.has("--merge") { return try merge(invocation) }
        guard invocation.positionals.isEmpty else { throw UsageError("report takes no arguments (files go with --merge)") }
        let format = invocation.format()
        let now = try invocation.now()
        var (from, to) = ReportScope.month(of: now)
        if let text = invocation.value("--from") {
            guard let date = CivilDate(text) else { throw UsageError("--from must be a date YYYY-MM-DD") }
            from = date
        }
        if let text = invocation.value("--to") {
            guard let date = CivilDate(text) else { throw UsageError("--to must be a date YYYY-MM-DD") }
            to = date
        }
        guard from <= to else { throw UsageError("--from must not be after --to") }
        var scope = ReportScope(from: from, to: to)
        if let units = invocation.value("--units").flatMap(ReportUnits.init(rawValue:)) { scope.units = units }
        if let province = invocation.value("--province") {
            guard digits(province, 2) else { throw UsageError("--province must be a 2-digit province code") }
            scope.province = province
        }
        if let commune = invocation.value("--commune") {
            guard digits(commune, 5) else { throw UsageError("--commune must be a 5-digit commune code") }
            scope.commune = commune
        }
        var suppressBelow = 0
        if let text = invocation.value("--suppress-below") {
            guard let n = Int(text), n >= 1, n <= 1_000_000 else { throw UsageError("--suppress-below must be a whole number from 1") }
            suppressBelow = n
        }
        let ledger = try invocation.openLedger(readOnly: true)

        if invocation.has("--overdue") {
            for option in ["--by", "--chart"] where invocation.value(option) != nil { throw UsageError("\(option) does not go with --overdue") }
            let allPeriods = invocation.value("--from") == nil && invocation.value("--to") == nil
            try ReportOutput.overdue(ledger: ledger, scope: scope, allPeriods: allPeriods, now: now, invocation)
            return .ok
        }

        var dimensions: [ReportDimension] = []
        for word in (invocation.value("--by") ?? "system").split(separator: ",", omittingEmptySubsequences: false) {
            guard let dimension = ReportDimension(rawValue: String(word)) else {
                throw UsageError("--by takes system, procedure, group, province, commune or month, comma-separated")
            }
            guard !dimensions.contains(dimension) else { throw UsageError("--by names \(dimension.rawValue) twice") }
            dimensions.append(dimension)
        }
        var chartPath: String?
        if let path = invocation.value("--chart") {
            guard path.hasSuffix(".svg") else { throw UsageError("--chart must name a .svg file") }
            chartPath = path
        }
        // One pass over a large ledger takes a while: say so on a terminal, never in a pipe.
        let progress = Progress(invocation)
        progress.update("counting the ledger for \(scope.from) to \(scope.to)...")
        let report = try ledger.snapshot { try ledger.report(scope, by: dimensions, now: now) }
        if suppressBelow > 1 { progress.update("hiding small counts and what reveals them...") }
        let published = try PublishedReport(report, suppressBelow: suppressBelow)
        // The chart's table (system by month) is suppressed as a table of its own.
        var chart: PublishedReport?
        if chartPath != nil {
            chart = dimensions == [.system, .month] ? published
                : try PublishedReport(try ledger.snapshot { try ledger.report(scope, by: [.system, .month], now: now) }, suppressBelow: suppressBelow)
        }
        progress.finish()
        switch format {
        case .csv: try ReportOutput.csv(published, invocation)
        case .json: try invocation.line(published.json)
        case .table:
            let names = Dictionary(uniqueKeysWithValues: try Agency.allCases.compactMap { agency in
                try ledger.agencyDisplayName(agency).map { (agency.rawValue, $0) }
            })
            try ReportOutput.table(published, reference: ledger.reference, agencyNames: names, invocation)
        }
        if let chartPath, let chart {
            let svg = ReportOutput.chart(chart, reference: ledger.reference, invocation).render()
            try Files.atomicWrite(Data(svg.utf8), to: chartPath)
        }
        return .ok
    }
}
