import Foundation
import CivlinkTestSupport
import XCTest

/// An officer's certificate is revoked with `ca revoke`; the revocation list carries it and
/// `verify` refuses a copy signed from then on, while copies signed before stay valid.
final class OfficerRevocationTests: XCTestCase {
    func testARevokedCertificateSignsNothingFromItsRevocation() throws {
        let box = try Sandbox(now: "2026-11-20T09:30:00+07:00")
        try box.ok("init", "--training")
        let before = try box.registerBirth()
        let (key, cert) = try box.officer()
        try box.ok("sign", before, "--key", key, "--cert", cert, "--out", "before.json")

        XCTAssertEqual(try box.run("ca", "revoke", cert).status, 64, "a reason is needed")
        box.environment["CIVLINK_NOW"] = "2026-11-20T10:00:00+07:00"
        let revoked = try box.ok("ca", "revoke", cert, "--reason", "key lost").stdout
        let fingerprint = try XCTUnwrap(revoked.split(separator: " ").dropFirst(3).first.map(String.init))
        XCTAssertEqual(fingerprint.count, 64, revoked)
        let again = try box.run("ca", "revoke", fingerprint, "--reason", "again")
        XCTAssertEqual(again.status, 65)
        XCTAssertTrue(again.stderr.contains("was revoked already at 2026-11-20T03:00:00Z"), again.stderr)
        XCTAssertEqual(try box.run("ca", "revoke", String(repeating: "ab", count: 32), "--reason", "x").status, 66)

        // The list carries the certificate with the instant of its revocation.
        let list = try box.ok("revoke", "--export").json()
        XCTAssertEqual(list["format"] as? String, "civlink.revocations/1")
        let certificates = list["certificates"] as! [[String: Any]]
        XCTAssertEqual(certificates.map { $0["certificate_sha256"] as? String }, [fingerprint])
        XCTAssertEqual(certificates[0]["revoked_at"] as? String, "2026-11-20T03:00:00Z")
        XCTAssertEqual(certificates[0]["reason"] as? String, "key lost")
        let listPath = try box.write("revoked.json", try box.ok("revoke", "--export").stdout)

        // This ledger signs nothing more with it.
        let after = try box.registerBirth(Declarations.birth(childName: "Sau", motherID: "040195000222", certificate: "GCS-AFTER"))
        let refused = try box.run("sign", after, "--key", key, "--cert", cert)
        XCTAssertEqual(refused.status, 77)
        XCTAssertTrue(refused.stderr.contains("the certificate was revoked at 2026-11-20T03:00:00Z"), refused.stderr)
        XCTAssertEqual(try box.run("sign", "--pending", "--key", key, "--cert", cert).status, 77)

        // A desk that has not heard of it signs at 11:00; a verifier with the list refuses that copy
        // and still accepts the one signed before the revocation.
        let other = try Sandbox(now: "2026-11-20T11:00:00+07:00")
        try other.ok("init", "--training")
        try other.ok("ca", "import", box.path("ca/ca.pem"))
        let late = try other.registerBirth()
        try other.ok("sign", late, "--key", key, "--cert", cert, "--out", box.path("after.json"))
        let trust = box.path("ca/ca.pem")
        XCTAssertEqual(try box.run("verify", box.path("before.json"), "--trust", trust, "--revoked", listPath).status, 0)
        let verdict = try box.run(["verify", box.path("after.json"), "--trust", trust, "--revoked", listPath, "--format", "json"])
        XCTAssertEqual(verdict.status, 1)
        XCTAssertEqual(try verdict.json()["reason"] as? String, "certificate-revoked")
        XCTAssertTrue(verdict.stderr.contains("invalid (certificate-revoked): the signer's certificate was revoked at 2026-11-20T03:00:00Z"), verdict.stderr)
        XCTAssertEqual(try box.run("verify", box.path("after.json"), "--trust", trust).status, 0, "without the list nothing is known")
        // A malformed certificates entry is refused, not ignored.
        let bad = try box.write("bad.json", #"{"format":"civlink.revocations/1","revoked":[],"certificates":[{"certificate_sha256":"x"}]}"#)
        let malformed = try box.run("verify", box.path("after.json"), "--trust", trust, "--revoked", bad)
        XCTAssertEqual(malformed.status, 65, malformed.stderr)
    }
}
