

/// Walks the hash chain of the event log and names the first event changed by hand.
///
/// Each event's hash covers its fields and the previous hash; the settings row `audit.head`
/// (`SEQ HASH`), written in the same transaction as every event, records the chain's head so
/// that deleting or appending at the end is seen too. What stays undetectable: rewriting the
/// chain from some event onwards with recomputed hashes *and* the head row (anyone with write
/// access to the file can do that); compare the head with a copy kept elsewhere to catch it.
public enum AuditChain {
    public static let headSetting = "audit.head"

    public enum Problem: String, Sendable {
        case modified, deleted, inserted, reordered
    }

    public struct Finding: Sendable {
        public let problem: Problem
        public let seq: Int64
        public let detail: Phrase
        public var json: JSON {
            .object([("problem", .string(problem.rawValue)), ("seq", .int(Int(seq))), ("detail", .string(detail.description))])
        }
    }

    public struct Report: Sendable {
        public let events: Int
        public let head: String
        public let finding: Finding?
    }

    struct ChainRow {
        let event: LedgerEvent
        let stored: String
        var computed: String { event.hash }
    }

    public static func verify(_ ledger: Ledger) throws -> Report {
        var rows: [ChainRow] = []
        try ledger.forEachEvent { event, stored in rows.append(ChainRow(event: event, stored: stored)) }
        let head = try ledger.setting(headSetting)
        let headHash = rows.last?.stored ?? Ledger.genesisHash
        func hash(at index: Int) -> String { index < 0 ? Ledger.genesisHash : rows[index].stored }
        let headSeq = head.flatMap { Int64($0.split(separator: " ").first ?? "") }
        for (i, row) in rows.enumerated() {
            let expected = Int64(i + 1)
            let seq = row.event.seq
            if let headSeq, seq > headSeq, seq == expected {
                return Report(events: rows.count, head: headHash, finding: Finding(problem: .inserted, seq: seq,
                    detail: "event \(seq) comes after the recorded head \(headSeq)"))
            }
            if seq != expected {
                return Report(events: rows.count, head: headHash, finding: Finding(problem: .deleted, seq: expected,
                    detail: "event \(expected) is missing (the next event is \(seq))"))
            }
            let linkOK = row.event.previousHash == hash(at: i - 1)
            let selfOK = row.computed == row.stored
            if linkOK && selfOK { continue }
            if !linkOK {
                if i >= 2, row.event.previousHash == hash(at: i - 2) {
                    return Report(events: rows.count, head: headHash, finding: Finding(problem: .inserted, seq: seq - 1,
                        detail: "event \(seq - 1) was inserted: event \(seq) links to the one before it"))
                }
                if rows.contains(where: { $0.stored == row.event.previousHash }) {
                    return Report(events: rows.count, head: headHash, finding: Finding(problem: .reordered, seq: seq,
                        detail: "event \(seq) links to an event that is not its predecessor"))
                }
            }
            if i + 1 < rows.count, rows[i + 1].event.previousHash == hash(at: i - 1) {
                return Report(events: rows.count, head: headHash, finding: Finding(problem: .inserted, seq: seq,
                    detail: "event \(seq) was inserted: the next event links to the one before it"))
            }
            if !linkOK && selfOK {
                return Report(events: rows.count, head: headHash, finding: Finding(problem: .deleted, seq: seq,
                    detail: "the event before \(seq) is not the one it was chained to"))
            }
            return Report(events: rows.count, head: headHash, finding: Finding(problem: .modified, seq: seq,
                detail: "event \(seq) does not match its hash"))
        }
        if let head {
            let parts = head.split(separator: " ")
            let headSeq = Int64(parts.first ?? "") ?? 0
            let last = rows.last?.event.seq ?? 0
            if headSeq > last {
                return Report(events: rows.count, head: headHash, finding: Finding(problem: .deleted, seq: last + 1,
                    detail: "the chain ends at \(last) but the recorded head is \(headSeq)"))
            }
            if headSeq < last {
                return Report(events: rows.count, head: headHash, finding: Finding(problem: .inserted, seq: headSeq + 1,
                    detail: "events after the recorded head \(headSeq) were added by hand"))
            }
            if parts.count < 2 || String(parts[1]) != headHash {
                return Report(events: rows.count, head: headHash, finding: Finding(problem: .modified, seq: last,
                    detail: "the last event is not the one recorded as the head"))
            }
        }
        return Report(events: rows.count, head: headHash, finding: nil)
    }
}
