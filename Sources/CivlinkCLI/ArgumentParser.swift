import CivlinkCore

/// A bad command line: unknown command or option, missing or malformed value. Exit 64.
public struct UsageError: CivlinkError {
    public let phrase: Phrase
    public var kind: FailureKind { .badRequest }
    public init(_ phrase: Phrase) { self.phrase = phrase }
}

/// The parsed command line of one command.
public struct ParsedArguments: Sendable {
    /// The action word of a command with actions (`add` in `agency add`).
    public var action: String?
    public var positionals: [String] = []
    public var values: [String: String] = [:]
    /// Every value of an option given more than once (`--checkpoint A --checkpoint B`), in order.
    public var repeated: [String: [String]] = [:]
    public var flags: Set<String> = []

    public func value(_ name: String) -> String? { values[name] }
    public func allValues(_ name: String) -> [String] { repeated[name] ?? [] }
    public func has(_ name: String) -> Bool { flags.contains(name) }
}

enum ArgumentParser {
    /// Splits off the global options written before the command name: `civlink --ledger x status`.
    static func leadingGlobals(_ words: [String]) throws -> (globals: [String], rest: [String]) {
        var index = 0
        var globals: [String] = []
        while index < words.count, words[index].hasPrefix("-"), words[index] != "-", words[index] != "--" {
            let word = words[index]
            let name = word.split(separator: "=", maxSplits: 1).first.map(String.init) ?? word
            guard let spec = GlobalOptions.all.first(where: { $0.name == name || (name == "-h" && $0.name == "--help") }) else { break }
            globals.append(word)
            index += 1
            if spec.takesValue && !word.contains("=") {
                guard index < words.count else { throw UsageError("option \(name) needs a value (\(spec.valueName ?? ""))") }
                globals.append(words[index])
                index += 1
            }
        }
        return (globals, Array(words[index...]))
    }

    /// Parses the words after the command name against `command`'s options (those of its
    /// action, when it has actions) and the global ones.
    static func parse(_ words: [String], for command: CommandSpec) throws -> ParsedArguments {
        var parsed = ParsedArguments()
        if !command.actions.isEmpty {
            // The action is the first word that is not an option or an option's value.
            let every = command.actions.flatMap(\.options) + command.options + GlobalOptions.all
            var index = 0
            while index < words.count {
                let word = words[index]
                index += 1
                if word == "--" { break }
                if word.hasPrefix("-") && word != "-" {
                    let name = String(word.split(separator: "=", maxSplits: 1).first ?? "")
                    if !word.contains("="), every.first(where: { $0.name == name })?.takesValue == true { index += 1 }
                    continue
                }
                guard let action = command.actions.first(where: { $0.name == word }) else {
                    throw UsageError("unknown \(command.name) action '\(word)'; use \(command.actions.map(\.name).joined(separator: ", "))")
                }
                parsed.action = action.name
                break
            }
        }
        let options = command.accepted(action: parsed.action)
        var index = 0
        var onlyPositionals = false
        var actionSeen = false
        while index < words.count {
            let word = words[index]
            index += 1
            // A negative number ("-1") is a value, refused by the rule it breaks, not an option.
            let isNumber = word.count > 1 && word.dropFirst().allSatisfy(\.isNumber)
            if onlyPositionals || word == "-" || !word.hasPrefix("-") || isNumber {
                if !actionSeen, let action = parsed.action, word == action, !onlyPositionals {
                    actionSeen = true
                    continue
                }
                parsed.positionals.append(word)
                continue
            }
            if word == "--" { onlyPositionals = true; continue }
            var name = word
            var inlineValue: String?
            if let eq = word.firstIndex(of: "=") {
                name = String(word[..<eq])
                inlineValue = String(word[word.index(after: eq)...])
            }
            if name == "-h" { name = "--help" }
            if name == "-V" { name = "--version" }
            guard let spec = options.first(where: { $0.name == name }) else {
                let known = options.map(\.name)
                if let other = command.actions.first(where: { action in action.options.contains { $0.name == name } }), parsed.action != nil {
                    throw UsageError("option \(name) goes with '\(command.name) \(other.name)', not '\(command.name) \(parsed.action!)'")
                }
                throw UsageError("unknown option \(name)\(suggestion(for: name, among: known))")
            }
            let value: String?
            if spec.takesValue {
                if let inlineValue {
                    value = inlineValue
                } else {
                    guard index < words.count else { throw UsageError("option \(name) needs a value (\(spec.valueName ?? ""))") }
                    value = words[index]
                    index += 1
                }
            } else {
                if inlineValue != nil { throw UsageError("option \(name) takes no value") }
                value = nil
            }
            if let value {
                if case .choice(let choices) = spec.kind, !choices.contains(value) {
                    throw UsageError("\(name) must be \(choiceList(choices))")
                }
                parsed.values[name] = value
                parsed.repeated[name, default: []].append(value)
            } else {
                parsed.flags.insert(name)
            }
        }
        if !command.actions.isEmpty && parsed.action == nil && !parsed.has("--help") && !parsed.has("--version") {
            throw UsageError("\(command.name) needs an action: \(command.actions.map(\.name).joined(separator: ", "))")
        }
        return parsed
    }

    /// "table or json", "system, procedure, commune or month".
    static func choiceList(_ choices: [String]) -> String {
        choices.count <= 1 ? choices.joined() : choices.dropLast().joined(separator: ", ") + " or " + choices.last!
    }

    /// "; did you mean status?" for a word one or two edits from a known one.
    static func suggestion(for word: String, among known: [String]) -> Phrase {
        let best = known.map { ($0, editDistance(word, $0)) }.filter { $0.1 <= max(1, min(2, word.count / 3)) }.min { $0.1 < $1.1 }
        guard let best else { return "" }
        return "; did you mean \(best.0)?"
    }

    /// Levenshtein distance, with a transposition counting as one edit (`stauts` is one from `status`).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
