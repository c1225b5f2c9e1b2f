import Foundation

/// A stand-in for the receiving systems, working on a spool directory: it reads each message in
/// `outbox/`, answers a receipt in `inbox/` (a valid result, or a rejection at the configured
/// rate), and deduplicates by message id like a real receiver. For training and tests only.
public struct AgencySimulator {
    public struct Options: Sendable {
        public var delaySeconds: Double = 0        // answer only messages at least this old
        public var failureRate: Double = 0         // chance the agency is "down" for a message this pass
        public var rejectionRate: Double = 0       // chance of a rejection
        public var acceptFirst = false             // answer "accepted" first, the result on the next pass
        public init() {}
    }

    public struct Pass: Sendable {
        public var answered = 0
        public var duplicates = 0
        public var skipped = 0
    }

    public let spool: SpoolTransport
    public let options: Options
    private var rng: SystemRandomNumberGenerator

    public init(directory: String, options: Options) {
        spool = SpoolTransport(directory: directory)
        self.options = options
        rng = SystemRandomNumberGenerator()
    }

    var seenDirectory: String { spool.directory + "/.simulator-seen" }

    /// One pass over the outbox.
    public mutating func runOnce(now: Date = Date()) throws -> Pass {
        try spool.prepare()
        try FileSystem.makeDirectory(seenDirectory)
        var pass = Pass()
        let names = (try? FileManager.default.contentsOfDirectory(atPath: spool.outbox)) ?? []
        for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
            let path = spool.outbox + "/" + name
            if options.delaySeconds > 0, let attributes = try? FileManager.default.attributesOfItem(atPath: path),
               let modified = attributes[.modificationDate] as? Date, now.timeIntervalSince(modified) < options.delaySeconds {
                pass.skipped += 1
                continue
            }
            guard let data = FileManager.default.contents(atPath: path), let message = try? JSONReader.parse(data),
                  let id = message["message_id"]?.stringValue, let procedure = message["procedure"]?.stringValue else {
                pass.skipped += 1
                continue
            }
            let seen = seenDirectory + "/" + id
            if let state = FileManager.default.contents(atPath: seen).map({ String(decoding: $0, as: UTF8.self) }) {
                if state == "accepted" {
                    try answer(id: id, procedure: procedure, message: message, status: "completed")
                    try SpoolTransport.atomicWrite(Data("completed".utf8), to: seen)
                    pass.answered += 1
                } else {
                    pass.duplicates += 1
                }
                unlink(path)
                continue
            }
            if Double.random(in: 0..<1, using: &rng) < options.failureRate {
                pass.skipped += 1
                continue
            }
            let status: String
            if Double.random(in: 0..<1, using: &rng) < options.rejectionRate { status = "rejected" }
            else { status = options.acceptFirst ? "accepted" : "completed" }
            try answer(id: id, procedure: procedure, message: message, status: status)
            try SpoolTransport.atomicWrite(Data(status.utf8), to: seen)
            appendLog(id)
            if status != "accepted" { unlink(path) }
            pass.answered += 1
        }
        return pass
    }

    /// Every message id the simulator took in, once per id: `delivered.log`.
    func appendLog(_ id: String) {
        let path = spool.directory + "/delivered.log"
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        _ = (id + "\n").withCString { write(fd, $0, strlen($0)) }
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
        } else if status == "completed" {
            members.append(("result", AgencySimulator.result(procedure: procedure, message: message, rng: &rng)))
        }
        try SpoolTransport.atomicWrite(Data(JSON.object(members).serialized().utf8), to: spool.inbox + "/\(id).\(status).json")
    }

    static func digits(_ n: Int, rng: inout SystemRandomNumberGenerator) -> String {
        String((0..<n).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
    }

    /// A plausible result for `procedure`: a valid personal ID number, an HI card valid per the
    /// under-6 rule, confirmations, decisions and amounts.
    public static func result(procedure: String, message: JSON, rng: inout SystemRandomNumberGenerator) -> JSON {
        let data = message["data"] ?? .null
        let province = message["province"]?.stringValue ?? "01"
        switch procedure {
        case ProcedureKind.personalID.code:
            let child = data["child"] ?? .null
            let born = child["date_of_birth"]?.stringValue.flatMap(CivilDate.init) ?? CivilDate(year: 2026, month: 1, day: 1)!
            let female = child["sex"]?.stringValue == "female"
            let century = (born.year / 100 - 19) * 2 + (female ? 1 : 0)
            let code = data["province_id_code"]?.stringValue ?? "001"
            let yy = String(format: "%02d", born.year % 100)
            return .object([("personal_id", .string("\(code)\(century)\(yy)\(digits(6, rng: &rng))"))])
        case ProcedureKind.residenceRegistration.code:
            return .object([("confirmation", .string("DKTT-\(province)-\(digits(8, rng: &rng))"))])
        case ProcedureKind.residenceDeletion.code:
            return .object([("confirmation", .string("XTT-\(province)-\(digits(8, rng: &rng))"))])
        case ProcedureKind.healthInsuranceCard.code:
            let born = data["child"]?["date_of_birth"]?.stringValue.flatMap(CivilDate.init) ?? CivilDate(year: 2026, month: 1, day: 1)!
            return .object([
                ("card_number", .string("TE1\(province)\(digits(10, rng: &rng))")),
                ("valid_from", .string(born.description)),
                ("valid_until", .string(healthInsuranceValidUntil(born: born).description)),
            ])
        case ProcedureKind.funeralAllowance.code:
            let amount = data["benefit"]?["amount_vnd"]?.intValue ?? 23_400_000
            return .object([("decision", .string("QD-BHXH-\(digits(6, rng: &rng))")), ("amount_vnd", .int(amount))])
        case ProcedureKind.funeralSupport.code:
            return .object([("decision", .string("QD-TCXH-\(digits(6, rng: &rng))")), ("amount_vnd", .int(10_000_000))])
        default:
            return .object([])
        }
    }

    /// Free HI card for a child under 6: valid until the child is 72 months old; a child who turns
    /// 72 months before the school year starts keeps it until 30 September of that year.
    public static func healthInsuranceValidUntil(born: CivilDate) -> CivilDate {
        let sixth = born.adding(years: 6)
        if sixth.month <= 9 { return CivilDate(year: sixth.year, month: 9, day: 30)! }
        return sixth.adding(days: -1)
    }
}
