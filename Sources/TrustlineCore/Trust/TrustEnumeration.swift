// TrustEnumeration.swift — everyone a trust policy lets assume the role: the input to the
// unexpected-trust and wildcard-trust checks and to the report's per-role trusted accounts.

/// Whom a trust policy lets call `sts:AssumeRole`.
public struct TrustEnumeration: Sendable, Hashable {
    /// Accounts the policy names (by principal or by an `aws:PrincipalAccount` / `aws:PrincipalArn`
    /// condition) that are trusted, unconditionally or conditionally; sorted by partition and id.
    /// Accounts whose trust an explicit Deny removes are not listed.
    public var accounts: [TrustedAccount]
    /// Set when an account the policy never names could assume the role.
    public var wildcard: WildcardExposure?
    /// Organization ids or org paths that `*` is narrowed to (`aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`).
    public var organizations: [String]
    /// Service principals allowed to assume the role (`cloudformation.amazonaws.com`).
    public var services: [String]
    /// Identity providers (`Federated`) allowed to assume the role.
    public var federatedProviders: [String]
    /// Canonical users named in `Allow` statements.
    public var canonicalUsers: [String]
    /// AWS principals that name no account: unique ids of deleted principals (`AROA…`) and values
    /// not understood. They grant nothing but are worth reporting.
    public var unresolvedPrincipals: [String]

    /// Creates an enumeration.
    public init(
        accounts: [TrustedAccount], wildcard: WildcardExposure?, organizations: [String], services: [String],
        federatedProviders: [String], canonicalUsers: [String], unresolvedPrincipals: [String]
    ) {
        self.accounts = accounts
        self.wildcard = wildcard
        self.organizations = organizations
        self.services = services
        self.federatedProviders = federatedProviders
        self.canonicalUsers = canonicalUsers
        self.unresolvedPrincipals = unresolvedPrincipals
    }

    /// True when any account can assume the role unconditionally: the `wildcard-trust` finding.
    public var isWildcard: Bool { wildcard?.isUnconditional ?? false }

    /// The ids of all trusted accounts (conditional ones included).
    public var accountIDs: [String] { accounts.map(\.accountID) }

    /// The ids of accounts trusted without conditions.
    public var unconditionalAccountIDs: [String] { accounts.filter { !$0.isConditional }.map(\.accountID) }

    /// The entry for `accountID`, if trusted.
    public func account(_ accountID: String) -> TrustedAccount? {
        accounts.first { $0.accountID == accountID }
    }
}
