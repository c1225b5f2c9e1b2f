import FoundationEssentials
import Glibc

/// File-system steps with civlink's errors: each failure says what could not be done, to which
/// path, and why (the system's reason), and is of a kind the command line can act on.
public enum Files {
    /// The system's reason for the last failed call (errno).
    public static func reason() -> String { String(cString: strerror(errno)) }

    /// Why `path` could not be read, from errno, in words a translation can follow: a missing
    /// file says so, a refused one is a permission problem.
    public static func readFailure(_ path: String) -> Failure {
        switch errno {
        case ENOENT: return Failure(.notFound, "\(path) does not exist")
        case EACCES, EPERM: return Failure(.permission, "\(path) cannot be read: permission denied")
        case EISDIR: return Failure(.notFound, "\(path) is a directory, not a file")
        default: return Failure(.io, "cannot read \(path): \(Phrase(verbatim: reason()))")
        }
    }

    /// Makes `path` and its missing parents; `mode` (whatever the umask) and `group` apply to
    /// what is created here. An existing directory is left as it is, unless `enforce`: then one
    /// of this user's is brought to `mode` and `group`, and one of another user's that anybody
    /// may write to is refused.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700, group: gid_t? = nil, enforce: Bool = false) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw Failure(.cannotCreate, "\(path) exists and is not a directory") }
            guard enforce else { return }
            if info.st_uid == geteuid() {
                if let group, info.st_gid != group, chown(path, uid_t.max, group) != 0 {
                    throw Failure(.permission, "cannot give directory \(path) to group \(group): \(reason())")
                }
                if info.st_mode & 0o7777 != mode, chmod(path, mode) != 0 {
                    throw Failure(.permission, "cannot set the mode of directory \(path): \(reason())")
                }
            } else if info.st_mode & 0o002 != 0 {
                throw Failure(.permission, "directory \(path) belongs to another user and anybody may write to it (mode \(octal(info.st_mode & 0o777)))")
            }
            return
        }
        if let why = createDirectories(path, mode: mode, group: group) { throw Failure(.cannotCreate, "cannot create directory \(path): \(why)") }
    }

    /// Creates `path` and its missing parents; nil on success, else the system's reason.
    private static func createDirectories(_ path: String, mode: mode_t, group: gid_t?) -> String? {
        var info = stat()
        if stat(path, &info) == 0 { return info.st_mode & S_IFMT == S_IFDIR ? nil : String(cString: strerror(ENOTDIR)) }
        let parent = directoryName(path)
        if parent != path && parent != "." && parent != "/", let why = createDirectories(parent, mode: mode, group: group) { return why }
        if mkdir(path, mode) != 0 && errno != EEXIST { return reason() }
        if let group, chown(path, uid_t.max, group) != 0 { return reason() }
        // The umask must not widen or narrow what was asked for.
        _ = chmod(path, mode)
        return nil
    }

    /// The directory part of a path ("." for a bare name).
    public static func directoryName(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// The last component of a path.
    public static func baseName(_ path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return path }
        return String(path[path.utf8.index(after: slash)...])
    }

    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Whether `path` is a directory (following symbolic links).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    /// The whole file, or nil when it cannot be read.
    public static func read(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd)
    }

    /// Everything a descriptor gives until end of file, or nil on a read error.
    public static func readAll(_ fd: Int32, limit: Int = Int.max) -> Data? {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, min($0.count, limit - out.count)) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return Data(out) }
            out.append(contentsOf: chunk[0..<n])
        }
        return Data(out)
    }

    /// A secret (a bearer token, a TLS client key): refused (permission) when group or others
    /// may read it, as ssh refuses such keys.
    public static func readPrivate(_ path: String, what: Phrase) throws -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(.configuration, "cannot read \(what) \(path): \(reason())") }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { throw Failure(.configuration, "\(what) \(path) is not a regular file") }
        if info.st_mode & 0o077 != 0 {
            throw Failure(.permission, "\(what) \(path) is readable by group or others (mode \(octal(info.st_mode & 0o777)))",
                          remedy: .makePrivate(path: path))
        }
        guard let data = readAll(fd) else { throw Failure(.io, "cannot read \(what) \(path): \(reason())") }
        return data
    }

    /// A file someone else may have put in a directory civlink reads (a spool inbox): opened
    /// without following a symbolic link and without blocking on a FIFO, taken only when it is a
    /// regular file whose owner and group `trusting` accepts, and at most `maxBytes` long. A
    /// refusal says why and keeps what could be read safely (a prefix of a file too large).
    public static func readUntrusted(_ path: String, maxBytes: Int, trusting: (uid_t, gid_t) -> Bool) -> Result<Data, InboxRefusal> {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return .failure(InboxRefusal(reason: code == ELOOP ? "a symbolic link, not followed" : "cannot open: \(String(cString: strerror(code)))"))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .failure(InboxRefusal(reason: "cannot read: \(reason())")) }
        guard info.st_mode & S_IFMT == S_IFREG else { return .failure(InboxRefusal(reason: "not a regular file")) }
        guard trusting(info.st_uid, info.st_gid) else {
            return .failure(InboxRefusal(reason: "owned by another user (uid \(info.st_uid))"))
        }
        // One byte past the cap tells a file that is too large, however its size changes meanwhile.
        guard let data = readAll(fd, limit: maxBytes + 1) else { return .failure(InboxRefusal(reason: "cannot read: \(reason())")) }
        guard data.count <= maxBytes else {
            let size = max(Int(info.st_size), data.count)
            return .failure(InboxRefusal(reason: "larger than \(maxBytes) bytes (\(size) bytes)", prefix: data.prefix(Quarantine.prefixBytes), size: size))
        }
        return .success(data)
    }

    /// The file as UTF-8 text, or nil when it cannot be read or is not UTF-8.
    public static func readText(_ path: String) -> String? {
        guard let data = read(path) else { return nil }
        return String(validating: data, as: UTF8.self)
    }

    /// Writes all of `bytes` to `fd`, retrying short writes; false on an error (errno says why).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// Creates `path` readable by its owner only (0600) and writes `data`; refuses to replace an
    /// existing file unless `replace`, and then replaces it atomically.
    public static func writePrivate(_ path: String, _ data: Data, replace: Bool = false) throws {
        if replace {
            try atomicWrite(data, to: path)
            return
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw Failure(.cannotCreate, "cannot create \(path): \(reason())")
        }
        let ok = data.withUnsafeBytes { writeAll(fd, $0) } && fsync(fd) == 0
        let why = reason()
        close(fd)
        if !ok {
            unlink(path)
            throw Failure(.io, "cannot write \(path): \(why)")
        }
    }

    /// Claims `path` for a file of personal data a person asked for (a signed copy): before the
    /// work that fills it, so a refusal comes before anything changes. Without `replace` the
    /// file is created at once (0600, never through a symbolic link) and an existing one is
    /// refused; with it, an existing regular file is replaced atomically when the data is written.
    public static func claimPrivateOutput(_ path: String, replace: Bool) throws -> PrivateOutput {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard replace else { throw Failure(.cannotCreate, "\(path) exists already and is not replaced", remedy: .replaceExisting(path: path)) }
            guard info.st_mode & S_IFMT == S_IFREG else { throw Failure(.cannotCreate, "\(path) exists and is not a regular file") }
            guard access(directoryName(path), W_OK) == 0 else { throw Failure(.cannotCreate, "cannot create \(path): \(reason())") }
            return PrivateOutput(path: path, placeholder: false)
        }
        let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { throw Failure(.cannotCreate, "\(path) exists already and is not replaced", remedy: .replaceExisting(path: path)) }
            throw Failure(.cannotCreate, "cannot create \(path): \(reason())")
        }
        _ = fchmod(fd, 0o600)
        close(fd)
        return PrivateOutput(path: path, placeholder: true)
    }

    /// Writes `data` to `path` so that a reader sees either nothing or the whole file, even after
    /// a crash: a private temporary file in the same directory, fsync, rename, then (with
    /// `syncDirectory`) fsync of the directory. The file is created 0600.
    public static func atomicWrite(_ data: Data, to path: String, syncDirectory: Bool = true, mode: mode_t = 0o600, group: gid_t? = nil) throws {
        let directory = directoryName(path)
        var template = Array((directory + "/.tmp-civlink-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(.cannotCreate, "cannot create a file in \(directory): \(reason())") }
        let temporary = String(cString: template)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var ok = data.withUnsafeBytes { writeAll(fd, $0) }
        if ok, let group { ok = fchown(fd, uid_t.max, group) == 0 }
        ok = ok && fchmod(fd, mode) == 0 && fsync(fd) == 0
        var why = reason()
        close(fd)
        if ok && rename(temporary, path) != 0 {
            ok = false
            why = reason()
        }
        guard ok else {
            unlink(temporary)
            throw Failure(.io, "cannot write \(path): \(why)")
        }
        if syncDirectory, let problem = fsyncDirectory(directory) { throw Failure(.io, problem) }
    }

    /// Makes the renames into a directory durable; nil on success, else the reason.
    public static func fsyncDirectory(_ directory: String) -> Phrase? {
        let dirfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard dirfd >= 0 else { return "cannot open \(directory): \(reason())" }
        defer { close(dirfd) }
        return fsync(dirfd) == 0 ? nil : "cannot sync \(directory): \(reason())"
    }

    /// The permission bits of a file, or nil when it does not exist.
    public static func mode(_ path: String) -> mode_t? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return info.st_mode & 0o7777
    }

    /// Octal, as chmod(1) writes modes.
    public static func octal(_ mode: mode_t) -> String {
        let digits = String(mode & 0o777, radix: 8)
        return String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The names in a directory (no "." or ".."), or nil when it cannot be read.
    public static func list(_ directory: String) -> [String]? {
        guard let dir = opendir(directory) else { return nil }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// The current directory, for making relative paths absolute before storing them.
    public static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(cString: buffer)
    }

    /// Removes a file that may already be gone.
    public static func unlinkIfPresent(_ path: String) {
        _ = unlink(path)
    }

    public static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : currentDirectory() + "/" + path
    }
}

/// A file claimed with `Files.claimPrivateOutput`: written once, atomically and 0600, or
/// discarded (an empty placeholder it created is removed).
public final class PrivateOutput {
    public let path: String
    private var placeholder: Bool

    init(path: String, placeholder: Bool) {
        self.path = path
        self.placeholder = placeholder
    }

    public func write(_ data: Data) throws {
        try Files.atomicWrite(data, to: path)
        placeholder = false
    }

    deinit {
        if placeholder { unlink(path) }
    }
}
