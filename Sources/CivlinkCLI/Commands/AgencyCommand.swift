import CivlinkCore
import Glibc

enum AgencyCommand: Command {
    static let agencyCodes = Agency.sendable.map(\.rawValue)

    static let spec = CommandSpec(
        "agency", summary: "Configure how civlink reaches each receiving system (spool or HTTP), check it, or simulate it.",
        actions: [
            ActionSpec("add", usage: "civlink agency add CODE (--spool DIR | --url URL [--token-file FILE] [--client-cert FILE --client-key FILE]) [--timeout SECONDS]",
                       summary: "Add or replace how an agency is reached.", options: [
                .value("--spool", "DIR", .directory, "spool directory: DIR/outbox for messages, DIR/inbox for receipts"),
                .value("--url", "URL", .text, "HTTP(S) endpoint messages are POSTed to"),
                .value("--token-file", "FILE", .file, "file holding the bearer token (read at each run, never stored)"),
                .value("--client-cert", "FILE", .file, "client certificate (PEM) for mutual TLS"),
                .value("--client-key", "FILE", .file, "client certificate key (PEM)"),
                .value("--timeout", "SECONDS", .text, "HTTP request timeout (default 30)"),
            ] + outputOptions(), positionals: .agency),
            ActionSpec("list", usage: "civlink agency list [--format table|json|csv]", summary: "List the configured agencies.", options: outputOptions()),
            ActionSpec("check", usage: "civlink agency check [CODE] [--format table|json|csv]", summary: "Check that each agency (or one) can be reached, sending nothing.",
                       options: outputOptions(), positionals: .agency),
            ActionSpec("remove", usage: "civlink agency remove CODE", summary: "Forget how an agency is reached.", positionals: .agency),
            ActionSpec("simulate", usage: "civlink agency simulate --spool DIR [--delay SECONDS] [--failure-rate R] [--rejection-rate R] [--accept-first] [--watch SECONDS] [--seed N]",
                       summary: "Play an agency on a spool directory, for training and tests.", options: [
                .value("--spool", "DIR", .directory, "the spool directory the agency reads and answers"),
                .value("--delay", "SECONDS", .text, "answer only messages at least this old"),
                .value("--failure-rate", "R", .text, "chance from 0 to 1 that the agency is down for a message"),
                .value("--rejection-rate", "R", .text, "chance from 0 to 1 that a message is rejected"),
                .flag("--accept-first", "answer accepted first, the result on the next pass"),
                .value("--watch", "SECONDS", .text, "keep answering, one pass every SECONDS"),
                .value("--seed", "N", .text, "replay the random choices of an earlier run"),
            ] + outputOptions()),
        ])

    static let columns = [
        RecordColumn("code", "Agency"), RecordColumn("transport", "Transport"), RecordColumn("target", "Target"),
        RecordColumn("timeout_seconds", "Timeout (s)"),
    ]

