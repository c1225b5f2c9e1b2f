import FoundationEssentials
import Glibc
import Synchronization

/// Options of one `civlink transfer` run.
public struct TransferOptions: Sendable {
    public var maxAttempts = 8
    public var concurrency = 8
    public var backoffBaseSeconds = 60
    public var backoffCapSeconds = 3600
    public var batchSize = 500
    public var dryRun = false
    public init() {}
}

public struct TransferReport: Sendable {
    public var sent = 0
    /// Delivered, answered without a usable receipt: polled until one comes.
    public var unconfirmed = 0
    public var failed = 0
    public var stuck = 0
    public var receipts = 0
    public var quarantined = 0
    /// Checkpoints shipped to the witness, and cosigned ones it sent back.
    public var checkpoints = 0
    public var cosigned = 0
    /// Why the checkpoint could not be shipped this run (tried again on the next).
    public var checkpointError: Phrase?
    /// Events shipped to the province in an export (civlink-export(5)), and why not this run.
    public var exported = 0
    public var exportError: Phrase?
    public var planned: [Ledger.DueProcedure] = []
    /// Per agency, failed attempts and the last reason (a run's log says why, not only how many).
    public var failures: [String: (count: Int, reason: Phrase)] = [:]
    /// Agencies whose configuration cannot be used this run (an unreadable token file), and why:
    /// their procedures wait; the other agencies are served.
    public var unusable: [String: Phrase] = [:]
    /// Procedures due now for agencies that are not configured or not usable, per agency.
    public var held: [String: Int] = [:]

    /// Nothing was sent, answered or refused, and nothing is held up: a run not worth a log line.
    public var isQuiet: Bool { sent == 0 && unconfirmed == 0 && failed == 0 && stuck == 0 && receipts == 0 && quarantined == 0 && unusable.isEmpty && held.isEmpty && checkpoints == 0 && cosigned == 0 && exported == 0 }

    public var json: JSON {
        .object([("sent", .int(sent)), ("unconfirmed", .int(unconfirmed)), ("failed", .int(failed)), ("stuck", .int(stuck)), ("receipts", .int(receipts)), ("quarantined", .int(quarantined)),
                 ("checkpoints", .int(checkpoints)), ("cosigned", .int(cosigned)), ("checkpoint_error", .optional(checkpointError?.description)),
                 ("exported", .int(exported)), ("export_error", .optional(exportError?.description))])
    }
}

/// Backoff before attempt `attempts + 1`: base x 2^(attempts-1), capped, with jitter in [50%, 100%].
public func backoffSeconds(attempts: Int, base: Int, cap: Int, random: Double = Double.random(in: 0.5...1.0)) -> Int {
    var exponential = Double(base)
    for _ in 0..<max(0, attempts - 1) where exponential < Double(cap) { exponential *= 2 }
    return max(1, Int(min(Double(cap), exponential) * random))
}

/// Sends every ready procedure to its agency and ingests receipts.
public final class TransferRunner {
    let ledger: Ledger
    let actor: String
    let now: Timestamp
    let options: TransferOptions
    let progress: (@Sendable (Int, Int) -> Void)?
    private var transports: [String: any Transport] = [:]
    private var endpoints: [String: AgencyEndpoint] = [:]

    public init(ledger: Ledger, actor: String, now: Timestamp, options: TransferOptions, progress: (@Sendable (Int, Int) -> Void)? = nil) throws {
        self.ledger = ledger
        self.actor = actor
        self.now = now
        self.options = options
        self.progress = progress
        // Spool inboxes trust the files of the ledger's owner.
        var info = stat()
        let owner = stat(ledger.path, &info) == 0 ? info.st_uid : geteuid()
        for endpoint in try ledger.agencies() {
            // One agency that cannot be reached as configured (an unreadable token file) must not
            // hold up the others: its procedures wait and the run says why.
            do {
                // Built in a dry run too, which then says which agencies could not be used.
                let transport = try endpoint.transport(owner: owner)
                if !options.dryRun { transports[endpoint.code] = transport }
                endpoints[endpoint.code] = endpoint
            } catch let error as CivlinkError {
                unusable[endpoint.code] = error.phrase
            }
        }
    }

