import FoundationEssentials

/// How civlink reaches one receiving system: a spool directory (outbox for messages, inbox for
/// receipts) or an HTTP(S) endpoint. Stored in the ledger's `agencies` table.
public struct AgencyEndpoint: Sendable, Equatable {
    public enum Kind: String, Sendable { case spool, http }
    /// The code of the province's witness: it takes the ledger's signed checkpoints, not
    /// procedures, and sends them back cosigned (civlink-transfer(1)).
    public static let witnessCode = "province"
    /// The codes an endpoint may have: the receiving systems, and the witness.
    public static var codes: [String] { Agency.sendable.map(\.rawValue) + [witnessCode] }
    public let code: String
    public let kind: Kind
    /// The spool directory, or the endpoint URL.
    public let target: String
    public let tokenFile: String?
    public let clientCertificate: String?
    public let clientKey: String?
    public let timeoutSeconds: Int

    public init(code: String, kind: Kind, target: String, tokenFile: String? = nil, clientCertificate: String? = nil,
                clientKey: String? = nil, timeoutSeconds: Int = 30) throws {
        guard AgencyEndpoint.codes.contains(code) else {
            throw ValidationError("agency", "must be one of \(AgencyEndpoint.codes.joined(separator: ", "))")
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
