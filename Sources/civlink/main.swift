import CivlinkCore
import Foundation

enum CLI {
    static let version = "0.1.0"

/// The dispatch table: every subcommand, in the order `civlink --help` lists them.
static var commands: [Command.Type] {[
    InitCommand.self,
    RegisterBirthCommand.self,
    RegisterDeathCommand.self,
    StatusCommand.self,
    KeygenCommand.self,
    CACommand.self,
    SignCommand.self,
    VerifyCommand.self,
    RevokeCommand.self,
    CopyCommand.self,
    AuditCommand.self,
    TransferCommand.self,
    AgencyCommand.self,
    ReportCommand.self,
    BackupCommand.self,
    DoctorCommand.self,
]}

static func topLevelHelp() -> String {
    var lines = [
        "usage: civlink <command> [options]",
        "",
        "Interconnected birth and death procedures: register once at the commune desk, and civlink",
        "plans, tracks and reports every step through the police, social insurance and social affairs.",
        "",
        "commands:",
    ]
    for command in commands {
        lines.append("  " + command.name.padding(toLength: 16, withPad: " ", startingAt: 0) + command.summary)
    }
    lines += ["", "Run 'civlink <command> --help' for a command's options; see civlink(1)."]
    return lines.joined(separator: "\n")
}

/// The one place an error becomes an exit status.
static func run(_ words: [String]) -> ExitCode {
    guard let first = words.first else {
        Diagnostics.note(Diagnostics.localized(topLevelHelp()))
        return .usage
    }
    if first == "--help" || first == "-h" || first == "help" {
        print(Diagnostics.localized(topLevelHelp()))
        return .ok
    }
    if first == "--version" {
        print("civlink \(CLI.version)")
        return .ok
    }
    guard let command = commands.first(where: { $0.name == first }) else {
        Diagnostics.error("unknown command '\(first)'; run 'civlink --help' for the list")
        return .usage
    }
    do {
        let arguments = try ParsedArguments.parse(Array(words.dropFirst()), options: command.options + globalOptions)
        if arguments.has("--help") {
            print(Diagnostics.localized(helpText(for: command)))
            return .ok
        }
        if arguments.has("--version") {
            print("civlink \(CLI.version)")
            return .ok
        }
        let context = Context(arguments: arguments, environment: ProcessInfo.processInfo.environment)
        let code: ExitCode
        do {
            code = try command.run(arguments, context)
        } catch {
            context.output.flush()
            throw error
        }
        context.output.flush()
        return code
    } catch let error as CivlinkError {
        Diagnostics.error(error.message)
        return error.exitCode
    } catch {
        Diagnostics.error("internal error: \(error)")
        return .software
    }
}

}

signal(SIGPIPE, SIG_IGN)
exit(CLI.run(Array(CommandLine.arguments.dropFirst())).rawValue)
