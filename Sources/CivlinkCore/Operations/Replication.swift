import FoundationEssentials
import Glibc

/// A commune's ledger replicated into a province's (civlink-export(5)). The export is JSON Lines:
/// a header naming the source (its log origin and verifier key) and the events it covers, every
/// event after the cursor with its hash, after each `rows` event the content of each replicated
/// row it is the first in the export to list (as the row is at the end of the export, with the
/// event that lists it last: its digest there must be the content's), and the checkpoint of the
/// tree at the last event, signed by the ledger key. The importer checks all of it before it
/// writes anything, then applies it a chunk a transaction, each with the source's cursor.
public enum ReplicaExport {
    public static let format = "civlink.export/1"

    public struct Summary: Sendable {
        public let source: String
        public let since: Int64
        public let size: Int64
        public let rows: Int
    }

    /// The name an export travels under in a spool (`<name>.json`): its source made safe for a
    /// file name and its range, zero-padded so that names sort in the order to import them.
    public static func fileName(source: String, since: Int64, size: Int64) -> String {
        let safe = source.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        return "export-" + String(safe) + "-" + pad(Int(since), 12) + "-" + pad(Int(size), 12)
    }

    /// Writes the export of the events after `since` through `emit`, one line at a time (without
    /// newline), and records the checkpoint it signed.
    public static func write(ledger: Ledger, since: Int64, now: Timestamp, _ emit: (String) throws -> Void) throws -> Summary {
        let signer = try ledger.logSigner()
        let identity = try ledger.logIdentity()
        let tables = try ledger.replicaTables()
        var rows = 0
        let (checkpoint, note, size) = try ledger.snapshot { () -> (Checkpoint, String, Int64) in
            let head = try ledger.exportHead()
            guard since >= 0, since <= head.size else {
                throw Failure(.invalidInput, "the cursor \(since) is beyond this ledger's \(head.size) events")
            }
            // Where each replicated row is listed first and last in the export, and its digest there.
            var spans: [String: (first: Int64, last: Int64, digest: String?)] = [:]
            try ledger.forEachEvent(after: since, through: head.size) { event, _, _ in
                for entry in RowsEntry.entries(of: event) where tables[entry.table] != nil {
                    let id = entry.id
                    if let span = spans[id] { spans[id] = (span.first, event.seq, entry.digest) } else { spans[id] = (event.seq, event.seq, entry.digest) }
                }
            }
            try emit(JSON.object([
                ("format", .string(format)), ("source", .string(identity.origin)), ("key", .string(identity.verifierKey)),
                ("since", .int(Int(since))), ("size", .int(Int(head.size))), ("exported_at", .string(now.description)),
            ]).serialized(sortKeys: true))
            try ledger.forEachEvent(after: since, through: head.size) { event, _, hash in
                try emit(JSON.object([("event", event.canonicalBody), ("hash", .string(hash))]).serialized(sortKeys: true))
                var shipped = Set<String>()
                for entry in RowsEntry.entries(of: event) {
                    guard let table = tables[entry.table], let span = spans[entry.id], span.first == event.seq, shipped.insert(entry.id).inserted else { continue }
                    var values: JSON = .null
                    if let digest = span.digest {
                        guard let row = try ledger.replicatedRow(table, key: entry.key), row.digest.hexString == digest else {
                            throw Failure(.ledgerCorrupt, "a row of \(entry.table) is not as event \(span.last) records it", remedy: .runAudit)
                        }
                        values = .object(row.values)
                    }
                    rows += 1
                    try emit(JSON.object([("row", .string(entry.table)), ("key", .array(entry.key)), ("final", .int(Int(span.last))), ("values", values)])
                        .serialized(sortKeys: true))
                }
            }
            let checkpoint = try Checkpoint(origin: signer.name, size: UInt64(head.size), rootHash: head.root)
            let note = try checkpoint.sign(signers: [signer])
            try emit(JSON.object([("checkpoint", .string(note))]).serialized(sortKeys: true))
            return (checkpoint, note, head.size)
        }
        try ledger.recordCheckpoint(checkpoint, note: note, now: now)
        return Summary(source: identity.origin, since: since, size: size, rows: rows)
    }
}

