import Foundation

/// Finds the phrases of Swift sources without compiling them: the string literals that become a
/// `Phrase`, each turned into its template the way `Phrase.StringInterpolation` does (`\(n)`
/// becomes `{1}`, `{2}`, ... in order). It knows the conventions of README "Development":
///
/// - a literal passed to a parameter declared `Phrase` or `Phrase?` (of a `func`, an `init`, an
///   enum `case`, or a struct's stored `let`/`var` through its memberwise init), matched by
///   argument label and order, as Swift matches them;
/// - a literal returned (or being the single expression) of a `func` or computed `var` declared
///   `-> Phrase` / `: Phrase`;
/// - a literal assigned to a `let`/`var` declared `: Phrase`, `: Phrase?` or `: [Phrase]`, at its
///   declaration or later in the same file;
/// - `"…" as Phrase`.
/// In each of these places the literal may stand alone or as an operand of `? :` and `??`.
/// Literals inside `\(…)` are scanned as code in their turn.
struct PhraseScanner {
    struct Site: Hashable {
        let template: String
        let file: String
        let line: Int
    }

    // MARK: Tokens

    enum Kind: Equatable { case identifier, literal, punctuation, keyword }

    struct Token {
        let kind: Kind
        let text: String
        /// For literals: the template.
        let template: String
        let line: Int
    }