    /// Agencies configured but unusable this run, and why.
    public private(set) var unusable: [String: Phrase] = [:]

    /// Procedures due now that this run cannot send: their agency is not configured or not usable.
    func heldProcedures() throws -> [String: Int] {
        let others = Agency.sendable.map(\.rawValue).filter { endpoints[$0] == nil }
        guard !others.isEmpty else { return [:] }
        var held: [String: Int] = [:]
        for due in try ledger.dueProcedures(agencies: others, now: now, limit: Int.max) { held[due.agency, default: 0] += 1 }
        return held
    }

    public func run() throws -> TransferReport {
        var report = TransferReport()
        report.unusable = unusable
        report.held = try heldProcedures()
        if options.dryRun {
            report.planned = try ledger.dueProcedures(agencies: endpoints.keys.sorted(), now: now, limit: Int.max)
            return report
        }
        try ingestInboxes(&report)
        try pollAccepted(&report)
        try pollUnconfirmed(&report)
        // A round takes every due procedure at once, in dossier order, and sends them in batches:
        // asking for the first batch again and again would sort every ready procedure each time
        // (the national flow's 145,000 releases made sending quadratic). What a round's answers
        // release (an HTTP receipt completing a personal ID) is sent by the next round.
        var rounds = 0
        while rounds < 10_000 {
            rounds += 1
            let due = try ledger.dueProcedures(agencies: endpoints.keys.sorted(), now: now, limit: Int.max)
            if due.isEmpty { break }
            var start = 0
            while start < due.count {
                let end = min(start + max(1, options.batchSize), due.count)
                let batch = try prepareBatch(due[start..<end], &report)
                if !batch.isEmpty { try send(batch, &report) }
                start = end
            }
        }
        if let province = transports[AgencyEndpoint.witnessCode] {
            try exchangeCheckpoints(province, &report)
            shipExport(province, &report)
        }
        return report
    }

    // MARK: Checkpoints

    /// Takes back what the witness cosigned, then ships a checkpoint of the log as it is now when
    /// it has grown since the last one shipped, through the same channel as messages.
    func exchangeCheckpoints(_ transport: any Transport, _ report: inout TransferReport) throws {
        let witness = AgencyEndpoint.witnessCode
        /// A cosigned checkpoint kept, or quarantined with the reason it was refused.
        func accept(_ data: Data, source: String) throws {
            do {
                _ = try TransparencyLog.acceptCosigned(data, ledger: ledger, now: now)
                report.cosigned += 1
            } catch let error as ValidationError {
                let outcome = try ledger.write {
                    try ledger.quarantine(data, source: source, agency: witness, messageID: nil, reason: error.phrase, now: now)
                }
                if case .quarantined = outcome { report.quarantined += 1 }
            }
        }
        let sources: [String]
        do { sources = try transport.pendingReceipts() } catch let error as CivlinkError {
            report.checkpointError = error.phrase
            return
        }
        for source in sources {
            switch transport.readReceipt(source) {
            case .success(let data):
                try accept(data, source: source)
            case .failure(let refusal):
                let outcome = try ledger.write {
                    try ledger.quarantine(refusal.prefix.isEmpty ? Data(source.utf8) : refusal.prefix, size: refusal.size ?? 0, source: source,
                                          agency: witness, messageID: nil, reason: refusal.reason, now: now)
                }
                if case .quarantined = outcome { report.quarantined += 1 }
            }
            try transport.acknowledge(source: source)
        }
        do {
            guard let envelope = try TransparencyLog.envelopeToShip(ledger: ledger) else { return }
            switch transport.deliver(messageID: envelope.fileName, body: Data(envelope.json.serialized().utf8)) {
            case .delivered, .answered:
                // Over HTTP the 2xx answer only says the witness has it; cosigned checkpoints come
                // back through the spool inbox (civlink-transfer(1)).
                if let problem = transport.sync() {
                    report.checkpointError = problem
                    return
                }
                try ledger.recordCheckpoint(envelope.checkpoint, note: envelope.note, now: now, shipped: true)
                report.checkpoints += 1
            case .failed(let reason):
                report.checkpointError = reason
            }
        } catch let error as CivlinkError {
            report.checkpointError = error.phrase
        }
    }

