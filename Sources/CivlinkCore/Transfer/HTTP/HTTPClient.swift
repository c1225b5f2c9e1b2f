import Synchronization

/// An HTTP/1.1 client for one origin (scheme, host, port), over TLS with OpenSSL. It talks to
/// that origin only: redirects are returned, never followed, so the caller's headers (a bearer
/// token) cannot be carried to another host. Safe to use from many threads at once; requests
/// block the calling thread until the answer is complete or their deadline has passed.
public final class HTTPClient: Sendable {
    public let endpoint: HTTPEndpoint
    public let proxy: HTTPProxy?
    public let maxResponseBytes: Int
    private let tls: TLSContext?
    private let pool: ConnectionPool
    private let resolver: NameResolver
    private let opened = Atomic<Int>(0)

    /// - Parameters:
    ///   - maxResponseBytes: the most an answer may take, status line, headers and body
    ///     together; a larger one fails with `.responseTooLarge` and its connection is dropped.
    ///   - maxIdleConnections: idle connections kept for reuse; about the number of threads
    ///     sending at once.
    ///   - maxIdleTime: an idle connection older than this is closed rather than reused, before
    ///     the server's own idle timeout is likely to race with a new request.
    public convenience init(endpoint: HTTPEndpoint, tls: TLSConfiguration = TLSConfiguration(), proxy: HTTPProxy? = nil,
                            maxResponseBytes: Int = 8 << 20, maxIdleConnections: Int = 8,
                            maxIdleTime: Duration = .seconds(30)) throws(HTTPClientError) {
        try self.init(endpoint: endpoint, tls: tls, proxy: proxy, maxResponseBytes: maxResponseBytes,
                      maxIdleConnections: maxIdleConnections, maxIdleTime: maxIdleTime, resolver: NameResolver())
    }

    init(endpoint: HTTPEndpoint, tls: TLSConfiguration, proxy: HTTPProxy?, maxResponseBytes: Int, maxIdleConnections: Int,
         maxIdleTime: Duration, resolver: NameResolver) throws(HTTPClientError) {
        guard maxResponseBytes > 0 else { throw .invalidConfiguration("the answer size limit must be positive") }
        guard maxIdleConnections >= 0 else { throw .invalidConfiguration("the idle connection count cannot be negative") }
        switch endpoint.scheme {
        case .https:
            self.tls = try TLSContext(tls)
        case .http:
            // A CA or client certificate for a plain endpoint means the URL is not what was meant.
            guard tls.isEmpty else { throw .invalidConfiguration("TLS files are configured for an http:// endpoint") }
            self.tls = nil
        }
        self.endpoint = endpoint
        self.proxy = proxy
        self.maxResponseBytes = maxResponseBytes
        self.pool = ConnectionPool(capacity: maxIdleConnections, maxIdleTime: maxIdleTime)
        self.resolver = resolver
    }

    /// Sends one request and returns the answer, whatever its status.
    ///
    /// - Parameters:
    ///   - path: the request target, from "/"; nil for the endpoint's own path.
    ///   - headers: sent as given, to this origin only. Host, Content-Length and the
    ///     connection-level headers are the client's own and refused here.
    ///   - timeout: for the whole request: resolving, connecting, the TLS handshake, sending,
    ///     and reading the entire answer.
    ///
    /// A request goes out a second time, on a new connection, only when a reused connection
    /// failed before any answer byte arrived (while sending, or reset or closed right after):
    /// the server had closed it while idle and cannot have acted on the request. A new
    /// connection is never retried.
    public func request(_ method: HTTPMethod, path: String? = nil, headers: [(String, String)] = [], body: [UInt8] = [],
                        timeout: Duration) throws(HTTPClientError) -> HTTPResponse {
        guard timeout > .zero else { throw .invalidRequest("the timeout must be positive") }
        let deadline = RequestDeadline(after: timeout)
        var message = try RequestHead.make(method: method, target: path ?? endpoint.path, authority: endpoint.authority,
                                           absolutePrefix: proxy != nil && endpoint.scheme == .http ? "http://\(endpoint.authority)" : nil,
                                           headers: headers, bodyCount: body.count)
        message += body
        var mayRetry = true
        while true {
            let pooled = mayRetry ? pool.take() : nil
            let connection = if let pooled { pooled } else { try connect(deadline: deadline) }
            do throws(ExchangeFailure) {
                let (response, reusable) = try connection.exchange(message, method: method, deadline: deadline, limit: maxResponseBytes)
                if reusable { pool.put(connection) }
                return response
            } catch {
                guard pooled != nil, mayRetry, error.nothingReceived, !deadline.hasPassed else { throw error.error }
                mayRetry = false
            }
        }
    }

    /// TCP connections opened so far (not reused ones): how well keep-alive works.
    public var connectionsOpened: Int { opened.load(ordering: .relaxed) }

    private func connect(deadline: RequestDeadline) throws(HTTPClientError) -> Connection {
        let (host, kind, port) = proxy.map { ($0.host, $0.hostKind, $0.port) } ?? (endpoint.host, endpoint.hostKind, endpoint.port)
        let addresses = try resolver.resolve(host: host, kind: kind, port: port, deadline: deadline)
        let fd = try Socket.connect(to: addresses, host: host, port: port, deadline: deadline)
        opened.add(1, ordering: .relaxed)
        var state = ConnectionState(fd: fd, deadline: deadline)
        if proxy != nil, endpoint.scheme == .https { try state.openTunnel(to: endpoint.connectAuthority) }
        if let tls { try state.startTLS(tls, host: endpoint.host, kind: endpoint.hostKind) }
        return Connection(state)
    }
}
