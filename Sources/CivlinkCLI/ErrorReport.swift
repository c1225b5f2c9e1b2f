import CivlinkCore

/// How a refused input is reported: every rule it breaks, one line each on standard error (at
/// most `textLimit`, then how many more), or with `--format json` one `civlink.errors/1` object
/// (civlink-dossier(5)). Machine output is English whatever the locale.
enum ErrorReport {
    /// Lines of text for one refusal; then "and N more".
    static let textLimit = 20
    /// Errors listed in one JSON object; the rest are counted in `omitted`.
    static let jsonLimit = 100

    /// The validation errors an error holds, or nil for an error that is not about fields.
    static func fieldErrors(_ error: any CivlinkError) -> [ValidationError]? {
        if let many = error as? ValidationErrors { return many.errors }
        if let one = error as? ValidationError { return [one] }
        return nil
    }

    /// One phrase a line, bounded.
    static func lines(_ error: any CivlinkError) -> [Phrase] {
        guard let errors = fieldErrors(error) else { return [error.phrase] }
        var lines = errors.prefix(textLimit).map(\.phrase)
        if errors.count > textLimit { lines.append("and \(errors.count - textLimit) more") }
        return lines
    }

    /// The `civlink.errors/1` object of one refusal; `line` is the input line in batch mode.
    static func json(_ error: any CivlinkError, line: Int?) -> JSON {
        let errors = fieldErrors(error) ?? [ValidationError("", error.phrase)]
        var members: [(String, JSON)] = [("format", .string("civlink.errors/1"))]
        if let line { members.append(("line", .int(line))) }
        members += [
            ("kind", .string(error.kind == .duplicate ? "duplicate" : "invalid")),
            ("count", .int(errors.count)),
            ("errors", .array(errors.prefix(jsonLimit).map { e in
                .object([("field", .string(e.field)), ("rule", .string(e.rule.description)), ("message", .string(e.phrase.description))])
            })),
            ("omitted", .int(max(0, errors.count - jsonLimit))),
        ]
        if let duplicate = error as? DuplicateError { members.append(("duplicate_of", .string(duplicate.existingDossier))) }
        return .object(members)
    }
}
