/// What kind of failure an error is. The core names the kind; the command line decides what a
/// kind means for a process (its exit status, a remedy to print), in one place.
public enum FailureKind: String, Sendable, CaseIterable {
    /// The request itself is malformed (an empty validity period, an impossible option value).
    case badRequest
    /// A declaration, receipt or file breaks a rule.
    case invalidInput
    /// The same event is registered already.
    case duplicate
    /// The record is not in a state that allows the change (registering twice, amending a
    /// cancelled dossier).
    case refused
    /// A dossier, file or other object does not exist.
    case notFound
    /// There is no ledger at the path.
    case ledgerMissing
    /// The ledger file is damaged or is not a ledger.
    case ledgerCorrupt
    /// A service civlink needs does not answer.
    case unavailable
    /// A bug: something civlink's own rules should have made impossible.
    case internalError
    /// A file or directory cannot be created.
    case cannotCreate
    /// Reading or writing failed below civlink.
    case io
    /// Another process holds what this one needs; trying again later works.
    case busy
    /// A key, certificate or file is refused for who may use it.
    case permission
    /// Configuration that cannot be used.
    case configuration
}

/// Every error civlink reports: a kind and a one-line phrase that never holds personal data (no
/// ID numbers, no names), since messages end up in shared logs.
public protocol CivlinkError: Error, CustomStringConvertible {
    var kind: FailureKind { get }
    var phrase: Phrase { get }
    /// What to do about it, when there is one thing to do.
    var remedy: Remedy? { get }
}

extension CivlinkError {
    public var remedy: Remedy? { nil }
    /// The message in English.
    public var message: String { phrase.description }
    public var description: String { message }
}

/// A failure of a given kind with its phrase: the error most code throws.
public struct Failure: CivlinkError {
    public let kind: FailureKind
    public let phrase: Phrase
    public let remedy: Remedy?
    public init(_ kind: FailureKind, _ phrase: Phrase, remedy: Remedy? = nil) {
        self.kind = kind
        self.phrase = phrase
        self.remedy = remedy
    }
}

/// A declaration, receipt or file whose content breaks a rule. `field` is the JSON path of the
/// offending value, `rule` says what it must be.
public struct ValidationError: CivlinkError, Equatable {
    public let field: String
    public let rule: Phrase
    public var kind: FailureKind { .invalidInput }
    public var phrase: Phrase { field.isEmpty ? rule : "\(field): \(rule)" }
    public init(_ field: String, _ rule: Phrase) {
        self.field = field
        self.rule = rule
    }
}

/// Every rule a declaration breaks, in the order of its fields: validation collects them all so
/// that a declaration with three mistakes needs one run, not three. Never empty.
public struct ValidationErrors: CivlinkError, Equatable {
    public let errors: [ValidationError]
    public var kind: FailureKind { .invalidInput }
    /// One line: the first error, and how many more there are.
    public var phrase: Phrase {
        errors.count == 1 ? errors[0].phrase : "\(errors[0].phrase) (and \(errors.count - 1) more)"
    }
    public init(_ errors: [ValidationError]) {
        precondition(!errors.isEmpty, "ValidationErrors holds at least one error")
        self.errors = errors
    }
}

/// Collects the errors of a validation instead of stopping at the first.
public struct ValidationCollector: Sendable {
    public private(set) var errors: [ValidationError] = []
    public init() {}

    public var isEmpty: Bool { errors.isEmpty }

    public mutating func add(_ field: String, _ rule: Phrase) { errors.append(ValidationError(field, rule)) }
    public mutating func add(_ error: ValidationError) { errors.append(error) }
    public mutating func add(contentsOf other: ValidationErrors) { errors += other.errors }

    /// Runs a check that throws its first error; keeps the error and returns nil instead. A
    /// check throws only validation errors; anything else is kept as it is described.
    public mutating func check<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch let error as ValidationError {
            errors.append(error)
        } catch let many as ValidationErrors {
            errors += many.errors
        } catch {
            errors.append(ValidationError("", Phrase(verbatim: "\(error)")))
        }
        return nil
    }

    /// Throws what was collected, if anything.
    public func throwIfAny() throws {
        if !errors.isEmpty { throw ValidationErrors(errors) }
    }
}

/// The declaration is valid but the same event is registered already.
public struct DuplicateError: CivlinkError {
    public let existingDossier: String
    public let reason: Phrase
    public var kind: FailureKind { .duplicate }
    public var phrase: Phrase { "duplicate: \(reason); already registered as dossier \(existingDossier)" }
    public init(existingDossier: String, reason: Phrase) {
        self.existingDossier = existingDossier
        self.reason = reason
    }
}

/// What a person can do about an error or a doctor's finding. The core names the remedy; the
/// command line turns it into the command to run.
public enum Remedy: Sendable, Equatable {
    case createLedger
    case signCopy(dossier: String)
    case migrateSchema
    case checkLedgerPath
    case restoreBackup
    case auditAndCompareWithBackup
    case runAudit
    case addAgency
    case fixAgency(code: String, transport: String)
    case checkPath
    case makePrivate(path: String)
    /// An output file exists: name another, or ask for it to be replaced.
    case replaceExisting(path: String)
    case retryStuck
    case listOverdue
    case unsetFixedClock
    case setSystemClock
    case installSQLite
    case restoreLedgerKey(path: String)
    case importCA
    case useTrainingLedger
}
