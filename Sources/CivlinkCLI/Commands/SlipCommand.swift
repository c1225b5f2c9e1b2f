import CivlinkCore
import FoundationEssentials

enum SlipCommand: Command {
    static let spec = CommandSpec(
        "slip", summary: "Make a dossier's receipt and appointment slip (giấy tiếp nhận hồ sơ và hẹn trả kết quả), a print-ready HTML page.",
        usage: ["civlink slip ID [--out FILE [--force]] [--paper a5|a4]"],
        options: [
            .value("--out", "FILE", .file, "write the page here (created 0600: it names the declarant) instead of standard output"),
            .flag("--force", "with --out: replace an existing file"),
            .value("--paper", "a5|a4", .choice(HTMLPage.Paper.allCases.map(\.rawValue)), "paper size (default a5)"),
        ],
        positionals: .dossierIDs)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.count == 1 else { throw UsageError("slip needs one dossier id") }
        let id = try DossierID(parsing: invocation.positionals[0])
        let paper = invocation.value("--paper").flatMap(HTMLPage.Paper.init(rawValue:)) ?? .a5
        let ledger = try invocation.openLedger(readOnly: true)
        let dossier = try ledger.dossier(id.text)
        if invocation.has("--force") && invocation.value("--out") == nil { throw UsageError("--force goes with --out") }
        // The slip is what the desk hands over when the file is received (or received and registered at once).
        let registeredBy = try ledger.events(of: id.text).first { $0.kind == "received" || $0.kind == "registered" }?.actor ?? invocation.actor
        let page = try ReceiptSlip.page(dossier, reference: ledger.reference, receivedBy: registeredBy, now: try invocation.now(), paper: paper)
        try HTMLOutput.write(page, to: invocation.value("--out"), invocation)
        return .ok
    }
}

/// A page to a file (0600, through `Files.writePrivate`) or to standard output.
enum HTMLOutput {
    static func write(_ page: HTMLPage, to out: String?, _ invocation: Invocation) throws {
        if let out {
            try Files.claimPrivateOutput(out, replace: invocation.has("--force")).write(Data(page.html.utf8))
        } else {
            try invocation.output.write(page.html)
        }
    }
}
