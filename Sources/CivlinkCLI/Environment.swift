import Glibc

/// The process's words and environment, read straight from `argv` and `environ` (ProcessInfo
/// would pull Foundation in; CommandLine.arguments costs a start-up's worth of generic
/// instantiation of its own): sized once, no rehashing or regrowth.
public enum Environment {
    public static var current: [String: String] {
        var count = 0
        while environ[count] != nil { count += 1 }
        var result = [String: String](minimumCapacity: count)
        for index in 0..<count {
            guard let entry = environ[index], let eq = strchr(entry, 0x3D) else { continue }
            let key = String(decoding: UnsafeRawBufferPointer(start: entry, count: eq - entry), as: UTF8.self)
            result[key] = String(cString: eq + 1)
        }
        return result
    }

    /// The command line's words after the program's name.
    public static var arguments: [String] {
        let count = Int(CommandLine.argc)
        var words: [String] = []
        words.reserveCapacity(max(0, count - 1))
        for index in 1..<max(1, count) {
            if let word = CommandLine.unsafeArgv[index] { words.append(String(cString: word)) }
        }
        return words
    }
}
