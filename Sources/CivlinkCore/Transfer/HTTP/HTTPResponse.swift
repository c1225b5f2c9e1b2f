/// One answer, whatever its status: a 3xx is returned like any other, never followed, so the
/// caller decides (civlink treats it as a failed delivery).
public struct HTTPResponse: Sendable, Equatable {
    public let status: Int
    public let reason: String
    public let headers: HTTPHeaders
    public let body: [UInt8]

    public init(status: Int, reason: String, headers: HTTPHeaders, body: [UInt8]) {
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body
    }

    public var isSuccess: Bool { (200..<300).contains(status) }
    public var isRedirect: Bool { (300..<400).contains(status) }
}
