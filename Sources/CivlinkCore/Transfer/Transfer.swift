import Foundation

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
    public var planned: [(dossier: String, procedure: String, agency: String, messageID: String?)] = []
    public var json: JSON {
        .object([("sent", .int(sent)), ("failed", .int(failed)), ("stuck", .int(stuck)), ("receipts", .int(receipts)), ("quarantined", .int(quarantined))])
    }
}

/// An exclusive lock on `<ledger>.transfer.lock` (flock): two overlapping runs never send at once.
/// The kernel drops it when the process dies, so a killed run never blocks the next.
public final class TransferLock {
    private let fd: Int32
    public init(ledgerPath: String) throws {
        fd = open(ledgerPath + ".transfer.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw LedgerError("cannot open the transfer lock: \(String(cString: strerror(errno)))", exitCode: .cantCreate) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw LedgerError("another civlink transfer is running on this ledger; try again later", exitCode: .tempFail)
        }
    }
    deinit { flock(fd, LOCK_UN); close(fd) }
}

/// Backoff before attempt `attempts + 1`: base x 2^(attempts-1), capped, with jitter in [50%, 100%].
public func backoffSeconds(attempts: Int, base: Int, cap: Int, random: Double = Double.random(in: 0.5...1.0)) -> Int {
    let exponential = Double(base) * pow(2, Double(max(0, attempts - 1)))
    return max(1, Int(min(Double(cap), exponential) * random))
}

/// Sends every ready procedure to its agency and ingests receipts.
public final class TransferRunner {
    let ledger: Ledger
    let actor: String
    let now: Timestamp
    let options: TransferOptions
    let progress: (@Sendable (Int, Int) -> Void)?
    private var transports: [String: Transport] = [:]
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

    var db: SQLiteDatabase { ledger.database }

