import Foundation

/// File-system steps with civlink's errors: a path that cannot be created says so and which,
/// with exit 73, instead of surfacing as an internal error.
public enum FileSystem {
    public static func makeDirectory(_ path: String, mode: Int? = nil) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw LedgerError("\(path) exists and is not a directory", exitCode: .cantCreate) }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: mode.map { [.posixPermissions: $0] })
        } catch {
            let reason = ((error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError).map { String(cString: strerror(Int32($0.code))) }
            throw LedgerError("cannot create directory \(path)\(reason.map { ": \($0)" } ?? "")", exitCode: .cantCreate)
        }
    }
}
