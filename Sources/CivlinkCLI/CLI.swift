import CivlinkCore

/// A subcommand: its spec (name, summary, options, actions) and what it does.
protocol Command: SendableMetatype {
    static var spec: CommandSpec { get }
    static func run(_ invocation: Invocation) throws -> ExitStatus
}

/// The command line: reads the words, finds the command, runs it, and turns what it throws into
/// a message and an exit status, in one place.
public enum CLI {
    public static let version = "0.1.0"

    /// The command table: every subcommand with its name, in the order `civlink --help` lists them.
    /// The names are written here too so that running one command builds no other command's spec
    /// (a test checks each name is its spec's).
    static let table: [(name: String, command: Command.Type)] = [
        ("init", InitCommand.self),
        ("config", ConfigCommand.self),
        ("register-birth", RegisterBirthCommand.self),
        ("register-death", RegisterDeathCommand.self),
        ("receive-birth", ReceiveBirthCommand.self),
        ("receive-death", ReceiveDeathCommand.self),
        ("register", DecideRegisterCommand.self),
        ("return", ReturnCommand.self),
        ("supplement", SupplementCommand.self),
        ("refuse", RefuseCommand.self),
        ("amend", AmendCommand.self),
        ("cancel", CancelCommand.self),
        ("status", StatusCommand.self),
        ("find", FindCommand.self),
        ("slip", SlipCommand.self),
        ("keygen", KeygenCommand.self),
        ("ca", CACommand.self),
        ("sign", SignCommand.self),
        ("verify", VerifyCommand.self),
        ("revoke", RevokeCommand.self),
        ("copy", CopyCommand.self),
        ("audit", AuditCommand.self),
        ("export", ExportCommand.self),
        ("import", ImportCommand.self),
        ("transfer", TransferCommand.self),
        ("agency", AgencyCommand.self),
        ("report", ReportCommand.self),
        ("backup", BackupCommand.self),
        ("doctor", DoctorCommand.self),
        ("completions", CompletionsCommand.self),
    ]

    static var commands: [Command.Type] { table.map(\.command) }

    public static var specs: [CommandSpec] { commands.map { $0.spec } }

    static func command(named name: String) -> Command.Type? {
        table.first { $0.name == name }?.command
    }

    /// Runs one command line and returns the process's exit status.
    /// The environment is read only when the command needs it (not for `--version`), once.
    public static func run(_ words: [String], environment readEnvironment: @autoclosure () -> [String: String], stdout: OutputSink,
                           stderr: OutputSink, stdinFD: Int32 = 0) -> Int32 {
        let output = Output(sink: stdout)
        var read: [String: String]?
        func environment() -> [String: String] {
            if let read { return read }
            let value = readEnvironment()
            read = value
            return value
        }
        func fail(_ phrase: Phrase) {
            try? stderr.write(Array(("civlink: " + Language.from(environment: environment()).render(phrase) + "\n").utf8))
        }
        do {
            let status = try dispatch(words, environment: environment, output: output, stderr: stderr, stdinFD: stdinFD)
            try output.flush()
            return status.rawValue
        } catch is ClosedOutput {
            output.discard()
            return ExitStatus.closedOutput.rawValue
        } catch let error as ValidationErrors {
            // Every rule the input breaks, one line each.
            try? output.flush()
            ErrorReport.lines(error).forEach(fail)
            return ExitStatus(error.kind).rawValue
        } catch let error as CivlinkError {
            try? output.flush()
            var phrase = error.phrase
            if let remedy = error.remedy, let hint = Remedies.hint(remedy) { phrase = "\(phrase)\(hint)" }
            fail(phrase)
            return ExitStatus(error.kind).rawValue
        } catch {
            try? output.flush()
            fail("internal error: \(error)")
            return ExitStatus.software.rawValue
        }
    }