    /// Tokens of `source`, and the code of every interpolation (scanned separately).
    static func tokenize(_ source: String, firstLine: Int = 1) -> (tokens: [Token], interpolations: [(code: String, line: Int)]) {
        let s = Array(source.unicodeScalars)
        var i = 0, line = firstLine
        var tokens: [Token] = []
        var interpolations: [(String, Int)] = []
        func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < s.count ? s[i + k] : nil }
        func isIdentifierStart(_ c: Unicode.Scalar) -> Bool { c == "_" || c.properties.isAlphabetic }
        func isIdentifier(_ c: Unicode.Scalar) -> Bool { isIdentifierStart(c) || ("0"..."9").contains(c) }
        while i < s.count {
            let c = s[i]
            if c == "\n" { line += 1; i += 1; continue }
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "/" && peek(1) == "/" {
                while i < s.count && s[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && peek(1) == "*" {
                var depth = 0
                repeat {
                    if s[i] == "/" && peek(1) == "*" { depth += 1; i += 2; continue }
                    if s[i] == "*" && peek(1) == "/" { depth -= 1; i += 2; continue }
                    if s[i] == "\n" { line += 1 }
                    i += 1
                } while i < s.count && depth > 0
                continue
            }
            // String literals, raw (#"…"#) or not, single or multi-line.
            var hashes = 0
            while peek(hashes) == "#" { hashes += 1 }
            if peek(hashes) == "\"" {
                let startLine = line
                i += hashes
                let multi = peek(0) == "\"" && peek(1) == "\"" && peek(2) == "\""
                i += multi ? 3 : 1
                if multi { while i < s.count && s[i] != "\n" { i += 1 }; i += 1; line += 1 }
                var raw: [Unicode.Scalar] = []   // the literal's content, escapes undone, interpolations as {n}
                var template = ""
                var count = 0
                var lines: [String] = []
                var current = ""
                func closes() -> Bool {
                    guard peek(0) == "\"" else { return false }
                    if multi { guard peek(1) == "\"" && peek(2) == "\"" else { return false } }
                    let q = multi ? 3 : 1
                    for h in 0..<hashes where peek(q + h) != "#" { return false }
                    return true
                }
                while i < s.count && !closes() {
                    let ch = s[i]
                    var escape = ch == "\\"
                    if escape && hashes > 0 {
                        escape = (0..<hashes).allSatisfy { peek(1 + $0) == "#" }
                    }
                    if escape {
                        i += 1 + hashes
                        let e = s[i]
                        switch e {
                        case "(":
                            // Interpolation: balanced parentheses, nested literals skipped over.
                            var depth = 1
                            var code = ""
                            i += 1
                            while i < s.count && depth > 0 {
                                let x = s[i]
                                if x == "\"" {
                                    // A nested literal: copy it as it is.
                                    code.unicodeScalars.append(x); i += 1
                                    while i < s.count && s[i] != "\"" {
                                        if s[i] == "\\" { code.unicodeScalars.append(s[i]); i += 1 }
                                        code.unicodeScalars.append(s[i]); i += 1
                                    }
                                    code.unicodeScalars.append("\""); i += 1
                                    continue
                                }
                                if x == "(" { depth += 1 }
                                if x == ")" { depth -= 1; if depth == 0 { i += 1; break } }
                                code.unicodeScalars.append(x)
                                i += 1
                            }
                            count += 1
                            current += "{\(count)}"
                            interpolations.append((code, line))
                            continue
                        case "n": current += "\n"
                        case "t": current += "\t"
                        case "r": current += "\r"
                        case "0": current += "\0"
                        case "\\": current += "\\"
                        case "\"": current += "\""
                        case "'": current += "'"
                        case "u":
                            var hex = ""
                            i += 2
                            while s[i] != "}" { hex.unicodeScalars.append(s[i]); i += 1 }
                            if let v = UInt32(hex, radix: 16), let u = Unicode.Scalar(v) { current.unicodeScalars.append(u) }
                        case "\n":
                            // Line continuation in a multi-line literal.
                            line += 1
                            i += 1
                            while i < s.count && (s[i] == " " || s[i] == "\t") { i += 1 }
                            continue
                        default: current.unicodeScalars.append(e)
                        }
                        i += 1
                        continue
                    }
                    if ch == "\n" {
                        line += 1
                        lines.append(current)
                        current = ""
                        i += 1
                        continue
                    }
                    raw.append(ch)
                    current.unicodeScalars.append(ch)
                    i += 1
                }
                if multi {
                    // The closing delimiter's indentation is removed from every line.
                    let indent = current.prefix { $0 == " " || $0 == "\t" }.count
                    template = lines.map { String($0.dropFirst(min(indent, $0.prefix { $0 == " " || $0 == "\t" }.count))) }.joined(separator: "\n")
                    i += 3 + hashes
                } else {
                    template = (lines + [current]).joined(separator: "\n")
                    i += 1 + hashes
                }
                tokens.append(Token(kind: .literal, text: "\"", template: template, line: startLine))
                continue
            }
            if isIdentifierStart(c) || c == "`" || (c == "#" && peek(1).map(isIdentifierStart) == true) || (c == "@") {
                var text = ""
                if c == "`" || c == "#" || c == "@" { i += 1 }
                while i < s.count, isIdentifier(s[i]) { text.unicodeScalars.append(s[i]); i += 1 }
                if c == "`" { i += 1 }
                let keyword = ["func", "init", "case", "let", "var", "return", "struct", "class", "enum", "extension", "protocol", "as", "static"].contains(text) && c != "`"
                tokens.append(Token(kind: keyword ? .keyword : .identifier, text: (c == "@" ? "@" : "") + text, template: "", line: line))
                continue
            }
            if ("0"..."9").contains(c) {
                while i < s.count, isIdentifier(s[i]) || s[i] == "." && peek(1).map({ ("0"..."9").contains($0) }) == true { i += 1 }
                tokens.append(Token(kind: .identifier, text: "0", template: "", line: line))
                continue
            }
            // Operators: ?? and -> as one token; the rest one character each.
            if c == "?" && peek(1) == "?" { tokens.append(Token(kind: .punctuation, text: "??", template: "", line: line)); i += 2; continue }
            if c == "-" && peek(1) == ">" { tokens.append(Token(kind: .punctuation, text: "->", template: "", line: line)); i += 2; continue }
            tokens.append(Token(kind: .punctuation, text: String(c), template: "", line: line))
            i += 1
        }
        return (tokens, interpolations)
    }

    // MARK: Declarations

    struct Parameter {
        let label: String?   // nil for `_`
        let isPhrase: Bool
    }

    /// Callables by name (functions, a type's inits under the type's name, enum cases).
    var callables: [String: [[Parameter]]] = [:]
    /// Functions and computed variables whose value is a Phrase, by file: the token ranges of their bodies.
    var sites: [Site] = []

    static func isPhraseType(_ tokens: ArraySlice<Token>) -> Bool {
        let text = tokens.map(\.text).joined()
        return text == "Phrase" || text == "Phrase?" || text == "@autoclosure()->Phrase" || text == "[Phrase]"
    }

    /// Index of the token closing the bracket opened at `open`.
    static func closing(_ tokens: [Token], _ open: Int) -> Int {
        let pairs: [String: String] = ["(": ")", "[": "]", "{": "}"]
        guard let close = pairs[tokens[open].text] else { return open }
        var depth = 0
        var i = open
        while i < tokens.count {
            if tokens[i].kind == .punctuation {
                if pairs[tokens[i].text] != nil { depth += 1 } else if [")", "]", "}"].contains(tokens[i].text) { depth -= 1 }
                if depth == 0 && tokens[i].text == close { return i }
            }
            i += 1
        }
        return tokens.count - 1
    }

    /// Splits tokens[from..<to] at top-level commas.
    static func split(_ tokens: [Token], _ from: Int, _ to: Int) -> [Range<Int>] {
        var parts: [Range<Int>] = []
        var start = from, i = from
        while i < to {
            let t = tokens[i]
            if t.kind == .punctuation && ["(", "[", "{"].contains(t.text) { i = closing(tokens, i) + 1; continue }
            if t.kind == .punctuation && t.text == "," { parts.append(start..<i); start = i + 1 }
            i += 1
        }
        if start < to { parts.append(start..<to) }
        return parts
    }

    /// Parameters of a declaration list `( … )` at `open`.
    static func parameters(_ tokens: [Token], _ open: Int) -> [Parameter] {
        split(tokens, open + 1, closing(tokens, open)).map { range in
            let slice = tokens[range]
            guard let colon = slice.firstIndex(where: { $0.text == ":" && $0.kind == .punctuation }) else {
                // An enum case's unlabelled associated value: `case failed(Phrase)`.
                return Parameter(label: nil, isPhrase: isPhraseType(slice))
            }
            let names = tokens[range.lowerBound..<colon].filter { $0.kind == .identifier || $0.kind == .keyword }.map(\.text)
            var typeEnd = colon + 1
            while typeEnd < range.upperBound && tokens[typeEnd].text != "=" { typeEnd += 1 }
            let isPhrase = isPhraseType(tokens[(colon + 1)..<typeEnd])
            let label = names.first.flatMap { $0 == "_" ? nil : $0 }
            return Parameter(label: label, isPhrase: isPhrase)
        }
    }

    // MARK: Scanning

    /// The literals of an expression at its top level: alone, or operands of `? :` and `??`.
    func topLevelLiterals(_ tokens: [Token], _ range: Range<Int>) -> [Token] {
        var found: [Token] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let t = tokens[i]
            if t.kind == .punctuation && ["(", "[", "{"].contains(t.text) { i = PhraseScanner.closing(tokens, i) + 1; continue }
            if t.kind == .literal {
                let before = i == range.lowerBound ? nil : tokens[i - 1].text
                let after = i + 1 < range.upperBound ? tokens[i + 1].text : nil
                let operandBefore = before == nil || before == "?" || before == ":" || before == "??" || before == "="
                let operandAfter = after == nil || after == ":" || after == "??" || after == "as"
                if operandBefore && operandAfter { found.append(t) }
            }
            i += 1
        }
        return found
    }

