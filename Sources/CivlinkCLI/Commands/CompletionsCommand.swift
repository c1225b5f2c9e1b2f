import CivlinkCore

/// Hidden: prints the completion scripts the installed files are, and dossier ids for them.
enum CompletionsCommand: Command {
    static let spec = CommandSpec(
        "completions", summary: "Print a shell completion script made from the command table, or dossier ids to complete.",
        actions: [
            ActionSpec("bash", usage: "civlink completions bash", summary: "Print the bash completion script."),
            ActionSpec("zsh", usage: "civlink completions zsh", summary: "Print the zsh completion script."),
            ActionSpec("fish", usage: "civlink completions fish", summary: "Print the fish completion script."),
            ActionSpec("ids", usage: "civlink completions ids [--ledger PATH]", summary: "Print the ledger's newest dossier ids, one a line."),
        ],
        hidden: true)

    static func run(_ invocation: Invocation) throws -> ExitStatus {
        guard invocation.positionals.isEmpty else { throw UsageError("completions takes no arguments") }
        if invocation.arguments.action == "ids" {
            // Quietly nothing when there is no ledger: a completion must never print an error.
            guard let ledger = try? invocation.openLedger(readOnly: true) else { return .ok }
            for id in try ledger.dossierIDs(limit: 2000) { try invocation.line(id) }
            return .ok
        }
        try invocation.output.write(Completions.script(Completions.Shell(rawValue: invocation.arguments.action ?? "bash")!))
        return .ok
    }
}