/// One entry of a `rows` event: `[table, key, digest or null, dossier?]`.
struct RowsEntry {
    let table: String
    let key: [JSON]
    let digest: String?

    /// Table and key, as one map key.
    var id: String { table + "\u{1}" + JSON.array(key).serialized(sortKeys: true) }

    static func entries(of event: LedgerEvent) -> [RowsEntry] {
        guard event.kind == LedgerEvent.rowsKind, let rows = event.detail["rows"]?.arrayValue else { return [] }
        return rows.compactMap { item in
            guard let parts = item.arrayValue, parts.count >= 3, let table = parts[0].stringValue, let key = parts[1].arrayValue else { return nil }
            return RowsEntry(table: table, key: key, digest: parts[2].stringValue)
        }
    }
}

/// Loads exports into a province ledger (civlink-import(1)).
public final class ReplicaImport {
    public struct SourceResult: Sendable {
        public let source: String
        public let from: Int64
        public let to: Int64
        public let events: Int
        public let rows: Int
        public let keyGiven: Bool
        public let firstTime: Bool
    }

    public struct Result: Sendable {
        public var sources: [SourceResult] = []
        public var findings: [ReplicaFinding] = []
    }

    /// Events, or row changes, a transaction applies at most.
    public var chunkEvents = 5000
    public var chunkRows = 20000

    private let ledger: Ledger
    private let logKeys: [String: String]
    private let now: Timestamp
    private let tables: [String: ReplicaTable]
    private let hasher = MerkleHasher()

    /// `logKeys`: verifier keys given for sources seen the first time, by their names (origins).
    public init(ledger: Ledger, logKeys: [String], now: Timestamp) throws {
        self.ledger = ledger
        var keys: [String: String] = [:]
        for key in logKeys {
            guard let name = key.split(separator: "+").first.map(String.init), (try? Ed25519NoteVerifier(verifierKey: key)) != nil else {
                throw ValidationError("log key", "must be a verifier key name+id+key")
            }
            keys[name] = key
        }
        self.logKeys = keys
        self.now = now
        tables = try ledger.replicaTables()
    }

    /// What a pass knows of one source.
    private struct SourceState {
        let source: String
        let verifier: Ed25519NoteVerifier
        let keyText: String
        let keyGiven: Bool
        let firstTime: Bool
        /// As stored when the import began.
        let known: (seq: Int64, hash: String, border: MerkleFrontier)
        var last: (seq: Int64, hash: String)?
        /// The tree through `last`, once `last` reached what was known.
        var frontier: MerkleFrontier?
        /// Rows given at their first listing whose last listing is still to come: table and key → (that event, digest).
        var pending: [String: (final: Int64, digest: String?)] = [:]
        var pendingByFinal: [Int64: [String]] = [:]
        var sectionSize: Int64 = 0
        var sectionOpen = false
        /// What the apply pass has committed.
        var applied: (seq: Int64, hash: String, border: MerkleFrontier)
        var events = 0
        var rows = 0
        var from: Int64?
    }

    private var states: [String: SourceState] = [:]
    private var current: String?
    /// The replicated entries of the last event read, by table and key (the last digest for each),
    /// and those the export must give content for after it.
    private var eventEntries: [String: String?] = [:]
    private var expected: Set<String> = []
    private var lastEvent: Int64 = 0

    // What the apply pass holds for the next transaction.
    private enum Operation {
        case upsert(ReplicaTable, [(String, JSON)])
        case delete(ReplicaTable, [JSON])
    }
    private var operations: [Operation] = []
    private var chunkEventCount = 0
    private var result = Result()

    /// Checks the whole input, then applies it. `open` gives a fresh reader over the input for each pass.
    public func run(open: () throws -> LineReader) throws -> Result {
        var reader = try open()
        try pass(&reader, apply: false)
        states = [:]
        current = nil
        reader = try open()
        try pass(&reader, apply: true)
        for state in states.values.sorted(by: { $0.source < $1.source }) {
            result.sources.append(SourceResult(source: state.source, from: state.from ?? state.applied.seq, to: state.applied.seq, events: state.events,
                                               rows: state.rows, keyGiven: state.keyGiven, firstTime: state.firstTime))
        }
        return result
    }

