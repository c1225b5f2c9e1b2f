import FoundationEssentials

/// Registering declarations: one at the desk, or JSON Lines in bulk.
public enum Registration {
    /// Lines validated together, on every core.
    public static let linesPerChunk = 2000
    /// At most this many lines, or one second of work, per write transaction.
    public static let linesPerTransaction = 16000

    /// Validates one declaration and registers it.
    public static func register(_ data: Data, group: ProcedureGroup, ledger: Ledger, actor: String, now: Timestamp) throws -> DossierRecord {
        let declaration = try Declaration.parse(data, group: group, now: now, reference: ledger.reference)
        return try ledger.register(declaration, actor: actor, now: now)
    }

    /// Validates one declaration and records it as received through `channel`, for the officer
    /// to decide: no register number yet, nothing sent.
    public static func receive(_ data: Data, group: ProcedureGroup, channel: Channel, ledger: Ledger, actor: String, now: Timestamp) throws -> DossierRecord {
        let declaration = try Declaration.parse(data, group: group, now: now, reference: ledger.reference)
        return try ledger.receive(declaration, channel: channel, actor: actor, now: now)
    }

    /// What a batch did.
    public struct BatchResult: Sendable {
        public var registered = 0
        public var refused = 0
    }

    /// Registers the JSON Lines read from `fd`, one declaration a line. A reader thread reads and
    /// validates chunks of lines on every core while this thread registers the chunks before
    /// them, in line order, through a `BatchWriter`. A refused line (invalid, or a duplicate) is
    /// passed to `refused` with its number and the good lines go on; `registered` gets each
    /// transaction's dossiers once committed (a refused line's error is `ValidationErrors`, with
    /// every rule the line breaks, or a `DuplicateError`). A read error ends the batch with an I/O failure
    /// after the lines before it.
    /// With `intake`, each line is recorded as received through that channel instead of registered.
    public static func registerBatch(fd: Int32, group: ProcedureGroup, intake: Channel? = nil, ledger: Ledger, actor: String, now: Timestamp,
                                     registered: ([DossierRecord]) throws -> Void,
                                     refused: (_ line: Int, _ error: any CivlinkError) -> Void) throws -> BatchResult {
        typealias Line = (number: Int, data: Data?)
        typealias Validated = (lines: [Line], results: [Result<Declaration, ValidationErrors>])
        let reference = ledger.reference
        var result = BatchResult()
        let writer = BatchWriter<Validated>(ledger: ledger, queueCapacity: 2, maxItemsPerTransaction: linesPerTransaction)
        try writer.run(produce: { put in
            var reader = LineReader(fd: fd, maxLineBytes: JSONLimits.declaration.maxBytes)
            var chunk: [Line] = []
            func handOver() -> Bool {
                defer { chunk.removeAll(keepingCapacity: true) }
                return chunk.isEmpty || put((chunk, validate(chunk, group: group, now: now, reference: reference)))
            }
            while let (number, data) = reader.next() {
                if let data, data.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                chunk.append((number, data))
                if chunk.count >= linesPerChunk, !handOver() { return }
            }
            _ = handOver()
            if let error = reader.readError {
                throw Failure(.io, "cannot read the input after line \(reader.lineNumber): \(Phrase(verbatim: error))")
            }
        }, write: { validated in
            var dossiers: [DossierRecord] = []
            for (line, outcome) in zip(validated.lines, validated.results) {
                switch outcome {
                case .failure(let error):
                    result.refused += 1
                    refused(line.number, error)
                case .success(let declaration):
                    do {
                        // A duplicate is found before anything is written; any other error aborts
                        // the transaction, so no savepoint is needed per line.
                        if let intake {
                            dossiers.append(try ledger.receive(declaration, channel: intake, actor: actor, now: now))
                        } else {
                            dossiers.append(try ledger.register(declaration, actor: actor, now: now))
                        }
                    } catch let error as DuplicateError {
                        result.refused += 1
                        refused(line.number, error)
                    }
                }
            }
            return (dossiers, validated.lines.count)
        }, committed: { dossiers in
            result.registered += dossiers.count
            try registered(dossiers)
        })
        return result
    }

    /// Parses and validates each line of a chunk, spread over the machine's cores.
    static func validate(_ chunk: [(number: Int, data: Data?)], group: ProcedureGroup, now: Timestamp,
                         reference: ReferenceData) -> [Result<Declaration, ValidationErrors>] {
        let limit = JSONLimits.declaration.maxBytes
        return chunk.map(\.data).parallelMap(background: true) { data in
            guard let data else { return .failure(ValidationErrors([ValidationError("", "line is over the limit of \(limit) bytes")])) }
            do {
                return .success(try Declaration.parse(data, group: group, now: now, reference: reference))
            } catch let errors as ValidationErrors {
                return .failure(errors)
            } catch {
                return .failure(ValidationErrors([ValidationError("", Phrase(verbatim: "\(error)"))]))
            }
        }
    }
}
