import CivlinkCore
import FoundationEssentials

enum AuditCommand: Command {
    static let spec = CommandSpec(
        "audit", summary: "Check the ledger's tamper-evident history; sign checkpoints, prove a dossier's events, witness a commune's log.",
        actions: [
            ActionSpec("verify", usage: "civlink audit verify [--checkpoint FILE]... [--log-key KEY] [--witness-key KEY]... [--format table|json|csv]",
                       summary: "Check the event chain, the Merkle tree, every covered row, and each checkpoint given, in one snapshot.", options: outputOptions() + [
                .value("--checkpoint", "FILE", .file, "a checkpoint that left the machine: prove the ledger still holds what it covered (repeatable)"),
                .value("--log-key", "KEY", .text, "the ledger's verifier key, or a file holding it, as given out (default: the key the ledger records)"),
                .value("--witness-key", "KEY", .text, "a witness's verifier key, or a file holding it, whose cosignature each checkpoint must carry (repeatable)"),
            ]),
            ActionSpec("checkpoint", usage: "civlink audit checkpoint [--out FILE]",
                       summary: "Sign a checkpoint (C2SP tlog-checkpoint) of the log as it is: origin, size, root hash.", options: [
                .value("--out", "FILE", .file, "write the checkpoint here instead of standard output"),
            ]),
            ActionSpec("prove", usage: "civlink audit prove ID [--checkpoint FILE] [--out FILE]",
                       summary: "Print the inclusion proofs of a dossier's events (civlink.proof/1), for checking offline.", options: [
                .value("--checkpoint", "FILE", .file, "prove against this checkpoint of the ledger (default: one signed now)"),
                .value("--out", "FILE", .file, "write the proof here instead of standard output"),
            ], positionals: .dossierIDs),
            ActionSpec("witness", usage: "civlink audit witness --key FILE --state FILE [--new-key NAME] [--log-key KEY]... (--spool DIR | FILE...)",
                       summary: "Cosign communes' checkpoints (C2SP tlog-cosignature) after checking each is consistent with the last one seen.", options: [
                .value("--key", "FILE", .file, "the witness's signer key (mode 0600)"),
                .value("--state", "FILE", .file, "what the witness remembers of each log (created if missing)"),
                .value("--new-key", "NAME", .text, "create the witness key FILE named NAME and print its verifier key"),
                .value("--log-key", "KEY", .text, "a log's verifier key, or a file holding it, the first time its checkpoints come (repeatable)"),
                .value("--spool", "DIR", .directory, "the province's spool: checkpoints in DIR/outbox, cosigned ones written to DIR/inbox"),
            ] + outputOptions([.table, .json]), positionals: .files),
            ActionSpec("key", usage: "civlink audit key [--format table|json]",
                       summary: "Print the log's origin and the ledger's verifier key, to give to the province's witness.", options: outputOptions([.table, .json])),
        ])

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        switch invocation.arguments.action {
        case "checkpoint": return try checkpoint(invocation)
        case "prove": return try prove(invocation)
        case "witness": return try witness(invocation)
        case "key": return try key(invocation)
        default: return try verify(invocation)
        }
    }

    /// A key given on the command line: the key itself, or a file holding it.
    static func keyText(_ value: String) throws -> String {
        if value.contains("+") && !Files.exists(value) { return value }
        guard let text = Files.readText(value) else { throw Failure(.notFound, "cannot read key \(value): \(Files.reason())") }
        return text.split(separator: "\n").first.map(String.init) ?? ""
    }

    static func read(_ path: String) throws -> Data {
        guard let data = Files.read(path) else { throw Failure(.notFound, "cannot read \(path): \(Files.reason())") }
        return data
    }

    static func verify(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("audit verify takes no arguments; checkpoints go with --checkpoint") }
        var options = Audit.Options()
        options.checkpoints = try invocation.values("--checkpoint").map { ($0, try read($0)) }
        options.logKey = try invocation.value("--log-key").map(keyText)
        options.witnessKeys = try invocation.values("--witness-key").map(keyText)
        let ledger = try invocation.openLedger(readOnly: true)
        let report = try Audit.verify(ledger, options)
        let printer = try RecordPrinter(invocation, kind: "civlink.audit/1", columns: [
            RecordColumn("valid", "Valid"), RecordColumn("events", "Events"), RecordColumn("head", "Head"),
            RecordColumn("tree_size", "Tree size"), RecordColumn("root", "Root"), RecordColumn("rows", "Rows"),
            RecordColumn("finding_seq", "First bad event"), RecordColumn("finding_problem", "Problem"),
        ])
        switch printer.format {
        case .table:
            if report.finding == nil {
                try invocation.line(invocation.text("chain intact: \(report.events) events, head \(report.head)"))
                try invocation.line(invocation.text("tree intact: size \(report.treeSize), root \(report.root.hex); \(report.rowsChecked) rows as recorded"))
            }
            for check in report.checkpoints where check.finding == nil {
                let cosigned: Phrase = check.cosigners.isEmpty ? "" : ", cosigned by \(check.cosigners.joined(separator: ", "))"
                try invocation.line(invocation.text("checkpoint \(check.label): size \(check.size ?? 0) consistent with the ledger\(cosigned)"))
            }
        default:
            try printer.add([.bool(report.finding == nil), .int(report.events), .text(report.head), .int(report.treeSize), .text(report.root.hex),
                             .int(report.rowsChecked), report.finding?.seq.map { Cell.int(Int($0)) } ?? .none,
                             report.finding.map { Cell.text($0.problem.rawValue) } ?? .none],
                            json: [("valid", .bool(report.finding == nil)), ("events", .int(report.events)),
                                   ("head", .string(report.head)), ("tree_size", .int(report.treeSize)), ("root", .string(report.root.hex)),
                                   ("rows", .int(report.rowsChecked)), ("finding", report.finding?.json ?? .null),
                                   ("findings", .array(report.findings.map(\.json))), ("more_findings", .int(report.moreRowFindings)),
                                   ("checkpoints", .array(report.checkpoints.map(\.json)))])
            try printer.finish()
        }
        guard report.finding != nil else { return .ok }
        try invocation.output.flush()
        for finding in report.findings {
            switch finding.problem {
            case .modified, .deleted, .inserted, .reordered, .head:
                invocation.error("audit: event \(finding.seq ?? 0) \(finding.problem.rawValue): \(finding.detail)")
            default:
                let dossier: Phrase = finding.dossier.map { "dossier \($0): " as Phrase } ?? ""
                invocation.error("audit: \(finding.problem.rawValue): \(dossier)\(finding.detail)")
            }
        }
        if report.moreRowFindings > 0 { invocation.error("audit: and \(report.moreRowFindings) more rows changed outside civlink") }
        return .failure
    }

    static func checkpoint(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("audit checkpoint takes no arguments") }
        let ledger = try invocation.openLedger()
        let made = try TransparencyLog.checkpoint(ledger: ledger, now: try invocation.now())
        if let out = invocation.value("--out") {
            try Files.atomicWrite(Data(made.note.utf8), to: out)
            invocation.note("checkpoint of \(made.checkpoint.size) events written to \(out)")
        } else {
            try invocation.output.write(made.note)
        }
        return .ok
    }

    static func prove(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("audit prove needs one dossier id") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let note = try invocation.value("--checkpoint").map { try CheckpointEnvelope.parse(try read($0)).note }
        // Signing a fresh checkpoint records it, so the ledger is opened for writing then.
        let ledger = try invocation.openLedger(readOnly: note != nil)
        let proof = try TransparencyLog.prove(dossier: id.text, ledger: ledger, checkpoint: note, now: try invocation.now())
        let text = proof.json.serialized() + "\n"
        if let out = invocation.value("--out") {
            try Files.writePrivate(out, Data(text.utf8), replace: true)
        } else {
            try invocation.output.write(text)
        }
        return .ok
    }

    static func key(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("audit key takes no arguments") }
        let ledger = try invocation.openLedger(readOnly: true)
        let identity = try ledger.logIdentity()
        switch invocation.format() {
        case .json:
            try invocation.line(JSON.object([("format", .string("civlink.log-key/1")), ("origin", .string(identity.origin)), ("verifier_key", .string(identity.verifierKey)),
                                             ("ledger_key", .string(ledger.keyPath))]))
        default:
            try invocation.line(identity.verifierKey)
        }
        return .ok
    }

    static func witness(_ invocation: Invocation) throws -> ExitStatus {
        guard let keyPath = invocation.value("--key"), let statePath = invocation.value("--state") else {
            throw UsageError("audit witness needs --key FILE and --state FILE")
        }
        let json = invocation.format() == .json
        if let name = invocation.value("--new-key") {
            guard invocation.positionals.isEmpty, invocation.value("--spool") == nil else { throw UsageError("--new-key only creates the key") }
            let signer = try Witness.createKey(name: name, path: keyPath)
            if !Files.exists(statePath) { try WitnessState().save(path: statePath) }
            try invocation.line(json ? JSON.object([("format", .string("civlink.witness-key/1")), ("name", .string(name)), ("verifier_key", .string(signer.verifierKey))]).serialized() : signer.verifierKey)
            return .ok
        }
        let spool = invocation.value("--spool")
        guard (spool == nil) != invocation.positionals.isEmpty else { throw UsageError("audit witness reads --spool DIR or checkpoint files, one of them") }
        let lock = try WitnessLock(statePath: statePath)
        defer { withExtendedLifetime(lock) {} }
        var witness = Witness(signer: try Witness.loadKey(path: keyPath), state: try WitnessState.load(path: statePath))
        let logKeys = try invocation.values("--log-key").map(keyText)
        // Checkpoints in order of log and size, so each is checked against the one before it.
        var inputs: [(source: String, envelope: CheckpointEnvelope?, error: Phrase?)] = []
        let files: [String]
        if let spool {
            let outbox = spool + "/outbox"
            files = (Files.list(outbox) ?? []).filter { $0.hasPrefix("checkpoint-") && $0.hasSuffix(".json") }.sorted().map { outbox + "/" + $0 }
        } else {
            files = invocation.positionals
        }
        for file in files {
            do { inputs.append((file, try CheckpointEnvelope.parse(try read(file)), nil)) } catch let error as CivlinkError {
                inputs.append((file, nil, error.phrase))
            }
        }
        inputs.sort { a, b in
            guard let x = a.envelope?.checkpoint, let y = b.envelope?.checkpoint else { return a.envelope == nil && b.envelope != nil }
            return (x.origin, x.size) < (y.origin, y.size)
        }
        var refused = false
        let now = UInt64(max(0, try invocation.now().seconds))
        for input in inputs {
            let label = Files.baseName(input.source)
            guard let envelope = input.envelope else {
                refused = true
                invocation.error("witness: \(label): refused: \(input.error ?? "unreadable" as Phrase)")
                continue
            }
            let outcome = witness.witness(envelope, logKeys: logKeys, now: now)
            var verdict = "cosigned", reason: Phrase?
            switch outcome {
            case .cosigned(let note):
                // Keep the state before answering: a cosignature the state does not know of is never sent.
                try witness.state.save(path: statePath)
                let answer = try CheckpointEnvelope(note: note)
                if let spool {
                    try Files.makeDirectory(spool + "/inbox", mode: 0o755)
                    try Files.atomicWrite(Data(answer.json.serialized().utf8), to: spool + "/inbox/" + answer.fileName + ".json")
                    Files.unlinkIfPresent(input.source)
                } else if !json {
                    try invocation.output.write(note)
                }
            case .skipped(let why):
                verdict = "skipped"
                reason = why
                if spool != nil { Files.unlinkIfPresent(input.source) }
            case .refused(let why):
                verdict = "refused"
                reason = why
                refused = true
            }
            if json {
                var members: [(String, JSON)] = [("format", .string("civlink.witness-verdict/1")), ("checkpoint", .string(label)), ("origin", .string(envelope.checkpoint.origin)),
                                                 ("size", .int(Int(envelope.checkpoint.size))), ("verdict", .string(verdict)),
                                                 ("reason", .optional(reason?.description))]
                if case .cosigned(let note) = outcome { members.append(("cosigned", .string(note))) }
                try invocation.line(JSON.object(members))
            } else if let reason {
                try invocation.output.flush()
                verdict == "refused" ? invocation.error("witness: \(label): refused: \(reason)") : invocation.note("witness: \(label): skipped: \(reason)")
            } else if spool != nil {
                try invocation.line(invocation.text("cosigned \(envelope.checkpoint.origin) size \(envelope.checkpoint.size)"))
            }
        }
        return refused ? .failure : .ok
    }
}