    private static func dispatch(_ words: [String], environment: () -> [String: String], output: Output, stderr: OutputSink,
                                 stdinFD: Int32) throws -> ExitStatus {
        var language: Language { Language.from(environment: environment()) }
        let (globals, rest) = try ArgumentParser.leadingGlobals(words)
        guard let first = rest.first else {
            if globals.contains("--version") || globals.contains("-V") {
                try output.line("civlink \(version)")
                return .ok
            }
            if globals.contains("--help") || globals.contains("-h") {
                try output.write(Help.topLevel(language))
                return .ok
            }
            try? stderr.write(Array(Help.topLevel(language).utf8))
            return .usage
        }
        switch first {
        case "--help", "-h":
            try output.write(Help.topLevel(language))
            return .ok
        case "help":
            if rest.count > 1, let command = command(named: rest[1]) {
                try output.write(Help.command(command.spec, action: rest.count > 2 ? rest[2] : nil, language))
            } else if rest.count > 1 {
                throw UsageError("unknown command '\(rest[1])'\(ArgumentParser.suggestion(for: rest[1], among: specs.map(\.name))); run 'civlink --help' for the list")
            } else {
                try output.write(Help.topLevel(language))
            }
            return .ok
        case "--version", "-V", "version":
            try output.line("civlink \(version)")
            return .ok
        default:
            break
        }
        guard let command = command(named: first) else {
            let visible = specs.filter { !$0.hidden }.map(\.name)
            throw UsageError("unknown command '\(first)'\(ArgumentParser.suggestion(for: first, among: visible)); run 'civlink --help' for the list")
        }
        let arguments = try ArgumentParser.parse(globals + Array(rest.dropFirst()), for: command.spec)
        // CSV's own options need CSV, whatever the command's default format.
        if arguments.value("--format") != OutputFormat.csv.rawValue {
            if arguments.has("--bom") { throw UsageError("--bom goes with --format csv") }
            if arguments.value("--spreadsheet") != nil { throw UsageError("--spreadsheet goes with --format csv") }
        }
        if arguments.has("--help") {
            try output.write(Help.command(command.spec, action: arguments.action, language))
            return .ok
        }
        if arguments.has("--version") {
            try output.line("civlink \(version)")
            return .ok
        }
        let invocation = Invocation(command: command.spec, arguments: arguments, environment: environment(), output: output,
                                    errors: stderr, inputFD: stdinFD)
        return try command.run(invocation)
    }
}

/// Help texts, made from the command table.
enum Help {
    static func topLevel(_ language: Language) -> String {
        var lines = [
            language.render("usage: civlink <command> [options]"),
            "",
            language.render("Interconnected birth and death procedures: register once at the commune desk, and civlink\nplans, tracks and reports every step through the police, social insurance and social affairs."),
            "",
            language.render("commands:"),
        ]
        for spec in CLI.specs where !spec.hidden {
            lines.append("  " + spec.name.padding(16) + language.render(spec.summary))
        }
        lines += ["", language.render("Run 'civlink <command> --help' for a command's options; see civlink(1).")]
        return lines.joined(separator: "\n") + "\n"
    }

    static func command(_ spec: CommandSpec, action: String?, _ language: Language) -> String {
        let chosen = action.flatMap { name in spec.actions.first { $0.name == name } }
        let usage = chosen.map { [$0.usage] } ?? spec.allUsage
        var lines = [language.render("usage:") + " " + usage.joined(separator: "\n       "), "", language.render(chosen?.summary ?? spec.summary)]
        if chosen == nil && !spec.actions.isEmpty {
            lines += ["", language.render("actions:")]
            for a in spec.actions { lines.append("  " + a.name.padding(16) + language.render(a.summary)) }
        }
        lines += ["", language.render("options:")]
        var seen = Set<String>()
        let options = chosen.map { $0.options } ?? (spec.options + spec.actions.flatMap(\.options))
        for option in options + GlobalOptions.all where seen.insert(option.name).inserted {
            let left = option.valueName.map { "\(option.name) \($0)" } ?? option.name
            lines.append("  " + left.padding(max(24, left.count + 2)) + language.render(option.help))
        }
        lines += ["", language.render("See \("civlink-\(spec.name)(1)").")]
        return lines.joined(separator: "\n") + "\n"
    }
}

extension String {
    /// The string padded with spaces to `width` characters.
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
