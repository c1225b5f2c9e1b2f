import CivlinkCore
import Foundation

enum CopyCommand: Command {
    static let name = "copy"
    static let summary = "Print dossiers' current signed copies, byte for byte as signed, one a line, e.g. to send them again."
    static let usage = "civlink copy ID... [--out FILE]"
    static let options: [OptionSpec] = [
        .value("--out", "FILE", "with one ID: write the signed copy here instead of standard output"),
    ]

    static func run(_ arguments: ParsedArguments, _ context: Context) throws -> ExitCode {
        guard !arguments.positionals.isEmpty else { throw UsageError("copy needs a dossier id") }
        let ids = try arguments.positionals.map { try DossierID(parsing: $0).text }
        let ledger = try context.openLedger(readOnly: true)
        if let out = arguments.value("--out") {
            guard ids.count == 1 else { throw UsageError("--out takes one dossier id") }
            let text = try currentCopy(ids[0], ledger: ledger)
            guard FileManager.default.createFile(atPath: out, contents: Data((text + "\n").utf8)) else {
                throw LedgerError("cannot write \(out)", exitCode: .cantCreate)
            }
            return .ok
        }
        // Like cat: every copy found is printed; a missing one is reported and sets the exit status.
        var missing: ExitCode?
        for id in ids {
            do {
                context.output.line(try currentCopy(id, ledger: ledger))
            } catch let error as NotFoundError {
                context.output.flush()
                Diagnostics.error(error.message)
                missing = error.exitCode
            }
        }
        return missing ?? .ok
    }

    private static func currentCopy(_ id: String, ledger: Ledger) throws -> String {
        if let text = try SignedCopy.current(dossier: id, ledger: ledger) { return text }
        // Only without a copy: tell an unknown dossier from one not signed.
        _ = try ledger.dossier(id)
        throw NotFoundError("dossier \(id) has no current signed copy; sign it with 'civlink sign \(id)'")
    }
}
