import CivlinkCore
import Synchronization

/// The language people read civlink's messages in: Vietnamese when the locale asks for it
/// (LC_ALL, then LC_MESSAGES, then LANG starting with "vi"), English otherwise. Machine output
/// (JSON, CSV for programs) never changes with it.
public enum Language: String, Sendable, CaseIterable {
    case english = "en"
    case vietnamese = "vi"

    public static func from(environment: [String: String]) -> Language {
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let value = environment[key], !value.isEmpty {
                return value.lowercased().hasPrefix("vi") ? .vietnamese : .english
            }
        }
        return .english
    }

    /// A phrase in this language: its template from the catalogue, the arguments filled in.
    public func render(_ phrase: Phrase) -> String {
        switch self {
        case .english: return phrase.description
        case .vietnamese:
            return phrase.rendered { template in
                if let text = Catalogue.vietnamese[template] { return text }
                Catalogue.noteMissing(template)
                return nil
            }
        }
    }

    /// `value` with `places` decimals and this language's decimal mark (12,5 in Vietnamese).
    public func decimal(_ value: Double, places: Int) -> String {
        let text = fixed(value, decimals: places)
        return self == .vietnamese ? text.replacing(".", with: ",") : text
    }
}

extension Catalogue {
    /// Templates shown in Vietnamese without a translation since the process started (tests read
    /// them: a phrase the source scanner cannot see still fails a test when it is rendered).
    static let missing = Mutex<Set<String>>([])

    static func noteMissing(_ template: String) {
        // "{1}", "{1}: {2}": nothing to translate.
        guard Catalogue.needsTranslation(template) else { return }
        _ = missing.withLock { $0.insert(template) }
    }

    /// Whether a template has words: letters outside its `{n}` placeholders.
    static func needsTranslation(_ template: String) -> Bool {
        var inPlaceholder = false
        for c in template.unicodeScalars {
            if c == "{" { inPlaceholder = true } else if c == "}" { inPlaceholder = false } else if !inPlaceholder, c.properties.isAlphabetic { return true }
        }
        return false
    }
}
