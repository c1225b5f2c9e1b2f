import Foundation

/// How civlink reaches one receiving system: a spool directory (outbox for messages, inbox for
/// receipts) or an HTTP(S) endpoint. Stored in the ledger's `agencies` table.
public struct AgencyEndpoint: Sendable, Equatable {
    public enum Kind: String, Sendable { case spool, http }
    public let code: String
    public let kind: Kind
    /// The spool directory, or the endpoint URL.
    public let target: String
    public let tokenFile: String?
    public let clientCertificate: String?
    public let clientKey: String?
    public let timeoutSeconds: Int

    /// The agencies civlink sends to (civil-status steps are done at the desk, never sent).
    public static let sendable: [Agency] = [.population, .residence, .socialInsurance, .socialAffairs]

    public init(code: String, kind: Kind, target: String, tokenFile: String? = nil, clientCertificate: String? = nil,
                clientKey: String? = nil, timeoutSeconds: Int = 30) throws {
        guard let agency = Agency(rawValue: code), AgencyEndpoint.sendable.contains(agency) else {
            throw ValidationError("agency", "must be one of \(AgencyEndpoint.sendable.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...3600).contains(timeoutSeconds) else { throw ValidationError("timeout", "must be 1 to 3600 seconds") }
        switch kind {
        case .spool:
            guard !target.isEmpty else { throw ValidationError("spool", "must name a directory") }
        case .http:
            guard let url = URL(string: target), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
                throw ValidationError("url", "must be an http:// or https:// URL")
            }
        }
        self.code = code
        self.kind = kind
        self.target = target
        self.tokenFile = tokenFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.timeoutSeconds = timeoutSeconds
    }

    init(row: [SQLValue]) throws {
        try self.init(code: row[0].string ?? "", kind: Kind(rawValue: row[1].string ?? "") ?? .spool, target: row[2].string ?? "",
                      tokenFile: row[3].string, clientCertificate: row[4].string, clientKey: row[5].string,
                      timeoutSeconds: row[6].int ?? 30)
    }

    public var json: JSON {
        .object([
            ("code", .string(code)), ("transport", .string(kind.rawValue)), ("target", .string(target)),
            ("token_file", .optional(tokenFile)), ("client_certificate", .optional(clientCertificate)),
            ("client_key", .optional(clientKey)), ("timeout_seconds", .int(timeoutSeconds)),
        ])
    }

    public func transport() throws -> Transport {
        switch kind {
        case .spool: return SpoolTransport(directory: target)
        case .http: return try HTTPTransport(endpoint: self)
        }
    }
}

extension Ledger {
    public func agencies() throws -> [AgencyEndpoint] {
        try database.query("SELECT code, transport, target, token_file, client_cert, client_key, timeout_seconds FROM agencies ORDER BY code")
            .map(AgencyEndpoint.init(row:))
    }

    public func agency(_ code: String) throws -> AgencyEndpoint? {
        try database.query("SELECT code, transport, target, token_file, client_cert, client_key, timeout_seconds FROM agencies WHERE code = ?",
                           [.text(code)]).first.map(AgencyEndpoint.init(row:))
    }

    /// Adds or replaces an agency's transport.
    public func saveAgency(_ endpoint: AgencyEndpoint, now: Timestamp) throws {
        try database.writeTransaction {
            try database.run("""
                INSERT INTO agencies(code, transport, target, token_file, client_cert, client_key, timeout_seconds, added_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(code) DO UPDATE SET transport = excluded.transport, target = excluded.target,
                    token_file = excluded.token_file, client_cert = excluded.client_cert, client_key = excluded.client_key,
                    timeout_seconds = excluded.timeout_seconds
                """, [.text(endpoint.code), .text(endpoint.kind.rawValue), .text(endpoint.target), SQLValue(endpoint.tokenFile),
                      SQLValue(endpoint.clientCertificate), SQLValue(endpoint.clientKey), .integer(Int64(endpoint.timeoutSeconds)),
                      .integer(now.seconds)])
        }
    }

    public func removeAgency(_ code: String) throws {
        try database.writeTransaction {
            try database.run("DELETE FROM agencies WHERE code = ?", [.text(code)])
            if database.changes == 0 { throw NotFoundError("no agency \(code) configured") }
        }
    }
}
