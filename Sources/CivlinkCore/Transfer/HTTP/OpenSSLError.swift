import CTLS
import Glibc

/// Reads OpenSSL's per-thread error queue and verification result into typed errors.
enum OpenSSLError {
    /// The reason of the earliest queued error (the cause; later entries are consequences), and
    /// an empty queue afterwards so the next operation on this thread starts clean.
    static func takeReason() -> (code: Int32, text: String)? {
        defer { ERR_clear_error() }
        let error = ERR_get_error()
        guard error != 0 else { return nil }
        let reason = ERR_GET_REASON(error)
        if let text = ERR_reason_error_string(error) { return (reason, String(cString: text)) }
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(error, &buffer, buffer.count)
        return (reason, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    static func reasonText(default fallback: String) -> String {
        takeReason()?.text ?? fallback
    }

    /// Alerts a server sends about the client's certificate (or its absence). With TLS 1.3 the
    /// client's handshake is complete before the server has checked it, so these arrive with
    /// the first read of the answer, not during the handshake.
    private static let clientCertificateAlerts: Set<Int32> = [
        SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED, SSL_R_SSLV3_ALERT_BAD_CERTIFICATE, SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN,
        SSL_R_TLSV1_ALERT_UNKNOWN_CA, SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED, SSL_R_SSLV3_ALERT_CERTIFICATE_REVOKED,
        SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE, SSL_R_TLSV1_ALERT_ACCESS_DENIED,
    ]

    /// The error for a failed SSL_connect / SSL_read / SSL_write whose SSL_get_error was
    /// `code`; `savedErrno` is errno taken right after the call.
    static func classify(ssl: OpaquePointer, code: Int32, savedErrno: Int32, host: String, inHandshake: Bool,
                         hasClientCertificate: Bool) -> HTTPClientError {
        switch code {
        case SSL_ERROR_SYSCALL:
            let queued = takeReason()
            if savedErrno == ECONNRESET { return .connectionReset }
            if savedErrno == EPIPE || savedErrno == 0 {
                return inHandshake ? .tlsHandshakeFailed(reason: "the server closed the connection during the handshake") : .connectionClosed
            }
            return .socketFailed(operation: "TLS I/O", reason: queued?.text ?? String(cString: strerror(savedErrno)))
        case SSL_ERROR_SSL:
            if inHandshake {
                let verify = SSL_get_verify_result(ssl)
                if verify != X509_V_OK {
                    ERR_clear_error()
                    return verificationError(Int32(verify), host: host)
                }
            }
            let queued = takeReason()
            let text = queued?.text ?? "unknown error"
            if let reason = queued?.code {
                if clientCertificateAlerts.contains(reason) {
                    return hasClientCertificate ? .clientCertificateRejected(reason: text) : .clientCertificateRequired
                }
                if reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE, !hasClientCertificate, SSL_get_ex_data(ssl, 0) != nil {
                    return .clientCertificateRequired
                }
                if reason == SSL_R_UNEXPECTED_EOF_WHILE_READING {
                    return inHandshake ? .tlsHandshakeFailed(reason: "the server closed the connection during the handshake") : .connectionClosed
                }
            }
            return inHandshake ? .tlsHandshakeFailed(reason: text) : .tlsFailure(reason: text)
        default:
            ERR_clear_error()
            return inHandshake ? .tlsHandshakeFailed(reason: "SSL error \(code)") : .tlsFailure(reason: "SSL error \(code)")
        }
    }

    static func verificationError(_ result: Int32, host: String) -> HTTPClientError {
        let text = String(cString: X509_verify_cert_error_string(Int(result)))
        switch result {
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            return .hostNameMismatch(host: host)
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return .certificateExpired
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return .certificateNotYetValid
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
             X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
             X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_UNTRUSTED, X509_V_ERR_CERT_CHAIN_TOO_LONG:
            return .untrustedCertificate(reason: text)
        default:
            return .certificateRejected(reason: text)
        }
    }
}
