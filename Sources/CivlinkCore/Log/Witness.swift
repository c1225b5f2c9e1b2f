import FoundationEssentials
import Glibc

/// What a witness remembers of each log it cosigns (civlink-log(5)), in a file of its own (mode
/// 0600, replaced atomically):
///
///     {"format":"civlink.witness/1","logs":[{"origin":"civlink/40/17986/...","key":"<verifier key>",
///       "size":1234,"root":"<hex>","checkpoint":"<the last signed note cosigned>"}]}
public struct WitnessState: Sendable {
    public static let format = "civlink.witness/1"

    public struct Log: Sendable {
        public let origin: String
        public let key: String
        public var size: UInt64
        public var root: MerkleHash
        public var checkpoint: String
    }

    public private(set) var logs: [String: Log] = [:]

    public init() {}

    public static func load(path: String) throws -> WitnessState {
        guard Files.exists(path) else { return WitnessState() }
        guard let data = Files.read(path) else { throw Failure(.io, "cannot read the witness state \(path): \(Files.reason())") }
        let object = try JSONReader.parse(data)
        guard object["format"]?.stringValue == format, let logs = object["logs"]?.arrayValue else {
            throw Failure(.invalidInput, "\(path) is not a \(format) witness state")
        }
        var state = WitnessState()
        for log in logs {
            guard let origin = log["origin"]?.stringValue, let key = log["key"]?.stringValue, let size = log["size"]?.intValue, size >= 0,
                  let root = log["root"]?.stringValue.flatMap({ MerkleHash(hex: $0) }), let note = log["checkpoint"]?.stringValue else {
                throw Failure(.invalidInput, "\(path): a log entry lacks its origin, key, size, root or checkpoint")
            }
            state.logs[origin] = Log(origin: origin, key: key, size: UInt64(size), root: root, checkpoint: note)
        }
        return state
    }

    public func save(path: String) throws {
        let object = JSON.object([
            ("format", .string(WitnessState.format)),
            ("logs", .array(logs.keys.sorted().map { origin in
                let log = logs[origin]!
                return .object([("origin", .string(origin)), ("key", .string(log.key)), ("size", .int(Int(log.size))),
                                ("root", .string(log.root.hex)), ("checkpoint", .string(log.checkpoint))])
            })),
        ])
        try Files.atomicWrite(Data((object.pretty() + "\n").utf8), to: path)
    }

    mutating func record(_ log: Log) { logs[log.origin] = log }
}

/// A province's witness (C2SP tlog-cosignature): it cosigns a commune's checkpoint only after
/// checking that it is signed by the log's key and consistent with the last checkpoint of that
/// log it cosigned, so a log cannot show it two different histories.
public struct Witness {
    public enum Outcome: Sendable {
        /// Cosigned: the note with the witness's cosignature added.
        case cosigned(note: String)
        /// Older than what the witness has seen, or the same: nothing to do.
        case skipped(Phrase)
        /// Not cosigned: not signed by the log, unknown log, inconsistent (a fork or a rewrite).
        case refused(Phrase)
    }

    public let signer: CosignatureV1Signer
    public private(set) var state: WitnessState

    public init(signer: CosignatureV1Signer, state: WitnessState) {
        self.signer = signer
        self.state = state
    }

    /// A new witness key named `name` in a new file only its owner may read.
    public static func createKey(name: String, path: String) throws -> CosignatureV1Signer {
        let signer = try CosignatureV1Signer.generate(name: name)
        try NoteKeyFile.save(signerKey: signer.signerKey, to: path)
        return signer
    }

    public static func loadKey(path: String) throws -> CosignatureV1Signer {
        try CosignatureV1Signer(signerKey: try NoteKeyFile.load(from: path))
    }

    /// Checks one checkpoint and cosigns it. `logKeys` are verifier keys given for logs seen for
    /// the first time (a log's key name is its origin).
    public mutating func witness(_ envelope: CheckpointEnvelope, logKeys: [String], now: UInt64) -> Outcome {
        let checkpoint = envelope.checkpoint
        let origin = checkpoint.origin
        let known = state.logs[origin]
        let given = logKeys.first { (try? Ed25519NoteVerifier(verifierKey: $0))?.name == origin }
        if let known, let given, given != known.key {
            return .refused("log \(origin): the key given is not the key recorded for it (\(known.key)); a log keeps its key")
        }
        guard let key = known?.key ?? given else {
            return .refused("log \(origin) is unknown to this witness: give its verifier key the first time")
        }
        do {
            _ = try Checkpoint.verify(Array(envelope.note.utf8), log: try Ed25519NoteVerifier(verifierKey: key), expectedOrigin: origin)
        } catch let error as CivlinkError {
            return .refused("log \(origin): \(error.phrase)")
        } catch {
            return .refused("log \(origin): \(Phrase(verbatim: "\(error)"))")
        }
        if let known {
            if checkpoint.size < known.size {
                return .skipped("log \(origin): size \(checkpoint.size) is older than the last cosigned, \(known.size)")
            }
            if checkpoint.size == known.size {
                guard checkpoint.rootHash == known.root else {
                    return .refused("log \(origin): two different trees of size \(checkpoint.size) (root \(checkpoint.rootHash.hex), cosigned \(known.root.hex)): the log was rewritten")
                }
            } else {
                guard let proof = envelope.proofs.first(where: { $0.oldSize == known.size }) else {
                    return .refused("log \(origin): no consistency proof from size \(known.size), the last cosigned, to \(checkpoint.size)")
                }
                do {
                    try proof.verify(oldRoot: known.root, newRoot: checkpoint.rootHash)
                } catch {
                    return .refused("log \(origin): size \(checkpoint.size) is not consistent with size \(known.size), the last cosigned: \(error.phrase); the log was rewritten")
                }
            }
        }
        let cosigned: String
        do {
            let dated = try CosignatureV1Signer(name: signer.name, privateKey: signer.privateKey, clock: { now })
            cosigned = try CosignatureV1.cosign(note: envelope.note, signer: dated)
        } catch let error as CivlinkError {
            return .refused("log \(origin): \(error.phrase)")
        } catch {
            return .refused("log \(origin): \(Phrase(verbatim: "\(error)"))")
        }
        state.record(WitnessState.Log(origin: origin, key: key, size: checkpoint.size, root: checkpoint.rootHash, checkpoint: cosigned))
        return .cosigned(note: cosigned)
    }
}

/// An exclusive lock on `<state>.lock` (flock), so two witness runs never cosign from one state.
public final class WitnessLock {
    private let fd: Int32

    public init(statePath: String) throws {
        fd = open(statePath + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(.cannotCreate, "cannot open the witness lock: \(Files.reason())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Failure(.busy, "another witness run holds \(statePath); try again later")
        }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
