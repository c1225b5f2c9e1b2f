import Glibc
import Synchronization

/// Turns a host into addresses within the request's deadline. getaddrinfo cannot be interrupted,
/// so a name is looked up on a detached helper thread and the request stops waiting at the
/// deadline; the abandoned thread finishes on its own (glibc's resolver gives up after its own
/// timeouts, 5 s per try by default) and its answer is dropped. At most `maxInFlight` lookups
/// run at once per client, so a dead DNS server cannot pile up threads: past that, requests fail
/// at once. IP literals never leave the calling thread.
final class NameResolver: Sendable {
    typealias Lookup = @Sendable (_ host: String, _ port: Int) -> Result<[SocketAddress], HTTPClientError>

    private let lookup: Lookup
    private let maxInFlight: Int
    private let inFlight = Atomic<Int>(0)

    init(maxInFlight: Int = 16, lookup: @escaping Lookup = NameResolver.systemLookup) {
        self.lookup = lookup
        self.maxInFlight = maxInFlight
    }

    func resolve(host: String, kind: HostKind, port: Int, deadline: RequestDeadline) throws(HTTPClientError) -> [SocketAddress] {
        if kind != .name { return try Self.getaddrinfo(host, port: port, numeric: true).get() }
        guard inFlight.add(1, ordering: .relaxed).newValue <= maxInFlight else {
            inFlight.subtract(1, ordering: .relaxed)
            throw .nameResolutionFailed(host: host, reason: "too many lookups still waiting for the DNS server")
        }
        let job: LookupJob
        do {
            job = try LookupJob(host: host, port: port, lookup: lookup, resolver: self)
        } catch {
            inFlight.subtract(1, ordering: .relaxed)
            throw error
        }
        job.start()
        var wake = pollfd(fd: job.readEnd, events: Int16(POLLIN), revents: 0)
        while true {
            if let outcome = job.outcome.withLock({ $0 }) { return try outcome.get() }
            let ready = poll(&wake, 1, deadline.pollMilliseconds)
            if ready == 0, deadline.hasPassed { throw .timeout(.resolve) }
            if ready < 0, errno != EINTR { throw .socketFailed(operation: "poll", reason: String(cString: strerror(errno))) }
        }
    }

    fileprivate func finished() {
        inFlight.subtract(1, ordering: .relaxed)
    }

    static let systemLookup: Lookup = { host, port in getaddrinfo(host, port: port, numeric: false) }

    static func getaddrinfo(_ host: String, port: Int, numeric: Bool) -> Result<[SocketAddress], HTTPClientError> {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        hints.ai_flags = AI_NUMERICSERV | (numeric ? AI_NUMERICHOST : 0)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = Glibc.getaddrinfo(host, String(port), &hints, &list)
        guard status == 0 else {
            let reason = status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            return .failure(.nameResolutionFailed(host: host, reason: reason))
        }
        defer { freeaddrinfo(list) }
        var addresses: [SocketAddress] = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ai_addr {
                addresses.append(SocketAddress(address, length: current.pointee.ai_addrlen))
            }
            entry = current.pointee.ai_next
        }
        return addresses.isEmpty ? .failure(.nameResolutionFailed(host: host, reason: "no address")) : .success(addresses)
    }
}

/// One lookup shared by the waiting request and the helper thread; whichever lets go last
/// closes the wake-up socket pair.
private final class LookupJob: Sendable {
    let host: String
    let port: Int
    let lookup: NameResolver.Lookup
    let resolver: NameResolver
    let outcome = Mutex<Result<[SocketAddress], HTTPClientError>?>(nil)
    /// A socket pair rather than a condition variable: the waiter polls it with the deadline's
    /// timeout, like every other wait. (Glibc's module offers neither eventfd nor pipe2, and a
    /// socket pair gets close-on-exec atomically.)
    let readEnd: Int32
    let writeEnd: Int32

    init(host: String, port: Int, lookup: @escaping NameResolver.Lookup, resolver: NameResolver) throws(HTTPClientError) {
        var ends: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        guard socketpair(AF_UNIX, type, 0, &ends) == 0 else {
            throw .socketFailed(operation: "socketpair", reason: String(cString: strerror(errno)))
        }
        self.host = host
        self.port = port
        self.lookup = lookup
        self.resolver = resolver
        readEnd = ends[0]
        writeEnd = ends[1]
    }

    deinit {
        close(readEnd)
        close(writeEnd)
    }

    func start() {
        // No thread to be had: look up on the caller's thread, unbounded, rather than fail.
        if !WorkerThread.detach({ self.run() }) { run() }
    }

    fileprivate func run() {
        let result = lookup(host, port)
        outcome.withLock { $0 = result }
        var byte: UInt8 = 1
        _ = write(writeEnd, &byte, 1)
        resolver.finished()
    }
}