    /// Ships the events since the last export the province received (civlink-export(5)), with
    /// the rows they change and a signed checkpoint, through the province's channel; recorded once
    /// delivered, so a run killed before resends the same export, which the province skips.
    func shipExport(_ transport: any Transport, _ report: inout TransferReport) {
        let province = AgencyEndpoint.witnessCode
        do {
            let since = try ledger.shippedExportSize(agency: province)
            guard try ledger.lastEventSeq() > since else { return }
            var data = Data()
            let summary = try ReplicaExport.write(ledger: ledger, since: since, now: now) { line in
                data.append(contentsOf: line.utf8)
                data.append(0x0A)
            }
            switch transport.deliver(messageID: ReplicaExport.fileName(source: summary.source, since: since, size: summary.size), body: data) {
            case .delivered, .answered:
                if let problem = transport.sync() {
                    report.exportError = problem
                    return
                }
                try ledger.recordShippedExport(agency: province, size: summary.size, now: now)
                report.exported += Int(summary.size - since)
            case .failed(let reason):
                report.exportError = reason
            }
        } catch let error as CivlinkError {
            report.exportError = error.phrase
        } catch {
            report.exportError = Phrase(verbatim: "\(error)")
        }
    }

    // MARK: Receipts

    @discardableResult
    func ingest(_ data: Data, source: String, agency: String, _ report: inout TransferReport) throws -> IngestOutcome {
        let outcome = try ledger.ingestReceipt(data, source: source, agency: agency, actor: actor, now: now)
        switch outcome {
        case .applied, .recorded: report.receipts += 1
        case .quarantined: report.quarantined += 1
        case .duplicate: break
        }
        return outcome
    }

    /// Receipts are read and applied in chunks, each chunk in one transaction, and removed from
    /// the inbox once it is committed: a crash leaves them to be read again (applying one twice
    /// changes nothing), and memory holds one chunk at most.
    func ingestInboxes(_ report: inout TransferReport) throws {
        for code in transports.keys.sorted() where code != AgencyEndpoint.witnessCode {
            let transport = transports[code]!
            let sources: [String]
            do {
                sources = try transport.pendingReceipts()
            } catch is CivlinkError {
                // An inbox that cannot be made the spool's (not a directory, another user's open
                // directory) is left unread. One agency's spool must not hold up the others: its
                // deliveries fail with the reason, back off and end stuck, for a person.
                continue
            }
            var start = 0
            while start < sources.count {
                var read: [(String, Result<Data, InboxRefusal>)] = []
                var bytes = 0
                while start < sources.count, read.count < 500, bytes < 8 << 20 {
                    let content = transport.readReceipt(sources[start])
                    if case .success(let data) = content { bytes += data.count }
                    read.append((sources[start], content))
                    start += 1
                }
                try ledger.write {
                    for (source, content) in read {
                        switch content {
                        case .success(let data):
                            try ingest(data, source: source, agency: code, &report)
                        case .failure(let refusal):
                            // Refused unread: the reason and what could be read safely, keyed by where it was.
                            let outcome = try ledger.quarantine(refusal.prefix.isEmpty ? Data(source.utf8) : refusal.prefix,
                                                                size: refusal.size ?? 0, source: source, agency: code, messageID: nil,
                                                                reason: refusal.reason, now: now)
                            if case .quarantined = outcome { report.quarantined += 1 }
                        }
                    }
                }
                for (source, _) in read { try transport.acknowledge(source: source) }
            }
        }
    }

