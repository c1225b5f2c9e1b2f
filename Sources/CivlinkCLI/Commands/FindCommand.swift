import CivlinkCore

enum FindCommand: Command {
    static let spec = CommandSpec(
        "find", summary: "Find dossiers by a person's ID number or name, a document number or the declaration's reference; every search is recorded.",
        usage: ["civlink find KEY | --id NUMBER | --name NAME [--born DATE] | --document NUMBER | --reference REF [--limit N] [--format table|json]"],
        options: [
            formatOption(),
            .value("--id", "NUMBER", .text, "a personal ID number: the child's (once assigned), mother's, father's, deceased's or declarant's"),
            .value("--name", "NAME", .text, "a person's full name, without regard to diacritics or case; one typo is tolerated in a name of 10 characters or more"),
            .value("--born", "DATE", .text, "with a name: the person's date of birth (YYYY-MM-DD)"),
            .value("--document", "NUMBER", .text, "a medical birth certificate or death notice number"),
            .value("--reference", "REF", .text, "the declaration's reference"),
            .value("--limit", "N", .text, "list at most N dossiers (default 50)"),
        ],
        positionals: .text)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        let born = try invocation.value("--born").map { text -> CivilDate in
            guard let date = CivilDate(text) else { throw UsageError("--born must be a date (YYYY-MM-DD)") }
            return date
        }
        var limit = 50
        if let text = invocation.value("--limit") {
            guard let n = Int(text), n >= 1, n <= 100_000 else { throw UsageError("--limit must be a whole number from 1 to 100000") }
            limit = n
        }
        let given = ["--id", "--name", "--document", "--reference"].filter { invocation.value($0) != nil }
        guard given.count + invocation.positionals.count == 1 else {
            throw UsageError("find needs one key: a KEY, or one of --id, --name, --document, --reference")
        }
        if born != nil, given.first.map({ $0 != "--name" }) ?? false { throw UsageError("--born goes with a name") }
        let query: SearchQuery
        switch given.first {
        case "--id": query = try SearchQuery.personalID(invocation.value("--id")!)
        case "--name": query = try SearchQuery.name(invocation.value("--name")!, born: born)
        case "--document": query = try SearchQuery.document(invocation.value("--document")!)
        case "--reference": query = try SearchQuery.reference(invocation.value("--reference")!)
        default: query = try SearchQuery.guess(invocation.positionals[0], born: born)
        }
        let ledger = try invocation.openLedger()
        let (found, total) = try ledger.find(query, limit: limit, actor: invocation.actor, now: try invocation.now())
        switch invocation.format() {
        case .json:
            for dossier in found { try invocation.line(dossier.json) }
        default:
            let rows = found.map { d in
                [d.id, d.group, d.commune, d.receivedAt.localDate.description, d.state,
                 d.matches.map { $0.role + ($0.distance == 0 ? "" : " (one typo)") }.joined(separator: ", ")]
            }
            if !rows.isEmpty {
                try invocation.table(["ID", "GROUP", "COMMUNE", "RECEIVED", "STATE", "MATCHED"], rows).forEach(invocation.line)
            }
        }
        try invocation.output.flush()
        if total > found.count { invocation.note("\(total - found.count) more dossiers match (--limit N lists more)") }
        if total == 0 {
            invocation.error("no dossier matches")
            return ExitStatus(.notFound)
        }
        return .ok
    }
}
