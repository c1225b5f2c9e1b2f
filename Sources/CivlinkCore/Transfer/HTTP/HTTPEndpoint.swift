import Glibc

/// An http:// or https:// URL, validated strictly: the client sends credentials to it, so
/// anything it cannot state exactly (userinfo, fragments, IDN, zone ids) is refused rather than
/// guessed at.
public struct HTTPEndpoint: Sendable, Equatable {
    public enum Scheme: String, Sendable {
        case http, https

        public var defaultPort: Int { self == .http ? 80 : 443 }
    }

    public let scheme: Scheme
    /// Lower-cased; an IPv6 address without its brackets.
    public let host: String
    public let port: Int
    /// The request target in origin form: "/" when the URL has no path; the query is kept.
    public let path: String
    let hostKind: HostKind

    public var isIPAddress: Bool { hostKind != .name }

    /// A loopback address (127.0.0.0/8, ::1) or `localhost`: traffic that never leaves the
    /// machine, the one place a bearer token may go without TLS.
    public var isLoopback: Bool {
        switch hostKind {
        case .ipv4: host.hasPrefix("127.")
        case .ipv6: host == "::1" || host == "0:0:0:0:0:0:0:1"
        case .name: host == "localhost"
        }
    }

    public init(parsing url: String) throws(HTTPClientError) {
        let bytes = Array(url.utf8)
        guard !bytes.isEmpty else { throw .invalidURL("the URL is empty") }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw .invalidURL("it holds spaces, control or non-ASCII characters (percent-encode them)")
        }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), bytes[colon...].starts(with: Array("://".utf8)) else {
            throw .invalidURL("it has no scheme://")
        }
        guard let scheme = Scheme(rawValue: String(decoding: bytes[..<colon], as: UTF8.self).lowercased()) else {
            throw .invalidURL("the scheme must be http or https")
        }
        guard !bytes.contains(UInt8(ascii: "#")) else { throw .invalidURL("fragments (#...) are not allowed") }
        let rest = bytes[(colon + 3)...]
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains(UInt8(ascii: "@")) else {
            throw .invalidURL("user information (user:password@) is not allowed; send credentials as a header")
        }
        let (host, kind, port) = try HostName.parseAuthority(authority, defaultPort: scheme.defaultPort)
        var path = Array(rest[authorityEnd...])
        if path.first != UInt8(ascii: "/") { path.insert(UInt8(ascii: "/"), at: 0) }
        try Self.checkPercentEscapes(path)
        self.scheme = scheme
        self.host = host
        self.hostKind = kind
        self.port = port
        self.path = String(decoding: path, as: UTF8.self)
    }

    /// `host[:port]` for the Host header: the port only when it is not the scheme's default.
    var authority: String {
        port == scheme.defaultPort ? HostName.bracketed(host, kind: hostKind) : connectAuthority
    }

    /// `host:port` always, as CONNECT and the proxy need it.
    var connectAuthority: String { "\(HostName.bracketed(host, kind: hostKind)):\(port)" }

    /// The endpoint's path with `component` percent-encoded and appended as one more segment,
    /// before the query: `GET <url>/<message id>`.
    public func path(appending component: String) -> String {
        let bytes = Array(path.utf8)
        let queryStart = bytes.firstIndex(of: UInt8(ascii: "?")) ?? bytes.endIndex
        var result = Array(bytes[..<queryStart])
        if result.last != UInt8(ascii: "/") { result.append(UInt8(ascii: "/")) }
        for byte in component.utf8 {
            if Self.isUnreserved(byte) {
                result.append(byte)
            } else {
                let hex = Array("0123456789ABCDEF".utf8)
                result += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            }
        }
        result += bytes[queryStart...]
        return String(decoding: result, as: UTF8.self)
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static func checkPercentEscapes(_ path: [UInt8]) throws(HTTPClientError) {
        var index = 0
        while index < path.count {
            if path[index] == UInt8(ascii: "%") {
                guard index + 2 < path.count, path[index + 1].isHexDigit, path[index + 2].isHexDigit else {
                    throw .invalidURL("the path has a % not followed by two hex digits")
                }
                index += 3
            } else {
                index += 1
            }
        }
    }
}