    private func refuse(_ source: String?, _ seq: Int64?, _ phrase: Phrase) -> Failure {
        switch (source, seq) {
        case let (source?, seq?): return Failure(.invalidInput, "source \(source), event \(seq): \(phrase); nothing imported")
        case let (source?, nil): return Failure(.invalidInput, "source \(source): \(phrase); nothing imported")
        default: return Failure(.invalidInput, "\(phrase); nothing imported")
        }
    }

    private func pass(_ reader: inout LineReader, apply: Bool) throws {
        while let (number, data) = reader.next() {
            guard let data else { throw refuse(current, nil, "line \(number) is too long") }
            if data.isEmpty { continue }
            // The second pass reads an event's place in the chain straight from its canonical
            // line, which the first pass checked, without parsing its detail again.
            if apply, let (seq, prev, hash) = ReplicaImport.chainFields(data) {
                try endEvent(apply: apply)
                try advance(seq: seq, prev: prev, hash: hash, apply: true)
                continue
            }
            let line: JSON
            do { line = try JSONReader.parse(data, limits: .document) } catch {
                throw refuse(current, current.flatMap { states[$0]?.last?.seq }, "line \(number) is not JSON")
            }
            if line["format"] != nil {
                try endEvent(apply: apply)
                try header(line, apply: apply)
            } else if let event = line["event"] {
                try endEvent(apply: apply)
                try self.event(event, hash: line["hash"]?.stringValue, raw: data, apply: apply)
            } else if line["row"] != nil {
                try row(line, apply: apply)
            } else if let note = line["checkpoint"]?.stringValue {
                try endEvent(apply: apply)
                try checkpoint(note, apply: apply)
            } else {
                throw refuse(current, nil, "line \(number) is neither a header, an event, a row nor a checkpoint")
            }
        }
        if let error = reader.readError { throw Failure(.io, "cannot read the export: \(Phrase(verbatim: error))") }
        try endEvent(apply: apply)
        for state in states.values {
            if state.sectionOpen {
                throw refuse(state.source, state.last?.seq, "the export ends without its checkpoint (truncated)")
            }
            if let (key, _) = state.pending.first {
                throw refuse(state.source, state.pending[key]?.final, "a row's last listing is missing (truncated)")
            }
        }
    }

    private func header(_ line: JSON, apply: Bool) throws {
        guard line["format"]?.stringValue == ReplicaExport.format else {
            throw refuse(nil, nil, "the export's format is not \(ReplicaExport.format)")
        }
        guard let source = line["source"]?.stringValue, SignedNote.isValidKeyName(source), let key = line["key"]?.stringValue,
              let since = line["since"]?.intValue, let size = line["size"]?.intValue, since >= 0, size >= since else {
            throw refuse(nil, nil, "the export's header lacks its source, key, since or size")
        }
        if let open = current.flatMap({ states[$0] }), open.sectionOpen {
            throw refuse(open.source, open.last?.seq, "the export ends without its checkpoint (truncated)")
        }
        current = source
        if states[source] == nil {
            let cursor = try ledger.replicaCursor(source)
            let keyText: String, given: Bool
            if let cursor {
                guard cursor.verifierKey == key else { throw refuse(source, nil, "the export's key is not the key recorded for this source") }
                keyText = cursor.verifierKey
                given = cursor.keyGiven
            } else if let expected = logKeys[source] {
                guard expected == key else { throw refuse(source, nil, "the export's key is not the key given for this source") }
                keyText = key
                given = true
            } else {
                keyText = key
                given = false
            }
            let verifier: Ed25519NoteVerifier
            do { verifier = try Ed25519NoteVerifier(verifierKey: keyText) } catch { throw refuse(source, nil, "the export's key is not a verifier key") }
            guard verifier.name == source else { throw refuse(source, nil, "the export's key is named for another log") }
            let seq = cursor?.seq ?? 0
            guard let border = cursor.map({ MerkleFrontier(size: UInt64($0.seq), text: $0.border) }) ?? MerkleFrontier() else {
                throw Failure(.ledgerCorrupt, "the cursor recorded for source \(source) is damaged", remedy: .runAudit)
            }
            let known = (seq, cursor?.hash ?? Ledger.genesisHash, border)
            states[source] = SourceState(source: source, verifier: verifier, keyText: keyText, keyGiven: given, firstTime: cursor == nil,
                                         known: known, frontier: seq == 0 ? MerkleFrontier() : nil, applied: known)
        }
        if states[source]!.last == nil && Int64(since) == states[source]!.known.seq { states[source]!.frontier = states[source]!.known.border }
        states[source]!.sectionOpen = true
        states[source]!.sectionSize = Int64(size)
        if let last = states[source]!.last, Int64(since) != last.seq {
            throw refuse(source, Int64(since) + 1, "the export does not follow event \(last.seq) of the one before it")
        }
    }

