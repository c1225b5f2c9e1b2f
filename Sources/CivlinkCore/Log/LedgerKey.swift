import CCrypto

/// The ledger key: the Ed25519 key that signs the ledger's checkpoints (C2SP signed-note, type
/// 0x01), kept in a file of its own, mode 0600, as a note signer key line
/// `PRIVATE+KEY+<origin>+<key id>+<base64>`. `init` makes it beside the ledger (`<ledger>.key`)
/// unless told otherwise; a ledger from an older civlink gets one when it is migrated. Its name is
/// the log's origin, `civlink/<province>/<commune>/<ledger id>` (the parts known at creation).
public enum LedgerKey {
    public static func defaultPath(ledger: String) -> String { ledger + ".key" }

    /// A new ledger id: 16 hexadecimal digits from libcrypto's generator.
    static func newLedgerID() -> String {
        var bytes = [UInt8](repeating: 0, count: 8)
        if RAND_bytes(&bytes, 8) != 1 {
            for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        }
        return bytes.hexString
    }

    static func origin(place: [String], id: String) -> String {
        (["civlink"] + place.filter { SignedNote.isValidKeyName($0) && !$0.contains("/") } + [id]).joined(separator: "/")
    }

    /// Makes a key named `origin` in a new file only its owner may read.
    static func create(path: String, origin: String) throws -> Ed25519NoteSigner {
        let signer = try Ed25519NoteSigner.generate(name: origin)
        try NoteKeyFile.save(signerKey: signer.signerKey, to: path)
        return signer
    }

    /// Reads a ledger key, refusing a file group or others may read (exit 77, as for officer keys).
    public static func load(path: String) throws -> Ed25519NoteSigner {
        try Ed25519NoteSigner(signerKey: try NoteKeyFile.load(from: path))
    }
}
