/// An HTTP proxy, used only when configured for an endpoint: the client never reads
/// http_proxy / https_proxy, so an environment variable cannot divert a token to another host.
/// https goes through a CONNECT tunnel (the proxy sees only the host and port); plain http is
/// sent to the proxy in absolute form, so the proxy sees the whole request, headers included.
public struct HTTPProxy: Sendable, Equatable {
    public let host: String
    public let port: Int
    let hostKind: HostKind

    public init(host: String, port: Int) throws(HTTPClientError) {
        var bare = Substring(host)
        if bare.hasPrefix("["), bare.hasSuffix("]") { bare = bare.dropFirst().dropLast() }
        let (validated, kind) = try HostName.validate(String(bare))
        guard (1...65535).contains(port) else { throw .invalidURL("the proxy port must be a number from 1 to 65535") }
        self.host = validated
        self.port = port
        self.hostKind = kind
    }

    /// `http://host:port` (a trailing "/" is allowed); the port defaults to 80.
    public init(parsing url: String) throws(HTTPClientError) {
        let endpoint = try HTTPEndpoint(parsing: url)
        guard endpoint.scheme == .http else { throw .invalidURL("the proxy must be an http:// URL (TLS to the proxy is not supported)") }
        guard endpoint.path == "/" else { throw .invalidURL("the proxy URL must not have a path") }
        self.host = endpoint.host
        self.port = endpoint.port
        self.hostKind = endpoint.hostKind
    }
}
