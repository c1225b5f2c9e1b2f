/// A sentence for people, kept as its English template and the values filled into it, so the
/// command line can show it in the reader's language. Write phrases as string literals:
/// `"must be \(n) digits"` becomes the template `must be {1} digits` with the argument `n`.
/// Arguments are data (field names, codes, counts, paths) and are never translated; an
/// interpolated phrase is itself a phrase, translated in its turn.
public struct Phrase: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
    public enum Argument: Sendable, Hashable {
        case text(String)
        case phrase(Phrase)
    }

    /// The English sentence with `{1}`, `{2}`, ... where the arguments go.
    public let template: String
    public let arguments: [Argument]

    public init(template: String, arguments: [Argument]) {
        self.template = template
        self.arguments = arguments
    }

    public init(stringLiteral value: String) {
        template = value
        arguments = []
    }

    public init(stringInterpolation: StringInterpolation) {
        template = stringInterpolation.template
        arguments = stringInterpolation.arguments
    }

    /// Text that is not a sentence of civlink's (an OpenSSL or SQLite message, a file's own
    /// words): shown as it is in every language.
    public init(verbatim text: String) {
        template = "{1}"
        arguments = [.text(text)]
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var template = ""
        var arguments: [Argument] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            template.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) {
            // Braces are placeholders: a literal brace would be taken for one.
            template += literal
        }

        public mutating func appendInterpolation(_ phrase: Phrase) {
            arguments.append(.phrase(phrase))
            template += "{\(arguments.count)}"
        }

        public mutating func appendInterpolation<T: CustomStringConvertible>(_ value: T) {
            arguments.append(.text(value.description))
            template += "{\(arguments.count)}"
        }

        /// Any other value (an error from below civlink), as Swift describes it.
        public mutating func appendInterpolation<T>(_ value: T) {
            arguments.append(.text(String(describing: value)))
            template += "{\(arguments.count)}"
        }

        public mutating func appendInterpolation(_ value: String) {
            arguments.append(.text(value))
            template += "{\(arguments.count)}"
        }
    }

    /// The sentence with `translate` applied to each template on the way (nil keeps the English).
    public func rendered(_ translate: (String) -> String?) -> String {
        let chosen = translate(template) ?? template
        if arguments.isEmpty { return chosen }
        var out = ""
        var scalars = chosen.unicodeScalars[...]
        while let open = scalars.firstIndex(of: "{") {
            out.unicodeScalars += scalars[..<open]
            let rest = scalars[scalars.index(after: open)...]
            if let close = rest.firstIndex(of: "}"), let number = Int(String(rest[..<close])), number >= 1, number <= arguments.count {
                switch arguments[number - 1] {
                case .text(let text): out += text
                case .phrase(let phrase): out += phrase.rendered(translate)
                }
                scalars = rest[rest.index(after: close)...]
            } else {
                out.unicodeScalars.append("{")
                scalars = rest
            }
        }
        out.unicodeScalars += scalars
        return out
    }

    /// The English sentence.
    public var description: String { rendered { _ in nil } }
}
