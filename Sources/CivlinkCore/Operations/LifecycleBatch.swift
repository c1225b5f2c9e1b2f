import FoundationEssentials

/// Decisions on many dossiers at once (`register ID...`, `cancel ID...`, `amend --batch`), through
/// the one writer: a reader thread reads the input as it arrives, this thread decides in
/// transactions of up to `Pace.perTransaction` items or about a second, and what a transaction decided
/// is reported only after its commit. A run killed at any point has decided exactly what it
/// printed; running it again refuses what was decided already (the dossier is no longer in a
/// state that allows it), so nothing is done twice.
extension Lifecycle {
    /// Ids given on the command line, or read one a line from a file descriptor (`-`).
    public enum IDSource: Sendable {
        case list([String])
        case lines(Int32)
    }

    /// What a batch did.
    public struct BatchResult: Sendable {
        public var decided = 0
        public var refused = 0
        /// The kind of the first refusal: the command's exit status.
        public var firstRefusal: FailureKind?
    }

    /// How many items are read together, and at most how many (or about one second of work) go
    /// in one write transaction: registrations are light (a few rows each), cancellations and
    /// amendments read and rewrite a dossier each.
    public struct Pace: Sendable {
        public let chunk: Int
        public let perTransaction: Int
        public static let register = Pace(chunk: 2000, perTransaction: 16000)
        public static let cancel = Pace(chunk: 250, perTransaction: 1000)
        public static let amend = Pace(chunk: 100, perTransaction: 500)
    }

    /// A refusal that concerns one item only: the batch goes on without it.
    static func isRefusal(_ error: any CivlinkError) -> Bool {
        [.refused, .notFound, .invalidInput, .duplicate].contains(error.kind)
    }

    /// One id of the input: the dossier id, or why the text is not one.
    public typealias ParsedID = (text: String, id: String?, error: ValidationError?)

    /// Runs `decide` over the ids of `source`, chunk by chunk. `decide` returns one outcome per
    /// id, in order; refusals go to `refused`, decisions to `decided` once committed.
    public static func decideBatch(_ source: IDSource, pace: Pace, ledger: Ledger, decide: ([String]) throws -> [DecisionOutcome],
                                   decided: ([Decision]) throws -> Void, refused: (String, any CivlinkError) -> Void) throws -> BatchResult {
        var result = BatchResult()
        func refuse(_ id: String, _ error: any CivlinkError) {
            result.refused += 1
            if result.firstRefusal == nil { result.firstRefusal = error.kind }
            refused(id, error)
        }
        let writer = BatchWriter<[ParsedID]>(ledger: ledger, queueCapacity: 4, maxItemsPerTransaction: pace.perTransaction)
        try writer.run(produce: { put in
            var chunk: [ParsedID] = []
            func parsed(_ text: String) -> ParsedID {
                do { return (text, try DossierID(parsing: text).text, nil) } catch let error as ValidationError { return (text, nil, error) } catch {
                    return (text, nil, ValidationError("dossier id", Phrase(verbatim: "\(error)")))
                }
            }
            func handOver() -> Bool {
                defer { chunk.removeAll(keepingCapacity: true) }
                return chunk.isEmpty || put(chunk)
            }
            switch source {
            case .list(let texts):
                for text in texts {
                    chunk.append(parsed(text))
                    if chunk.count >= pace.chunk, !handOver() { return }
                }
            case .lines(let fd):
                var reader = LineReader(fd: fd, maxLineBytes: 256)
                while let (_, data) = reader.next() {
                    guard let data else {
                        chunk.append(("", nil, ValidationError("dossier id", "line is over the limit of 256 bytes")))
                        continue
                    }
                    let text = String(decoding: data, as: UTF8.self).trimmingWhitespace
                    if text.isEmpty { continue }
                    chunk.append(parsed(text))
                    if chunk.count >= pace.chunk, !handOver() { return }
                }
                if let error = reader.readError {
                    _ = handOver()
                    throw Failure(.io, "cannot read the dossier ids after line \(reader.lineNumber): \(Phrase(verbatim: error))")
                }
            }
            _ = handOver()
        }, write: { chunk in
            var reports: [DecisionOutcome] = []
            for item in chunk where item.id == nil { reports.append(.refused(item.text, item.error!)) }
            let ids = chunk.compactMap(\.id)
            if !ids.isEmpty { reports += try decide(ids) }
            return (reports, chunk.count)
        }, committed: { outcomes in
            var made: [Decision] = []
            for outcome in outcomes {
                switch outcome {
                case .decided(let decision): made.append(decision)
                case .refused(let id, let error): refuse(id, error)
                }
            }
            result.decided += made.count
            try decided(made)
        })
        return result
    }

    /// `decide` on each id in a savepoint of its own: an id refused halfway leaves nothing behind
    /// and the others go on. Call inside `write` (the batch's transaction).
    public static func each(_ ids: [String], ledger: Ledger, _ decide: (String) throws -> Decision) throws -> [DecisionOutcome] {
        try ids.map { id in
            do {
                return .decided(try ledger.undoingOnError { try decide(id) })
            } catch let error as CivlinkError where isRefusal(error) {
                return .refused(id, error)
            }
        }
    }

