// WildcardExposure.swift — evidence that a trust policy lets accounts it never names assume the role.

/// How a policy exposes the role to an arbitrary account it does not name (`*`, `{"AWS": "*"}`,
/// `Allow` + `NotPrincipal`, or `*` under a condition any caller meets).
public struct WildcardExposure: Sendable, Hashable {
    /// What an arbitrary account gets, and from which statements.
    public var grant: TrustGrant
    /// Conditions an arbitrary caller would still have to meet (e.g. an ExternalId, a source IP);
    /// empty when any account can assume the role outright.
    public var conditions: [UnresolvedCondition]

    /// Creates an exposure.
    public init(grant: TrustGrant, conditions: [UnresolvedCondition]) {
        self.grant = grant
        self.conditions = conditions
    }

    /// True when any account can assume the role with no condition standing in the way.
    public var isUnconditional: Bool { conditions.isEmpty }
}
