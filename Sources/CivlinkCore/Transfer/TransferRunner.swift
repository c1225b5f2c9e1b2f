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
    public var failed = 0
    public var stuck = 0
    public var receipts = 0
    public var quarantined = 0
    /// Checkpoints shipped to the witness, and cosigned ones it sent back.
    public var checkpoints = 0
    public var cosigned = 0
    /// Why the checkpoint could not be shipped this run (tried again on the next).
    public var checkpointError: Phrase?
    public var planned: [Ledger.DueProcedure] = []
    public var json: JSON {
        .object([("sent", .int(sent)), ("failed", .int(failed)), ("stuck", .int(stuck)), ("receipts", .int(receipts)), ("quarantined", .int(quarantined)),
                 ("checkpoints", .int(checkpoints)), ("cosigned", .int(cosigned)), ("checkpoint_error", .optional(checkpointError?.description))])
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
        for endpoint in try ledger.agencies() {
            endpoints[endpoint.code] = endpoint
            transports[endpoint.code] = try endpoint.transport()
        }
    }

    public func run() throws -> TransferReport {
        var report = TransferReport()
        if options.dryRun {
            report.planned = try ledger.dueProcedures(agencies: endpoints.keys.sorted(), now: now, limit: Int.max)
            return report
        }
        try ingestInboxes(&report)
        try pollAccepted(&report)
        var rounds = 0
        while rounds < 10_000 {
            rounds += 1
            let batch = try prepareBatch(&report)
            if batch.isEmpty { break }
            try send(batch, &report)
        }
        if let witness = transports[AgencyEndpoint.witnessCode] { try exchangeCheckpoints(witness, &report) }
        return report
    }

    // MARK: Checkpoints

    /// Takes back what the witness cosigned, then ships a checkpoint of the log as it is now when
    /// it has grown since the last one shipped, through the same channel as messages.
    func exchangeCheckpoints(_ transport: any Transport, _ report: inout TransferReport) throws {
        for (source, data) in try transport.pendingReceipts() {
            do {
                _ = try TransparencyLog.acceptCosigned(data, ledger: ledger, now: now)
                report.cosigned += 1
            } catch let error as ValidationError {
                if try ledger.quarantine(data, source: source, reason: error.phrase, now: now) { report.quarantined += 1 }
            }
            try transport.acknowledge(source: source)
        }
        do {
            guard let envelope = try TransparencyLog.envelopeToShip(ledger: ledger) else { return }
            switch transport.deliver(messageID: envelope.fileName, body: Data(envelope.json.serialized().utf8)) {
            case .delivered:
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

    // MARK: Receipts

    func ingest(_ data: Data, source: String, _ report: inout TransferReport) throws {
        switch try ledger.ingestReceipt(data, source: source, actor: actor, now: now) {
        case .applied, .recorded: report.receipts += 1
        case .quarantined: report.quarantined += 1
        case .duplicate: break
        }
    }

    func ingestInboxes(_ report: inout TransferReport) throws {
        for code in transports.keys.sorted() where code != AgencyEndpoint.witnessCode {
            let transport = transports[code]!
            for (source, data) in try transport.pendingReceipts() {
                try ingest(data, source: source, &report)
                try transport.acknowledge(source: source)
            }
        }
    }

    func pollAccepted(_ report: inout TransferReport) throws {
        for (agency, id) in try ledger.acceptedMessages() {
            guard endpoints[agency]?.kind == .http, let data = transports[agency]?.poll(messageID: id) else { continue }
            try ingest(data, source: "http:\(agency)", &report)
        }
    }

    // MARK: Sending

    struct Item: Sendable {
        let dossier: String
        let procedure: String
        let agency: String
        let messageID: String
        let body: Data
    }

    /// Picks the next due procedures and gives each its message (created once, then reused).
    func prepareBatch(_ report: inout TransferReport) throws -> [Item] {
        try ledger.write {
            var items: [Item] = []
            var dossiers: [String: DossierRecord] = [:]
            for due in try ledger.dueProcedures(agencies: endpoints.keys.sorted(), now: now, limit: options.batchSize) {
                if let id = due.messageID, let body = try ledger.messageBody(id) {
                    items.append(Item(dossier: due.dossier, procedure: due.procedure, agency: due.agency, messageID: id, body: Data(body.utf8)))
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
                    body = try MessageBuilder.build(messageID: id, supersedes: previous.first, dossier: dossier, procedure: procedure,
                                                    signedCopy: copy, now: now).serialized()
                } catch let error as CivlinkError {
                    // One dossier that cannot be sent (no signed copy, ...) must not hold up the others.
                    try recordFailure(dossier: due.dossier, procedure: due.procedure, messageID: nil,
                                      reason: "cannot build the message: \(error.phrase)", &report)
                    continue
                }
                try ledger.storeMessage(id: id, dossier: due.dossier, procedure: due.procedure, agency: due.agency, supersedes: previous.first,
                                        body: body, now: now)
                items.append(Item(dossier: due.dossier, procedure: due.procedure, agency: due.agency, messageID: id, body: Data(body.utf8)))
            }
            return items
        }
    }

    /// A failed attempt: count it, keep the error, back off; after the maximum, stuck. Call inside `write`.
    func recordFailure(dossier: String, procedure: String, messageID: String?, reason: Phrase, _ report: inout TransferReport) throws {
        let options = self.options
        let attempts = try ledger.recordFailedAttempt(dossier: dossier, procedure: procedure, reason: reason, retryAfterSeconds: {
            backoffSeconds(attempts: $0, base: options.backoffBaseSeconds, cap: options.backoffCapSeconds)
        }, now: now)
        report.failed += 1
        if attempts >= options.maxAttempts {
            try ledger.transition(dossier: dossier, procedure: procedure, to: .stuck, actor: actor, now: now,
                                  detail: [("message_id", .optional(messageID)), ("attempts", .int(attempts)), ("last_error", .string(reason.description))])
            report.stuck += 1
        }
    }

    /// Delivers a batch on `concurrency` threads of its own (a delivery blocks its thread), then
    /// records every outcome in one transaction.
    func send(_ batch: [Item], _ report: inout TransferReport) throws {
        let transports = self.transports
        let progress = self.progress
        let total = batch.count
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let outcomes = Mutex<[Int: DeliveryOutcome]>([:])
        let workers = min(max(1, options.concurrency), total)
        let threads = (0..<workers).map { _ in
            WorkerThread {
                while true {
                    let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < total else { return }
                    let item = batch[index]
                    let outcome = transports[item.agency]?.deliver(messageID: item.messageID, body: item.body) ?? .failed("agency not configured")
                    outcomes.withLock { $0[index] = outcome }
                    progress?(done.wrappingAdd(1, ordering: .relaxed).newValue, total)
                }
            }
        }
        threads.forEach { $0.join() }
        var results = outcomes.withLock { $0 }
        // Delivered means durable: sync each transport of the batch before the ledger says "sent".
        for agency in Set(batch.map(\.agency)) {
            guard let problem = transports[agency]?.sync() else { continue }
            for (index, item) in batch.enumerated() where item.agency == agency {
                if case .delivered = results[index]! { results[index] = .failed(problem) }
            }
        }
        var receipts: [(Data, String)] = []
        try ledger.write {
            for (index, item) in batch.enumerated() {
                switch results[index]! {
                case .delivered(let receipt):
                    try ledger.recordDelivered(dossier: item.dossier, procedure: item.procedure, messageID: item.messageID, now: now)
                    try ledger.transition(dossier: item.dossier, procedure: item.procedure, to: .sent, actor: actor, now: now,
                                          detail: [("message_id", .string(item.messageID))])
                    report.sent += 1
                    if let receipt { receipts.append((receipt, "http:\(item.agency)")) }
                case .failed(let reason):
                    try recordFailure(dossier: item.dossier, procedure: item.procedure, messageID: item.messageID, reason: reason, &report)
                }
            }
        }
        // The answers that came back with the deliveries, in one transaction.
        try ledger.write {
            for (data, source) in receipts { try ingest(data, source: source, &report) }
        }
    }
}
