import CivlinkCore
import FoundationEssentials

enum CopyCommand: Command {
    static let spec = CommandSpec(
        "copy", summary: "Print dossiers' current signed copies, byte for byte as signed, one a line, e.g. to send them again.",
        usage: ["civlink copy ID... [--out FILE [--force]]", "civlink copy ID --html [--paper a4|a5] [--out FILE [--force]]"],
        options: [
            .value("--out", "FILE", .file, "with one ID: write the signed copy (or the page) here (mode 0600) instead of standard output"),
            .flag("--force", "with --out: replace an existing file"),
            .flag("--html", "the readable extract as a print-ready HTML page with a QR code, instead of the signed JSON"),
            .value("--paper", "a4|a5", .choice(HTMLPage.Paper.allCases.map(\.rawValue)), "with --html: paper size (default a4)"),
        ],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard !invocation.positionals.isEmpty else { throw UsageError("copy needs a dossier id") }
        let ids = try invocation.positionals.map { try DossierID(parsing: $0).text }
        if invocation.has("--force") && invocation.value("--out") == nil { throw UsageError("--force goes with --out") }
        let ledger = try invocation.openLedger(readOnly: true)
        if invocation.has("--html") {
            guard ids.count == 1 else { throw UsageError("--html takes one dossier id") }
            guard let (document, signature) = try ledger.currentSignedCopyFacts(dossier: ids[0]) else {
                _ = try currentCopy(ids[0], ledger: ledger)   // says why there is none
                return .ok
            }
            let paper = invocation.value("--paper").flatMap(HTMLPage.Paper.init(rawValue:)) ?? .a4
            let page = try CertificateCopyPage.page(document: document, signature: signature, reference: ledger.reference, paper: paper)
            try HTMLOutput.write(page, to: invocation.value("--out"), invocation)
            return .ok
        }
        if invocation.value("--paper") != nil { throw UsageError("--paper goes with --html") }
        if let out = invocation.value("--out") {
            guard ids.count == 1 else { throw UsageError("--out takes one dossier id") }
            let output = try Files.claimPrivateOutput(out, replace: invocation.has("--force"))
            try output.write(Data((try currentCopy(ids[0], ledger: ledger) + "\n").utf8))
            return .ok
        }
        // Like cat: every copy found is printed; a missing one is reported and sets the exit status.
        var missing: ExitStatus?
        for id in ids {
            do {
                try invocation.line(try currentCopy(id, ledger: ledger))
            } catch let error as CivlinkError where error.kind == .notFound {
                try invocation.output.flush()
                var phrase = error.phrase
                if let remedy = error.remedy, let hint = Remedies.hint(remedy) { phrase = "\(phrase)\(hint)" }
                invocation.error(phrase)
                missing = ExitStatus(error.kind)
            }
        }
        return missing ?? .ok
    }

    private static func currentCopy(_ id: String, ledger: Ledger) throws -> String {
        if let text = try ledger.currentSignedCopy(dossier: id) { return text }
        // Only without a copy: tell an unknown dossier from one not signed.
        guard try ledger.hasDossier(id) else { throw Failure(.notFound, "no dossier \(id) in this ledger") }
        throw Failure(.notFound, "dossier \(id) has no current signed copy", remedy: .signCopy(dossier: id))
    }
}
