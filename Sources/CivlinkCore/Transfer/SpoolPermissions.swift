import Glibc

/// Who may use a spool: its directories are 0700, or 0770 and owned by the configured group
/// when the agency's side runs as another user of that group; messages are 0600 (0640 with the
/// group). Receipts are taken only from regular files owned by the ledger's user (or, with a
/// group, belonging to it), never through a symbolic link, and up to a size cap.
public struct SpoolPermissions: Sendable, Equatable {
    public let group: gid_t?
    /// The user whose inbox files are trusted: the ledger's owner.
    public let owner: uid_t
    /// A receipt is at most 1 MiB (civlink-message(5)); an inbox file beyond that is refused.
    public static let maxReceiptBytes = 1 << 20

    /// Private to `owner`: no group.
    public init(owner: uid_t = geteuid()) {
        group = nil
        self.owner = owner
    }

    public init(group name: String?, owner: uid_t) throws {
        if let name {
            guard let gid = SpoolPermissions.groupID(name) else { throw Failure(.configuration, "spool group \(name) does not exist") }
            group = gid
        } else {
            group = nil
        }
        self.owner = owner
    }

    public var directoryMode: mode_t { group == nil ? 0o700 : 0o770 }
    public var fileMode: mode_t { group == nil ? 0o600 : 0o640 }

    /// The group's id from the system's group database, or nil when there is no such group.
    public static func groupID(_ name: String) -> gid_t? {
        if let number = gid_t(name) { return number }
        guard let entry = getgrnam(name) else { return nil }
        return entry.pointee.gr_gid
    }

    /// Whether a file with this owner and group may be read as a receipt.
    func trusts(uid: uid_t, gid: gid_t) -> Bool {
        uid == owner || (group != nil && gid == group)
    }
}
