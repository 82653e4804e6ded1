// TrustedAccount.swift — one account a trust policy lets assume the role, and how.

/// An account the policy trusts, as found by `TrustPolicy.enumerateTrust`.
public struct TrustedAccount: Sendable, Hashable {
    /// The account's partition (`aws`).
    public var partition: String
    /// The 12-digit account id.
    public var accountID: String
    /// Who in the account, and the allowing statements.
    public var grant: TrustGrant
    /// Conditions the trust hangs on; empty when the account is trusted unconditionally for the
    /// way callers are assumed to call (the enumeration template).
    public var conditions: [UnresolvedCondition]

    /// Creates an entry.
    public init(partition: String, accountID: String, grant: TrustGrant, conditions: [UnresolvedCondition]) {
        self.partition = partition
        self.accountID = accountID
        self.grant = grant
        self.conditions = conditions
    }

    /// True when the trust hangs on conditions.
    public var isConditional: Bool { !conditions.isEmpty }

    /// True when any principal of the account is trusted (not just named roles/users).
    public var isAccountWide: Bool { grant.isAccountWide }
}
