import CivlinkCore
import Foundation

enum ReportCommand: Command {
    static let name = "report"
    static let summary = "Province statistics: received, processed, pending, overdue by system, procedure, commune, month; overdue list."
    static let usage = "civlink report [--from DATE] [--to DATE] [--province CODE] [--commune CODE] [--by system,procedure,commune,month] [--overdue] [--format table|csv|json] [--bom] [--chart FILE.svg] [--suppress-below N]"
    static let options: [OptionSpec] = [
        .value("--format", "table|csv|json", "output format (json is versioned and stable; csv is RFC 4180, UTF-8)"),
        .value("--from", "YYYY-MM-DD", "first day of the period (dossiers received from this local day; default: first of this month)"),
        .value("--to", "YYYY-MM-DD", "last day of the period, included (default: last of this month)"),
        .value("--province", "CODE", "only dossiers of this 2-digit province"),
        .value("--commune", "CODE", "only dossiers of this 5-digit commune"),
        .value("--by", "DIMS", "group by system, procedure, commune, month, comma-separated (default: system)"),
        .flag("--overdue", "list overdue procedures by commune and agency instead (dossier id only)"),
        .flag("--bom", "with --format csv: start with a UTF-8 byte order mark for spreadsheet programs"),
        .value("--chart", "FILE.svg", "also draw received vs processed per month per system as SVG"),
        .value("--suppress-below", "N", "show counts from 1 to N-1 (and timings of fewer than N) as suppressed"),
    ]

    enum Format: String { case table, csv, json }

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard arguments.positionals.isEmpty else { throw UsageError("report takes no arguments") }
        let formatText = arguments.value("--format") ?? "table"
        guard let format = Format(rawValue: formatText) else { throw UsageError("--format must be table, csv or json") }
        if arguments.has("--bom") && format != .csv { throw UsageError("--bom goes with --format csv") }
        let now = try context.now()
        var (from, to) = ReportScope.month(of: now)
        if let text = arguments.value("--from") {
            guard let date = CivilDate(text) else { throw UsageError("--from must be a date YYYY-MM-DD") }
            from = date
        }
        if let text = arguments.value("--to") {
            guard let date = CivilDate(text) else { throw UsageError("--to must be a date YYYY-MM-DD") }
            to = date
        }
        guard from <= to else { throw UsageError("--from must not be after --to") }
        var scope = ReportScope(from: from, to: to)
        if let province = arguments.value("--province") {
            guard province.count == 2, province.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw UsageError("--province must be a 2-digit province code")
            }
            scope.province = province
        }
        if let commune = arguments.value("--commune") {
            guard commune.count == 5, commune.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw UsageError("--commune must be a 5-digit commune code")
            }
            scope.commune = commune
        }
        var suppressBelow = 0
        if let text = arguments.value("--suppress-below") {
            guard let n = Int(text), n >= 1, n <= 1_000_000 else { throw UsageError("--suppress-below must be a whole number from 1") }
            suppressBelow = n
        }
        let suppress = Suppression(below: suppressBelow)
        let ledger = try context.openLedger(readOnly: true)

        if arguments.has("--overdue") {
            for option in ["--by", "--chart"] where arguments.value(option) != nil { throw UsageError("\(option) does not go with --overdue") }
            let allPeriods = arguments.value("--from") == nil && arguments.value("--to") == nil
            try ReportOutput.overdue(ledger: ledger, scope: scope, allPeriods: allPeriods, now: now, format: format,
                                     bom: arguments.has("--bom"), output: context.output)
            return .ok
        }

        var dimensions: [ReportDimension] = []
        for word in (arguments.value("--by") ?? "system").split(separator: ",", omittingEmptySubsequences: false) {
            guard let dimension = ReportDimension(rawValue: String(word)) else {
                throw UsageError("--by takes system, procedure, commune or month, comma-separated")
            }
            guard !dimensions.contains(dimension) else { throw UsageError("--by names \(dimension.rawValue) twice") }
            dimensions.append(dimension)
        }
        var chartPath: String?
        if let path = arguments.value("--chart") {
            guard path.hasSuffix(".svg") else { throw UsageError("--chart must name a .svg file") }
            chartPath = path
        }
        // One pass over a large ledger takes a while: say so on a terminal, never in a pipe.
        let progress = Progress()
        progress.update("counting the ledger for \(scope.from) to \(scope.to)...")
        let report = try ledger.report(scope, by: dimensions, now: now)
        progress.finish()
        switch format {
        case .table: ReportOutput.table(report, suppress: suppress, output: context.output)
        case .csv: ReportOutput.csv(report, suppress: suppress, bom: arguments.has("--bom"), output: context.output)
        case .json: context.output.line(ReportOutput.json(report, suppress: suppress).serialized())
        }
        if let chartPath {
            let rows = try ledger.reportCounts(scope, by: [.system, .month], now: now)
            let chart = ReportOutput.chart(rows: rows, scope: scope, suppress: suppress)
            guard FileManager.default.createFile(atPath: chartPath, contents: Data(chart.svg.utf8)) else {
                throw LedgerError("--chart: cannot write \(chartPath)", exitCode: .cantCreate)
            }
        }
        return .ok
    }
}
