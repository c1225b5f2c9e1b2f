import FoundationEssentials
import Glibc

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
    /// A private CA to trust instead of the system store (HTTPS).
    public let caFile: String?
    /// An HTTP proxy (`http://host:port`), used for this agency only; the environment's
    /// `http_proxy` and `https_proxy` are never read.
    public let proxy: String?
    /// The group a spool is shared with: its directories are then 0770 and owned by it.
    public let spoolGroup: String?
    public let timeoutSeconds: Int

    public init(code: String, kind: Kind, target: String, tokenFile: String? = nil, clientCertificate: String? = nil,
                clientKey: String? = nil, caFile: String? = nil, proxy: String? = nil, spoolGroup: String? = nil,
                timeoutSeconds: Int = 30) throws {
        guard AgencyEndpoint.codes.contains(code) else {
            throw ValidationError("agency", "must be one of \(AgencyEndpoint.codes.joined(separator: ", "))")
        }
        guard (1...3600).contains(timeoutSeconds) else { throw ValidationError("timeout", "must be 1 to 3600 seconds") }
        switch kind {
        case .spool:
            guard !target.isEmpty else { throw ValidationError("spool", "must name a directory") }
            if let spoolGroup, SpoolPermissions.groupID(spoolGroup) == nil { throw ValidationError("group", "no such group \(spoolGroup)") }
        case .http:
            let url: HTTPEndpoint
            do { url = try HTTPEndpoint(parsing: target) } catch { throw ValidationError("url", error.phrase) }
            if tokenFile != nil, url.scheme == .http, !url.isLoopback {
                throw ValidationError("url", "a token is sent over http:// only to a loopback address; use https://")
            }
            if url.scheme == .http, caFile != nil || clientCertificate != nil {
                throw ValidationError("url", "a CA or client certificate needs an https:// URL")
            }
            if (clientCertificate == nil) != (clientKey == nil) {
                throw ValidationError("client_certificate", "a client certificate and its key go together")
            }
            if let proxy {
                do { _ = try HTTPProxy(parsing: proxy) } catch { throw ValidationError("proxy", error.phrase) }
            }
            guard spoolGroup == nil else { throw ValidationError("group", "applies to spool directories only") }
        }
        self.code = code
        self.kind = kind
        self.target = target
        self.tokenFile = tokenFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.caFile = caFile
        self.proxy = proxy
        self.spoolGroup = spoolGroup
        self.timeoutSeconds = timeoutSeconds
    }

    public var json: JSON {
        .object([
            ("code", .string(code)), ("transport", .string(kind.rawValue)), ("target", .string(target)),
            ("token_file", .optional(tokenFile)), ("client_certificate", .optional(clientCertificate)),
            ("client_key", .optional(clientKey)), ("ca_file", .optional(caFile)), ("proxy", .optional(proxy)),
            ("group", .optional(spoolGroup)), ("timeout_seconds", .int(timeoutSeconds)),
        ])
    }

    /// The transport for this agency. `owner` is the user whose files a spool inbox accepts
    /// (the ledger's owner).
    public func transport(owner: uid_t = geteuid()) throws -> Transport {
        switch kind {
        case .spool: return SpoolTransport(directory: target, permissions: try SpoolPermissions(group: spoolGroup, owner: owner))
        case .http: return try HTTPTransport(endpoint: self)
        }
    }
}
