// PrincipalMatch.swift — which principals of the calling account a statement's principal element covers.

/// How a statement's `Principal` / `NotPrincipal` element covers the calling account.
public enum PrincipalMatch: Sendable, Hashable {
    /// The statement does not apply to the caller's account (or to the known caller).
    case notCovered
    /// Every principal of the account, except those listed (from a `NotPrincipal`).
    case anyPrincipal(excluding: [String])
    /// Only these principals of the account (ARNs as written in the policy).
    case specificPrincipals([String])
}