    func pollAccepted(_ report: inout TransferReport) throws {
        for (agency, id) in try ledger.acceptedMessages() {
            guard endpoints[agency]?.kind == .http, let transport = transports[agency],
                  case .answered(_, let body) = transport.poll(messageID: id), Answer.problem(body, answering: id) == nil else { continue }
            try ingest(body, source: "http:\(agency)", agency: agency, &report)
        }
    }

    /// Asks the agencies again for the receipts they did not give with the delivery. A poll that
    /// brings none counts an attempt and backs off; after the maximum the procedure is stuck
    /// with the reason, for a person.
    func pollUnconfirmed(_ report: inout TransferReport) throws {
        let http = endpoints.values.filter { $0.kind == .http }.map(\.code).sorted()
        let due = try ledger.unconfirmedDue(agencies: http, now: now)
        guard !due.isEmpty else { return }
        let transports = self.transports
        let outcomes = parallel(due.count) { index in
            let item = due[index]
            return transports[item.agency]?.poll(messageID: item.messageID!) ?? .failed("agency not configured")
        }
        try ledger.write {
            for (index, item) in due.enumerated() {
                let id = item.messageID!
                var problem: Phrase
                switch outcomes[index] {
                case .answered(let status, let body):
                    if let why = Answer.problem(body, answering: id) {
                        problem = "HTTP \(status): \(why)"
                        if !body.isEmpty {
                            try ledger.quarantine(body, source: "http:\(item.agency)", agency: item.agency, messageID: id, reason: problem, now: now)
                        }
                    } else {
                        let outcome = try ingest(body, source: "http:\(item.agency)", agency: item.agency, &report)
                        if try ledger.procedureState(dossier: item.dossier, procedure: item.procedure) != .unconfirmed { continue }
                        if case .quarantined(let reason) = outcome { problem = "the receipt was quarantined: \(reason)" } else { problem = "no new receipt" }
                    }
                case .failed(let reason):
                    problem = reason
                case .delivered:
                    problem = "no receipt"
                }
                try recordFailure(dossier: item.dossier, procedure: item.procedure, agency: item.agency, messageID: id, reason: "sent, unconfirmed: \(problem)", &report)
            }
        }
    }

    /// Runs `work` for indices 0..<count on up to `concurrency` threads of their own (a
    /// request blocks its thread) and returns the results in order.
    func parallel(_ count: Int, progress: (@Sendable (Int, Int) -> Void)? = nil,
                  _ work: @escaping @Sendable (Int) -> DeliveryOutcome) -> [DeliveryOutcome] {
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let outcomes = Mutex<[Int: DeliveryOutcome]>([:])
        let workers = min(max(1, options.concurrency), count)
        let threads = (0..<workers).map { _ in
            WorkerThread {
                while true {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < count else { return }
                    let outcome = work(index)
                    outcomes.withLock { $0[index] = outcome }
                    progress?(done.wrappingAdd(1, ordering: .relaxed).newValue, count)
                }
            }
        }
        threads.forEach { $0.join() }
        let results = outcomes.withLock { $0 }
        return (0..<count).map { results[$0]! }
    }

    // MARK: Sending

    struct Item: Sendable {
        let dossier: String
        let procedure: String
        let agency: String
        let messageID: String
        let body: Data
        /// The state the procedure moves to once the agency has the message.
        let delivered: ProcedureState
    }