    mutating func collect(_ literals: [Token], file: String) {
        for t in literals { sites.append(Site(template: t.template, file: file, line: t.line)) }
    }

    /// First pass: the declarations with Phrase parameters.
    mutating func declare(_ tokens: [Token]) {
        var typeStack: [(name: String, depth: Int, isStruct: Bool)] = []
        var depth = 0
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            if t.kind == .punctuation && t.text == "{" { depth += 1 }
            if t.kind == .punctuation && t.text == "}" {
                depth -= 1
                while let last = typeStack.last, last.depth > depth { typeStack.removeLast() }
            }
            if t.kind == .keyword && ["struct", "class", "enum", "extension", "protocol"].contains(t.text), i + 1 < tokens.count {
                // The type's body opens at the next `{`.
                var j = i + 1
                while j < tokens.count && tokens[j].text != "{" { j += 1 }
                typeStack.append((tokens[i + 1].text, depth + 1, t.text == "struct"))
            }
            if t.kind == .keyword && t.text == "func", i + 2 < tokens.count, tokens[i + 2].text == "(" || tokens[i + 2].text == "<" {
                var open = i + 2
                if tokens[open].text == "<" { while tokens[open].text != "(" { open += 1 } }
                callables[tokens[i + 1].text, default: []].append(PhraseScanner.parameters(tokens, open))
            }
            if t.kind == .keyword && t.text == "init", i + 1 < tokens.count, tokens[i + 1].text == "(", let type = typeStack.last {
                callables[type.name, default: []].append(PhraseScanner.parameters(tokens, i + 1))
            }
            if t.kind == .keyword && t.text == "case", i + 2 < tokens.count, tokens[i + 1].kind == .identifier, tokens[i + 2].text == "(",
               typeStack.last != nil, !(i > 0 && tokens[i - 1].text == "if") {
                let parameters = PhraseScanner.parameters(tokens, i + 2)
                if parameters.contains(where: \.isPhrase) { callables[tokens[i + 1].text, default: []].append(parameters) }
            }
            // A struct's stored properties are the parameters of its memberwise init, in order: the
            // others too, so that a Phrase one after them is matched by its label.
            if t.kind == .keyword && (t.text == "let" || t.text == "var"), let type = typeStack.last, type.isStruct, type.depth == depth,
               !(i > 0 && tokens[i - 1].text == "static"), i + 3 < tokens.count, tokens[i + 2].text == ":" {
                var end = i + 3
                while end < tokens.count && !["=", "{", ";", "}", ","].contains(tokens[end].text) && tokens[end].line == tokens[i].line { end += 1 }
                if end >= tokens.count || tokens[end].text != "{" {
                    callables[type.name + ".memberwise", default: [[]]][0].append(Parameter(label: tokens[i + 1].text,
                                                                                            isPhrase: PhraseScanner.isPhraseType(tokens[(i + 3)..<end])))
                }
            }
            i += 1
        }
    }

    /// Second pass: the phrase sites of one file.
    mutating func scan(_ tokens: [Token], file: String) {
        var phraseVariables: Set<String> = []
        var i = 0
        while i < tokens.count {
            let t = tokens[i]
            // `"…" as Phrase`
            if t.kind == .literal, i + 2 < tokens.count, tokens[i + 1].text == "as", tokens[i + 2].text == "Phrase" {
                collect([t], file: file)
            }
            // let/var NAME: Phrase = …   (and later NAME = …)
            if t.kind == .keyword && (t.text == "let" || t.text == "var"), i + 3 < tokens.count, tokens[i + 1].kind == .identifier, tokens[i + 2].text == ":" {
                var end = i + 3
                while end < tokens.count && !["=", "{", ";", "}", ","].contains(tokens[end].text) && tokens[end].line == tokens[i].line { end += 1 }
                if PhraseScanner.isPhraseType(tokens[(i + 3)..<end]) {
                    phraseVariables.insert(tokens[i + 1].text)
                    if end < tokens.count && tokens[end].text == "=" {
                        collect(expressionLiterals(tokens, from: end + 1), file: file)
                    } else if end < tokens.count && tokens[end].text == "{" {
                        collect(bodyLiterals(tokens, open: end), file: file)
                    }
                }
            }
            if t.kind == .identifier, phraseVariables.contains(t.text), i + 1 < tokens.count, tokens[i + 1].text == "=",
               i == 0 || tokens[i - 1].text != "." {
                collect(expressionLiterals(tokens, from: i + 2), file: file)
            }
            // func NAME(…) -> Phrase { … }
            if t.kind == .keyword && t.text == "func" {
                var j = i + 1
                while j < tokens.count && tokens[j].text != "(" { j += 1 }
                j = PhraseScanner.closing(tokens, j) + 1
                while j < tokens.count && ["throws", "rethrows", "async"].contains(tokens[j].text) { j += 1 }
                if j < tokens.count && tokens[j].text == "->" {
                    var end = j + 1
                    while end < tokens.count && tokens[end].text != "{" && tokens[end].text != "where" { end += 1 }
                    if PhraseScanner.isPhraseType(tokens[(j + 1)..<end]) && end < tokens.count && tokens[end].text == "{" {
                        collect(bodyLiterals(tokens, open: end), file: file)
                    }
                }
            }
            // Calls: NAME( … ) with a known callable.
            if t.kind == .identifier || (t.kind == .keyword && t.text == "init"), i + 1 < tokens.count, tokens[i + 1].text == "(",
               !(i > 0 && ["func", "case"].contains(tokens[i - 1].text)) {
                let signatures = (callables[t.text] ?? []) + (callables[t.text + ".memberwise"] ?? [])
                if !signatures.isEmpty {
                    let close = PhraseScanner.closing(tokens, i + 1)
                    let arguments = PhraseScanner.split(tokens, i + 2, close).map { range -> (label: String?, value: Range<Int>) in
                        if range.count >= 2, tokens[range.lowerBound].kind != .literal, tokens[range.lowerBound + 1].text == ":",
                           tokens[range.lowerBound].kind == .identifier || tokens[range.lowerBound].kind == .keyword {
                            return (tokens[range.lowerBound].text, (range.lowerBound + 2)..<range.upperBound)
                        }
                        return (nil, range)
                    }
                    for parameters in signatures {
                        var p = 0
                        for argument in arguments {
                            while p < parameters.count && parameters[p].label != argument.label { p += 1 }
                            guard p < parameters.count else { break }
                            if parameters[p].isPhrase {
                                let value = argument.value
                                if let first = value.first, tokens[first].text == "[", PhraseScanner.closing(tokens, first) == value.upperBound - 1 {
                                    // An array of phrases: `table(["Procedure", "State"], rows)`.
                                    collect(PhraseScanner.split(tokens, first + 1, value.upperBound - 1).flatMap { topLevelLiterals(tokens, $0) }, file: file)
                                } else {
                                    collect(topLevelLiterals(tokens, value), file: file)
                                }
                            }
                            p += 1
                        }
                    }
                }
            }
            i += 1
        }
    }

    /// The literals of the expression starting at `from` (to the end of its line or statement).
    func expressionLiterals(_ tokens: [Token], from: Int) -> [Token] {
        guard from < tokens.count else { return [] }
        if tokens[from].text == "[" {
            // An array of phrases.
            let close = PhraseScanner.closing(tokens, from)
            return PhraseScanner.split(tokens, from + 1, close).flatMap { topLevelLiterals(tokens, $0) }
        }
        var end = from
        let line = tokens[from].line
        while end < tokens.count {
            let x = tokens[end]
            if x.kind == .punctuation && ["(", "[", "{"].contains(x.text) { end = PhraseScanner.closing(tokens, end) + 1; continue }
            if x.line != line && !["?", ":", "??"].contains(x.text) && !(end > 0 && ["?", ":", "??", "="].contains(tokens[end - 1].text)) { break }
            if x.kind == .punctuation && ([")", "]", "}", ",", ";"].contains(x.text)) { break }
            end += 1
        }
        return topLevelLiterals(tokens, from..<end)
    }

    /// The phrases a body returns: literals after `return`, or the single expression of a body without one.
    func bodyLiterals(_ tokens: [Token], open: Int) -> [Token] {
        let close = PhraseScanner.closing(tokens, open)
        var found: [Token] = []
        var hasReturn = false
        var i = open + 1
        while i < close {
            if tokens[i].kind == .keyword && tokens[i].text == "return" {
                hasReturn = true
                found += expressionLiterals(tokens, from: i + 1)
            }
            // Nested functions and closures returning something else are not this body's.
            if tokens[i].kind == .keyword && tokens[i].text == "func" {
                var j = i
                while j < close && tokens[j].text != "{" { j += 1 }
                i = PhraseScanner.closing(tokens, j) + 1
                continue
            }
            i += 1
        }
        if !hasReturn { found = topLevelLiterals(tokens, (open + 1)..<close) }
        return found
    }

    /// Every phrase site under `directory`.
    static func scan(directory: URL) throws -> [Site] {
        var files: [(String, String)] = []
        let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil)!
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            files.append((url.path.replacingOccurrences(of: directory.deletingLastPathComponent().path + "/", with: ""),
                          try String(contentsOf: url, encoding: .utf8)))
        }
        files.sort { $0.0 < $1.0 }
        var scanner = PhraseScanner()
        var units: [(String, [Token])] = []
        for (name, text) in files {
            var pending = [(text, 1)]
            while let (code, line) = pending.popLast() {
                let (tokens, interpolations) = tokenize(code, firstLine: line)
                units.append((name, tokens))
                pending += interpolations
            }
        }
        for (_, tokens) in units { scanner.declare(tokens) }
        for (name, tokens) in units { scanner.scan(tokens, file: name) }
        return scanner.sites
    }
}
