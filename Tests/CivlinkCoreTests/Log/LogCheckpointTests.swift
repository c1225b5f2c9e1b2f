import Foundation
import XCTest
@testable import CivlinkCore

/// tlog-checkpoint and tlog-cosignature.
final class CheckpointTests: XCTestCase {
    /// The c2sp.org/tlog-cosignature example: checkpoint and the witness's signature line.
    static let specCheckpoint = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    static let specCosignature = "\u{2014} witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"

    func testParseSpecExample() throws {
        let checkpoint = try Checkpoint(text: Self.specCheckpoint)
        XCTAssertEqual(checkpoint.origin, "example.com/behind-the-sofa")
        XCTAssertEqual(checkpoint.size, 20852163)
        XCTAssertEqual(checkpoint.rootHash.base64, "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
        XCTAssertEqual(checkpoint.extensionLines, [])
        XCTAssertEqual(checkpoint.text, Self.specCheckpoint)
        // The spec's example cosignature carries the timestamp of its example message ("time 1679315147").
        let (_, signatures) = try SignedNote.parse(Array((Self.specCheckpoint + "\n" + Self.specCosignature).utf8))
        XCTAssertEqual(signatures[0].keyID, 0x8d66cf3f)
        XCTAssertEqual(CosignatureV1.timestamp(of: signatures[0]), 1679315147)
        XCTAssertEqual(String(decoding: CosignatureV1.message(timestamp: 1679315147, checkpointText: Array(Self.specCheckpoint.utf8)), as: UTF8.self),
                       "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
        // transparency-dev/formats' timestamp vector.
        let tdev = NoteSignature(name: "w", keyID: 0, signature: Array(Base64.decode("ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/iF0u4vanlqJyocWODBt97w9uL+8qT7S5gxEHWWOworDcFiEBYJXORmnFBOBA==")!.dropFirst(4)))
        XCTAssertEqual(CosignatureV1.timestamp(of: tdev), 1727964367)
    }

    func testStrictParsing() throws {
        let root = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
        XCTAssertEqual(try Checkpoint(text: "o\n0\n\(root)\n").size, 0)
        XCTAssertEqual(try Checkpoint(text: "o\n18446744073709551615\n\(root)\next one\next two\n").extensionLines, ["ext one", "ext two"])
        let bad = [
            "o\n1\n\(root)",                       // no final newline
            "o\n1\n",                              // two lines
            "\n1\n\(root)\n",                      // empty origin
            "o\n01\n\(root)\n",                    // leading zero
            "o\n+1\n\(root)\n",
            "o\n-1\n\(root)\n",
            "o\n 1\n\(root)\n",
            "o\n18446744073709551616\n\(root)\n",  // > UInt64.max
            "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", // non-canonical base64
            "o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", // 31 bytes
            "o\n1\n\(root)\n\n",                   // empty extension line
            "o\r\n1\r\n\(root)\r\n",               // CRLF
            "o\n1\n\(root)\next\tline\n",
        ]
        for text in bad { XCTAssertThrowsError(try Checkpoint(text: text), text.debugDescription) }
        XCTAssertThrowsError(try Checkpoint(origin: "has space", size: 1, rootHash: MerkleHash.zero))
        XCTAssertThrowsError(try Checkpoint(origin: "o", size: 1, rootHash: MerkleHash.zero, extensionLines: [""]))
        XCTAssertThrowsError(try Checkpoint(origin: "o", size: 1, rootHash: MerkleHash.zero, extensionLines: ["a\nb"]))
    }

    func testSignCosignVerify() throws {
        var tree = try MerkleTree(store: InMemoryNodeStore())
        for i in 0..<1000 { try tree.append(leaf: generatedLeaf(seed: "checkpoint", i)) }
        let log = try Ed25519NoteSigner.generate(name: "civlink.example/ledger")
        let w1 = try CosignatureV1Signer.generate(name: "witness.example/w1", clock: { 1_700_000_000 })
        let w2 = try CosignatureV1Signer.generate(name: "witness.example/w2", clock: { 1_700_000_005 })
        let w3 = try CosignatureV1Signer.generate(name: "witness.example/w3")
        let checkpoint = try Checkpoint(origin: "civlink.example/ledger", size: tree.size, rootHash: tree.root)
        let signed = try checkpoint.sign(signers: [log])
        let cosigned = try CosignatureV1.cosign(note: CosignatureV1.cosign(note: signed, signer: w1), signer: w2)

        let verified = try Checkpoint.verify(cosigned, log: log.verifier, witnesses: [w1.verifier, w2.verifier, w3.verifier],
                                             quorum: 2, expectedOrigin: "civlink.example/ledger")
        XCTAssertEqual(verified.checkpoint, checkpoint)
        XCTAssertEqual(verified.cosignatures.map(\.timestamp), [1_700_000_000, 1_700_000_005])
        XCTAssertThrowsError(try Checkpoint.verify(cosigned, log: log.verifier, witnesses: [w1.verifier, w2.verifier, w3.verifier], quorum: 3)) {
            XCTAssertEqual($0 as? CheckpointError, .insufficientCosignatures(verified: 2, required: 3))
        }
        XCTAssertThrowsError(try Checkpoint.verify(cosigned, log: log.verifier, witnesses: [w1.verifier], expectedOrigin: "other")) {
            XCTAssertEqual($0 as? CheckpointError, .originMismatch(expected: "other", found: "civlink.example/ledger"))
        }
        XCTAssertThrowsError(try Checkpoint.verify(cosigned, log: log.verifier, witnesses: [w1.verifier, w2.verifier], latestAcceptedTime: 1_700_000_004)) {
            XCTAssertEqual($0 as? CheckpointError, .cosignatureInFuture(name: "witness.example/w2", timestamp: 1_700_000_005))
        }
        // Witness cosignatures alone are not the log's signature.
        let witnessOnly = try SignedNote.sign(text: checkpoint.text, signers: [w1])
        XCTAssertThrowsError(try Checkpoint.verify(witnessOnly, log: log.verifier, witnesses: [w1.verifier])) {
            XCTAssertEqual($0 as? CheckpointError, .missingLogSignature)
        }
        // A witness key must not verify as the log's key (type 0x04 vs 0x01 key IDs differ).
        XCTAssertNotEqual(w1.keyID, SignedNote.keyID(name: w1.name, type: 0x01, publicKey: w1.privateKey.publicKey.bytes))

        // The signed message is exactly "cosignature/v1\ntime <t>\n" + body, checked by hand.
        let (_, signatures) = try SignedNote.parse(Array(cosigned.utf8))
        let w1Signature = try XCTUnwrap(signatures.first { $0.name == w1.name })
        XCTAssertEqual(w1Signature.signature.count, 72)
        XCTAssertEqual(Array(w1Signature.signature.prefix(8)), [0, 0, 0, 0, 0x65, 0x53, 0xF1, 0x00])
        let message = Array("cosignature/v1\ntime 1700000000\n\(checkpoint.text)".utf8)
        XCTAssertTrue(w1.privateKey.publicKey.isValidSignature(Array(w1Signature.signature.dropFirst(8)), for: message))

        // Tampering: a modified root, a modified timestamp, a modified extension line.
        let otherRoot = try tree.root(treeSize: 999)
        let forged = cosigned.replacingOccurrences(of: tree.root.base64, with: otherRoot.base64)
        XCTAssertThrowsError(try Checkpoint.verify(forged, log: log.verifier))
        XCTAssertThrowsError(try Checkpoint.verify(forged, log: log.verifier, witnesses: [w1.verifier]))
        var retimed = w1Signature.signature
        retimed[7] ^= 1
        let retimedLine = NoteSignature(name: w1.name, keyID: w1.keyID, signature: retimed).line
        let retimedNote = cosigned.replacingOccurrences(of: w1Signature.line, with: retimedLine)
        XCTAssertNotEqual(retimedNote, cosigned)
        XCTAssertThrowsError(try Checkpoint.verify(retimedNote, log: log.verifier, witnesses: [w1.verifier])) {
            XCTAssertEqual($0 as? CheckpointError, .note(.invalidSignature(name: w1.name, keyID: w1.keyID)))
        }
        let withExtension = try Checkpoint(origin: "o.example/log", size: 1, rootHash: tree.root, extensionLines: ["extension"])
        let extensionNote = try SignedNote.sign(text: withExtension.text, signers: [w1])
        XCTAssertNoThrow(try SignedNote.open(extensionNote, verifiers: [w1.verifier]))
        XCTAssertThrowsError(try SignedNote.open(extensionNote.replacingOccurrences(of: "extension", with: "extensioN"), verifiers: [w1.verifier]))
    }

    func testCosignatureKeysAndLimits() throws {
        let w = try CosignatureV1Signer.generate(name: "witness.example/w")
        let again = try CosignatureV1Signer(signerKey: w.signerKey)
        XCTAssertEqual(again.verifierKey, w.verifierKey)
        XCTAssertTrue(w.verifierKey.contains("+B")) // base64 of 0x04 || key starts with "B"
        XCTAssertEqual(try CosignatureV1Verifier(verifierKey: w.verifierKey), w.verifier)
        XCTAssertThrowsError(try Ed25519NoteSigner(signerKey: w.signerKey))
        XCTAssertThrowsError(try CosignatureV1Signer(signerKey: NoteTests.peterSKey))

        let text = Array("o\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n".utf8)
        XCTAssertThrowsError(try w.sign(text: text, timestamp: 1 << 63))
        XCTAssertNoThrow(try w.sign(text: text, timestamp: (1 << 63) - 1))
        XCTAssertThrowsError(try w.sign(text: Array("not a checkpoint\n".utf8), timestamp: 1))
        // A verifier refuses a correctly signed timestamp above 2^63 - 1.
        let huge: UInt64 = 1 << 63
        let signature = try w.privateKey.signature(for: CosignatureV1.message(timestamp: huge, checkpointText: text))
        let encoded = (0..<8).map { UInt8(huge >> UInt64(56 - 8 * $0) & 0xFF) } + signature
        XCTAssertFalse(w.verifier.verify(text: text, signature: encoded))
        let ok = try w.sign(text: text, timestamp: 0)
        XCTAssertTrue(w.verifier.verify(text: text, signature: ok))
        XCTAssertTrue(ok.starts(with: [0, 0, 0, 0, 0, 0, 0, 0]))
        XCTAssertFalse(w.verifier.verify(text: text, signature: Array(ok.dropFirst(8))))
    }
}
