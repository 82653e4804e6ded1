// TrustDecision.swift — the verdict: can the caller assume the role, and on what grounds.

/// The answer to "can a principal of the caller's account call `sts:AssumeRole` on this role?".
///
/// - `trusted`: definitely yes — for any principal of the account (`grant.scope == .anyPrincipal`)
///   or only for the listed principals (`.specificPrincipals`). Evidence: the allowing statements.
/// - `conditional`: yes only if conditions the audit cannot decide turn out right (source IP, MFA,
///   an org id it was not told…). Never counted as trust.
/// - `denied`: an explicit `Deny` applies to the caller.
/// - `notTrusted`: no `Allow` statement applies (none names the account, or their conditions are
///   not met by the way the pipeline calls).
public enum TrustDecision: Sendable, Hashable {
    /// Definitely trusted; `grant` says for whom and by which statements.
    case trusted(TrustGrant)
    /// Trusted only if `conditions` turn out right; not to be counted as trust.
    case conditional(TrustGrant, conditions: [UnresolvedCondition])
    /// An explicit `Deny` in `statement` applies.
    case denied(reason: String, statement: StatementReference)
    /// No `Allow` statement applies; `reason` says why.
    case notTrusted(reason: String)

    /// True only for `.trusted` (account-wide or principal-specific).
    public var isTrusted: Bool {
        if case .trusted = self { return true }
        return false
    }

    /// True for `.trusted` with an account-wide grant: any principal of the account (such as the
    /// pipeline's roles) may assume the role, subject only to its own IAM policies.
    public var isTrustedAccountWide: Bool {
        if case .trusted(let grant) = self { return grant.isAccountWide }
        return false
    }

    /// The grant of a `.trusted` or `.conditional` decision.
    public var grant: TrustGrant? {
        switch self {
        case .trusted(let grant), .conditional(let grant, _): return grant
        case .denied, .notTrusted: return nil
        }
    }

    /// The unresolved conditions of a `.conditional` decision (empty otherwise).
    public var conditions: [UnresolvedCondition] {
        if case .conditional(_, let conditions) = self { return conditions }
        return []
    }

    /// One line for reports.
    public var summary: String {
        switch self {
        case .trusted(let grant):
            return "trusted " + TrustDecision.describe(grant) + " by " + TrustDecision.list(grant.evidence)
        case .conditional(let grant, let conditions):
            return "conditionally trusted " + TrustDecision.describe(grant) + " if: "
                + conditions.map(\.description).joined(separator: "; ")
        case .denied(let reason, let statement):
            return "denied by \(statement): \(reason)"
        case .notTrusted(let reason):
            return "not trusted: \(reason)"
        }
    }

    private static func describe(_ grant: TrustGrant) -> String {
        var text: String
        switch grant.scope {
        case .anyPrincipal: text = "account-wide"
        case .specificPrincipals(let principals): text = "only for " + principals.joined(separator: ", ")
        }
        if !grant.excludedPrincipals.isEmpty {
            text += " (except " + grant.excludedPrincipals.joined(separator: ", ") + ")"
        }
        return text
    }

    private static func list(_ references: [StatementReference]) -> String {
        references.map(\.description).joined(separator: ", ")
    }
}
