// RoleTrustChange — how whom one bootstrap role trusts changed between two reports.
import Foundation

/// The change of one role's trust (`environment`, `region`, `role`) from a baseline report to a
/// newer one. Accounts are 12-digit ids; `*` stands for "any account" (a wildcard principal).
/// The environment's own account is never listed: every bootstrap role trusts it.
public struct RoleTrustChange: Sendable, Codable, Equatable, Comparable {
    public var environment: String
    public var account: String
    public var region: String
    public var role: RoleKind
    /// Accounts trusted now that the baseline did not trust (`*` when the role became assumable by anyone).
    public var gained: [String]
    /// Accounts the baseline trusted that are trusted no more: each is a `trust-lost`.
    public var lost: [String]
    /// Accounts trusted no more whose trust the baseline already reported as unwanted
    /// (`unexpected-trust`, or `*`): a reviewed removal, not a loss.
    public var removed: [String]

    public init(environment: String, account: String, region: String, role: RoleKind, gained: [String], lost: [String], removed: [String] = []) {
        self.environment = environment
        self.account = account
        self.region = region
        self.role = role
        self.gained = gained
        self.lost = lost
        self.removed = removed
    }

    /// Whether anything changed.
    public var isEmpty: Bool { gained.isEmpty && lost.isEmpty && removed.isEmpty }

    /// By environment, region and role.
    public static func < (lhs: RoleTrustChange, rhs: RoleTrustChange) -> Bool {
        if lhs.environment != rhs.environment { return lhs.environment < rhs.environment }
        if lhs.region != rhs.region { return lhs.region < rhs.region }
        if lhs.account != rhs.account { return lhs.account < rhs.account }
        return lhs.role < rhs.role
    }
}

extension RoleTrust {
    /// Whom the role trusts, for comparing reports: accounts trusted account-wide or through
    /// specific principals, `*` for a wildcard, without `own` (the environment's account).
    /// Conditional trust is not trust (the audit never counts it as such).
    public func comparableTrust(own: String) -> Set<String> {
        var accounts = Set(trustedAccounts).union(principalTrust)
        accounts.remove(own)
        if wildcard { accounts.insert("*") }
        return accounts
    }
}
