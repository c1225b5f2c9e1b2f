import FoundationEssentials
import Glibc

/// A stand-in for the receiving systems, working on a spool directory: it reads each message in
/// `outbox/`, answers a receipt in `inbox/` (the result its procedure's catalogue entry makes, or
/// a rejection at the configured rate; an update gets a corrected result, a void a completion
/// without one), and deduplicates by message id like a real receiver. For training and tests only.
public struct AgencySimulator {
    public struct Options: Sendable {
        public var delaySeconds: Double = 0        // answer only messages at least this old
        public var failureRate: Double = 0         // chance the agency is "down" for a message this pass
        public var rejectionRate: Double = 0       // chance of a rejection
        public var acceptFirst = false             // answer "accepted" first, the result on the next pass
        public var seed: UInt64?                   // replay a run's random choices
        public init() {}
    }

    public struct Pass: Sendable {
        public var answered = 0
        public var duplicates = 0
        public var skipped = 0
        /// Messages refused: not a regular file of this user's, or a message id that is not a
        /// safe file name (it would put the answer outside the spool).
        public var refused = 0
    }

    public let spool: SpoolTransport
    public let options: Options
    private var random: SeededRandom

    public init(directory: String, options: Options) {
        spool = SpoolTransport(directory: directory)
        self.options = options
        random = options.seed.map(SeededRandom.init(seed:)) ?? SeededRandom()
    }

    public var seed: UInt64 { random.seed }

    var seenDirectory: String { spool.directory + "/.simulator-seen" }

    /// What a pass has answered but not yet made durable: answers are written as it goes; then,
    /// every 1,000 messages and at the end, the inbox is synced once, then the simulator's own
    /// record of what it answered, then the log, and only then are the answered messages removed
    /// from the outbox. A pass killed half way answers the rest again on the next (civlink
    /// deduplicates receipts); none is lost.
    private struct Pending {
        var markers: [(path: String, status: String)] = []
        var logged: [String] = []
        var consumed: [String] = []
        var isEmpty: Bool { markers.isEmpty && consumed.isEmpty }
    }

    private func settle(_ pending: inout Pending) throws {
        guard !pending.isEmpty else { return }
        if let problem = Files.fsyncDirectory(spool.inbox) { throw Failure(.io, problem) }
        for (path, status) in pending.markers { try Files.atomicWrite(Data(status.utf8), to: path, syncDirectory: false) }
        if let problem = Files.fsyncDirectory(seenDirectory) { throw Failure(.io, problem) }
        appendLog(pending.logged)
        for path in pending.consumed { unlink(path) }
        pending = Pending()
    }

    /// One pass over the outbox.
    public mutating func runOnce() throws -> Pass {
        try spool.prepare()
        try Files.makeDirectory(seenDirectory)
        var pass = Pass()
        var pending = Pending()
        let names = Files.list(spool.outbox) ?? []
        let now = MonotonicClock.wallSeconds()
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            if pending.consumed.count + pending.markers.count >= 1000 { try settle(&pending) }
            let path = spool.outbox + "/" + name
            if options.delaySeconds > 0 {
                var info = stat()
                if stat(path, &info) == 0, now - (Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9) < options.delaySeconds {
                    pass.skipped += 1
                    continue
                }
            }
            guard case .success(let data) = Files.readUntrusted(path, maxBytes: 16 << 20, trusting: { uid, _ in uid == geteuid() }),
                  let message = try? JSONReader.parse(data), let id = message["message_id"]?.stringValue,
                  let procedure = message["procedure"]?.stringValue else {
                pass.skipped += 1
                continue
            }
            // The id names the answer's file: one that could leave the spool is refused.
            guard SpoolTransport.isSafeName(id), SpoolTransport.isSafeName(procedure) else {
                pass.refused += 1
                continue
            }
            let seen = seenDirectory + "/" + id
            if let state = Files.read(seen).map({ String(decoding: $0, as: UTF8.self) }) {
                if state == "accepted" {
                    try answer(id: id, procedure: procedure, message: message, status: "completed")
                    pending.markers.append((seen, "completed"))
                    pass.answered += 1
                } else {
                    pass.duplicates += 1
                }
                pending.consumed.append(path)
                continue
            }
            if Double.random(in: 0..<1, using: &random) < options.failureRate {
                pass.skipped += 1
                continue
            }
            let status: String
            if Double.random(in: 0..<1, using: &random) < options.rejectionRate { status = "rejected" }
            else { status = options.acceptFirst ? "accepted" : "completed" }
            try answer(id: id, procedure: procedure, message: message, status: status)
            pending.markers.append((seen, status))
            pending.logged.append(id)
            if status != "accepted" { pending.consumed.append(path) }
            pass.answered += 1
        }
        try settle(&pending)
        return pass
    }

    /// Every message id the simulator took in, once per id: `delivered.log`.
    func appendLog(_ ids: [String]) {
        guard !ids.isEmpty else { return }
        let path = spool.directory + "/delivered.log"
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        _ = Array(ids.map { $0 + "\n" }.joined().utf8).withUnsafeBytes { Files.writeAll(fd, $0) }
        fsync(fd)
        close(fd)
    }

    mutating func answer(id: String, procedure: String, message: JSON, status: String) throws {
        var members: [(String, JSON)] = [
            ("format", .string("civlink.receipt/1")), ("message_id", .string(id)), ("procedure", .string(procedure)),
            ("status", .string(status)),
        ]
        if status == "rejected" {
            members.append(("reason", .string("simulated rejection: the receiving officer asks for a correction")))
        } else if status == "completed", message["kind"]?.stringValue != MessageKind.void.rawValue {
            // A request or an update is answered with its (corrected) result; a void, with none.
            members.append(("result", AgencySimulator.result(procedure: procedure, message: message, random: &random)))
        }
        try Files.atomicWrite(Data(JSON.object(members).serialized().utf8), to: spool.inbox + "/\(id).\(status).json", syncDirectory: false)
    }

    /// A plausible result for `procedure`, from its catalogue entry: a valid personal ID number, an
    /// HI card valid per the under-6 rule, confirmations, decisions and amounts.
    public static func result(procedure: String, message: JSON, random: inout SeededRandom) -> JSON {
        ProcedureKind.named(procedure)?.simulatedResult?(message, &random) ?? .object([])
    }
}