    /// Picks the next due procedures and gives each its message (created once, then reused).
    func prepareBatch(_ chunk: ArraySlice<Ledger.DueProcedure>, _ report: inout TransferReport) throws -> [Item] {
        try ledger.write {
            var items: [Item] = []
            var dossiers: [String: DossierRecord] = [:]
            // Listed before this transaction: a procedure another command changed since is left.
            for due in chunk where try ledger.isDue(dossier: due.dossier, procedure: due.procedure, messageID: due.messageID, now: now) {
                guard let delivered = ProcedureState.deliveries[due.state] else { continue }
                if let id = due.messageID, let body = try ledger.messageBody(id) {
                    items.append(Item(dossier: due.dossier, procedure: due.procedure, agency: due.agency, messageID: id, body: Data(body.utf8),
                                      delivered: delivered))
                    continue
                }
                let dossier = try dossiers[due.dossier] ?? ledger.dossier(due.dossier)
                dossiers[due.dossier] = dossier
                guard let procedure = dossier.procedures.first(where: { $0.code == due.procedure }) else { continue }
                let previous = try ledger.messageIDs(dossier: due.dossier, procedure: due.procedure)
                let id = "\(due.dossier).\(due.procedure).\(previous.count + 1)"
                let body: String
                do {
                    let copy = procedure.waitsOn.contains(ProcedureKind.certificateCopy.code) ? try ledger.currentSignedCopy(dossier: due.dossier) : nil
                    body = try MessageBuilder.build(messageID: id, kind: due.nextKind, supersedes: previous.first, dossier: dossier,
                                                    procedure: procedure, signedCopy: copy, now: now, reference: ledger.reference).serialized()
                } catch let error as CivlinkError {
                    // One dossier that cannot be sent (no signed copy, ...) must not hold up the others.
                    try recordFailure(dossier: due.dossier, procedure: due.procedure, agency: due.agency, messageID: nil,
                                      reason: "cannot build the message: \(error.phrase)", &report)
                    continue
                }
                try ledger.storeMessage(id: id, kind: due.nextKind, dossier: due.dossier, procedure: due.procedure, agency: due.agency,
                                        supersedes: previous.first, body: body, now: now)
                items.append(Item(dossier: due.dossier, procedure: due.procedure, agency: due.agency, messageID: id, body: Data(body.utf8),
                                  delivered: delivered))
            }
            return items
        }
    }

    /// A failed attempt: count it, keep the error, back off; after the maximum, stuck. Call inside `write`.
    func recordFailure(dossier: String, procedure: String, agency: String, messageID: String?, reason: Phrase,
                       _ report: inout TransferReport) throws {
        let options = self.options
        let attempts = try ledger.recordFailedAttempt(dossier: dossier, procedure: procedure, reason: reason, retryAfterSeconds: {
            backoffSeconds(attempts: $0, base: options.backoffBaseSeconds, cap: options.backoffCapSeconds)
        }, now: now)
        report.failed += 1
        report.failures[agency] = ((report.failures[agency]?.count ?? 0) + 1, reason)
        if attempts >= options.maxAttempts {
            try ledger.transition(dossier: dossier, procedure: procedure, to: .stuck, actor: actor, now: now,
                                  detail: [("message_id", .optional(messageID)), ("attempts", .int(attempts)), ("last_error", .string(reason.description))])
            report.stuck += 1
        }
    }

