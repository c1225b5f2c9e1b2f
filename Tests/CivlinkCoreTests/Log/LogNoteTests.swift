import Foundation
import XCTest
@testable import CivlinkCore

/// Base64, signed notes and note keys, with the golang.org/x/mod/sumdb/note test vectors.
final class NoteTests: XCTestCase {
    static let peterSKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let peterVKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let enochVKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
    static let text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let peterSig = "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
    static let enochSig = "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

    func testBase64() {
        XCTAssertEqual(Base64.encode([UInt8]()), "")
        XCTAssertEqual(Base64.encode(Array("f".utf8)), "Zg==")
        XCTAssertEqual(Base64.encode(Array("fo".utf8)), "Zm8=")
        XCTAssertEqual(Base64.encode(Array("foo".utf8)), "Zm9v")
        XCTAssertEqual(Base64.encode(Array("foobar".utf8)), "Zm9vYmFy")
        XCTAssertEqual(Base64.encode([0xFB, 0xFF]), "+/8=")
        for length in 0..<70 {
            let data = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let encoded = Base64.encode(data)
            XCTAssertEqual(encoded, Data(data).base64EncodedString())
            XCTAssertEqual(Base64.decode(encoded), data)
        }
        XCTAssertEqual(Base64.decode("Zg=="), Array("f".utf8))
        // Non-canonical: unused bits set ("Zh==" and "Zm9=" decode to the same bytes in lax decoders).
        for bad in ["Zh==", "Zm9=", "Zg=", "Zg", "Z===", "=Zg=", "Zg==\n", " Zg==", "Zg==Zg==", "Zm9v\n", "Zm-_", "Zg=a", "Z=g="] {
            XCTAssertNil(Base64.decode(bad), bad)
        }
    }

    func testKeyNames() {
        for good in ["example.com/log42", "PeterNeumann", "a", "ünïcödé/名前"] { XCTAssertTrue(SignedNote.isValidKeyName(good), good) }
        for bad in ["", "a b", "a+b", "a\tb", "a\u{A0}b", "a\u{2003}b", "a\u{3000}b", "a\u{2028}b", "a\u{85}b"] {
            XCTAssertFalse(SignedNote.isValidKeyName(bad), bad.debugDescription)
        }
    }

    func testGoSignerKeyProducesKnownSignature() throws {
        let signer = try Ed25519NoteSigner(signerKey: Self.peterSKey)
        XCTAssertEqual(signer.name, "PeterNeumann")
        XCTAssertEqual(signer.keyID, 0xc74f20a3)
        XCTAssertEqual(signer.verifierKey, Self.peterVKey)
        XCTAssertEqual(signer.signerKey, Self.peterSKey)
        XCTAssertEqual(try SignedNote.sign(text: Self.text, signers: [signer]), Self.text + "\n" + Self.peterSig)
        // An existing signature from the same key is replaced.
        let resigned = try SignedNote.addSignatures(to: Self.text + "\n" + Self.peterSig, signers: [signer])
        XCTAssertEqual(resigned, Self.text + "\n" + Self.peterSig)
        XCTAssertThrowsError(try SignedNote.sign(text: "abc", signers: [signer]))
        XCTAssertThrowsError(try SignedNote.sign(text: "a\rb\n", signers: [signer]))
    }

