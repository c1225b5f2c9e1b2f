import CivlinkCore
import Foundation
import XCTest

/// A ledger in a scratch directory, driven in process through civlink's own operations, each at
/// a time the test chooses: registration, signing with a real officer key, transfers to spool
/// agencies and the agencies' receipts. Every state it reaches is reached by real transitions,
/// with their events; nothing is set by hand.
public final class LedgerFixture {
    public let directory: String
    public let ledger: Ledger
    private var signers: [String: Signer] = [:]
    private var ca: (key: PrivateKey, root: Certificate)?
    private var actor = "officer-test"

    /// A new ledger at `path`, or in a scratch directory of its own; with `existing`, the ledger
    /// already at `path`.
    public init(path: String? = nil, existing: Bool = false) throws {
        directory = path.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("civlink-fixture-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // A training ledger: the fixture signs at the times its tests choose.
        ledger = try Ledger(path: path ?? directory + "/civlink.db", create: !existing, setup: LedgerSetup(training: true))
    }

    public static func at(_ text: String) -> Timestamp {
        guard let stamp = Timestamp(text) else { preconditionFailure("not an RFC 3339 time: \(text)") }
        return stamp
    }

    /// Registers a declaration (a JSON object as the tests write them) at `time`; returns its id.
    @discardableResult
    public func register(_ group: ProcedureGroup, _ declaration: [String: Any], at time: String) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: declaration, options: [.sortedKeys])
        return try Registration.register(data, group: group, ledger: ledger, actor: actor, now: LedgerFixture.at(time)).id
    }

    /// An officer of `commune` (17986 by default) with a key and certificate from a CA made here.
    public func officer(commune: String = "17986") throws -> Signer {
        if let signer = signers[commune] { return signer }
        let start = LedgerFixture.at("2026-01-01T00:00:00+07:00")
        if ca == nil {
            let caKey = try PrivateKey.generate(.ed25519)
            ca = (caKey, try CertificateAuthority.makeRoot(key: caKey, name: "Test Province CA", province: "40", notBefore: start, days: 3650))
        }
        let (caKey, root) = ca!
        try ledger.recordTrustedRoots([root], now: start)
        let key = try PrivateKey.generate(.ed25519)
        let csr = try CertificateAuthority.request(key: key, officer: "Phạm Thị Lan", commune: commune, role: "civil-status officer")
        let cert = try CertificateAuthority.issue(csrPEM: csr, officer: "Phạm Thị Lan", commune: commune, role: "civil-status officer",
                                                  caCert: root, caKey: caKey, notBefore: start,
                                                  notAfter: Timestamp(seconds: start.seconds + 730 * 86400))
        let name = commune == "17986" ? "fixture-officer" : "fixture-officer-\(commune)"
        try Files.writePrivate(directory + "/\(name).key", key.pem, replace: true)
        try Files.writePrivate(directory + "/\(name).pem", Data((cert.pem + root.pem).utf8), replace: true)
        let made = try Signer(keyPath: directory + "/\(name).key", certificatePath: directory + "/\(name).pem")
        signers[commune] = made
        return made
    }

    /// Signs the dossier's certificate copy at `time`, as an officer of its commune.
    public func sign(_ id: String, at time: String) throws {
        let commune = try ledger.dossier(id).commune
        _ = try Signing.sign(dossier: id, ledger: ledger, signer: try officer(commune: commune), actor: actor, now: LedgerFixture.at(time))
    }

    /// The spool directory of an agency in this fixture.
    public func spool(_ agency: String) -> String { directory + "/spool-" + agency }

    /// Every sending agency reached through a spool of its own here.
    public func useSpools(now time: String = "2026-01-01T00:00:00+07:00") throws {
        for agency in Agency.sendable { try reach(agency.rawValue, spool: spool(agency.rawValue), at: time) }
    }

    /// Reaches `agency` through `spool` (a path that cannot be a directory makes every delivery fail).
    public func reach(_ agency: String, spool path: String, at time: String = "2026-01-01T00:00:00+07:00") throws {
        try ledger.saveAgency(try AgencyEndpoint(code: agency, kind: .spool, target: path), now: LedgerFixture.at(time))
    }

    /// One transfer run at `time`: sends what is ready, ingests what the agencies answered.
    @discardableResult
    public func transfer(at time: String, maxAttempts: Int = 8) throws -> TransferReport {
        var options = TransferOptions()
        options.maxAttempts = maxAttempts
        return try TransferRunner(ledger: ledger, actor: actor, now: LedgerFixture.at(time), options: options).run()
    }

    /// The agency's answer to the procedure's current message, applied at `time`.
    @discardableResult
    public func answer(_ id: String, _ procedure: String, _ status: Receipt.Status, at time: String, result: [String: Any]? = nil,
                       reason: String = "the receiving officer asks for a correction") throws -> IngestOutcome {
        guard let message = try ledger.delivery(dossier: id)[procedure]?.messageID else {
            throw Failure(.notFound, "dossier \(id): \(procedure) has no message to answer")
        }
        var receipt: [String: Any] = ["format": "civlink.receipt/1", "message_id": message, "procedure": procedure, "status": status.rawValue]
        switch status {
        case .completed: receipt["result"] = result ?? [:]
        case .rejected: receipt["reason"] = reason
        case .accepted: break
        }
        let data = try JSONSerialization.data(withJSONObject: receipt, options: [.sortedKeys])
        return try ledger.ingestReceipt(data, source: "fixture:\(procedure)", actor: actor, now: LedgerFixture.at(time))
    }

    public func state(_ id: String, _ procedure: String) throws -> ProcedureState? {
        try ledger.dossier(id).procedures.first { $0.code == procedure }?.state
    }
}

/// Ledgers as an older civlink left them, for migration tests: the schema of `version`, made by
/// the sqlite3 CLI with the migrations of that time (the SQL each one ran, never edited since).
public enum OldLedger {
    public static var latest: Int { Migrations.latest }

    public static func make(at path: String, version: Int) throws {
        var script = "PRAGMA journal_mode = WAL;\n"
        for migration in Migrations.ordered where migration.version <= version {
            script += migration.sql + "\nPRAGMA user_version = \(migration.version);\n"
        }
        _ = try Process.capture("/usr/bin/sqlite3", [path], stdin: Data(script.utf8))
        chmod(path, 0o600)
    }
}
