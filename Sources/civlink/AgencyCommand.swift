import CivlinkCore
import Foundation

enum AgencyCommand: Command {
    static let name = "agency"
    static let summary = "Configure how civlink reaches each receiving system (spool or HTTP), check it, or simulate it."
    static let usage = """
        civlink agency add CODE (--spool DIR | --url URL [--token-file FILE] [--client-cert FILE --client-key FILE]) [--timeout SECONDS]
               civlink agency list [--format table|json]
               civlink agency check [CODE]
               civlink agency remove CODE
               civlink agency simulate --spool DIR [--delay SECONDS] [--failure-rate R] [--rejection-rate R] [--accept-first] [--watch SECONDS]
        """
    static let options: [OptionSpec] = [
        formatOption,
        .value("--spool", "DIR", "spool directory: DIR/outbox for messages, DIR/inbox for receipts"),
        .value("--url", "URL", "HTTP(S) endpoint messages are POSTed to"),
        .value("--token-file", "FILE", "file holding the bearer token (read at each run, never stored)"),
        .value("--client-cert", "FILE", "client certificate (PEM) for mutual TLS"),
        .value("--client-key", "FILE", "client certificate key (PEM)"),
        .value("--timeout", "SECONDS", "HTTP request timeout (default 30)"),
        .value("--delay", "SECONDS", "simulate: answer only messages at least this old"),
        .value("--failure-rate", "R", "simulate: chance (0-1) the agency does not answer a message this pass"),
        .value("--rejection-rate", "R", "simulate: chance (0-1) of a rejection"),
        .flag("--accept-first", "simulate: answer 'accepted' first and the result on the next pass"),
        .value("--watch", "SECONDS", "simulate: keep running, one pass every SECONDS"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard let action = arguments.positionals.first else { throw UsageError("agency needs add, list, check, remove or simulate") }
        let rest = Array(arguments.positionals.dropFirst())
        switch action {
        case "add":
            guard rest.count == 1 else { throw UsageError("agency add needs one agency code") }
            let timeout = try arguments.value("--timeout").map { v -> Int in
                guard let n = Int(v) else { throw UsageError("--timeout must be a whole number of seconds") }
                return n
            } ?? 30
            let endpoint: AgencyEndpoint
            switch (arguments.value("--spool"), arguments.value("--url")) {
            case (let spool?, nil):
                let absolute = spool.hasPrefix("/") ? spool : FileManager.default.currentDirectoryPath + "/" + spool
                endpoint = try AgencyEndpoint(code: rest[0], kind: .spool, target: absolute, timeoutSeconds: timeout)
                try SpoolTransport(directory: absolute).prepare()
            case (nil, let url?):
                if (arguments.value("--client-cert") == nil) != (arguments.value("--client-key") == nil) {
                    throw UsageError("--client-cert and --client-key go together")
                }
                endpoint = try AgencyEndpoint(code: rest[0], kind: .http, target: url, tokenFile: arguments.value("--token-file"),
                                              clientCertificate: arguments.value("--client-cert"), clientKey: arguments.value("--client-key"),
                                              timeoutSeconds: timeout)
            default:
                throw UsageError("agency add needs exactly one of --spool DIR or --url URL")
            }
            let ledger = try context.openLedger()
            try ledger.saveAgency(endpoint, now: try context.now())
            context.output.line(endpoint.json.serialized())
        case "list":
            let ledger = try context.openLedger(readOnly: true)
            let agencies = try ledger.agencies()
            switch try arguments.format() {
            case .json: agencies.forEach { context.output.line($0.json.serialized()) }
            case .table:
                table(["AGENCY", "TRANSPORT", "TARGET", "TIMEOUT"], agencies.map { [$0.code, $0.kind.rawValue, $0.target, "\($0.timeoutSeconds)s"] })
                    .forEach(context.output.line)
                let missing = AgencyEndpoint.sendable.map(\.rawValue).filter { code in !agencies.contains { $0.code == code } }
                if !missing.isEmpty { Diagnostics.note("not configured (procedures for them wait): \(missing.joined(separator: ", "))") }
            }
        case "check":
            let ledger = try context.openLedger(readOnly: true)
            let agencies = try ledger.agencies().filter { rest.isEmpty || rest.contains($0.code) }
            if agencies.isEmpty { throw NotFoundError("no such agency configured") }
            var failed = false
            for agency in agencies {
                let problem: String?
                do { problem = try agency.transport().check() } catch let error as CivlinkError { problem = error.message }
                context.output.line("\(agency.code)\t\(problem.map { "FAIL \($0)" } ?? "ok")")
                failed = failed || problem != nil
            }
            return failed ? .unavailable : .ok
        case "remove":
            guard rest.count == 1 else { throw UsageError("agency remove needs one agency code") }
            try context.openLedger().removeAgency(rest[0])
        case "simulate":
            guard let spool = arguments.value("--spool") else { throw UsageError("agency simulate needs --spool DIR") }
            var options = AgencySimulator.Options()
            func rate(_ name: String) throws -> Double? {
                guard let v = arguments.value(name) else { return nil }
                guard let d = Double(v), (0...1).contains(d) else { throw UsageError("\(name) must be between 0 and 1") }
                return d
            }
            options.failureRate = try rate("--failure-rate") ?? 0
            options.rejectionRate = try rate("--rejection-rate") ?? 0
            options.acceptFirst = arguments.has("--accept-first")
            if let d = arguments.value("--delay") {
                guard let v = Double(d), v >= 0 else { throw UsageError("--delay must be seconds") }
                options.delaySeconds = v
            }
            var simulator = AgencySimulator(directory: spool, options: options)
            let watch = try arguments.value("--watch").map { v -> Double in
                guard let d = Double(v), d > 0 else { throw UsageError("--watch must be seconds") }
                return d
            }
            repeat {
                let pass = try simulator.runOnce()
                context.output.line("answered \(pass.answered), duplicates \(pass.duplicates), not answered yet \(pass.skipped)")
                context.output.flush()
                if let watch { Thread.sleep(forTimeInterval: watch) }
            } while watch != nil
        default:
            throw UsageError("unknown agency action '\(action)'; use add, list, check, remove or simulate")
        }
        return .ok
    }
}
