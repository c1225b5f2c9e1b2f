import CivlinkCore
import Glibc

enum AgencyCommand: Command {
    static let agencyCodes = Agency.sendable.map(\.rawValue)

    static let spec = CommandSpec(
        "agency", summary: "Configure how civlink reaches each receiving system (spool or HTTP), check it, or simulate it.",
        actions: [
            ActionSpec("add", usage: "civlink agency add CODE (--spool DIR [--group GROUP] | --url URL [--token-file FILE] [--ca FILE] [--client-cert FILE --client-key FILE] [--proxy URL]) [--timeout SECONDS]",
                       summary: "Add or replace how an agency is reached.", options: [
                .value("--spool", "DIR", .directory, "spool directory: DIR/outbox for messages, DIR/inbox for receipts (mode 0700)"),
                .value("--group", "GROUP", .text, "with --spool: share the spool with this group (directories 0770, messages 0640)"),
                .value("--url", "URL", .text, "HTTPS endpoint messages are POSTed to (http:// with a token: loopback only)"),
                .value("--token-file", "FILE", .file, "file holding the bearer token, mode 0600 (read at each run, never stored)"),
                .value("--ca", "FILE", .file, "trust this CA (PEM) for the endpoint instead of the system store"),
                .value("--client-cert", "FILE", .file, "client certificate (PEM) for mutual TLS"),
                .value("--client-key", "FILE", .file, "client certificate key (PEM, unencrypted, mode 0600)"),
                .value("--proxy", "URL", .text, "HTTP proxy (http://host:port) for this agency; the environment's is never used"),
                .value("--timeout", "SECONDS", .text, "deadline of each HTTP request, connect to last byte (default 30)"),
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

    /// `list` adds the name people know the agency by and its TLS and proxy settings.
    static let listColumns = [columns[0], RecordColumn("name", "Name")] + columns.dropFirst() + [RecordColumn("options", "Options")]

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
                for option in ["--token-file", "--ca", "--client-cert", "--client-key", "--proxy"] where invocation.value(option) != nil {
                    throw UsageError("\(option) goes with --url, not --spool")
                }
                let absolute = Files.absolute(spool)
                endpoint = try AgencyEndpoint(code: rest[0], kind: .spool, target: absolute, spoolGroup: invocation.value("--group"),
                                              timeoutSeconds: timeout)
                try SpoolTransport(directory: absolute, permissions: SpoolPermissions(group: endpoint.spoolGroup, owner: geteuid())).prepare()
            case (nil, let url?):
                if (invocation.value("--client-cert") == nil) != (invocation.value("--client-key") == nil) {
                    throw UsageError("--client-cert and --client-key go together")
                }
                if invocation.value("--group") != nil { throw UsageError("--group goes with --spool, not --url") }
                func absolute(_ option: String) -> String? { invocation.value(option).map(Files.absolute) }
                endpoint = try AgencyEndpoint(code: rest[0], kind: .http, target: url, tokenFile: absolute("--token-file"),
                                              clientCertificate: absolute("--client-cert"), clientKey: absolute("--client-key"),
                                              caFile: absolute("--ca"), proxy: invocation.value("--proxy"), timeoutSeconds: timeout)
                // Refuses now what every run would refuse: unreadable or shared secrets, a bad CA
                // or certificate, a key that does not match it.
                _ = try endpoint.transport()
            default:
                throw UsageError("agency add needs exactly one of --spool DIR or --url URL")
            }
            let printer = try RecordPrinter(invocation, kind: "civlink.agency/1", columns: columns)
            try invocation.openLedger().saveAgency(endpoint, now: try invocation.now())
            try printer.add(cells(endpoint), json: endpoint.json.objectValue)
            try printer.finish()
        case "list":
            let ledger = try invocation.openLedger(readOnly: true)
            let printer = try RecordPrinter(invocation, kind: "civlink.agency/1", columns: listColumns)
            let agencies = try ledger.agencies()
            for agency in agencies {
                // The name people know the agency by (config set agency.CODE.name), else civlink's.
                let name = try Agency(rawValue: agency.code).map { try ledger.agencyDisplayName($0) ?? $0.defaultName } ?? agency.code
                try printer.add([.text(agency.code), .text(name)] + cells(agency).dropFirst() + [tlsSummary(agency).map(Cell.text) ?? .none],
                                json: (agency.json.objectValue ?? []) + [("name", .string(name))])
            }
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

    /// What the table shows of an agency's TLS and proxy settings; nil when there are none.
    static func tlsSummary(_ agency: AgencyEndpoint) -> String? {
        guard agency.kind == .http else { return agency.spoolGroup.map { "group \($0)" } }
        var parts: [String] = []
        if agency.caFile != nil { parts.append("private CA") }
        if agency.clientCertificate != nil { parts.append("client cert") }
        if let proxy = agency.proxy { parts.append("proxy \(proxy)") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
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
            RecordColumn("refused", "Refused"),
        ], streaming: true)
        var simulator = AgencySimulator(directory: spool, options: options)
        let watch = try invocation.value("--watch").map { v -> Double in
            guard let d = Double(v), d > 0 else { throw UsageError("--watch must be seconds") }
            return d
        }
        repeat {
            let pass = try simulator.runOnce()
            if printer.format == .table {
                try invocation.line(invocation.text("answered \(pass.answered), duplicates \(pass.duplicates), not answered yet \(pass.skipped), refused \(pass.refused)"))
            } else {
                try printer.add([.int(pass.answered), .int(pass.duplicates), .int(pass.skipped), .int(pass.refused)])
            }
            try invocation.output.flush()
            if let watch { usleep(UInt32(min(watch, 4000) * 1_000_000)) }
        } while watch != nil
        return .ok
    }
}
