import CTLS
import Glibc

/// An OpenSSL BIO over a non-blocking socket that sends with MSG_NOSIGNAL. OpenSSL's own socket
/// BIO uses write(2), which raises SIGPIPE when the server has gone, killing a process that has
/// not ignored it; this client must not depend on how its host process set up signals.
enum SocketBIO {
    /// BIO_FLAGS_IN_EOF: OpenSSL asks BIO_eof to tell a peer's close from a failed read.
    private static let inEOF: Int32 = 0x800

    static func makeMethod() -> OpaquePointer? {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "civlink nosignal socket") else { return nil }
        BIO_meth_set_write(method) { bio, data, length in
            ctls_bio_clear_retry_flags(bio)
            let sent = send(SocketBIO.fd(bio), data, Int(length), Int32(MSG_NOSIGNAL))
            if sent < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { ctls_bio_set_retry_write(bio) }
            return Int32(sent)
        }
        BIO_meth_set_read(method) { bio, data, length in
            ctls_bio_clear_retry_flags(bio)
            let received = recv(SocketBIO.fd(bio), data, Int(length), 0)
            if received == 0 { BIO_set_flags(bio, SocketBIO.inEOF) }
            if received < 0, errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR { ctls_bio_set_retry_read(bio) }
            return Int32(received)
        }
        BIO_meth_set_ctrl(method) { bio, command, _, _ in
            switch command {
            case BIO_CTRL_FLUSH: 1
            case BIO_CTRL_EOF: BIO_test_flags(bio, SocketBIO.inEOF) != 0 ? 1 : 0
            default: 0
            }
        }
        BIO_meth_set_create(method) { bio in
            BIO_set_init(bio, 1)
            return 1
        }
        return method
    }

    /// A BIO of `method` over `fd`; the descriptor is kept in the BIO's data pointer (offset by
    /// one so descriptor 0 is not a null pointer). The BIO never closes it.
    static func make(method: OpaquePointer, fd: Int32) -> OpaquePointer? {
        guard let bio = BIO_new(method) else { return nil }
        BIO_set_data(bio, UnsafeMutableRawPointer(bitPattern: Int(fd) + 1))
        return bio
    }

    private static func fd(_ bio: OpaquePointer?) -> Int32 {
        Int32(Int(bitPattern: BIO_get_data(bio)) - 1)
    }
}
