/// RFC 7396 JSON merge patches, and the field-by-field difference of two JSON objects.
extension JSON {
    /// `patch` applied to this value (RFC 7396): an object patch merges member by member, `null`
    /// removes a member, anything else replaces the value. Members keep this value's order; new
    /// ones follow in the patch's order.
    public func merging(_ patch: JSON) -> JSON {
        guard case .object(let changes) = patch else { return patch }
        var members: [(String, JSON)]
        if case .object(let existing) = self { members = existing } else { members = [] }
        for (key, value) in changes {
            let index = members.firstIndex { $0.0 == key }
            if value == .null {
                if let index { members.remove(at: index) }
            } else if let index {
                members[index].1 = members[index].1.merging(value)
            } else {
                members.append((key, JSON.null.merging(value)))
            }
        }
        return .object(members)
    }

    /// One field that differs between two declarations: its dotted path and the values before
    /// and after (null when absent).
    public struct FieldChange: Sendable, Equatable {
        public let field: String
        public let old: JSON
        public let new: JSON

        public var json: JSON { .object([("field", .string(field)), ("old", old), ("new", new)]) }
    }

    /// The leaves that differ from this object to `other`, by dotted path, in `other`'s order then
    /// the removed ones. Arrays and other values are compared whole.
    public func changes(to other: JSON) -> [FieldChange] {
        var before: [(String, JSON)] = []
        var after: [(String, JSON)] = []
        flatten(prefix: "", into: &before)
        other.flatten(prefix: "", into: &after)
        let old = Dictionary(before, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(after, uniquingKeysWith: { first, _ in first })
        var result: [FieldChange] = []
        for (path, value) in after where old[path] != value {
            result.append(FieldChange(field: path, old: old[path] ?? .null, new: value))
        }
        for (path, value) in before where new[path] == nil {
            result.append(FieldChange(field: path, old: value, new: .null))
        }
        return result
    }

    private func flatten(prefix: String, into leaves: inout [(String, JSON)]) {
        guard case .object(let members) = self, !(members.isEmpty && !prefix.isEmpty) else {
            if !prefix.isEmpty { leaves.append((prefix, self)) }
            return
        }
        for (key, value) in members {
            value.flatten(prefix: prefix.isEmpty ? key : prefix + "." + key, into: &leaves)
        }
    }
}
