// TrustGrant.swift — who in the calling account a trust policy lets assume the role, and why.

/// What a trust policy grants to the calling account.
public struct TrustGrant: Sendable, Hashable {
    /// Who in the account may assume the role.
    public enum Scope: Sendable, Hashable {
        /// Any principal of the account whose own IAM policy allows it — the account is delegated to
        /// (account principal, `*`, or an `Allow` with `NotPrincipal`).
        case anyPrincipal
        /// Only these principals (role, user or session ARNs as written in the policy). The pipeline
        /// is trusted only if it runs as one of them.
        case specificPrincipals([String])
    }

    /// Who may assume the role.
    public var scope: Scope
    /// Principals of the account that an explicit `Deny` (or an `Allow`'s `NotPrincipal`) leaves out.
    public var excludedPrincipals: [String]
    /// The `Allow` statements that grant it.
    public var evidence: [StatementReference]

    /// Creates a grant.
    public init(scope: Scope, excludedPrincipals: [String] = [], evidence: [StatementReference]) {
        self.scope = scope
        self.excludedPrincipals = excludedPrincipals
        self.evidence = evidence
    }

    /// True for `.anyPrincipal`.
    public var isAccountWide: Bool {
        if case .anyPrincipal = scope { return true }
        return false
    }

    /// The specific principals, empty for an account-wide grant.
    public var principals: [String] {
        if case .specificPrincipals(let list) = scope { return list }
        return []
    }
}