    func testOpenGoVectors() throws {
        let peter = try Ed25519NoteVerifier(verifierKey: Self.peterVKey)
        let enoch = try Ed25519NoteVerifier(verifierKey: Self.enochVKey)
        let message = Self.text + "\n" + Self.peterSig + Self.enochSig

        var note = try SignedNote.open(message, verifiers: [peter])
        XCTAssertEqual(note.text, Self.text)
        XCTAssertEqual(note.verifiedSignatures.map(\.name), ["PeterNeumann"])
        XCTAssertEqual(note.unverifiedSignatures.map(\.name), ["EnochRoot"])
        XCTAssertEqual(note.unverifiedSignatures.first?.keyID, 0xaf0cfe78)

        note = try SignedNote.open(message, verifiers: [peter, enoch])
        XCTAssertEqual(note.verifiedSignatures.map(\.name), ["PeterNeumann", "EnochRoot"])
        XCTAssertTrue(note.unverifiedSignatures.isEmpty)

        XCTAssertThrowsError(try SignedNote.open(message, verifiers: [])) { XCTAssertEqual($0 as? NoteError, .noVerifiedSignature) }
        XCTAssertThrowsError(try SignedNote.open(Self.text + "\n" + Self.enochSig, verifiers: [enoch, peter, enoch])) {
            XCTAssertEqual($0 as? NoteError, .ambiguousVerifier(name: "EnochRoot", keyID: 0xaf0cfe78))
        }
        XCTAssertNoThrow(try SignedNote.open(Self.text + "\n" + Self.peterSig, verifiers: [enoch, peter, enoch]))
        XCTAssertThrowsError(try SignedNote.open(Self.text + "\n" + String(repeating: Self.peterSig, count: 101), verifiers: [peter])) {
            XCTAssertEqual($0 as? NoteError, .tooManySignatures)
        }
        XCTAssertNoThrow(try SignedNote.open(Self.text + "\n" + String(repeating: Self.peterSig, count: 16), verifiers: [peter]))

        let sig = Array(Self.peterSig)
        let corrupted = String(sig[..<60]) + "ABCD" + String(sig[60...])
        XCTAssertThrowsError(try SignedNote.open(Self.text + "\n" + corrupted, verifiers: [peter])) {
            XCTAssertEqual($0 as? NoteError, .invalidSignature(name: "PeterNeumann", keyID: 0xc74f20a3))
        }
        // Duplicated signatures: one verified, identical unverified ones dropped.
        let enochChars = Array(Self.enochSig)
        let enochABCD = String(enochChars[..<60]) + "ABCD" + String(enochChars[60...])
        note = try SignedNote.open(Self.text + "\n" + Self.peterSig + Self.peterSig + Self.enochSig + Self.enochSig + enochABCD, verifiers: [peter])
        XCTAssertEqual(note.verifiedSignatures.count, 1)
        XCTAssertEqual(note.unverifiedSignatures.count, 2)

        let badMessages = [
            Self.text,
            Self.text + "\n",
            Self.text + "\n" + String(Self.peterSig.dropLast()),
            "\u{01}" + Self.text + "\n" + Self.peterSig,
            Self.text + "\n" + "\u{2014} Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
            Self.text + "\n" + Self.peterSig + "Unexpected line.\n",
            Self.text.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n" + Self.peterSig, // CRLF line endings
            Self.text + "\n" + Self.peterSig.replacingOccurrences(of: "\u{2014}", with: "-"),
            Self.text + "\n" + Self.peterSig.replacingOccurrences(of: "AM=", with: "AN="), // non-canonical base64
            Self.text + "\n" + Self.peterSig.replacingOccurrences(of: "Neumann ", with: "Neumann  "),
            Self.text + "\n" + Self.peterSig.replacingOccurrences(of: "Peter", with: "Pe+ter"),
            Self.text + "\n" + "\u{2014} PeterNeumann AAAA\n", // shorter than a key ID and one byte
        ]
        for message in badMessages {
            XCTAssertThrowsError(try SignedNote.open(message, verifiers: [peter]), message.debugDescription)
        }
        // Invalid UTF-8.
        XCTAssertThrowsError(try SignedNote.open([0xFF] + Array((Self.text + "\n" + Self.peterSig).utf8), verifiers: [peter]))
        // A signature with the right name but another key ID, or the right ID and another name, is unknown.
        let otherID = "\u{2014} PeterNeumann " + Base64.encode([0, 0, 0, 1] + Array(repeating: 0, count: 64)) + "\n"
        note = try SignedNote.open(Self.text + "\n" + otherID + Self.peterSig, verifiers: [peter])
        XCTAssertEqual(note.unverifiedSignatures.count, 1)
        // Text with empty lines: split at the last blank line.
        let signer = try Ed25519NoteSigner(signerKey: Self.peterSKey)
        let multi = try SignedNote.sign(text: "a\n\nb\n\n", signers: [signer])
        XCTAssertEqual(try SignedNote.open(multi, verifiers: [peter]).text, "a\n\nb\n\n")
    }