    /// Delivers a batch on `concurrency` threads of its own, then records every outcome in one
    /// transaction. A 2xx answer is applied as the receipt when it is one for this message;
    /// otherwise the procedure is `unconfirmed` (the answer quarantined when it had a body) and
    /// polled later.
    func send(_ batch: [Item], _ report: inout TransferReport) throws {
        let transports = self.transports
        var results = parallel(batch.count, progress: progress) { index in
            let item = batch[index]
            return transports[item.agency]?.deliver(messageID: item.messageID, body: item.body) ?? .failed("agency not configured")
        }
        // Delivered means durable: sync each transport of the batch before the ledger says "sent".
        for agency in Set(batch.map(\.agency)) {
            guard let problem = transports[agency]?.sync() else { continue }
            for (index, item) in batch.enumerated() where item.agency == agency {
                if case .delivered = results[index] { results[index] = .failed(problem) }
            }
        }
        let options = self.options
        let firstPoll = { backoffSeconds(attempts: 1, base: options.backoffBaseSeconds, cap: options.backoffCapSeconds) }
        var answers: [(Item, Data)] = []
        try ledger.write {
            for (index, item) in batch.enumerated() {
                switch results[index] {
                case .delivered:
                    try ledger.recordDelivered(dossier: item.dossier, procedure: item.procedure, messageID: item.messageID, now: now)
                    try ledger.transition(dossier: item.dossier, procedure: item.procedure, to: item.delivered, actor: actor, now: now,
                                          detail: [("message_id", .string(item.messageID))])
                    report.sent += 1
                case .answered(let status, let body):
                    try ledger.recordDelivered(dossier: item.dossier, procedure: item.procedure, messageID: item.messageID, now: now)
                    report.sent += 1
                    guard item.delivered == .sent else {
                        // A void needs only to be delivered: its procedure closes whatever came back.
                        try ledger.transition(dossier: item.dossier, procedure: item.procedure, to: item.delivered, actor: actor, now: now,
                                              detail: [("message_id", .string(item.messageID))])
                        continue
                    }
                    if let why = Answer.problem(body, answering: item.messageID) {
                        let reason: Phrase = "HTTP \(status): \(why)"
                        if !body.isEmpty {
                            try ledger.quarantine(body, source: "http:\(item.agency)", agency: item.agency, messageID: item.messageID,
                                                  reason: reason, now: now)
                        }
                        try markUnconfirmed(item, reason: reason, pollAfter: firstPoll(), &report)
                    } else {
                        try ledger.transition(dossier: item.dossier, procedure: item.procedure, to: .sent, actor: actor, now: now,
                                              detail: [("message_id", .string(item.messageID))])
                        answers.append((item, body))
                    }
                case .failed(let reason):
                    try recordFailure(dossier: item.dossier, procedure: item.procedure, agency: item.agency, messageID: item.messageID,
                                      reason: reason, &report)
                }
            }
        }
        guard !answers.isEmpty else { return }
        // The receipts that came back with the deliveries, in one transaction. One that is not
        // applied (quarantined, or the same bytes recorded before) leaves its procedure to polling.
        try ledger.write {
            for (item, body) in answers {
                let outcome = try ingest(body, source: "http:\(item.agency)", agency: item.agency, &report)
                guard try ledger.procedureState(dossier: item.dossier, procedure: item.procedure) == .sent else { continue }
                let reason: Phrase
                if case .quarantined(let why) = outcome { reason = "the receipt was quarantined: \(why)" } else { reason = "the receipt was recorded before" }
                try markUnconfirmed(item, reason: reason, pollAfter: firstPoll(), &report)
            }
        }
    }

    /// Delivered without a usable receipt: `unconfirmed`, polled after `pollAfter` seconds. Call inside `write`.
    private func markUnconfirmed(_ item: Item, reason: Phrase, pollAfter: Int, _ report: inout TransferReport) throws {
        try ledger.transition(dossier: item.dossier, procedure: item.procedure, to: .unconfirmed, actor: actor, now: now,
                              detail: [("message_id", .string(item.messageID)), ("reason", .string(reason.description))])
        try ledger.schedulePoll(dossier: item.dossier, procedure: item.procedure, reason: "sent, unconfirmed: \(reason)",
                                retryAfterSeconds: pollAfter, now: now)
        report.unconfirmed += 1
    }
}

/// What makes an agency's 2xx answer a usable receipt for the message it answers.
enum Answer {
    /// Why `body` is not a receipt for message `id`, or nil when it is one (its content is
    /// checked further when it is applied).
    static func problem(_ body: Data, answering id: String) -> Phrase? {
        if body.isEmpty { return "an empty answer, no receipt" }
        let receipt: Receipt
        do { receipt = try Receipt.parse(body) } catch let error as CivlinkError {
            return "the answer is not a receipt (\(error.phrase))"
        } catch {
            return "the answer is not a receipt"
        }
        guard receipt.messageID == id else { return "the receipt answers another message" }
        return nil
    }
}