    static func cells(_ endpoint: AgencyEndpoint) -> [Cell] {
        [.text(endpoint.code), .text(endpoint.kind.rawValue), .text(endpoint.target), .int(endpoint.timeoutSeconds)]
    }

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let rest = invocation.positionals
        switch invocation.arguments.action {
        case "add":
            guard rest.count == 1 else { throw UsageError("agency add needs one agency code") }
            let timeout = try invocation.value("--timeout").map { v -> Int in
                guard let n = Int(v) else { throw UsageError("--timeout must be a whole number of seconds") }
                return n
            } ?? 30
            let endpoint: AgencyEndpoint
            switch (invocation.value("--spool"), invocation.value("--url")) {
            case (let spool?, nil):
                let absolute = Files.absolute(spool)
                endpoint = try AgencyEndpoint(code: rest[0], kind: .spool, target: absolute, timeoutSeconds: timeout)
                try SpoolTransport(directory: absolute).prepare()
            case (nil, let url?):
                if (invocation.value("--client-cert") == nil) != (invocation.value("--client-key") == nil) {
                    throw UsageError("--client-cert and --client-key go together")
                }
                endpoint = try AgencyEndpoint(code: rest[0], kind: .http, target: url, tokenFile: invocation.value("--token-file"),
                                              clientCertificate: invocation.value("--client-cert"), clientKey: invocation.value("--client-key"),
                                              timeoutSeconds: timeout)
            default:
                throw UsageError("agency add needs exactly one of --spool DIR or --url URL")
            }
            let printer = try RecordPrinter(invocation, kind: "civlink.agency/1", columns: columns)
            try invocation.openLedger().saveAgency(endpoint, now: try invocation.now())
            try printer.add(cells(endpoint), json: endpoint.json.objectValue)
            try printer.finish()
        case "list":
            let printer = try RecordPrinter(invocation, kind: "civlink.agency/1", columns: columns)
            let agencies = try invocation.openLedger(readOnly: true).agencies()
            for agency in agencies { try printer.add(cells(agency), json: agency.json.objectValue) }
            try printer.finish()
            let missing = agencyCodes.filter { code in !agencies.contains { $0.code == code } }
            if printer.format == .table && !missing.isEmpty {
                invocation.note("not configured (procedures for them wait): \(missing.joined(separator: ", "))")
            }
        case "check":
            let printer = try RecordPrinter(invocation, kind: "civlink.agency-check/1", columns: [
                RecordColumn("code", "Agency"), RecordColumn("transport", "Transport"), RecordColumn("reachable", "Reachable"),
                RecordColumn("problem", "Problem"),
            ])
            let agencies = try invocation.openLedger(readOnly: true).agencies().filter { rest.isEmpty || rest.contains($0.code) }
            if agencies.isEmpty { throw Failure(.notFound, "no such agency configured") }
            var failed = false
            for agency in agencies {
                let problem: Phrase?
                do { problem = try agency.transport().check() } catch let error as CivlinkError { problem = error.phrase }
                try printer.add([.text(agency.code), .text(agency.kind.rawValue), .bool(problem == nil), problem.map(Cell.phrase) ?? .none])
                failed = failed || problem != nil
            }
            try printer.finish()
            return failed ? .unavailable : .ok
        case "remove":
            guard rest.count == 1 else { throw UsageError("agency remove needs one agency code") }
            try invocation.openLedger().removeAgency(rest[0])
        default:
            return try simulate(invocation)
        }
        return .ok
    }

    static func simulate(_ invocation: Invocation) throws -> ExitStatus {
        guard let spool = invocation.value("--spool") else { throw UsageError("agency simulate needs --spool DIR") }
        var options = AgencySimulator.Options()
        func rate(_ name: String) throws -> Double? {
            guard let v = invocation.value(name) else { return nil }
            guard let d = Double(v), (0...1).contains(d) else { throw UsageError("\(name) must be between 0 and 1") }
            return d
        }
        options.failureRate = try rate("--failure-rate") ?? 0
        options.rejectionRate = try rate("--rejection-rate") ?? 0
        options.acceptFirst = invocation.has("--accept-first")
        if let d = invocation.value("--delay") {
            guard let v = Double(d), v >= 0 else { throw UsageError("--delay must be seconds") }
            options.delaySeconds = v
        }
        if let s = invocation.value("--seed") {
            guard let seed = UInt64(s) else { throw UsageError("--seed must be a whole number") }
            options.seed = seed
        }
        let printer = try RecordPrinter(invocation, kind: "civlink.simulation/1", columns: [
            RecordColumn("answered", "Answered"), RecordColumn("duplicates", "Duplicates"), RecordColumn("not_answered_yet", "Not answered yet"),
        ], streaming: true)
        var simulator = AgencySimulator(directory: spool, options: options)
        let watch = try invocation.value("--watch").map { v -> Double in
            guard let d = Double(v), d > 0 else { throw UsageError("--watch must be seconds") }
            return d
        }
        repeat {
            let pass = try simulator.runOnce()
            if printer.format == .table {
                try invocation.line(invocation.text("answered \(pass.answered), duplicates \(pass.duplicates), not answered yet \(pass.skipped)"))
            } else {
                try printer.add([.int(pass.answered), .int(pass.duplicates), .int(pass.skipped)])
            }
            try invocation.output.flush()
            if let watch { usleep(UInt32(min(watch, 4000) * 1_000_000)) }
        } while watch != nil
        return .ok
    }
}
