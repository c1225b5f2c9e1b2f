/// Why a request, or setting up a client, failed. Phrases are one line and never hold a
/// header value or a body: those carry bearer tokens and personal data, and errors end up in
/// logs. Host names, ports and file paths come from configuration and do appear.
public enum HTTPClientError: Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String { phrase.description }

    /// Where the deadline ran out.
    public enum Phase: String, Sendable {
        case resolve = "name resolution"
        case connect = "connect"
        case tlsHandshake = "TLS handshake"
        case send = "sending the request"
        case receive = "receiving the answer"
    }

    // Configuration and arguments.
    case invalidURL(Phrase)
    case invalidConfiguration(Phrase)
    case invalidRequest(Phrase)
    case caFileUnusable(path: String, reason: String)
    case clientCertificateUnusable(path: String, reason: String)
    case clientKeyUnusable(path: String, reason: String)
    case clientKeyMismatch(certificate: String, key: String)

    // Reaching the server.
    case nameResolutionFailed(host: String, reason: String)
    case connectionRefused(host: String, port: Int)
    case connectFailed(host: String, port: Int, reason: String)
    case proxyRefused(status: Int)
    case timeout(Phase)
    case connectionReset
    /// The server closed the connection before the answer was complete or began.
    case connectionClosed
    case socketFailed(operation: String, reason: String)

    // TLS.
    /// The chain does not lead to a trusted CA (unknown CA, self-signed, missing intermediate).
    case untrustedCertificate(reason: String)
    case hostNameMismatch(host: String)
    case certificateExpired
    case certificateNotYetValid
    /// Any other verification failure (revoked, bad signature, wrong purpose...).
    case certificateRejected(reason: String)
    case tlsHandshakeFailed(reason: String)
    /// The server demands a client certificate and none is configured.
    case clientCertificateRequired
    /// The server refused the configured client certificate.
    case clientCertificateRejected(reason: String)
    /// A TLS error after the handshake (an alert, a bad record).
    case tlsFailure(reason: String)

    // The answer.
    case responseTooLarge(limit: Int)
    case malformedResponse(Phrase)

    /// The error as a phrase civlink can translate; OpenSSL's and the system's reasons are data.
    public var phrase: Phrase {
        switch self {
        case .invalidURL(let reason): "invalid URL: \(reason)"
        case .invalidConfiguration(let reason): "invalid HTTP client configuration: \(reason)"
        case .invalidRequest(let reason): "invalid request: \(reason)"
        case .caFileUnusable(let path, let reason): "CA file \(path) is unusable: \(reason)"
        case .clientCertificateUnusable(let path, let reason): "client certificate \(path) is unusable: \(reason)"
        case .clientKeyUnusable(let path, let reason): "client key \(path) is unusable: \(reason)"
        case .clientKeyMismatch(let certificate, let key): "client key \(key) does not belong to certificate \(certificate)"
        case .nameResolutionFailed(let host, let reason): "cannot resolve \(host): \(reason)"
        case .connectionRefused(let host, let port): "connection refused by \(host):\(port)"
        case .connectFailed(let host, let port, let reason): "cannot connect to \(host):\(port): \(reason)"
        case .proxyRefused(let status): "the proxy refused the tunnel (HTTP \(status))"
        case .timeout(let phase): "timed out during \(phase.rawValue)"
        case .connectionReset: "the connection was reset by the server"
        case .connectionClosed: "the server closed the connection before a complete answer"
        case .socketFailed(let operation, let reason): "\(operation) failed: \(reason)"
        case .untrustedCertificate(let reason): "the server's certificate is not trusted: \(reason)"
        case .hostNameMismatch(let host): "the server's certificate is not valid for \(host)"
        case .certificateExpired: "the server's certificate has expired"
        case .certificateNotYetValid: "the server's certificate is not valid yet"
        case .certificateRejected(let reason): "the server's certificate was rejected: \(reason)"
        case .tlsHandshakeFailed(let reason): "TLS handshake failed: \(reason)"
        case .clientCertificateRequired: "the server requires a client certificate and none is configured"
        case .clientCertificateRejected(let reason): "the server refused the client certificate: \(reason)"
        case .tlsFailure(let reason): "TLS error: \(reason)"
        case .responseTooLarge(let limit): "the answer exceeds the limit of \(limit) bytes"
        case .malformedResponse(let reason): "malformed answer: \(reason)"
        }
    }

    /// The connection was lost without a TLS or HTTP error: on a reused connection, before any
    /// answer byte, this is the server having dropped it while idle.
    var isConnectionLoss: Bool {
        switch self {
        case .connectionReset, .connectionClosed, .socketFailed: true
        default: false
        }
    }
}
