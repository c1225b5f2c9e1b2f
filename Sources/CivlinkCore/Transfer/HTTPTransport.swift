import FoundationEssentials
import Glibc

/// An HTTP(S) agency endpoint, through civlink's own HTTP/1.1 client on libssl. A message is
/// POSTed to the URL with its id in `Idempotency-Key`; a 2xx answer means the agency has it, and
/// its body should be the receipt. A receipt that comes later is fetched with `GET <url>/<id>`.
/// Redirects are never followed (the token stays with the configured origin), the answer is
/// capped, and one deadline bounds each request from connect to the last byte of the answer.
public final class HTTPTransport: Transport {
    /// The most an answer may take: a receipt is at most 1 MiB (civlink-message(5)).
    public static let maxAnswerBytes = 1 << 20 + 16 * 1024

    public let endpoint: AgencyEndpoint
    private let client: HTTPClient
    private let authorization: [(String, String)]
    private let timeout: Duration

    public init(endpoint: AgencyEndpoint) throws {
        let url: HTTPEndpoint
        do { url = try HTTPEndpoint(parsing: endpoint.target) } catch {
            throw Failure(.configuration, "agency \(endpoint.code): \(error.phrase)")
        }
        if let file = endpoint.tokenFile {
            guard url.scheme == .https || url.isLoopback else {
                throw Failure(.configuration, "agency \(endpoint.code): a token is sent over http:// only to a loopback address; use https://")
            }
            var bytes = Array(try Files.readPrivate(file, what: "token file"))[...]
            while let first = bytes.first, first <= 0x20 { bytes.removeFirst() }
            while let last = bytes.last, last <= 0x20 { bytes.removeLast() }
            let token = String(decoding: bytes, as: UTF8.self)
            guard !token.isEmpty, token.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw Failure(.configuration, "agency \(endpoint.code): token file \(file) must hold one token of visible ASCII characters")
            }
            authorization = [("Authorization", "Bearer \(token)")]
        } else {
            authorization = []
        }
        if let key = endpoint.clientKey { _ = try Files.readPrivate(key, what: "client key") }
        var proxy: HTTPProxy?
        if let text = endpoint.proxy {
            do { proxy = try HTTPProxy(parsing: text) } catch {
                throw Failure(.configuration, "agency \(endpoint.code): proxy: \(error.phrase)")
            }
        }
        do {
            client = try HTTPClient(endpoint: url, tls: TLSConfiguration(caFile: endpoint.caFile, clientCertificateFile: endpoint.clientCertificate,
                                                                          clientKeyFile: endpoint.clientKey),
                                    proxy: proxy, maxResponseBytes: HTTPTransport.maxAnswerBytes, maxIdleConnections: 32)
        } catch {
            throw Failure(.configuration, "agency \(endpoint.code): \(error.phrase)")
        }
        self.endpoint = endpoint
        timeout = .seconds(endpoint.timeoutSeconds)
    }

    /// `host[:port]` as errors name the agency.
    private var origin: String {
        let url = client.endpoint
        return url.port == url.scheme.defaultPort ? url.host : "\(url.host):\(url.port)"
    }

    private func exchange(_ method: HTTPMethod, path: String? = nil, headers: [(String, String)] = [], body: [UInt8] = []) -> Result<HTTPResponse, HTTPClientError> {
        do {
            return .success(try client.request(method, path: path, headers: authorization + headers, body: body, timeout: timeout))
        } catch {
            return .failure(error)
        }
    }

    /// The answer as an outcome: a 2xx is answered; a redirect is a failure naming its status
    /// (and never followed); anything else is a failure with its status.
    private func outcome(_ result: Result<HTTPResponse, HTTPClientError>) -> DeliveryOutcome {
        switch result {
        case .failure(let error):
            return .failed("\(origin): \(error.phrase)")
        case .success(let response) where response.isSuccess:
            return .answered(status: response.status, body: Data(response.body))
        case .success(let response) where response.isRedirect:
            return .failed("\(origin): HTTP \(response.status) redirect, not followed")
        case .success(let response):
            return .failed("\(origin): HTTP \(response.status)")
        }
    }

    public func deliver(messageID: String, body: Data) -> DeliveryOutcome {
        outcome(exchange(.post, headers: [("Content-Type", "application/json"), ("Idempotency-Key", messageID)], body: Array(body)))
    }

    public func poll(messageID: String) -> DeliveryOutcome {
        outcome(exchange(.get, path: client.endpoint.path(appending: messageID), headers: [("Accept", "application/json")]))
    }

    public func pendingReceipts() throws -> [String] { [] }
    public func readReceipt(_ source: String) -> Result<Data, InboxRefusal> { .failure(InboxRefusal(reason: "an HTTP agency has no inbox")) }
    public func acknowledge(source: String) throws {}

    public func check() -> Phrase? {
        switch exchange(.head) {
        case .failure(let error): return error.phrase
        case .success(let response) where response.status == 401 || response.status == 403: return "HTTP \(response.status): the token is refused"
        case .success(let response) where response.isRedirect: return "HTTP \(response.status): a redirect, which civlink does not follow"
        case .success(let response) where response.status >= 500: return "HTTP \(response.status)"
        case .success: return nil
        }
    }
}
