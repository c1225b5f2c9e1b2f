import Foundation
import CivlinkTestSupport
import XCTest

/// The certificate policy of `sign` and `verify` (civlink-sign(1), civlink-verify(1)), with every
/// certificate made by the plain openssl CLI, never by civlink itself.
final class CertificatePolicyTests: XCTestCase {
    /// A CA made with openssl: `<name>.key`, `<name>.pem` (CA:TRUE, self-signed).
    private func opensslCA(_ box: Sandbox, _ name: String) throws {
        try openssl(box, ["genpkey", "-algorithm", "ed25519", "-out", "\(name).key"])
        try openssl(box, ["req", "-x509", "-new", "-key", "\(name).key", "-out", "\(name).pem", "-days", "3650", "-subj", "/CN=\(name)/ST=40",
                          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    }

    /// An officer's key and certificate issued by `ca` with openssl: `<name>.key` (mode 0600) and
    /// `<name>.pem` (the leaf, then the CA). `extensions` are the leaf's, `subject` its name.
    private func opensslLeaf(_ box: Sandbox, _ name: String, ca: String, subject: String = "/CN=Pham Thi Lan/title=officer/L=17986",
                             extensions: [String] = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature,nonRepudiation"],
                             algorithm: [String] = ["-algorithm", "ed25519"], days: Int = 365) throws {
        try openssl(box, ["genpkey"] + algorithm + ["-out", "\(name).key"])
        chmod(box.path("\(name).key"), 0o600)
        try openssl(box, ["req", "-new", "-key", "\(name).key", "-out", "\(name).csr", "-subj", subject])
        _ = try box.write("\(name).ext", extensions.joined(separator: "\n") + "\n")
        try openssl(box, ["x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-CAcreateserial",
                          "-out", "\(name)-leaf.pem", "-days", "\(days)", "-extfile", "\(name).ext"])
        let chain = try String(contentsOfFile: box.path("\(name)-leaf.pem"), encoding: .utf8) + String(contentsOfFile: box.path("\(ca).pem"), encoding: .utf8)
        _ = try box.write("\(name).pem", chain)
    }

    private func openssl(_ box: Sandbox, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let result = try tool(["openssl"] + arguments, in: box)
        XCTAssertEqual(result.status, 0, "openssl \(arguments.joined(separator: " ")): \(result.stderr)", file: file, line: line)
    }

    /// A signed copy of `document`'s payload under another chain and key, made outside civlink
    /// (the JWS assembled here, the signature by `openssl pkeyutl`): what an attacker, or a
    /// careless CA, can produce.
    private func resign(_ box: Sandbox, _ document: String, key: String, chain: String, sigT: String = utc(Date())) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(document.utf8)) as! [String: Any]
        let jws = object["jws"] as! [String: String]
        let pems = try String(contentsOfFile: box.path(chain), encoding: .utf8).components(separatedBy: "-----END CERTIFICATE-----")
            .filter { $0.contains("BEGIN CERTIFICATE") }
        let x5c = pems.map { pem in
            pem.components(separatedBy: "\n").filter { !$0.hasPrefix("-----") && !$0.isEmpty }.joined()
        }
        let header: [String: Any] = ["alg": "EdDSA", "typ": "civlink.signed-copy+jws", "x5c": x5c, "sigT": sigT]
        let protected = base64url(try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys, .withoutEscapingSlashes]))
        _ = try box.write("input.txt", protected + "." + jws["payload"]!)
        try openssl(box, ["pkeyutl", "-sign", "-inkey", key, "-rawin", "-in", "input.txt", "-out", "sig.bin"])
        let signature = base64url(try Data(contentsOf: URL(fileURLWithPath: box.path("sig.bin"))))
        var copy = object
        copy["jws"] = ["protected": protected, "payload": jws["payload"]!, "signature": signature]
        return String(decoding: try JSONSerialization.data(withJSONObject: copy), as: UTF8.self)
    }

    /// RFC 3339 in UTC, to the second.
    private static func utc(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// A sandbox on the real clock: openssl's certificates start now, not at the sandbox's fixed time.
    private func realClockBox(training: Bool = true) throws -> Sandbox {
        let box = try Sandbox()
        box.environment["CIVLINK_NOW"] = nil
        if training { try box.ok("init", "--training") } else { try box.ok("init") }
        return box
    }

    private func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A training ledger that trusts the openssl CA `root`, with a birth registered and its copy
    /// signed by a good officer: (box, dossier, the signed document).
    private func signedBox() throws -> (Sandbox, String, String) {
        let box = try realClockBox()
        try opensslCA(box, "root")
        try box.ok("ca", "import", "root.pem")
        try opensslLeaf(box, "good", ca: "root")
        let id = try box.registerBirth()
        let signed = try box.ok("sign", id, "--key", "good.key", "--cert", "good.pem").stdout
        return (box, id, signed)
    }

    private func verdict(_ box: Sandbox, _ text: String) throws -> (status: Int32, reason: String?) {
        let r = try box.run(["verify", "-", "--trust", box.path("root.pem"), "--format", "json"], stdin: Data(text.utf8))
        return (r.status, (try? r.json())?["reason"] as? String)
    }

    func testVerifyRefusesCALeavesLeavesThatMayNotSignAndAnotherCommunesSigner() throws {
        let (box, _, signed) = try signedBox()
        XCTAssertEqual(try verdict(box, signed).status, 0)
        let cases: [(name: String, subject: String, extensions: [String], reason: String)] = [
            ("calf", "/CN=Pham Thi Lan/title=officer/L=17986", ["basicConstraints=critical,CA:TRUE", "keyUsage=critical,digitalSignature,keyCertSign"],
             "ca-certificate"),
            ("encipher", "/CN=Pham Thi Lan/title=officer/L=17986", ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,keyEncipherment"],
             "key-usage"),
            ("nousage", "/CN=Pham Thi Lan/title=officer/L=17986", ["basicConstraints=critical,CA:FALSE"], "key-usage"),
            ("elsewhere", "/CN=Pham Thi Lan/title=officer/L=99999", ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature"],
             "commune-mismatch"),
            ("nowhere", "/CN=Pham Thi Lan/title=officer", ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,nonRepudiation"],
             "commune-mismatch"),
        ]
        for (n, c) in cases.enumerated() {
            try opensslLeaf(box, c.name, ca: "root", subject: c.subject, extensions: c.extensions)
            let forged = try resign(box, signed, key: "\(c.name).key", chain: "\(c.name).pem")
            let v = try verdict(box, forged)
            XCTAssertEqual(v.status, 1, c.name)
            XCTAssertEqual(v.reason, c.reason, c.name)
            // And sign refuses to make such a copy at all.
            let id = try box.registerBirth(Declarations.birth(childName: "Con \(c.name)", motherID: String(format: "040195%06d", 700 + n),
                                                                certificate: "GCS-\(c.name)"))
            let refused = try box.run("sign", id, "--key", "\(c.name).key", "--cert", "\(c.name).pem")
            XCTAssertEqual(refused.status, 77, "\(c.name): \(refused.stderr)")
        }
        // The good officer's own chain re-signed the same way verifies: the harness is sound.
        XCTAssertEqual(try verdict(box, try resign(box, signed, key: "good.key", chain: "good.pem")).status, 0)
    }

    func testSignNeedsAChainToARootTheLedgerTrusts() throws {
        let box = try realClockBox()
        try opensslCA(box, "rogue")
        try opensslLeaf(box, "officer", ca: "rogue")
        let id = try box.registerBirth()
        let none = try box.run("sign", id, "--key", "officer.key", "--cert", "officer.pem")
        XCTAssertEqual(none.status, 77)
        XCTAssertTrue(none.stderr.contains("trusts no CA root"), none.stderr)
        try opensslCA(box, "province")
        try box.ok("ca", "import", "province.pem")
        let other = try box.run("sign", id, "--key", "officer.key", "--cert", "officer.pem")
        XCTAssertEqual(other.status, 77)
        XCTAssertTrue(other.stderr.contains("does not lead to a CA root this ledger trusts"), other.stderr)
        XCTAssertTrue(other.stderr.contains("ca import"), "the remedy is named: \(other.stderr)")
        let procedures = try box.ok("status", id, "--format", "json").json()["procedures"] as! [[String: Any]]
        XCTAssertEqual(procedures.first { $0["code"] as? String == "certificate-copy" }?["state"] as? String, "ready", "a refused signature changes nothing")
        // Importing the officer's chain trusts its root, and the copy is signed.
        let imported = try box.ok("ca", "import", "officer.pem").stdout
        XCTAssertTrue(imported.contains("trusted CA root"), imported)
        try box.ok("sign", id, "--key", "officer.key", "--cert", "officer.pem", "--out", "copy.json")
        XCTAssertEqual(try box.run(["verify", box.path("copy.json"), "--trust", box.path("rogue.pem")]).status, 0)
    }

    func testSigningTimeMustBeTheClocksAndWithinTheDossierAndTheCertificate() throws {
        // A real ledger: the clock cannot be fixed for a signature.
        let real = try realClockBox(training: false)
        try opensslCA(real, "root")
        try real.ok("ca", "import", "root.pem")
        try opensslLeaf(real, "officer", ca: "root")
        let id = try real.registerBirth()
        let fixed = try real.run(["sign", id, "--key", "officer.key", "--cert", "officer.pem"],
                                 environment: ["CIVLINK_NOW": CertificatePolicyTests.utc(Date().addingTimeInterval(3600))])
        XCTAssertEqual(fixed.status, 78, fixed.stderr)
        XCTAssertTrue(fixed.stderr.contains("training ledger"), fixed.stderr)
        try real.ok("sign", id, "--key", "officer.key", "--cert", "officer.pem", "--out", "copy.json")

        // A training ledger: a fixed clock may date it, but not before the dossier was registered,
        // nor outside the certificate's validity (30 days from now, as openssl issued it).
        let box = try realClockBox()
        try opensslCA(box, "root")
        try box.ok("ca", "import", "root.pem")
        try opensslLeaf(box, "officer", ca: "root", days: 30)
        func at(_ hours: Double) -> [String: String] { ["CIVLINK_NOW": CertificatePolicyTests.utc(Date().addingTimeInterval(hours * 3600))] }
        let dossier = try box.run(["register-birth"], stdin: Data(Declarations.text(Declarations.birth()).utf8), environment: at(2))
        let id2 = try dossier.json()["id"] as! String
        let before = try box.run(["sign", id2, "--key", "officer.key", "--cert", "officer.pem"], environment: at(1))
        XCTAssertEqual(before.status, 65, before.stderr)
        XCTAssertTrue(before.stderr.contains("before"), before.stderr)
        let pending = try box.run(["sign", "--pending", "--key", "officer.key", "--cert", "officer.pem"], environment: at(1))
        XCTAssertEqual(pending.status, 0, pending.stderr)
        XCTAssertEqual(pending.stdout, "", "sign --pending leaves dossiers registered after the signing time")
        let later = try box.run(["sign", id2, "--key", "officer.key", "--cert", "officer.pem"], environment: at(24 * 60))
        XCTAssertEqual(later.status, 77, later.stderr)
        XCTAssertTrue(later.stderr.contains("expired"), later.stderr)
        let earlier = try box.run(["sign", id2, "--key", "officer.key", "--cert", "officer.pem"], environment: at(-24 * 20))
        XCTAssertEqual(earlier.status, 77, earlier.stderr)
        XCTAssertTrue(earlier.stderr.contains("not valid before"), earlier.stderr)
        let signed = try box.run(["sign", id2, "--key", "officer.key", "--cert", "officer.pem"], environment: at(3))
        XCTAssertEqual(signed.status, 0, signed.stderr)
    }

    func testRefusedKeysExit77() throws {
        let box = try realClockBox()
        try opensslCA(box, "root")
        try box.ok("ca", "import", "root.pem")
        let id = try box.registerBirth()
        for (name, algorithm) in [("rsa1024", ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"]),
                                  ("p384", ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"])] {
            try opensslLeaf(box, name, ca: "root", algorithm: algorithm)
            let refused = try box.run("sign", id, "--key", "\(name).key", "--cert", "\(name).pem")
            XCTAssertEqual(refused.status, 77, "\(name): \(refused.stderr)")
        }
    }

    /// A signature whose last base64url character is changed in its unused bits decodes to the
    /// same bytes; only the canonical encoding is accepted, so the copy is refused.
    func testOnlyCanonicalBase64URLVerifies() throws {
        let (box, _, signed) = try signedBox()
        let object = try JSONSerialization.jsonObject(with: Data(signed.utf8)) as! [String: Any]
        let signature = (object["jws"] as! [String: String])["signature"]!
        // 64 bytes: 86 characters, the last carrying 4 unused bits.
        XCTAssertEqual(signature.count, 86)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let last = alphabet.firstIndex(of: signature.last!)!
        let sibling = String(alphabet[last ^ 1])   // same upper 2 bits, a different unused bit
        XCTAssertEqual(b64url(String(signature.dropLast()) + sibling), b64url(signature), "a lax decoder reads the same bytes")
        let edited = signed.replacingOccurrences(of: signature, with: String(signature.dropLast()) + sibling)
        XCTAssertNotEqual(edited, signed)
        let v = try verdict(box, edited)
        XCTAssertEqual(v.status, 1)
        XCTAssertEqual(v.reason, "malformed")
    }
}
