import Foundation
import XCTest

/// Certificates for the HTTPS tests, made once per test run with the openssl command-line tool:
/// a CA, server certificates for 127.0.0.1/::1/localhost (valid, expired, not yet valid, for
/// another name), a client certificate signed by the CA, and a second, unrelated CA with a
/// server and a client certificate of its own.
public final class TestPKI: Sendable {
    public let directory: String

    public static let shared: TestPKI = {
        do { return try TestPKI() } catch { fatalError("cannot make the test certificates: \(error)") }
    }()

    public func path(_ name: String) -> String { "\(directory)/\(name)" }

    private static func directoryForThisProcess() -> String { NSTemporaryDirectory() + "civlink-pki-\(getpid())" }

    private init() throws {
        directory = Self.directoryForThisProcess()
        try? FileManager.default.removeItem(atPath: directory)
        atexit { try? FileManager.default.removeItem(atPath: TestPKI.directoryForThisProcess()) }
        try FileManager.default.createDirectory(atPath: directory + "/newcerts", withIntermediateDirectories: true)
        try makeCA("ca", name: "civlink Test CA")
        try makeCA("ca2", name: "Unrelated Test CA")
        let serverNames = "DNS:localhost,IP:127.0.0.1,IP:::1"
        try makeLeaf("server", ca: "ca", subject: "localhost", extensions: "subjectAltName=\(serverNames)\nextendedKeyUsage=serverAuth")
        try makeLeaf("other", ca: "ca", subject: "other.example", extensions: "subjectAltName=DNS:other.example\nextendedKeyUsage=serverAuth")
        try makeLeaf("server2", ca: "ca2", subject: "localhost", extensions: "subjectAltName=\(serverNames)\nextendedKeyUsage=serverAuth")
        try makeLeaf("client", ca: "ca", subject: "civlink-client", extensions: "extendedKeyUsage=clientAuth")
        try makeLeaf("client2", ca: "ca2", subject: "stranger-client", extensions: "extendedKeyUsage=clientAuth")
        // `openssl x509 -req` cannot backdate in OpenSSL 3.0; `openssl ca` takes explicit dates.
        try write("ca.cnf", """
            [ ca ]
            default_ca = test
            [ test ]
            database = \(directory)/index.txt
            new_certs_dir = \(directory)/newcerts
            serial = \(directory)/serial
            default_md = sha256
            policy = any
            unique_subject = no
            [ any ]
            commonName = supplied
            [ server ]
            basicConstraints = CA:FALSE
            subjectAltName = \(serverNames)
            extendedKeyUsage = serverAuth
            """)
        try write("index.txt", "")
        try write("serial", "1000\n")
        for (name, start, end) in [("expired", "20200101000000Z", "20210101000000Z"), ("future", "20990101000000Z", "20991231000000Z")] {
            try openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path("\(name).key"),
                        "-out", path("\(name).csr"), "-subj", "/CN=localhost")
            try openssl("ca", "-batch", "-config", path("ca.cnf"), "-cert", path("ca.pem"), "-keyfile", path("ca.key"),
                        "-in", path("\(name).csr"), "-out", path("\(name).pem"), "-startdate", start, "-enddate", end,
                        "-extensions", "server", "-notext")
        }
        try openssl("pkey", "-in", path("client.key"), "-aes256", "-passout", "pass:secret", "-out", path("client-encrypted.key"))
        try write("garbage.pem", "this is not a certificate\n")
    }

    private func makeCA(_ name: String, name subject: String) throws {
        try openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path("\(name).key"),
                    "-out", path("\(name).pem"), "-days", "3650", "-subj", "/CN=\(subject)",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    }

    private func makeLeaf(_ name: String, ca: String, subject: String, extensions: String) throws {
        try write("\(name).ext", "basicConstraints=CA:FALSE\n\(extensions)\n")
        try openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", path("\(name).key"),
                    "-out", path("\(name).csr"), "-subj", "/CN=\(subject)")
        try openssl("x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
                    "-set_serial", String(Int.random(in: 1...Int(Int32.max))), "-days", "30", "-extfile", path("\(name).ext"),
                    "-out", path("\(name).pem"))
    }

    private func write(_ name: String, _ text: String) throws {
        try text.write(toFile: path(name), atomically: true, encoding: .utf8)
    }

    private func openssl(_ arguments: String...) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "openssl \(arguments.first ?? "") failed: \(String(decoding: message, as: UTF8.self))", code: 1)
        }
    }
}
