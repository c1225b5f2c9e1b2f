import CivlinkTestSupport
import Foundation
import XCTest

/// Deliveries through the real `civlink transfer` to the Python agency over TLS on loopback, with
/// a CA made for the test run and client certificates required.
final class HTTPSTransferTests: XCTestCase {
    let pki = TestPKI.shared

    private func birth(_ box: Sandbox, _ i: Int = 0) throws -> String {
        let declaration = Declarations.birth(childName: "Nguyễn Thị Số \(i)", certificate: "GCS-2026-\(300 + i)")
        return try box.ok("register-birth", stdin: Declarations.text(declaration)).json()["id"] as! String
    }

    /// A ledger whose population agency is `server`, trusting the test CA, presenting the test
    /// client certificate, with a bearer token.
    private func box(_ server: AgencyServer, ca: String = "ca", clientCertificate: Bool = true, timeout: Int = 10,
                     extra: [String] = []) throws -> Sandbox {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let token = try box.writePrivate("token", "tls-secret-token\n")
        var arguments = ["agency", "add", "population", "--url", "\(server.url)/population", "--token-file", token,
                         "--ca", pki.path("\(ca).pem"), "--timeout", "\(timeout)"]
        if clientCertificate {
            // The key must be private to be used: copied with mode 0600.
            let key = try box.writePrivate("client.key", try String(contentsOfFile: pki.path("client.key"), encoding: .utf8))
            arguments += ["--client-cert", pki.path("client.pem"), "--client-key", key]
        }
        let added = try box.run(arguments + extra)
        XCTAssertEqual(added.status, 0, added.stderr)
        return box
    }

    private func personalID(_ box: Sandbox, _ id: String) throws -> [String: Any] {
        let procedures = try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
        return procedures.first { $0["code"] as! String == "personal-id" }!
    }

    private func lastError(_ box: Sandbox, _ id: String) throws -> String {
        (try personalID(box, id)["delivery"] as! [String: Any])["last_error"] as? String ?? ""
    }

    func testDeliveryOverMutualTLSCompletesAndCarriesTheToken() throws {
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let box = try box(server)
        let id = try birth(box)
        let report = try box.ok("transfer", "--format", "json").json()
        XCTAssertEqual(report["sent"] as? Int, 1)
        XCTAssertEqual(try personalID(box, id)["state"] as? String, "completed")
        XCTAssertEqual(try server.processed(), ["\(id).personal-id.1": 1])
        XCTAssertEqual(try server.authorizations() as? [String], ["Bearer tls-secret-token"])
        let checked = try box.ok("agency", "check", "--format", "json").jsonLines()
        XCTAssertEqual(checked.map { "\($0["code"]!) \($0["reachable"]!)" }, ["population 1"])
    }

