import CivlinkCore

/// A process's exit status, from sysexits(3), and the one place a failure kind becomes one.
public enum ExitStatus: Int32, Sendable {
    case ok = 0
    case failure = 1
    /// Only warnings (doctor): something needs a person, nothing is broken.
    case warnings = 2
    case usage = 64
    case dataError = 65
    case noInput = 66
    case unavailable = 69
    case software = 70
    case cantCreate = 73
    case ioError = 74
    case tempFail = 75
    case noPermission = 77
    case config = 78
    /// Standard output was closed by its reader: 128 + SIGPIPE, as a shell reports a process
    /// killed by it.
    case closedOutput = 141

    public init(_ kind: FailureKind) {
        switch kind {
        case .badRequest: self = .usage
        case .invalidInput, .duplicate, .refused, .ledgerCorrupt: self = .dataError
        case .notFound, .ledgerMissing: self = .noInput
        case .unavailable: self = .unavailable
        case .internalError: self = .software
        case .cannotCreate: self = .cantCreate
        case .io: self = .ioError
        case .busy: self = .tempFail
        case .permission: self = .noPermission
        case .configuration: self = .config
        }
    }
}