    public func run() throws -> TransferReport {
        var report = TransferReport()
        if options.dryRun {
            try db.forEachRow(dueSQL(limit: Int.max), dueValues) { row in
                report.planned.append((row[0].string ?? "", row[1].string ?? "", row[2].string ?? "", row[3].string))
            }
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
        return report
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
        for code in transports.keys.sorted() {
            let transport = transports[code]!
            for (source, data) in try transport.pendingReceipts() {
                try ingest(data, source: source, &report)
                try transport.acknowledge(source: source)
            }
        }
    }

    func pollAccepted(_ report: inout TransferReport) throws {
        let rows = try db.query("SELECT agency, message_id FROM procedures WHERE state = 'accepted' AND state NOT IN ('done', 'completed') AND message_id IS NOT NULL")
        for row in rows {
            guard let agency = row[0].string, let id = row[1].string, endpoints[agency]?.kind == .http,
                  let data = transports[agency]?.poll(messageID: id) else { continue }
            try ingest(data, source: "http:\(agency)", &report)
        }
    }

    // MARK: Sending

    var dueValues: [SQLValue] { [.integer(now.seconds)] }
    func dueSQL(limit: Int) -> String {
        let configured = endpoints.keys.sorted().map { "'\($0.replacingOccurrences(of: "'", with: ""))'" }.joined(separator: ",")
        return """
            SELECT dossier_id, code, agency, message_id FROM procedures
            WHERE state = 'ready' AND state NOT IN ('done', 'completed') AND agency IN (\(configured.isEmpty ? "''" : configured))
              AND (next_attempt_at IS NULL OR next_attempt_at <= ?)
            ORDER BY dossier_id, position LIMIT \(limit)
            """
    }

    struct Item: Sendable {
        let dossier: String
        let procedure: String
        let agency: String
        let messageID: String
        let body: Data
    }

    /// Picks the next due procedures and gives each its message (created once, then reused).
    func prepareBatch(_ report: inout TransferReport) throws -> [Item] {
        try db.writeTransaction {
            var items: [Item] = []
            let rows = try db.query(dueSQL(limit: options.batchSize), dueValues)
            var dossiers: [String: DossierRecord] = [:]
            for row in rows {
                let dossierID = row[0].string ?? "", code = row[1].string ?? "", agency = row[2].string ?? ""
                if let id = row[3].string, let body = try db.scalar("SELECT body FROM messages WHERE id = ?", [.text(id)]).string {
                    items.append(Item(dossier: dossierID, procedure: code, agency: agency, messageID: id, body: Data(body.utf8)))
                    continue
                }
                let dossier = try dossiers[dossierID] ?? ledger.dossier(dossierID)
                dossiers[dossierID] = dossier
                guard let procedure = dossier.procedures.first(where: { $0.code == code }) else { continue }
                let previous = try db.query("SELECT id FROM messages WHERE dossier_id = ? AND procedure = ? ORDER BY rowid DESC",
                                            [.text(dossierID), .text(code)]).compactMap { $0[0].string }
                let id = "\(dossierID).\(code).\(previous.count + 1)"
                let body: String
                do {
                    body = try MessageBuilder.build(ledger: ledger, messageID: id, supersedes: previous.first, dossier: dossier,
                                                    procedure: procedure, now: now).serialized()
                } catch let error as CivlinkError {
                    // One dossier that cannot be sent (no signed copy, ...) must not hold up the others.
                    try recordFailure(dossier: dossierID, procedure: code, messageID: nil, reason: "cannot build the message: \(error.message)", &report)
                    continue
                }
                try db.run("INSERT INTO messages(id, dossier_id, procedure, agency, supersedes, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           [.text(id), .text(dossierID), .text(code), .text(agency), SQLValue(previous.first), .text(body), .integer(now.seconds)])
                try db.run("UPDATE procedures SET message_id = ?, attempts = 0 WHERE dossier_id = ? AND code = ?",
                           [.text(id), .text(dossierID), .text(code)])
                items.append(Item(dossier: dossierID, procedure: code, agency: agency, messageID: id, body: Data(body.utf8)))
            }
            return items
        }
    }

    /// A failed attempt: count it, keep the error, back off; after the maximum, stuck. Call inside a transaction.
    func recordFailure(dossier: String, procedure: String, messageID: String?, reason: String, _ report: inout TransferReport) throws {
        let key: [SQLValue] = [.text(dossier), .text(procedure)]
        let attempts = (try db.scalar("SELECT attempts FROM procedures WHERE dossier_id = ? AND code = ?", key).int ?? 0) + 1
        let wait = backoffSeconds(attempts: attempts, base: options.backoffBaseSeconds, cap: options.backoffCapSeconds)
        try db.run("UPDATE procedures SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE dossier_id = ? AND code = ?",
                   [.integer(Int64(attempts)), .text(reason), .integer(now.seconds + Int64(wait))] + key)
        report.failed += 1
        if attempts >= options.maxAttempts {
            try ledger.transition(dossier: dossier, procedure: procedure, to: .stuck, actor: actor, now: now,
                                  detail: [("message_id", .optional(messageID)), ("attempts", .int(attempts)), ("last_error", .string(reason))])
            report.stuck += 1
        }
    }

    private final class Results: @unchecked Sendable {
        let lock = NSLock()
        var outcomes: [Int: DeliveryOutcome] = [:]
        var done = 0
    }

    func send(_ batch: [Item], _ report: inout TransferReport) throws {
        let results = Results()
        let transports = self.transports
        let progress = self.progress
        let total = batch.count
        // Dedicated threads, not the dispatch pool: a delivery blocks its thread, and blocking
        // dispatch workers starves the queues the HTTP stack itself runs on.
        let workers = min(max(1, options.concurrency), total)
        let finished = DispatchSemaphore(value: 0)
        var nextIndex = 0
        let claim = NSLock()
        nonisolated(unsafe) let claimNext: () -> Int? = {
            claim.lock()
            defer { claim.unlock() }
            guard nextIndex < total else { return nil }
            nextIndex += 1
            return nextIndex - 1
        }
        for _ in 0..<workers {
            let thread = Thread {
                while let index = claimNext() {
                    let item = batch[index]
                    let outcome = transports[item.agency]?.deliver(messageID: item.messageID, body: item.body) ?? .failed("agency not configured")
                    results.lock.lock()
                    results.outcomes[index] = outcome
                    results.done += 1
                    let done = results.done
                    results.lock.unlock()
                    progress?(done, total)
                }
                finished.signal()
            }
            thread.start()
        }
        for _ in 0..<workers { finished.wait() }
        // Delivered means durable: sync each transport of the batch before the ledger says "sent".
        for agency in Set(batch.map(\.agency)) {
            guard let problem = transports[agency]?.sync() else { continue }
            for (index, item) in batch.enumerated() where item.agency == agency {
                if case .delivered = results.outcomes[index]! { results.outcomes[index] = .failed(problem) }
            }
        }
        var receipts: [(Data, String)] = []
        try db.writeTransaction {
            for (index, item) in batch.enumerated() {
                let key: [SQLValue] = [.text(item.dossier), .text(item.procedure)]
                switch results.outcomes[index]! {
                case .delivered(let receipt):
                    try db.run("""
                        UPDATE procedures SET attempts = attempts + 1, sent_at = COALESCE(sent_at, ?), next_attempt_at = NULL, last_error = NULL
                        WHERE dossier_id = ? AND code = ?
                        """, [.integer(now.seconds)] + key)
                    try db.run("UPDATE messages SET delivered_at = COALESCE(delivered_at, ?) WHERE id = ?", [.integer(now.seconds), .text(item.messageID)])
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
        try db.writeTransaction {
            for (data, source) in receipts {
                switch try ledger.ingestReceiptInTransaction(data, source: source, actor: actor, now: now) {
                case .applied, .recorded: report.receipts += 1
                case .quarantined: report.quarantined += 1
                case .duplicate: break
                }
            }
        }
    }
}

extension Ledger {
    /// Support: sends a stuck, sent or accepted procedure again under the same message id (the
    /// receiver deduplicates), a rejected one (after the officer's correction) under a new id that
    /// supersedes the old, or one waiting on its backoff now.
    /// Returns the procedures it released.
    public func retry(dossier: String, procedure: String?, actor: String, now: Timestamp) throws -> [String] {
        try database.writeTransaction {
            let rows = try database.query("SELECT code, state FROM procedures WHERE dossier_id = ? AND (? IS NULL OR code = ?) ORDER BY position",
                                          [.text(dossier), SQLValue(procedure), SQLValue(procedure)])
            guard !rows.isEmpty else { throw NotFoundError("no dossier \(dossier)\(procedure.map { " with procedure \($0)" } ?? "") in this ledger") }
            var released: [String] = []
            for row in rows {
                let code = row[0].string ?? ""
                switch ProcedureState(rawValue: row[1].string ?? "") {
                case .stuck:
                    try database.run("UPDATE procedures SET attempts = 0, next_attempt_at = NULL WHERE dossier_id = ? AND code = ?", [.text(dossier), .text(code)])
                    try transition(dossier: dossier, procedure: code, to: .ready, actor: actor, now: now, detail: [("retry", .string("same message"))])
                case .rejected:
                    try database.run("UPDATE procedures SET attempts = 0, next_attempt_at = NULL, message_id = NULL WHERE dossier_id = ? AND code = ?",
                                     [.text(dossier), .text(code)])
                    try transition(dossier: dossier, procedure: code, to: .ready, actor: actor, now: now, detail: [("retry", .string("new message"))])
                case .sent, .accepted:
                    // No answer yet (a wiped spool, an agency that lost it): hand the same message over again.
                    try database.run("UPDATE procedures SET next_attempt_at = NULL WHERE dossier_id = ? AND code = ?", [.text(dossier), .text(code)])
                    try transition(dossier: dossier, procedure: code, to: .ready, actor: actor, now: now, detail: [("retry", .string("same message"))])
                case .ready:
                    try database.run("UPDATE procedures SET next_attempt_at = NULL WHERE dossier_id = ? AND code = ?", [.text(dossier), .text(code)])
                default:
                    continue
                }
                released.append(code)
            }
            return released
        }
    }

    /// Delivery facts of one procedure, for `civlink status`.
    public func delivery(dossier: String) throws -> [String: JSON] {
        var out: [String: JSON] = [:]
        for row in try database.query("""
            SELECT code, attempts, last_error, next_attempt_at, message_id, sent_at, answered_at, completed_at
            FROM procedures WHERE dossier_id = ?
            """, [.text(dossier)]) {
            func time(_ v: SQLValue) -> JSON { v.int.map { .string(Timestamp(seconds: Int64($0)).description) } ?? .null }
            out[row[0].string ?? ""] = .object([
                ("attempts", .int(row[1].int ?? 0)), ("last_error", .optional(row[2].string)), ("next_attempt_at", time(row[3])),
                ("message_id", .optional(row[4].string)), ("sent_at", time(row[5])), ("answered_at", time(row[6])), ("completed_at", time(row[7])),
            ])
        }
        return out
    }

    /// Procedures that need a person: stuck after the maximum attempts, or rejected by the agency.
    public func needingAttention() throws -> [(dossier: String, procedure: String, state: String, attempts: Int, lastError: String?)] {
        try database.query("""
            SELECT dossier_id, code, state, attempts, last_error FROM procedures WHERE state IN ('stuck', 'rejected') AND state NOT IN ('done', 'completed') ORDER BY dossier_id, position
            """).map { ($0[0].string ?? "", $0[1].string ?? "", $0[2].string ?? "", $0[3].int ?? 0, $0[4].string) }
    }
}