    /// Registers received dossiers (`register ID...`).
    public static func register(_ source: IDSource, ledger: Ledger, actor: String, now: Timestamp, decided: ([Decision]) throws -> Void,
                                refused: (String, any CivlinkError) -> Void) throws -> BatchResult {
        try decideBatch(source, pace: .register, ledger: ledger, decide: { try ledger.registerReceived($0, actor: actor, now: now) },
                        decided: decided, refused: refused)
    }

    /// Cancels registered dossiers (`cancel ID...`).
    public static func cancel(_ source: IDSource, reason: String, ledger: Ledger, actor: String, now: Timestamp,
                              decided: ([Decision]) throws -> Void, refused: (String, any CivlinkError) -> Void) throws -> BatchResult {
        try decideBatch(source, pace: .cancel, ledger: ledger, decide: { ids in
            try each(ids, ledger: ledger) { try cancel($0, reason: reason, ledger: ledger, actor: actor, now: now) }
        }, decided: decided, refused: refused)
    }

    // MARK: Amendments in bulk

    /// One line of an amendment batch (civlink-dossier(5)): the dossier, why, and the corrected
    /// declaration or a merge patch.
    public struct AmendmentLine: Sendable {
        public let id: String
        public let reason: String
        public let correction: Correction

        /// Reads one line; `defaultReason` is used when the line names none.
        public static func parse(_ data: Data, defaultReason: String?) throws -> AmendmentLine {
            let json = try JSONReader.parse(data, limits: JSONLimits(maxBytes: 2 * JSONLimits.declaration.maxBytes, maxDepth: 17,
                                                                     maxStringBytes: JSONLimits.declaration.maxStringBytes))
            guard case .object(let members) = json else { throw ValidationError("", "an amendment line must be a JSON object") }
            for (key, _) in members where !["id", "reason", "declaration", "patch"].contains(key) {
                throw ValidationError(key, "unknown field (allowed: id, reason, declaration, patch)")
            }
            guard let text = json["id"]?.stringValue else { throw ValidationError("id", "is required") }
            let id = try DossierID(parsing: text).text
            guard let reason = json["reason"]?.stringValue ?? defaultReason, !reason.isEmpty else {
                throw ValidationError("reason", "is required (on the line, or for every line)")
            }
            switch (json["declaration"], json["patch"]) {
            case (let declaration?, nil):
                guard case .object = declaration else { throw ValidationError("declaration", "must be a JSON object") }
                return AmendmentLine(id: id, reason: reason, correction: .declaration(declaration))
            case (nil, let patch?):
                guard case .object = patch else { throw ValidationError("patch", "must be a JSON object") }
                return AmendmentLine(id: id, reason: reason, correction: .patch(patch))
            default:
                throw ValidationError("declaration", "give exactly one of declaration or patch")
            }
        }
    }

    /// Amends the dossiers of JSON Lines read from `fd`. A refused line is passed to `refused`
    /// with its number; decisions go to `decided` once committed.
    public static func amendBatch(fd: Int32, defaultReason: String?, ledger: Ledger, actor: String, now: Timestamp,
                                  decided: ([Decision]) throws -> Void, refused: (_ line: Int, any CivlinkError) -> Void) throws -> BatchResult {
        typealias Line = (number: Int, parsed: Result<AmendmentLine, ValidationError>)
        var result = BatchResult()
        let writer = BatchWriter<[Line]>(ledger: ledger, queueCapacity: 4, maxItemsPerTransaction: Pace.amend.perTransaction)
        try writer.run(produce: { put in
            var reader = LineReader(fd: fd, maxLineBytes: 2 * JSONLimits.declaration.maxBytes)
            var chunk: [Line] = []
            while let (number, data) = reader.next() {
                if let data, data.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                guard let data else {
                    chunk.append((number, .failure(ValidationError("", "line is over the limit of \(2 * JSONLimits.declaration.maxBytes) bytes"))))
                    continue
                }
                do { chunk.append((number, .success(try AmendmentLine.parse(data, defaultReason: defaultReason)))) } catch let error as ValidationError {
                    chunk.append((number, .failure(error)))
                }
                if chunk.count >= Pace.amend.chunk {
                    guard put(chunk) else { return }
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            if !chunk.isEmpty { _ = put(chunk) }
            if let error = reader.readError {
                throw Failure(.io, "cannot read the input after line \(reader.lineNumber): \(Phrase(verbatim: error))")
            }
        }, write: { lines in
            var reports: [(Int, DecisionOutcome)] = []
            for line in lines {
                switch line.parsed {
                case .failure(let error): reports.append((line.number, .refused("", error)))
                case .success(let amendment):
                    let outcome = try each([amendment.id], ledger: ledger) {
                        try amend($0, correction: amendment.correction, reason: amendment.reason, ledger: ledger, actor: actor, now: now)
                    }[0]
                    reports.append((line.number, outcome))
                }
            }
            return (reports, lines.count)
        }, committed: { reports in
            var made: [Decision] = []
            for (number, outcome) in reports {
                switch outcome {
                case .decided(let decision): made.append(decision)
                case .refused(_, let error):
                    result.refused += 1
                    if result.firstRefusal == nil { result.firstRefusal = error.kind }
                    refused(number, error)
                }
            }
            result.decided += made.count
            try decided(made)
        })
        return result
    }
}

extension String {
    /// Without leading and trailing spaces, tabs and line ends.
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\r" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" { scalars.removeLast() }
        return String(scalars)
    }
}
