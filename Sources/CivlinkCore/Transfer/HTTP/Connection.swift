import CTLS
import Glibc
import Synchronization

/// One TCP connection, possibly with TLS over it, to the client's origin (or through its proxy).
/// It is used by one request at a time and handed between threads through the pool; the mutex
/// is what lets Swift check that hand-over, and it is never contended.
final class Connection: Sendable {
    private let state: Mutex<ConnectionState>

    init(_ state: consuming sending ConnectionState) {
        self.state = Mutex(state)
    }

    /// Sends `message` and reads the whole answer. On failure the connection must be dropped.
    func exchange(_ message: [UInt8], method: HTTPMethod, deadline: RequestDeadline, limit: Int) throws(ExchangeFailure) -> (HTTPResponse, reusable: Bool) {
        try state.withLock { (state: inout sending ConnectionState) throws(ExchangeFailure) -> (HTTPResponse, reusable: Bool) in
            try state.exchange(message, method: method, deadline: deadline, limit: limit)
        }
    }

    var isIdleAndOpen: Bool {
        state.withLock { Socket.isIdleAndOpen($0.fd) }
    }
}

/// A failed exchange, and whether the request can be sent again on a fresh connection: only
/// when the server cannot have acted on it (see `HTTPClient.request`).
struct ExchangeFailure: Error {
    let error: HTTPClientError
    let nothingReceived: Bool
}

/// The descriptors and TLS session of a connection; whoever holds it owns them, and dropping it
/// closes them.
struct ConnectionState: ~Copyable {
    let fd: Int32
    private var ssl: OpaquePointer?
    /// Keeps the BIO method that `ssl` uses alive for as long as the session.
    private var context: TLSContext?
    private var host = ""
    private var deadline: RequestDeadline
    private var phase = HTTPClientError.Phase.connect
    /// Cleared on any error: a session after a fatal error must not send close_notify.
    private var healthy = true

    init(fd: Int32, deadline: RequestDeadline) {
        self.fd = fd
        self.deadline = deadline
    }

    deinit {
        if let ssl {
            ERR_clear_error()
            // One non-blocking attempt at close_notify; nobody waits for the server's.
            if healthy { SSL_shutdown(ssl) }
            SSL_free(ssl)
            ERR_clear_error()
        }
        close(fd)
    }

    // MARK: Setting up

    /// Asks an HTTP proxy for a tunnel to `authority` (host:port). Nothing of the request, and
    /// none of the caller's headers, is sent to the proxy.
    mutating func openTunnel(to authority: String) throws(HTTPClientError) {
        phase = .connect
        let request = "CONNECT \(authority) HTTP/1.1\r\nHost: \(authority)\r\n\r\n"
        do throws(HTTPClientError) {
            try send(Array(request.utf8))
            var reader = ResponseReader(limit: 16 * 1024)
            let head = try reader.readHead(from: &self)
            guard (200..<300).contains(head.status) else { throw .proxyRefused(status: head.status) }
            guard !reader.hasBufferedBytes else { throw .malformedResponse("the proxy sent data after accepting the tunnel") }
        } catch {
            healthy = false
            throw error
        }
    }

    mutating func startTLS(_ context: TLSContext, host: String, kind: HostKind) throws(HTTPClientError) {
        let ssl = try context.makeSession(fd: fd, host: host, kind: kind)
        self.ssl = ssl
        self.context = context
        self.host = host
        phase = .tlsHandshake
        while true {
            ERR_clear_error()
            errno = 0
            let result = SSL_connect(ssl)
            if result == 1 { return }
            let savedErrno = errno
            let code = SSL_get_error(ssl, result)
            switch code {
            case SSL_ERROR_WANT_READ: try wait(for: POLLIN)
            case SSL_ERROR_WANT_WRITE: try wait(for: POLLOUT)
            default:
                healthy = false
                throw OpenSSLError.classify(ssl: ssl, code: code, savedErrno: savedErrno, host: host, inHandshake: true,
                                            hasClientCertificate: context.hasClientCertificate)
            }
        }
    }

    // MARK: One request

    mutating func exchange(_ message: [UInt8], method: HTTPMethod, deadline: RequestDeadline, limit: Int) throws(ExchangeFailure) -> (HTTPResponse, reusable: Bool) {
        self.deadline = deadline
        phase = .send
        do {
            try send(message)
        } catch {
            healthy = false
            if error.isConnectionLoss, let alert = pendingAlert() {
                throw ExchangeFailure(error: alert, nothingReceived: false)
            }
            throw ExchangeFailure(error: error, nothingReceived: error.isConnectionLoss)
        }
        phase = .receive
        var reader = ResponseReader(limit: limit)
        do {
            let (response, persistent) = try reader.readResponse(from: &self, method: method)
            // Bytes beyond the answer mean the framing was not what the server meant: the
            // next answer on this connection could not be trusted.
            let leftover = reader.hasBufferedBytes || (ssl.map { SSL_pending($0) > 0 } ?? false)
            return (response, persistent && !leftover)
        } catch {
            healthy = false
            throw ExchangeFailure(error: error, nothingReceived: reader.received == 0 && error.isConnectionLoss)
        }
    }