    func testWithoutAClientCertificateTheServerRefusesAndTheErrorSaysSo() throws {
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let box = try box(server, clientCertificate: false)
        let id = try birth(box)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["failed"] as? Int, 1)
        XCTAssertTrue(try lastError(box, id).contains("requires a client certificate"))
        XCTAssertEqual(try server.requests(), 0)
    }

    func testAServerCertificateFromAnotherCAIsRefused() throws {
        let server = try AgencyServer(certificate: "server2", clientCA: "ca")
        let box = try box(server)
        let id = try birth(box)
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["failed"] as? Int, 1)
        XCTAssertTrue(try lastError(box, id).contains("certificate is not trusted"))
        XCTAssertEqual(try personalID(box, id)["state"] as? String, "ready")
        XCTAssertEqual(try server.requests(), 0, "nothing, and no token, goes to an untrusted server")
        // The system store does not know the test CA either.
        let plain = try Sandbox()
        try plain.ok("init", "--training")
        try plain.ok("agency", "add", "population", "--url", "\(server.url)/population")
        let check = try plain.run("agency", "check")
        XCTAssertEqual(check.status, 69)
        XCTAssertTrue(check.stdout.contains("the server's certificate is not trusted"), check.stdout)
    }

    func testAHostNameMismatchIsRefused() throws {
        let server = try AgencyServer(certificate: "other", clientCA: "ca")
        let box = try box(server)
        let id = try birth(box)
        try box.ok("transfer")
        XCTAssertTrue(try lastError(box, id).contains("not valid for 127.0.0.1"))
        XCTAssertEqual(try server.requests(), 0)
    }

    func testAnExpiredServerCertificateIsRefused() throws {
        let server = try AgencyServer(certificate: "expired", clientCA: "ca")
        let box = try box(server)
        let id = try birth(box)
        try box.ok("transfer")
        XCTAssertTrue(try lastError(box, id).contains("has expired"))
        XCTAssertEqual(try server.requests(), 0)
    }

    func testARedirectIsAFailedDeliveryAndTheTokenNeverLeavesTheOrigin() throws {
        let elsewhere = try AgencyServer(certificate: "server", clientCA: "ca")
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let box = try box(server, extra: [])
        let id = try birth(box)
        for status in [302, 307, 308] {
            try server.control(["redirect": 1, "redirect_status": status, "redirect_to": "\(elsewhere.url)/population"])
            let report = try box.ok("transfer", "--format", "json").json()
            XCTAssertEqual(report["sent"] as? Int, 0, "HTTP \(status)")
            XCTAssertEqual(report["failed"] as? Int, 1, "HTTP \(status)")
            XCTAssertEqual(try personalID(box, id)["state"] as? String, "ready", "a redirect is not a delivery")
            XCTAssertTrue(try lastError(box, id).contains("HTTP \(status) redirect, not followed"))
            box.advance(minutes: 600)
        }
        XCTAssertEqual(try elsewhere.requests(), 0, "the other origin got nothing, token or message")
        XCTAssertTrue(try elsewhere.authorizations().isEmpty)
        // Once the agency answers, the same message goes through.
        try box.ok("transfer")
        XCTAssertEqual(try personalID(box, id)["state"] as? String, "completed")
        XCTAssertEqual(try server.processed(), ["\(id).personal-id.1": 1])
    }

    func testATricklingAnswerIsBoundedByTheDeadline() throws {
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let box = try box(server, timeout: 2)
        let id = try birth(box)
        // One byte a second for 100 bytes: only a deadline over the whole answer stops it.
        try server.control(["trickle": 1])
        let report = try box.ok("transfer", "--format", "json").json()
        XCTAssertEqual(report["failed"] as? Int, 1)
        XCTAssertTrue(try lastError(box, id).contains("timed out during receiving the answer"))
        // The lock is free again: the next run goes ahead and delivers the same message.
        box.advance(minutes: 600)
        try box.ok("transfer")
        XCTAssertEqual(try personalID(box, id)["state"] as? String, "completed")
    }

    func testAnOversizedAnswerIsRefusedAndNotStored() throws {
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let box = try box(server)
        let id = try birth(box)
        try server.control(["big": 1, "big_bytes": 100 << 20])
        XCTAssertEqual(try box.ok("transfer", "--format", "json").json()["failed"] as? Int, 1)
        XCTAssertTrue(try lastError(box, id).contains("exceeds the limit"))
        let size = try FileManager.default.attributesOfItem(atPath: box.ledgerPath)[.size] as! Int
        XCTAssertLessThan(size, 4 << 20, "the answer is not kept")
        XCTAssertLessThan(try box.ledgerBytes().count, 8 << 20)
    }

    func testAnEmpty202IsUnconfirmedThenPolledAndCompleted() throws {
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let box = try box(server)
        let id = try birth(box)
        try server.control(["empty": 1])
        let report = try box.ok("transfer", "--format", "json").json()
        XCTAssertEqual(report["unconfirmed"] as? Int, 1)
        var procedure = try personalID(box, id)
        XCTAssertEqual(procedure["state"] as? String, "unconfirmed")
        XCTAssertTrue(try lastError(box, id).contains("HTTP 202: an empty answer"))
        // Not a person's problem yet, and not polled before its back-off.
        XCTAssertTrue(try box.ok("status", "--stuck", "--format", "json").stdout.isEmpty)
        try box.ok("transfer")
        XCTAssertEqual(try personalID(box, id)["state"] as? String, "unconfirmed")
        box.advance(minutes: 120)
        try box.ok("transfer")
        procedure = try personalID(box, id)
        XCTAssertEqual(procedure["state"] as? String, "completed")
        XCTAssertNotNil((procedure["result"] as? [String: Any])?["personal_id"])
        XCTAssertEqual(try server.processed(), ["\(id).personal-id.1": 1], "polled, never posted twice")
        XCTAssertEqual(try server.authorizations().count, 2, "one POST and one GET, each with the token")
    }

    func testAnswersThatAreNoReceiptEndStuckWithTheirReasonAndInQuarantine() throws {
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let box = try box(server)
        let ids = try (0..<3).map { try birth(box, $0) }
        // HTML, a receipt for another message, an empty 202; then the agency has no receipts.
        try server.control(["html": 1, "other_id": 1, "empty": 1, "no_receipts": true])
        let report = try box.ok("transfer", "--format", "json", "--concurrency", "1").json()
        XCTAssertEqual(report["unconfirmed"] as? Int, 3)
        let reasons = try ids.map { try lastError(box, $0) }
        XCTAssertTrue(reasons.contains { $0.contains("the answer is not a receipt") }, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.contains("the receipt answers another message") }, "\(reasons)")
        let quarantine = try box.ok("transfer", "--quarantine", "--format", "json").jsonLines()
        XCTAssertEqual(quarantine.count, 2, "the two answers with a body")
        for entry in quarantine {
            XCTAssertEqual(entry["agency"] as? String, "population")
            XCTAssertTrue(ids.map { "\($0).personal-id.1" }.contains(entry["message_id"] as? String ?? ""), "\(entry)")
            XCTAssertEqual((entry["sha256"] as? String)?.count, 64)
        }
        for _ in 0..<4 {
            box.advance(minutes: 180)
            try box.ok("transfer", "--max-attempts", "3", "--backoff", "60")
        }
        let stuck = try box.ok("status", "--stuck", "--format", "json").jsonLines()
        XCTAssertEqual(Set(stuck.map { $0["dossier"] as? String ?? "" }), Set(ids), "\(stuck)")
        XCTAssertTrue(stuck.allSatisfy { $0["state"] as? String == "stuck" })
        XCTAssertTrue(stuck.allSatisfy { ($0["last_error"] as? String ?? "").hasPrefix("sent, unconfirmed: 127.0.0.1:\(server.port): HTTP 404") },
                      "\(stuck)")
        XCTAssertEqual(try server.processed().count, 3)
        // A person retries once the agency has its receipts again: the same message, answered.
        try server.control(["no_receipts": false])
        try box.ok("transfer", "--retry", ids[0])
        XCTAssertEqual(try personalID(box, ids[0])["state"] as? String, "completed")
        XCTAssertEqual(try server.processed()["\(ids[0]).personal-id.1"], 1)
    }

    func testATokenGoesOverPlainHTTPOnlyToLoopbackAndMustBePrivate() throws {
        let box = try Sandbox()
        try box.ok("init", "--training")
        let token = try box.writePrivate("token", "secret\n")
        let remote = try box.run("agency", "add", "population", "--url", "http://agency.example/civlink", "--token-file", token)
        XCTAssertEqual(remote.status, 65, remote.stderr)
        XCTAssertTrue(remote.stderr.contains("only to a loopback address"), remote.stderr)
        try box.ok("agency", "add", "population", "--url", "http://127.0.0.1:9/population", "--token-file", token)
        try box.ok("agency", "add", "residence", "--url", "https://agency.example/civlink", "--token-file", token)
        XCTAssertEqual(try box.run("agency", "add", "population", "--url", "http://127.0.0.1:9/p", "--ca", pki.path("ca.pem")).status, 65)

        // Readable by group or others: refused when added, and at every run after a chmod.
        let shared = try box.write("shared-token", "secret\n")
        let added = try box.run("agency", "add", "social-insurance", "--url", "https://agency.example/x", "--token-file", shared)
        XCTAssertEqual(added.status, 77, added.stderr)
        XCTAssertTrue(added.stderr.contains("readable by group or others"), added.stderr)
        chmod(token, 0o640)
        // The run serves the other agencies and ends 78: this one's configuration needs a person.
        let run = try box.run("transfer")
        XCTAssertEqual(run.status, 78, run.stderr)
        XCTAssertTrue(run.stderr.contains("readable by group or others (mode 640)"), run.stderr)
        XCTAssertFalse(run.stderr.contains("secret"), "the token itself is never printed")

        // So is a client key.
        let key = try box.write("client.key", try String(contentsOfFile: pki.path("client.key"), encoding: .utf8))
        let withKey = try box.run("agency", "add", "social-affairs", "--url", "https://agency.example/x", "--ca", pki.path("ca.pem"),
                                  "--client-cert", pki.path("client.pem"), "--client-key", key)
        XCTAssertEqual(withKey.status, 77, withKey.stderr)
        chmod(key, 0o600)
        try box.ok("agency", "add", "social-affairs", "--url", "https://agency.example/x", "--ca", pki.path("ca.pem"),
                   "--client-cert", pki.path("client.pem"), "--client-key", key)
        // A key that is not the certificate's is refused when added.
        let otherKey = try box.writePrivate("client2.key", try String(contentsOfFile: pki.path("client2.key"), encoding: .utf8))
        let mismatch = try box.run("agency", "add", "social-affairs", "--url", "https://agency.example/x",
                                   "--client-cert", pki.path("client.pem"), "--client-key", otherKey)
        XCTAssertEqual(mismatch.status, 78, mismatch.stderr)
        XCTAssertTrue(mismatch.stderr.contains("does not belong to certificate"), mismatch.stderr)
    }

    func testAProxyIsUsedOnlyWhenConfiguredForTheAgency() throws {
        let server = try AgencyServer(certificate: "server", clientCA: "ca")
        let proxy = try TestServer(tls: .none, proxy: true)
        let box = try box(server)
        let first = try birth(box, 0)
        // The environment's proxy variables are ignored.
        box.environment["https_proxy"] = proxy.url("")
        box.environment["HTTPS_PROXY"] = proxy.url("")
        box.environment["http_proxy"] = proxy.url("")
        try box.ok("transfer")
        XCTAssertEqual(try personalID(box, first)["state"] as? String, "completed")
        XCTAssertEqual(proxy.records.filter { $0["event"] as? String == "connect" }.count, 0)

        let key = box.path("client.key")
        try box.ok("agency", "add", "population", "--url", "\(server.url)/population", "--ca", pki.path("ca.pem"),
                   "--client-cert", pki.path("client.pem"), "--client-key", key, "--token-file", box.path("token"),
                   "--proxy", proxy.url(""))
        let second = try birth(box, 1)
        try box.ok("transfer")
        XCTAssertEqual(try personalID(box, second)["state"] as? String, "completed")
        let tunnels = proxy.records.filter { $0["event"] as? String == "connect" }
        XCTAssertEqual(tunnels.count, 1)
        XCTAssertEqual(tunnels.first?["target"] as? String, "127.0.0.1:\(server.port)")
        XCTAssertTrue(tunnels.allSatisfy { $0["authorization"] is NSNull }, "the proxy never sees the token")
        XCTAssertEqual(try box.ok("agency", "list", "--format", "json").jsonLines().first?["proxy"] as? String, proxy.url(""))
    }
}
