/// What the client trusts and which identity it presents. Files are PEM and are read when the
/// client is created, so a bad path or a key that does not match its certificate is reported
/// at start-up rather than on the first delivery.
public struct TLSConfiguration: Sendable, Equatable {
    /// Trust exactly the certificates in this file (an exchange platform's private CA) instead
    /// of the system store.
    public var caFile: String?
    /// The client certificate, optionally followed by its intermediates.
    public var clientCertificateFile: String?
    /// The client certificate's private key, unencrypted: there is nobody to ask for a passphrase.
    public var clientKeyFile: String?

    public init(caFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil) {
        self.caFile = caFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
    }

    var isEmpty: Bool { caFile == nil && clientCertificateFile == nil && clientKeyFile == nil }
}
