import Foundation

/// Exit codes from sysexits(3). The one place that turns them into a process status is `main.swift`.
public enum ExitCode: Int32, Sendable {
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
    case config = 78
    case noPermission = 77
}

/// Every error civlink reports carries its exit code and a one-line message that never holds
/// personal data (no ID numbers, no names): messages may end up in shared logs.
public protocol CivlinkError: Error, CustomStringConvertible {
    var exitCode: ExitCode { get }
    var message: String { get }
}

extension CivlinkError {
    public var description: String { message }
}

/// A bad command line: unknown option, missing argument.
public struct UsageError: CivlinkError {
    public let message: String
    public var exitCode: ExitCode { .usage }
    public init(_ message: String) { self.message = message }
}

/// A declaration, receipt or file whose content breaks a rule. `field` is the JSON path of the
/// offending value, `rule` says what it must be.
public struct ValidationError: CivlinkError, Equatable {
    public let field: String
    public let rule: String
    public var exitCode: ExitCode { .dataError }
    public var message: String { field.isEmpty ? rule : "\(field): \(rule)" }
    public init(_ field: String, _ rule: String) {
        self.field = field
        self.rule = rule
    }
}

/// The declaration is valid but the same event is registered already.
public struct DuplicateError: CivlinkError {
    public let existingDossier: String
    public let reason: String
    public var exitCode: ExitCode { .dataError }
    public var message: String { "duplicate: \(reason); already registered as dossier \(existingDossier)" }
}

/// A dossier, file or other object that does not exist.
public struct NotFoundError: CivlinkError {
    public let message: String
    public var exitCode: ExitCode { .noInput }
    public init(_ message: String) { self.message = message }
}

/// The ledger could not be opened, read or written.
public struct LedgerError: CivlinkError {
    public let message: String
    public let exitCode: ExitCode
    public init(_ message: String, exitCode: ExitCode = .ioError) {
        self.message = message
        self.exitCode = exitCode
    }
}

/// Configuration that cannot be used: a bad holiday file, an unknown setting.
public struct ConfigError: CivlinkError {
    public let message: String
    public var exitCode: ExitCode { .config }
    public init(_ message: String) { self.message = message }
}

/// Input or output failed below civlink (a read error on standard input, a full disk).
public struct InputOutputError: CivlinkError {
    public let message: String
    public var exitCode: ExitCode { .ioError }
    public init(_ message: String) { self.message = message }
}
