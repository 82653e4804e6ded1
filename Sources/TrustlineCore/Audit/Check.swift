// Check — the stable check ids of PRODUCT.md, with their severities.
import Foundation

/// A check trustline runs. The raw values are a stable contract that CI users script against.
public enum Check: String, Sendable, Codable, CaseIterable, Comparable {
    case notBootstrapped = "not-bootstrapped"
    case pipelineTrustMissing = "pipeline-trust-missing"
    case wildcardTrust = "wildcard-trust"
    case trustLost = "trust-lost"
    case unexpectedTrust = "unexpected-trust"
    case trustDrift = "trust-drift"
    case executionPolicyMismatch = "execution-policy-mismatch"
    case executionPolicyAdmin = "execution-policy-admin"
    case bootstrapStackUnhealthy = "bootstrap-stack-unhealthy"
    case qualifierMismatch = "qualifier-mismatch"
    case profileAccountMismatch = "profile-account-mismatch"
    case environmentUnreachable = "environment-unreachable"
    case lookupTrustMissing = "lookup-trust-missing"
    case bootstrapOutdated = "bootstrap-outdated"

    public var severity: Severity {
        switch self {
        case .notBootstrapped, .pipelineTrustMissing, .wildcardTrust, .trustLost: return .critical
        case .lookupTrustMissing, .bootstrapOutdated: return .medium
        default: return .high
        }
    }

    /// A few words for tables.
    public var title: String {
        switch self {
        case .notBootstrapped: return "not bootstrapped"
        case .pipelineTrustMissing: return "pipeline trust missing"
        case .wildcardTrust: return "wildcard trust"
        case .trustLost: return "trust lost"
        case .unexpectedTrust: return "unexpected trust"
        case .trustDrift: return "trust drift"
        case .executionPolicyMismatch: return "execution policy mismatch"
        case .executionPolicyAdmin: return "admin execution policy"
        case .bootstrapStackUnhealthy: return "stack unhealthy"
        case .qualifierMismatch: return "qualifier mismatch"
        case .profileAccountMismatch: return "profile account mismatch"
        case .environmentUnreachable: return "unreachable"
        case .lookupTrustMissing: return "lookup trust missing"
        case .bootstrapOutdated: return "bootstrap outdated"
        }
    }

    public static func < (lhs: Check, rhs: Check) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
