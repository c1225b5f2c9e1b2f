import CivlinkCore

enum ReceiveBirthCommand: Command {
    static let spec = CommandSpec(
        "receive-birth", summary: "Receive a birth declaration at the desk or from the portal, for the officer to check before registering it.",
        usage: ["civlink receive-birth [FILE|-] [--batch] [--channel desk|online] [--format json|table|csv]"], options: receiveOptions, positionals: .files)
    static func run(_ invocation: Invocation) throws -> ExitStatus { try ReceiveRun.run(.birth, invocation) }
}

enum ReceiveDeathCommand: Command {
    static let spec = CommandSpec(
        "receive-death", summary: "Receive a death declaration at the desk or from the portal, for the officer to check before registering it.",
        usage: ["civlink receive-death [FILE|-] [--batch] [--channel desk|online] [--format json|table|csv]"], options: receiveOptions, positionals: .files)
    static func run(_ invocation: Invocation) throws -> ExitStatus { try ReceiveRun.run(.death, invocation) }
}

let receiveOptions: [OptionSpec] = registerOptions + [
    .value("--channel", "desk|online", .choice(Channel.allCases.map(\.rawValue)),
           "how the declaration arrived: at the one-stop desk (default) or online through the public service portal"),
]

/// Validates, checks duplicates and records the dossier as received: the statutory clock starts,
/// no register number is given and nothing is sent until `civlink register`.
enum ReceiveRun {
    static func run(_ group: ProcedureGroup, _ invocation: Invocation) throws -> ExitStatus {
        let channel = invocation.value("--channel").flatMap(Channel.init(rawValue:)) ?? .desk
        return try RegisterRun(group: group, invocation: invocation, intake: channel).run()
    }
}
