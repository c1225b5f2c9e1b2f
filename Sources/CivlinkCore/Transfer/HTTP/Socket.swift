import Glibc

/// Non-blocking TCP primitives. Every wait is a poll(2) bounded by the request's deadline.
enum Socket {
    /// Waits until `fd` is ready for `events`, or fails with a timeout in `phase`. Errors and
    /// hang-ups count as ready: the next read or write reports them precisely.
    static func wait(_ fd: Int32, for events: Int32, until deadline: RequestDeadline, phase: HTTPClientError.Phase) throws(HTTPClientError) {
        var entry = pollfd(fd: fd, events: Int16(events), revents: 0)
        while true {
            let ready = poll(&entry, 1, deadline.pollMilliseconds)
            if ready > 0 { return }
            if ready == 0 {
                if deadline.hasPassed { throw .timeout(phase) }
                continue
            }
            guard errno == EINTR else { throw .socketFailed(operation: "poll", reason: errorText()) }
        }
    }

    /// Tries the addresses in getaddrinfo's order, all within one deadline.
    static func connect(to addresses: [SocketAddress], host: String, port: Int, deadline: RequestDeadline) throws(HTTPClientError) -> Int32 {
        var failure = HTTPClientError.connectFailed(host: host, port: port, reason: "no address to try")
        for address in addresses {
            let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
            let fd = socket(address.family, type, Int32(IPPROTO_TCP))
            guard fd >= 0 else { throw .socketFailed(operation: "socket", reason: errorText()) }
            var status: Int32 = address.withSockaddr { Glibc.connect(fd, $0, $1) } == 0 ? 0 : errno
            if status == EINPROGRESS {
                do {
                    try wait(fd, for: POLLOUT, until: deadline, phase: .connect)
                } catch {
                    close(fd)
                    throw error
                }
                var length = socklen_t(MemoryLayout<Int32>.size)
                if getsockopt(fd, SOL_SOCKET, SO_ERROR, &status, &length) != 0 { status = errno }
            }
            if status == 0 {
                // Requests are written in one piece and then answered: Nagle would only hold
                // back the last segment of a request.
                var on: Int32 = 1
                setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
                return fd
            }
            close(fd)
            failure = status == ECONNREFUSED
                ? .connectionRefused(host: host, port: port)
                : .connectFailed(host: host, port: port, reason: String(cString: strerror(status)))
        }
        throw failure
    }

    /// Whether an idle pooled connection can still be used: nothing readable (a server that
    /// closed it has sent FIN or close_notify) and no error.
    static func isIdleAndOpen(_ fd: Int32) -> Bool {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&entry, 1, 0) == 0
    }

    /// A socket error as the typed error the caller can act on.
    static func error(_ code: Int32, operation: String) -> HTTPClientError {
        switch code {
        case ECONNRESET: .connectionReset
        case EPIPE: .connectionClosed
        default: .socketFailed(operation: operation, reason: String(cString: strerror(code)))
        }
    }

    static func errorText() -> String { String(cString: strerror(errno)) }
}