    func testVerifierKeyManglingsRefused() throws {
        XCTAssertNoThrow(try Ed25519NoteVerifier(verifierKey: Self.peterVKey))
        let b = Array(Self.peterVKey.utf8)
        for i in 0...b.count {
            for j in (i + 1)..<(b.count + 1) where !(i == 0 && j == b.count) {
                let key = String(decoding: b[i..<j], as: UTF8.self)
                XCTAssertThrowsError(try Ed25519NoteVerifier(verifierKey: key), key)
            }
        }
        for i in b.indices {
            var mangled = b
            mangled[i] &+= 1
            let key = String(decoding: mangled, as: UTF8.self)
            XCTAssertThrowsError(try Ed25519NoteVerifier(verifierKey: key), key)
        }
        XCTAssertThrowsError(try Ed25519NoteVerifier(verifierKey: "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="))
        XCTAssertThrowsError(try Ed25519NoteVerifier(verifierKey: "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"))
        // transparency-dev/formats vectors: a 0x01 key whose base64 contains a plus, a 0x04 key.
        XCTAssertEqual(try Ed25519NoteVerifier(verifierKey: "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6").keyID, 0x7997405c)
        let remora = try CosignatureV1Verifier(verifierKey: "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
        XCTAssertEqual(remora.keyID, 0xda77ade7)
        XCTAssertEqual(remora.verifierKey, "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
        XCTAssertThrowsError(try Ed25519NoteVerifier(verifierKey: "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")) {
            XCTAssertEqual($0 as? NoteKeyError, .unsupportedType(4))
        }
        XCTAssertThrowsError(try CosignatureV1Verifier(verifierKey: Self.peterVKey))
    }

    func testSignerKeyManglingsRefused() throws {
        let b = Array(Self.peterSKey.utf8)
        for i in 0...b.count {
            for j in (i + 1)..<(b.count + 1) where !(i == 0 && j == b.count) {
                let key = String(decoding: b[i..<j], as: UTF8.self)
                XCTAssertThrowsError(try Ed25519NoteSigner(signerKey: key), key)
            }
        }
        for i in b.indices {
            var mangled = b
            mangled[i] &+= 1
            let key = String(decoding: mangled, as: UTF8.self)
            XCTAssertThrowsError(try Ed25519NoteSigner(signerKey: key), key)
        }
    }

    func testGeneratedKeysRoundTrip() throws {
        let signer = try Ed25519NoteSigner.generate(name: "example.com/log")
        let again = try Ed25519NoteSigner(signerKey: signer.signerKey)
        XCTAssertEqual(again.verifierKey, signer.verifierKey)
        XCTAssertEqual(try Ed25519NoteVerifier(verifierKey: signer.verifierKey), signer.verifier)
        let note = try SignedNote.sign(text: "hello\n", signers: [signer])
        XCTAssertNoThrow(try SignedNote.open(note, verifiers: [signer.verifier]))
        let other = try Ed25519NoteSigner.generate(name: "example.com/log")
        XCTAssertThrowsError(try SignedNote.open(note, verifiers: [other.verifier])) { XCTAssertEqual($0 as? NoteError, .noVerifiedSignature) }
        XCTAssertThrowsError(try Ed25519NoteSigner.generate(name: "bad name"))
        // The seed is RFC 8032's: libcrypto derives the RFC 8032 test 1 public key.
        let rfc8032 = try Ed25519PrivateKey(seed: bytes(hex: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"))
        XCTAssertEqual(rfc8032.publicKey.bytes, bytes(hex: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"))
        XCTAssertEqual(try rfc8032.signature(for: []), bytes(hex: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"))
        XCTAssertThrowsError(try Ed25519PrivateKey(seed: [1, 2, 3]))
        XCTAssertThrowsError(try Ed25519PublicKey(bytes: [1, 2, 3]))
    }

    func testKeyFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlog-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("log.key").path
        let signer = try Ed25519NoteSigner.generate(name: "example.com/log")
        try NoteKeyFile.save(signerKey: signer.signerKey, to: path)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try Ed25519NoteSigner(signerKey: NoteKeyFile.load(from: path)).verifierKey, signer.verifierKey)
        XCTAssertThrowsError(try NoteKeyFile.save(signerKey: signer.signerKey, to: path), "overwrote a key")
        chmod(path, 0o644)
        XCTAssertThrowsError(try NoteKeyFile.load(from: path)) {
            guard case .insecurePermissions = $0 as? NoteKeyError else { return XCTFail("\($0)") }
        }
    }
}
