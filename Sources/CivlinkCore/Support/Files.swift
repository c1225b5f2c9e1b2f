import FoundationEssentials
import Glibc

/// File-system steps with civlink's errors: each failure says what could not be done, to which
/// path, and why (the system's reason), and is of a kind the command line can act on.
public enum Files {
    /// The system's reason for the last failed call (errno).
    public static func reason() -> String { String(cString: strerror(errno)) }

    /// Makes `path` and its missing parents; `mode` applies to what is created here. An
    /// existing directory is left as it is.
    public static func makeDirectory(_ path: String, mode: mode_t = 0o700) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw Failure(.cannotCreate, "\(path) exists and is not a directory") }
            return
        }
        if let why = createDirectories(path, mode: mode) { throw Failure(.cannotCreate, "cannot create directory \(path): \(why)") }
    }

    /// Creates `path` and its missing parents; nil on success, else the system's reason.
    private static func createDirectories(_ path: String, mode: mode_t) -> String? {
        var info = stat()
        if stat(path, &info) == 0 { return info.st_mode & S_IFMT == S_IFDIR ? nil : String(cString: strerror(ENOTDIR)) }
        let parent = directoryName(path)
        if parent != path && parent != "." && parent != "/", let why = createDirectories(parent, mode: mode) { return why }
        if mkdir(path, mode) != 0 && errno != EEXIST { return reason() }
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

    /// The whole file, or nil when it cannot be read.
    public static func read(_ path: String) -> Data? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd)
    }

    /// Everything a descriptor gives until end of file, or nil on a read error.
    public static func readAll(_ fd: Int32) -> Data? {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { return Data(out) }
            out.append(contentsOf: chunk[0..<n])
        }
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

    /// Writes `data` to `path` so that a reader sees either nothing or the whole file, even after
    /// a crash: a private temporary file in the same directory, fsync, rename, then (with
    /// `syncDirectory`) fsync of the directory. The file is created 0600.
    public static func atomicWrite(_ data: Data, to path: String, syncDirectory: Bool = true) throws {
        let directory = directoryName(path)
        var template = Array((directory + "/.tmp-civlink-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw Failure(.cannotCreate, "cannot create a file in \(directory): \(reason())") }
        let temporary = String(cString: template)
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        var ok = data.withUnsafeBytes { writeAll(fd, $0) }
        ok = ok && fchmod(fd, 0o600) == 0 && fsync(fd) == 0
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