    /// The sequence number, previous hash and hash of an event line in the canonical form the
    /// export writes (`{"event":{...,"prev":P,"procedure":X,"seq":N},"hash":H}`), or nil.
    static func chainFields(_ data: Data) -> (Int64, String, String)? {
        let bytes = [UInt8](data)
        let n = bytes.count
        let head = Array(#"{"event":"#.utf8), tail = Array(#"},"hash":""#.utf8)
        guard n > 200, bytes.starts(with: head), bytes[n - 2] == 0x22, bytes[n - 1] == 0x7D,
              Array(bytes[(n - 76)..<(n - 66)]) == tail else { return nil }
        let hash = String(decoding: bytes[(n - 66)..<(n - 2)], as: UTF8.self)
        var i = n - 77
        var seq: Int64 = 0, scale: Int64 = 1
        while i > 0, (0x30...0x39).contains(bytes[i]) {
            seq += Int64(bytes[i] - 0x30) * scale
            scale *= 10
            i -= 1
        }
        let seqKey = Array(#""seq":"#.utf8)
        guard scale > 1, i >= seqKey.count, Array(bytes[(i - seqKey.count + 1)...i]) == seqKey else { return nil }
        let prevKey = Array(#""prev":""#.utf8)
        var j = i - seqKey.count - prevKey.count
        while j > head.count {
            if bytes[j] == 0x22, Array(bytes[j..<(j + prevKey.count)]) == prevKey { break }
            j -= 1
        }
        guard j > head.count, j + prevKey.count + 65 <= n, bytes[j + prevKey.count + 64] == 0x22 else { return nil }
        let prev = String(decoding: bytes[(j + prevKey.count)..<(j + prevKey.count + 64)], as: UTF8.self)
        return (seq, prev, hash)
    }

    /// An event's place in its source's chain and tree: it must follow the one before (or what
    /// the province holds), and it extends the tree.
    private func advance(seq: Int64, prev: String, hash: String, apply: Bool) throws {
        guard let source = current, var state = states[source], state.sectionOpen else {
            throw refuse(nil, nil, "an event comes before the export's header")
        }
        if let last = state.last {
            guard seq == last.seq + 1 else {
                throw refuse(source, seq, "the event comes where event \(last.seq + 1) should: events are reordered or missing")
            }
            guard prev == last.hash else { throw refuse(source, seq, "the event does not follow event \(last.seq) (a fork)") }
        } else if seq == state.known.seq + 1 {
            guard prev == state.known.hash else { throw refuse(source, seq, "the event does not follow event \(state.known.seq) as imported before (a fork)") }
        } else if seq > state.known.seq + 1 {
            throw refuse(source, seq, "the event comes where event \(state.known.seq + 1) should: events are reordered or missing")
        } else if seq == 1 && prev != Ledger.genesisHash {
            throw refuse(source, seq, "the first event does not start the chain (a fork)")
        }
        guard seq <= state.sectionSize else { throw refuse(source, seq, "the event is past the export's size \(state.sectionSize)") }
        if state.last == nil && seq == state.known.seq + 1 { state.frontier = state.known.border }
        if seq == state.known.seq {
            guard hash == state.known.hash else { throw refuse(source, seq, "the event is not the one imported before (a fork)") }
            state.frontier = state.known.border
        } else if seq > state.known.seq {
            guard let leaf = MerkleHash(hex: hash) else { throw refuse(source, seq, "the event's hash is not 64 hexadecimal digits") }
            state.frontier?.append(leafHash: leaf.withUnsafeBytes { hasher.leafHash(raw: $0) }, hasher: hasher)
        }
        state.last = (seq, hash)
        states[source] = state
        lastEvent = seq
        if apply && seq > state.applied.seq {
            if states[source]!.from == nil { states[source]!.from = seq }
            states[source]!.events += 1
            chunkEventCount += 1
        }
    }

    private func event(_ body: JSON, hash: String?, raw: Data, apply: Bool) throws {
        guard let source = current, states[source]?.sectionOpen == true else {
            throw refuse(nil, nil, "an event comes before the export's header")
        }
        let before = states[source]!
        guard let seq = body["seq"]?.intValue.map(Int64.init), let dossier = body["dossier"]?.stringValue, let at = body["at"]?.intValue,
              let actor = body["actor"]?.stringValue, let kind = body["kind"]?.stringValue, let prev = body["prev"]?.stringValue,
              let detail = body["detail"], let hash else {
            throw refuse(source, before.last.map { $0.seq + 1 }, "the event lacks a field")
        }
        let procedure = body["procedure"]?.stringValue
        let event = LedgerEvent(seq: seq, dossier: dossier, at: Timestamp(seconds: Int64(at)), actor: actor, kind: kind, procedure: procedure,
                                detail: detail, previousHash: prev)
        if !apply {
            let canonical = event.canonicalBody.bytes(sortKeys: true)
            guard [UInt8](Digest.sha256(canonical)).hexString == hash else { throw refuse(source, seq, "the event is not the one its hash names (forged)") }
            // The line is as the export writes it, so the second pass can read it without parsing.
            guard [UInt8](raw) == Array(#"{"event":"#.utf8) + canonical + Array(#","hash":""#.utf8) + Array(hash.utf8) + [0x22, 0x7D] else {
                throw refuse(source, seq, "the event line is not in canonical form")
            }
        }
        try advance(seq: seq, prev: prev, hash: hash, apply: apply)
        if apply { return }
        // Rows given earlier whose last listing is this event must be listed here, as given.
        var state = states[source]!
        var entries: [String: String?] = [:]
        var firsts: Set<String> = []
        for entry in RowsEntry.entries(of: event) where tables[entry.table] != nil {
            entries[entry.id] = entry.digest
            if state.pending[entry.id] == nil { firsts.insert(entry.id) }
        }
        if let finals = state.pendingByFinal.removeValue(forKey: seq) {
            for id in finals {
                guard let given = state.pending.removeValue(forKey: id) else { continue }
                guard let listed = entries[id], listed == given.digest else {
                    throw refuse(source, seq, "a row given earlier is not as this event lists it (forged)")
                }
                firsts.remove(id)
            }
        }
        states[source] = state
        eventEntries = entries
        expected = firsts
        lastEvent = seq
    }

    private func row(_ line: JSON, apply: Bool) throws {
        guard let source = current, var state = states[source], state.sectionOpen, let last = state.last, last.seq == lastEvent else {
            throw refuse(current, nil, "a row comes before its event")
        }
        guard let name = line["row"]?.stringValue, let table = tables[name], let key = line["key"]?.arrayValue,
              let final = line["final"]?.intValue.map(Int64.init), let values = line["values"] else {
            throw refuse(source, last.seq, "a row lacks its table, key, last event or values")
        }
        let members = values.objectValue
        if apply {
            // Checked by the first pass, over the same private copy of the input.
            if final > state.applied.seq {
                operations.append(members.map { .upsert(table, $0) } ?? .delete(table, key))
                states[source]!.rows += 1
            }
            return
        }
        let id = RowsEntry(table: name, key: key, digest: nil).id
        guard expected.remove(id) != nil else { throw refuse(source, last.seq, "a row is given that the event does not list first") }
        if values != .null && members == nil { throw refuse(source, last.seq, "a row's values are not an object") }
        for (_, value) in members ?? [] {
            switch value {
            case .string: continue
            case .number(let n) where n.rounded() == n && abs(n) < 9.0e15: continue
            default: throw refuse(source, last.seq, "a row's value is neither an integer nor text")
            }
        }
        let digest = members.map { ReplicaDigest.digest(table: name, values: $0).hexString }
        if let members {
            let keyValues = table.keyColumns.map { column in members.first { $0.0 == column }?.1 ?? .null }
            guard keyValues == key else { throw refuse(source, last.seq, "a row's values do not have its key") }
        }
        if final == last.seq {
            guard let listed = eventEntries[id], listed == digest else { throw refuse(source, last.seq, "a row is not as its event lists it (forged)") }
        } else {
            guard final > last.seq, final <= state.sectionSize else { throw refuse(source, last.seq, "a row's last event \(final) is outside the export") }
            state.pending[id] = (final, digest)
            state.pendingByFinal[final, default: []].append(id)
        }
        states[source] = state
    }

    /// After an event's rows: each row it lists first must have been given.
    private func endEvent(apply: Bool) throws {
        if let source = current, !expected.isEmpty {
            throw refuse(source, lastEvent, "the event lists a row the export does not give (truncated)")
        }
        expected = []
        eventEntries = [:]
        if apply, let source = current, chunkEventCount >= chunkEvents || operations.count >= chunkRows {
            try commit(source, checkpoint: nil)
        }
    }

    private func checkpoint(_ note: String, apply: Bool) throws {
        guard let source = current, let state = states[source], state.sectionOpen else {
            throw refuse(nil, nil, "a checkpoint comes before the export's header")
        }
        let verified: VerifiedCheckpoint
        do {
            verified = try Checkpoint.verify(note, log: state.verifier, expectedOrigin: source)
        } catch {
            throw refuse(source, state.last?.seq, "the checkpoint's signature does not verify with the source's key (\(error.phrase))")
        }
        let size = Int64(verified.checkpoint.size)
        guard size == state.sectionSize, size == (state.last?.seq ?? state.known.seq) else {
            throw refuse(source, state.last?.seq, "the checkpoint covers \(size) events, the export \(state.sectionSize) (truncated)")
        }
        if let frontier = state.frontier {
            guard frontier.size == UInt64(size), frontier.root(hasher: hasher) == verified.checkpoint.rootHash else {
                throw refuse(source, size, "the checkpoint's root is not the tree of the events (forged)")
            }
        }
        states[source]!.sectionOpen = false
        if apply { try commit(source, checkpoint: note) }
    }

    /// One transaction: the rows held, the source's cursor at the last event read, an event.
    private func commit(_ source: String, checkpoint: String?) throws {
        guard var state = states[source], let last = state.last else { return }
        guard last.seq > state.applied.seq || !operations.isEmpty else {
            operations.removeAll()
            chunkEventCount = 0
            return
        }
        let seq = max(last.seq, state.applied.seq)
        let border = seq == last.seq ? state.frontier : state.applied.border
        guard let border else { return }
        let cursor = ReplicaCursor(source: source, verifierKey: state.keyText, keyGiven: state.keyGiven, seq: seq,
                                   hash: seq == last.seq ? last.hash : state.applied.hash, border: border.text, checkpoint: checkpoint, updatedAt: now)
        let expectedSeq = state.applied.seq
        let operations = self.operations
        let found = try ledger.write { () -> [ReplicaFinding] in
            let stored = try ledger.replicaCursor(source)?.seq ?? 0
            guard stored == expectedSeq else {
                throw Failure(.busy, "source \(source) was imported meanwhile by another run (event \(stored)); run the import again")
            }
            var dossiers: [String] = []
            var touched: Set<String> = []
            // Consecutive rows of a table go in together, in the export's order.
            var batch: (table: ReplicaTable, rows: [[(String, JSON)]])?
            func flush() throws {
                if let pending = batch { try ledger.upsertReplicaRows(pending.table, pending.rows, source: source) }
                batch = nil
            }
            for operation in operations {
                switch operation {
                case .upsert(let table, let values):
                    if batch?.table.name != table.name { try flush() }
                    if batch == nil { batch = (table, []) }
                    batch!.rows.append(values)
                    if table.name == "dossiers", let id = values.first(where: { $0.0 == "id" })?.1.stringValue { dossiers.append(id) }
                    if let id = values.first(where: { $0.0 == (table.name == "dossiers" ? "id" : "dossier_id") })?.1.stringValue { touched.insert(id) }
                case .delete(let table, let key):
                    try flush()
                    try ledger.deleteReplicaRow(table, key: key, source: source)
                    if let id = key.first?.stringValue { touched.insert(id) }
                }
            }
            try flush()
            // The search index of every dossier whose declaration or results came in.
            for id in touched.sorted() { try ledger.refreshSearchKeysIfPresent(dossier: id) }
            try ledger.storeReplicaCursor(cursor)
            var found: [ReplicaFinding] = []
            if !dossiers.isEmpty { found = try ledger.recordCrossSourceDuplicates(dossiers: dossiers, source: source, now: now) }
            try ledger.appendEvent(dossier: "", at: now, actor: ledger.defaultActor, kind: "import", procedure: nil, detail: .object([
                ("source", .string(source)), ("from", .int(Int(expectedSeq))), ("to", .int(Int(seq))), ("rows", .int(operations.count)),
            ]))
            return found
        }
        result.findings += found
        state.applied = (seq, cursor.hash, border)
        states[source] = state
        self.operations.removeAll()
        chunkEventCount = 0
    }
}

extension ReplicaImport {
    /// A reader over FILE, or standard input, copied once to a private temporary file beside
    /// `directory` (unlinked at once): the input is read twice without being held in memory, and
    /// what the second pass applies is what the first one checked.
    /// `spooled`: a file another user's process may have put there: never through a symbolic
    /// link, a regular file only.
    public static func inputs(path: String?, standardInput: Int32, directory: String, spooled: Bool = false) throws -> () throws -> LineReader {
        var input = standardInput
        if let path, path != "-" {
            input = Glibc.open(path, O_RDONLY | O_CLOEXEC | (spooled ? O_NOFOLLOW | O_NONBLOCK : 0))
            guard input >= 0 else { throw Files.readFailure(path) }
            var info = stat()
            guard fstat(input, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
                close(input)
                throw Failure(.invalidInput, "\(path) is not a regular file")
            }
        }
        defer { if input != standardInput { close(input) } }
        let fd: Int32
        do {
            var template = Array((directory + "/.civlink-import-XXXXXX").utf8CString)
            fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            guard fd >= 0 else { throw Failure(.cannotCreate, "cannot create a temporary file in \(directory): \(Files.reason())") }
            _ = template.withUnsafeBufferPointer { unlink($0.baseAddress!) }
            var buffer = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let count = buffer.withUnsafeMutableBytes { Glibc.read(input, $0.baseAddress, $0.count) }
                if count < 0 && errno == EINTR { continue }
                guard count >= 0 else { close(fd); throw Failure(.io, "cannot read the export: \(Phrase(verbatim: Files.reason()))") }
                if count == 0 { break }
                guard buffer.withUnsafeBytes({ Files.writeAll(fd, UnsafeRawBufferPointer(rebasing: $0[0..<count])) }) else {
                    close(fd)
                    throw Failure(.io, "cannot write a temporary file in \(directory): \(Files.reason())")
                }
            }
        }
        let holder = FileHolder(fd)
        return {
            guard lseek(holder.fd, 0, SEEK_SET) == 0 else { throw Failure(.io, "cannot read the export again: \(Files.reason())") }
            return LineReader(fd: holder.fd, maxLineBytes: 16 << 20)
        }
    }
}

/// Closes its descriptor when the last reader is done.
final class FileHolder: Sendable {
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}
