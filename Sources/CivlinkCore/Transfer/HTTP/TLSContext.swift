import CTLS
import Glibc
import Synchronization

/// The client's SSL_CTX: protocol floor, trust and identity, set up once and checked at once.
/// OpenSSL allows SSL_new from many threads on a configured context; the mutex is there because
/// Swift cannot see that, and it is held only for the few calls that create a session.
final class TLSContext: Sendable {
    private struct Handle: ~Copyable {
        let context: OpaquePointer
        let bioMethod: OpaquePointer

        deinit {
            SSL_CTX_free(context)
            BIO_meth_free(bioMethod)
        }
    }

    private let handle: Mutex<Handle>
    let hasClientCertificate: Bool

    init(_ configuration: TLSConfiguration) throws(HTTPClientError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .invalidConfiguration("cannot create a TLS context: \(OpenSSLError.reasonText(default: "out of memory"))")
        }
        guard let bioMethod = SocketBIO.makeMethod() else {
            SSL_CTX_free(context)
            throw .invalidConfiguration("cannot create the socket BIO method")
        }
        // From here the handle frees both on every path out.
        let handle = Handle(context: context, bioMethod: bioMethod)

        guard ctls_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw .invalidConfiguration("cannot require TLS 1.2: \(OpenSSLError.reasonText(default: "unknown error"))")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        ctls_set_nonblocking_write_modes(context)
        // A renegotiation mid-answer would need reads while writing and vice versa; agencies
        // have no reason to ask for one.
        SSL_CTX_set_options(context, ctls_op_no_renegotiation())
        // Called only when the server asks for a certificate and none is configured: marks the
        // session, so that a TLS 1.2 server's bare handshake_failure alert can be told apart
        // from other handshake failures.
        SSL_CTX_set_client_cert_cb(context) { ssl, _, _ in
            SSL_set_ex_data(ssl, 0, UnsafeMutableRawPointer(bitPattern: 1))
            return 0
        }
        // Without this OpenSSL prompts on the terminal for an encrypted key's passphrase.
        SSL_CTX_set_default_passwd_cb(context) { _, _, _, _ in 0 }

        if let caFile = configuration.caFile {
            try Self.checkReadable(caFile) { .caFileUnusable(path: caFile, reason: $0) }
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw .caFileUnusable(path: caFile, reason: OpenSSLError.reasonText(default: "no certificate found"))
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw .invalidConfiguration("cannot load the system CA store: \(OpenSSLError.reasonText(default: "unknown error"))")
            }
        }

        switch (configuration.clientCertificateFile, configuration.clientKeyFile) {
        case (nil, nil):
            hasClientCertificate = false
        case (let certificate?, let key?):
            try Self.checkReadable(certificate) { .clientCertificateUnusable(path: certificate, reason: $0) }
            try Self.checkReadable(key) { .clientKeyUnusable(path: key, reason: $0) }
            guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
                throw .clientCertificateUnusable(path: certificate, reason: OpenSSLError.reasonText(default: "not a PEM certificate"))
            }
            guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
                let reason = OpenSSLError.takeReason()
                if reason?.code == X509_R_KEY_VALUES_MISMATCH { throw .clientKeyMismatch(certificate: certificate, key: key) }
                let text = reason?.text ?? "not a PEM private key"
                throw .clientKeyUnusable(path: key, reason: text.contains("bad decrypt") || text.contains("password")
                    ? "the key is encrypted; give an unencrypted key file" : text)
            }
            guard SSL_CTX_check_private_key(context) == 1 else {
                ERR_clear_error()
                throw .clientKeyMismatch(certificate: certificate, key: key)
            }
            hasClientCertificate = true
        default:
            throw .invalidConfiguration("a client certificate needs both its certificate file and its key file")
        }
        self.handle = Mutex(handle)
    }

    /// A client session over `fd`, set to verify `host` (a DNS name, or an IP address matched
    /// against the certificate's IP SANs) and to send it as SNI when it is a name.
    func makeSession(fd: Int32, host: String, kind: HostKind) throws(HTTPClientError) -> OpaquePointer {
        ERR_clear_error()
        let made: OpaquePointer? = handle.withLock { handle in
            guard let ssl = SSL_new(handle.context) else { return nil }
            guard let bio = SocketBIO.make(method: handle.bioMethod, fd: fd) else {
                SSL_free(ssl)
                return nil
            }
            SSL_set_bio(ssl, bio, bio)
            return ssl
        }
        guard let ssl = made else { throw .tlsHandshakeFailed(reason: "cannot create a TLS session: \(OpenSSLError.reasonText(default: "out of memory"))") }
        let parameters = SSL_get0_param(ssl)
        X509_VERIFY_PARAM_set_hostflags(parameters, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
        let configured: Bool
        if kind == .name {
            // SNI is for names only (RFC 6066); an IP literal is checked against IP SANs.
            configured = SSL_set1_host(ssl, host) == 1 && ctls_set_server_name(ssl, host) == 1
        } else {
            configured = X509_VERIFY_PARAM_set1_ip_asc(parameters, host) == 1
        }
        guard configured else {
            SSL_free(ssl)
            throw .tlsHandshakeFailed(reason: "cannot set the expected host name: \(OpenSSLError.reasonText(default: "unknown error"))")
        }
        SSL_set_connect_state(ssl)
        return ssl
    }

    /// OpenSSL's reasons for a missing file are vague ("system lib"); errno is not.
    private static func checkReadable(_ path: String, _ error: (String) -> HTTPClientError) throws(HTTPClientError) {
        guard access(path, R_OK) == 0 else { throw error(String(cString: strerror(errno))) }
    }
}