    // MARK: I/O

    /// Writes all of `bytes` before the deadline.
    mutating func send(_ bytes: [UInt8]) throws(HTTPClientError) {
        var offset = 0
        while offset < bytes.count {
            let chunk = min(bytes.count - offset, Int(Int32.max))
            if let ssl {
                ERR_clear_error()
                errno = 0
                let written = bytes.withUnsafeBytes { SSL_write(ssl, $0.baseAddress! + offset, Int32(chunk)) }
                if written > 0 {
                    offset += Int(written)
                    continue
                }
                try handleTLSFailure(ssl, result: written, savedErrno: errno)
            } else {
                let written = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, chunk, Int32(MSG_NOSIGNAL)) }
                if written >= 0 {
                    offset += written
                    continue
                }
                switch errno {
                case EAGAIN, EWOULDBLOCK: try wait(for: POLLOUT)
                case EINTR: continue
                default: throw Socket.error(errno, operation: "send")
                }
            }
        }
    }

    /// A TLS alert the server sent before it reset the connection under a write. With TLS 1.3
    /// the server checks the client certificate after the client's handshake is over, and its
    /// refusal can arrive as the request is being written: the alert is then queued unread and
    /// says far more than "connection reset".
    private mutating func pendingAlert() -> HTTPClientError? {
        guard let ssl else { return nil }
        var byte: UInt8 = 0
        ERR_clear_error()
        errno = 0
        let result = SSL_read(ssl, &byte, 1)
        let savedErrno = errno
        guard result <= 0 else { return nil }
        let code = SSL_get_error(ssl, result)
        guard code == SSL_ERROR_SSL else {
            ERR_clear_error()
            return nil
        }
        let error = OpenSSLError.classify(ssl: ssl, code: code, savedErrno: savedErrno, host: host, inHandshake: false,
                                          hasClientCertificate: context?.hasClientCertificate ?? false)
        return error.isConnectionLoss ? nil : error
    }

    /// Waits for TLS to make progress after a result of SSL_ERROR_WANT_*, or throws the error.
    private mutating func handleTLSFailure(_ ssl: OpaquePointer, result: Int32, savedErrno: Int32) throws(HTTPClientError) {
        let code = SSL_get_error(ssl, result)
        switch code {
        case SSL_ERROR_WANT_READ: try wait(for: POLLIN)
        case SSL_ERROR_WANT_WRITE: try wait(for: POLLOUT)
        default:
            throw OpenSSLError.classify(ssl: ssl, code: code, savedErrno: savedErrno, host: host, inHandshake: false,
                                        hasClientCertificate: context?.hasClientCertificate ?? false)
        }
    }

    private func wait(for events: Int32) throws(HTTPClientError) {
        try Socket.wait(fd, for: events, until: deadline, phase: phase)
    }
}

extension ConnectionState: ByteSource {
    /// Appends up to `maxCount` bytes to `buffer`; 0 at the end of the stream. A TLS peer that
    /// closes without close_notify ends the stream too: the answer's framing catches truncation,
    /// and a close-delimited body over TLS has no better end marker in practice.
    mutating func receive(into buffer: inout [UInt8], maxCount: Int) throws(HTTPClientError) -> Int {
        try withUnsafeTemporaryAllocation(byteCount: maxCount, alignment: 1) { (scratch) throws(HTTPClientError) -> Int in
            let count = try receive(into: scratch)
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[..<count]))
            return count
        }
    }

    private mutating func receive(into scratch: UnsafeMutableRawBufferPointer) throws(HTTPClientError) -> Int {
        while true {
            if let ssl {
                ERR_clear_error()
                errno = 0
                let count = SSL_read(ssl, scratch.baseAddress, Int32(scratch.count))
                if count > 0 { return Int(count) }
                let savedErrno = errno
                if SSL_get_error(ssl, count) == SSL_ERROR_ZERO_RETURN { return 0 }
                do {
                    try handleTLSFailure(ssl, result: count, savedErrno: savedErrno)
                } catch .connectionClosed {
                    return 0
                }
            } else {
                let count = recv(fd, scratch.baseAddress, scratch.count, 0)
                if count >= 0 { return count }
                switch errno {
                case EAGAIN, EWOULDBLOCK: try wait(for: POLLIN)
                case EINTR: continue
                default: throw Socket.error(errno, operation: "recv")
                }
            }
        }
    }
}
