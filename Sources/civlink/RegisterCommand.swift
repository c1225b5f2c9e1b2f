import CivlinkCore
import Foundation

enum RegisterBirthCommand: Command {
    static let name = "register-birth"
    static let summary = "Register a birth and plan its interconnected procedures (ID number, residence, health insurance)."
    static let usage = "civlink register-birth [FILE|-] [--batch] [--ledger PATH]"
    static let options = registerOptions
    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        try Registration(group: .birth, arguments: arguments, context: context).run()
    }
}

enum RegisterDeathCommand: Command {
    static let name = "register-death"
    static let summary = "Register a death and plan residence deletion and the funeral benefit the deceased is entitled to."
    static let usage = "civlink register-death [FILE|-] [--batch] [--ledger PATH]"
    static let options = registerOptions
    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        try Registration(group: .death, arguments: arguments, context: context).run()
    }
}

let registerOptions: [OptionSpec] = [
    .flag("--batch", "read JSON Lines, one declaration a line; print one dossier a line"),
]

/// Reads declarations, registers them, prints dossiers. A dossier is printed only once its
/// transaction has committed.
struct Registration {
    let group: ProcedureGroup
    let arguments: ParsedArguments
    let context: Context
    /// Lines validated together, on every core.
    static let linesPerChunk = 2000
    /// At most this many lines, or one second of work, per write transaction.
    static let linesPerTransaction = 16000

    func run() throws -> ExitCode {
        guard arguments.positionals.count <= 1 else { throw UsageError("give at most one FILE (or - for standard input)") }
        let path = arguments.positionals.first
        let ledger = try context.openLedger()
        let now = try context.now()
        if !arguments.has("--batch") {
            let declaration = try Declaration.parse(try context.readInput(path), group: group, now: now, reference: ledger.reference)
            let dossier = try ledger.write {
                try ledger.register(declaration, actor: context.actor, now: now)
            }
            context.output.line(dossier.dossierJSON(now: now))
            return .ok
        }
        return try runBatch(path: path, ledger: ledger, now: now)
    }

    private func runBatch(path: String?, ledger: Ledger, now: Timestamp) throws -> ExitCode {
        let handle: FileHandle
        if let path, path != "-" {
            guard let file = FileHandle(forReadingAtPath: path) else { throw NotFoundError("cannot read \(path)") }
            handle = file
        } else {
            handle = FileHandle.standardInput
        }
        var failures = 0
        var registered = 0
        let progress = Progress()
        defer { progress.finish() }
        let reference = ledger.reference
        let group = self.group

        // A reader thread reads chunks of lines and validates each on every core, at a lower
        // priority, while this thread registers the chunks before it, in line order. A
        // transaction takes the chunks that are ready, up to `Registration.linesPerTransaction`
        // lines or one second, because every commit rewrites each page it touched and new
        // dossiers touch pages all over the indexes. Inside a transaction it waits for input one
        // second at most: a slow pipe must not hold the ledger's write lock. Dossiers are printed
        // after their commit.
        typealias Validated = (chunk: [(number: Int, data: Data?)], results: [Result<Declaration, ValidationError>])
        let queue = HandoffQueue<Validated>(capacity: 2)
        final class ReadFailure: @unchecked Sendable { var value: String? }
        let readFailure = ReadFailure()
        let readerDone = DispatchSemaphore(value: 0)
        let readerThread = Thread {
            defer { readerDone.signal() }
            lowerThreadPriority()
            var reader = LineReader(handle: handle, maxLineBytes: JSONLimits.declaration.maxBytes)
            var chunk: [(number: Int, data: Data?)] = []
            func handOver() -> Bool {
                defer { chunk.removeAll(keepingCapacity: true) }
                return chunk.isEmpty || queue.put((chunk, validateInParallel(chunk, group: group, now: now, reference: reference)))
            }
            while let (number, data) = reader.next() {
                if let data, data.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                chunk.append((number, data))
                if chunk.count >= Registration.linesPerChunk, !handOver() { return }
            }
            _ = handOver()
            readFailure.value = reader.readError
            queue.close()
        }
        readerThread.start()
        defer {
            queue.cancel()
            readerDone.wait()
        }

        try ledger.withBackgroundCheckpoints {
            while var ready = queue.takeAll() {
                var printed: [String] = []
                var lines = 0
                let opened = Date()
                try ledger.write {
                    while !ready.isEmpty {
                        for validated in ready {
                            lines += validated.chunk.count
                            for (line, result) in zip(validated.chunk, validated.results) {
                                switch result {
                                case .failure(let error):
                                    failures += 1
                                    progress.finish()
                                    Diagnostics.error("line \(line.number): \(error.message)")
                                case .success(let declaration):
                                    do {
                                        // A duplicate is found before anything is written; any other
                                        // error aborts the transaction, so no savepoint is needed per line.
                                        let dossier = try ledger.register(declaration, actor: context.actor, now: now)
                                        printed.append(dossier.dossierJSON(now: now).serialized())
                                    } catch let error as DuplicateError {
                                        failures += 1
                                        Diagnostics.error("line \(line.number): \(error.message)")
                                    }
                                }
                            }
                        }
                        guard lines < Registration.linesPerTransaction, let more = queue.takeAll(until: opened.addingTimeInterval(1)) else { break }
                        ready = more
                    }
                }
                printed.forEach { context.output.line($0) }
                context.output.flush()
                registered += printed.count
                progress.update("registered \(registered), refused \(failures)")
            }
        }
        // Written by the reader thread before it closed the queue, read after the queue ran dry.
        if let error = readFailure.value { throw InputOutputError("cannot read the input after line \(registered + failures): \(error)") }
        return failures == 0 ? .ok : .dataError
    }
}

/// Parses and validates each line of a chunk, spread over the machine's cores.
private func validateInParallel(_ chunk: [(number: Int, data: Data?)], group: ProcedureGroup, now: Timestamp,
                                reference: ReferenceData) -> [Result<Declaration, ValidationError>] {
    let limit = JSONLimits.declaration.maxBytes
    return chunk.map(\.data).parallelMap(background: true) { data in
        guard let data else { return .failure(ValidationError("", "line is over the limit of \(limit) bytes")) }
        do {
            return .success(try Declaration.parse(data, group: group, now: now, reference: reference))
        } catch let error as ValidationError {
            return .failure(error)
        } catch {
            return .failure(ValidationError("", "\(error)"))
        }
    }
}
