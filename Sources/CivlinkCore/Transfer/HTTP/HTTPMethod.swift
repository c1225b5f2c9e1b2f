/// A closed set rather than a string: the answer's framing depends on the method (HEAD has no
/// body), and a typo must not reach the wire.
public enum HTTPMethod: String, Sendable {
    case get = "GET"
    case head = "HEAD"
    case post = "POST"
    case put = "PUT"
    case patch = "PATCH"
    case delete = "DELETE"
    case options = "OPTIONS"

    /// Methods whose request carries a body, so they always state its length (even 0): some
    /// servers answer 411 to a POST without Content-Length.
    var hasRequestBody: Bool { self == .post || self == .put || self == .patch }
}