enum HostKind: Sendable {
    case name, ipv4, ipv6
}

/// Host validation shared by endpoints and proxies.
enum HostName {
    static func parseAuthority(_ authority: ArraySlice<UInt8>, defaultPort: Int) throws(HTTPClientError) -> (String, HostKind, Int) {
        var hostPart: ArraySlice<UInt8>
        var portPart: ArraySlice<UInt8>?
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else { throw .invalidURL("the IPv6 address has no closing ]") }
            hostPart = authority[(authority.startIndex + 1)..<close]
            let after = authority[(close + 1)...]
            if !after.isEmpty {
                guard after.first == UInt8(ascii: ":") else { throw .invalidURL("unexpected characters after the IPv6 address") }
                portPart = after.dropFirst()
            }
            guard !hostPart.contains(UInt8(ascii: "%")) else { throw .invalidURL("IPv6 zone identifiers are not supported") }
            let text = String(decoding: hostPart, as: UTF8.self).lowercased()
            guard isAddress(text, family: AF_INET6) else { throw .invalidURL("the IPv6 address is invalid") }
            return (text, .ipv6, try parsePort(portPart, defaultPort: defaultPort))
        }
        let colons = authority.indices.filter { authority[$0] == UInt8(ascii: ":") }
        guard colons.count <= 1 else { throw .invalidURL("an IPv6 address must be written in brackets") }
        if let colon = colons.first {
            hostPart = authority[..<colon]
            portPart = authority[(colon + 1)...]
        } else {
            hostPart = authority
        }
        let (host, kind) = try validate(String(decoding: hostPart, as: UTF8.self))
        return (host, kind, try parsePort(portPart, defaultPort: defaultPort))
    }

    /// A bare host (no brackets, no port): a DNS name or an IP address.
    static func validate(_ raw: String) throws(HTTPClientError) -> (String, HostKind) {
        let host = raw.lowercased()
        guard !host.isEmpty else { throw .invalidURL("the host is empty") }
        if host.contains(":") {
            guard isAddress(host, family: AF_INET6) else { throw .invalidURL("the IPv6 address is invalid") }
            return (host, .ipv6)
        }
        let bytes = Array(host.utf8)
        if bytes.allSatisfy({ $0.isDigit || $0 == UInt8(ascii: ".") }) {
            // Shorthands such as 127.1 or 0x7f.1 resolve differently across libraries; only the
            // dotted quad is taken.
            guard isAddress(host, family: AF_INET) else { throw .invalidURL("the IPv4 address is invalid") }
            return (host, .ipv4)
        }
        guard bytes.count <= 253 else { throw .invalidURL("the host name is longer than 253 characters") }
        for label in bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            guard !label.isEmpty, label.count <= 63 else { throw .invalidURL("the host name has an empty or over-long label") }
            guard label.allSatisfy({ $0.isDigit || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }),
                  label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-") else {
                throw .invalidURL("the host name has characters other than letters, digits, - and _ (write IDNs as xn--)")
            }
        }
        return (host, .name)
    }

    static func parsePort(_ text: ArraySlice<UInt8>?, defaultPort: Int) throws(HTTPClientError) -> Int {
        guard let text else { return defaultPort }
        guard !text.isEmpty, text.count <= 5, text.allSatisfy(\.isDigit),
              let port = Int(String(decoding: text, as: UTF8.self)), (1...65535).contains(port) else {
            throw .invalidURL("the port must be a number from 1 to 65535")
        }
        return port
    }

    static func isAddress(_ text: String, family: Int32) -> Bool {
        var storage = in6_addr()
        return inet_pton(family, text, &storage) == 1
    }

    static func bracketed(_ host: String, kind: HostKind) -> String {
        kind == .ipv6 ? "[\(host)]" : host
    }
}

extension UInt8 {
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }
    var isHexDigit: Bool {
        isDigit || (self >= UInt8(ascii: "a") && self <= UInt8(ascii: "f")) || (self >= UInt8(ascii: "A") && self <= UInt8(ascii: "F"))
    }
}
