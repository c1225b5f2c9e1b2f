import CivlinkCore

enum FindCommand: Command {
    static let spec = CommandSpec(
        "find", summary: "Find dossiers by a person's ID number or name, a document number or the declaration's reference; every search is recorded.",
        usage: ["civlink find KEY | --id NUMBER | --name NAME [--born DATE] | --document NUMBER | --reference REF [--limit N] [--format table|json|csv]"],
        options: outputOptions() + [
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
        let printer = try RecordPrinter(invocation, kind: "civlink.found/1", columns: [
            RecordColumn("id", "ID"), RecordColumn("group", "Group"), RecordColumn("commune", "Commune"),
            RecordColumn("received_at", "Received at"), RecordColumn("state", "State"), RecordColumn("matched", "Matched"),
        ])
        for d in found {
            // Who matched, never the key: the role, and whether with one typo.
            let matched = d.matches.map { $0.distance == 0 ? $0.role : invocation.text("\($0.role) (one typo)") }
            try printer.add([.text(d.id), .phrase(Labels.group(d.group)), .code(d.commune), .time(d.receivedAt), .text(d.state), .list(matched)],
                            json: d.json.objectValue)
        }
        // An empty table says nothing: "no dossier matches" goes to standard error.
        if !(found.isEmpty && printer.format == .table) { try printer.finish() }
        try invocation.output.flush()
        if total > found.count { invocation.note("\(total - found.count) more dossiers match (--limit N lists more)") }
        if total == 0 {
            invocation.error("no dossier matches")
            return ExitStatus(.notFound)
        }
        return .ok
    }
}
