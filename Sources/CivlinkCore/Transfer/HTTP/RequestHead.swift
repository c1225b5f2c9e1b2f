/// Serialises a request's start line and headers, refusing anything that could change the
/// message's framing or split it: the caller's headers come from configuration and message
/// metadata, and a CR or LF in them would let one header smuggle others.
enum RequestHead {
    /// Set by the client itself, from the endpoint and the body: a caller's value would either
    /// be redundant or contradict the framing the client writes.
    static let reservedNames: Set<String> = [
        "host", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection",
        "te", "trailer", "upgrade", "expect",
    ]

    static func make(method: HTTPMethod, target: String, authority: String, absolutePrefix: String?,
                     headers: [(String, String)], bodyCount: Int) throws(HTTPClientError) -> [UInt8] {
        let targetBytes = Array(target.utf8)
        guard targetBytes.first == UInt8(ascii: "/"), targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }),
              !targetBytes.contains(UInt8(ascii: "#")) else {
            throw .invalidRequest("the path must start with / and hold only visible ASCII characters (percent-encode the rest), no #")
        }
        var head = "\(method.rawValue) \(absolutePrefix ?? "")\(target) HTTP/1.1\r\nHost: \(authority)\r\n"
        for (name, value) in headers {
            guard !name.isEmpty, name.utf8.allSatisfy(ResponseReader.isTokenCharacter) else {
                throw .invalidRequest("a header name is empty or not a token")
            }
            guard !reservedNames.contains(name.lowercased()) else { throw .invalidRequest("header \(name) is set by the client itself") }
            guard value.utf8.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
                throw .invalidRequest("header \(name) has a control character in its value")
            }
            head += "\(name): \(value)\r\n"
        }
        if bodyCount > 0 || method.hasRequestBody { head += "Content-Length: \(bodyCount)\r\n" }
        head += "\r\n"
        return Array(head.utf8)
    }
}
