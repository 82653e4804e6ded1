// ActionElement.swift — a statement's Action or NotAction element and how it matches an API action.

/// The `Action` (or, negated, `NotAction`) element of a statement.
public struct ActionElement: Sendable, Hashable {
    /// True for `NotAction`: the statement covers every action *not* matched.
    public let isNegated: Bool
    /// The action patterns as written (`sts:AssumeRole`, `sts:*`, `*`).
    public let patterns: [String]

    /// Creates an element.
    public init(isNegated: Bool, patterns: [String]) {
        self.isNegated = isNegated
        self.patterns = patterns
    }

    /// Whether the statement covers `action` (e.g. `sts:AssumeRole`).
    /// Action names compare case-insensitively; `*` and `?` are wildcards.
    public func covers(_ action: String) -> Bool {
        let target = action.lowercased()
        let matched = patterns.contains { pattern in
            let lowered = pattern.lowercased()
            // "*" alone matches everything; anything else must name a service prefix.
            guard lowered == "*" || lowered.utf8.contains(UInt8(ascii: ":")) else { return false }
            return WildcardPattern(glob: lowered).matches(target)
        }
        return isNegated ? !matched : matched
    }
}
