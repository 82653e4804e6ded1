// PrincipalElement.swift — a statement's Principal or NotPrincipal element, parsed.

/// The `Principal` (or, negated, `NotPrincipal`) element of a statement.
public struct PrincipalElement: Sendable, Hashable {
    /// True for `NotPrincipal`: the statement applies to every principal *not* listed.
    public let isNegated: Bool
    /// The principals listed, in document order (keys sorted by type).
    public let principals: [PolicyPrincipal]

    /// Creates an element.
    public init(isNegated: Bool, principals: [PolicyPrincipal]) {
        self.isNegated = isNegated
        self.principals = principals
    }

    /// True when `*` (or `{"AWS": "*"}`) is listed.
    public var includesAnyone: Bool { principals.contains(.anyone) }
}
