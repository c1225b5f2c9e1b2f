import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP(S) agency endpoint. A message is POSTed to the URL with its id in `Idempotency-Key`;
/// any 2xx answer means the agency has it, and a JSON body is its receipt. A receipt that comes
/// later is fetched with `GET <url>/<message id>`.
public final class HTTPTransport: Transport, @unchecked Sendable {
    private let url: URL
    private let token: String?
    /// Several sessions: FoundationNetworking serialises the tasks of one session on one queue,
    /// so concurrent deliveries each take their own.
    private let sessions: [URLSession]
    private let lock = NSLock()
    private var next = 0

    public init(endpoint: AgencyEndpoint) throws {
        guard let url = URL(string: endpoint.target) else { throw Failure(.configuration, "agency \(endpoint.code): bad URL") }
        self.url = url
        if let file = endpoint.tokenFile {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Failure(.configuration, "agency \(endpoint.code): cannot read token file \(file)")
            }
            token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        } else {
            token = nil
        }
        if endpoint.clientCertificate != nil {
            // FoundationNetworking on Linux cannot present a client identity from a file.
            throw Failure(.configuration, "agency \(endpoint.code): client certificates are not supported by this build's HTTP stack; terminate TLS at a local proxy")
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = TimeInterval(endpoint.timeoutSeconds)
        configuration.timeoutIntervalForResource = TimeInterval(endpoint.timeoutSeconds)
        configuration.httpMaximumConnectionsPerHost = 16
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        sessions = (0..<16).map { _ in URLSession(configuration: configuration) }
    }

    deinit { sessions.forEach { $0.finishTasksAndInvalidate() } }

    private func session() -> URLSession {
        lock.lock()
        defer { lock.unlock() }
        next = (next + 1) % sessions.count
        return sessions[next]
    }

    private final class Box: @unchecked Sendable {
        var data: Data?
        var response: URLResponse?
        var error: Error?
    }

    private func perform(_ request: URLRequest) -> (Int, Data?, Phrase?) {
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = session().dataTask(with: request) { data, response, error in
            box.data = data
            box.response = response
            box.error = error
            done.signal()
        }
        task.resume()
        done.wait()
        if let error = box.error {
            let ns = error as NSError
            let what: Phrase = ns.code == NSURLErrorTimedOut ? "timed out"
                : ns.code == NSURLErrorCannotConnectToHost ? "connection refused"
                : ns.code == NSURLErrorNetworkConnectionLost ? "connection reset"
                : "network error \(ns.code)"
            return (0, nil, what)
        }
        return ((box.response as? HTTPURLResponse)?.statusCode ?? 0, box.data, nil)
    }

    public func deliver(messageID: String, body: Data) -> DeliveryOutcome {
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(messageID, forHTTPHeaderField: "Idempotency-Key")
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (status, data, error) = perform(request)
        if let error { return .failed("\(url.host ?? "agency"): \(error)") }
        guard (200..<300).contains(status) else { return .failed("\(url.host ?? "agency"): HTTP \(status)") }
        return .delivered(receipt: (data?.isEmpty ?? true) ? nil : data)
    }

    public func poll(messageID: String) -> Data? {
        var request = URLRequest(url: url.appendingPathComponent(messageID))
        request.httpMethod = "GET"
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (status, data, error) = perform(request)
        guard error == nil, status == 200, let data, !data.isEmpty else { return nil }
        return data
    }

    public func pendingReceipts() throws -> [(source: String, data: Data)] { [] }
    public func acknowledge(source: String) throws {}

    public func check() -> Phrase? {
        var request = URLRequest(url: url)
        request.httpMethod = "HEAD"
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (status, _, error) = perform(request)
        if let error { return error }
        if status == 401 || status == 403 { return "HTTP \(status): the token is refused" }
        if status >= 500 { return "HTTP \(status)" }
        return nil
    }
}
