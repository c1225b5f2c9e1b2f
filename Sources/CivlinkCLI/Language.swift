import CivlinkCore

/// The language people read civlink's messages in: Vietnamese when the locale asks for it
/// (LC_ALL, then LC_MESSAGES, then LANG starting with "vi"), English otherwise. Machine output
/// (JSON, CSV) never changes with it.
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
        case .vietnamese: return phrase.rendered { Catalogue.vietnamese[$0] }
        }
    }

    /// A table heading or label in this language.
    public func heading(_ text: String) -> String {
        self == .vietnamese ? Catalogue.vietnameseHeadings[text] ?? text : text
    }
}
