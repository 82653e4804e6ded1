// TrustPolicyFixtures.swift — shared accounts, policy builders and expectation helpers for trust tests.

import Testing

@testable import TrustlineCore

/// Accounts and ARNs used across the trust-policy tests.
enum Fixture {
    /// The pipeline (tools) account.
    static let pipeline = "111111111111"
    /// The account the role lives in.
    static let target = "222222222222"
    /// Some other account.
    static let other = "333333333333"
    /// The pipeline's CodeBuild role.
    static let pipelineRole = "arn:aws:iam::111111111111:role/PipelineRole"
    static let otherRole = "arn:aws:iam::111111111111:role/OtherRole"

    /// A policy document around the given statement fragments.
    static func policy(_ statements: String..., version: String? = "2012-10-17") -> String {
        let versionField = version.map { #""Version": "\#($0)", "# } ?? ""
        return #"{\#(versionField)"Statement": [\#(statements.joined(separator: ", "))]}"#
    }

    /// An Allow statement; `principal` and `condition` are JSON fragments.
    static func allow(
        _ principal: String, action: String = #""sts:AssumeRole""#, condition: String? = nil,
        notPrincipal: Bool = false, notAction: Bool = false
    ) -> String {
        statement(
            "Allow", principal, action: action, condition: condition, notPrincipal: notPrincipal, notAction: notAction)
    }

    /// A Deny statement.
    static func deny(
        _ principal: String, action: String = #""sts:AssumeRole""#, condition: String? = nil,
        notPrincipal: Bool = false, notAction: Bool = false
    ) -> String {
        statement(
            "Deny", principal, action: action, condition: condition, notPrincipal: notPrincipal, notAction: notAction)
    }

    private static func statement(
        _ effect: String, _ principal: String, action: String, condition: String?, notPrincipal: Bool,
        notAction: Bool
    ) -> String {
        let principalKey = notPrincipal ? "NotPrincipal" : "Principal"
        let actionKey = notAction ? "NotAction" : "Action"
        let conditionField = condition.map { #", "Condition": \#($0)"# } ?? ""
        return
            #"{"Effect": "\#(effect)", "\#(principalKey)": \#(principal), "\#(actionKey)": \#(action)\#(conditionField)}"#
    }

    /// `{"AWS": "<value>"}`
    static func aws(_ values: String...) -> String {
        if values.count == 1 { return #"{"AWS": "\#(values[0])"}"# }
        return #"{"AWS": [\#(values.map { "\"\($0)\"" }.joined(separator: ", "))]}"#
    }

    static func root(_ account: String, partition: String = "aws") -> String {
        "arn:\(partition):iam::\(account):root"
    }

    /// A context for a caller in `account`, optionally a known principal, adjusted by `configure`.
    static func caller(
        _ account: String = pipeline, arn: String? = nil, partition: String = "aws",
        _ configure: (inout AssumeRoleContext) -> Void = { _ in }
    ) -> AssumeRoleContext {
        var context = AssumeRoleContext(callerAccount: account, callerARN: arn, partition: partition)
        configure(&context)
        return context
    }

    static func parse(_ json: String) throws -> TrustPolicy {
        try TrustPolicy(json: json)
    }
}

/// What a decision is expected to be.
enum Expected: Sendable, CustomStringConvertible {
    /// `.trusted` for any principal of the account.
    case accountWide
    /// `.trusted` for any principal except these.
    case accountWideExcluding([String])
    /// `.trusted` for exactly these principals.
    case only([String])
    /// `.conditional`, hanging on these condition keys (case as written in the policy).
    case conditional(on: [String])
    /// `.denied` by the statement at this index.
    case denied(statement: Int)
    /// `.notTrusted` with a reason containing this text.
    case notTrusted(mentioning: String)

    var description: String {
        switch self {
        case .accountWide: return "trusted account-wide"
        case .accountWideExcluding(let list): return "trusted account-wide except \(list)"
        case .only(let list): return "trusted only for \(list)"
        case .conditional(let keys): return "conditional on \(keys)"
        case .denied(let index): return "denied by Statement[\(index)]"
        case .notTrusted(let text): return "not trusted (\(text))"
        }
    }
}

/// Checks `decision` against `expected`, reporting at the caller's location.
func verify(_ decision: TrustDecision, _ expected: Expected, sourceLocation: SourceLocation = #_sourceLocation) {
    switch (expected, decision) {
    case (.accountWide, .trusted(let grant)):
        #expect(grant.scope == .anyPrincipal, sourceLocation: sourceLocation)
        #expect(grant.excludedPrincipals.isEmpty, "\(decision.summary)", sourceLocation: sourceLocation)
        #expect(!grant.evidence.isEmpty, sourceLocation: sourceLocation)
    case (.accountWideExcluding(let excluded), .trusted(let grant)):
        #expect(grant.scope == .anyPrincipal, sourceLocation: sourceLocation)
        #expect(grant.excludedPrincipals.sorted() == excluded.sorted(), sourceLocation: sourceLocation)
    case (.only(let principals), .trusted(let grant)):
        #expect(grant.principals.sorted() == principals.sorted(), "\(decision.summary)", sourceLocation: sourceLocation)
        #expect(!grant.isAccountWide, sourceLocation: sourceLocation)
        #expect(!grant.evidence.isEmpty, sourceLocation: sourceLocation)
    case (.conditional(let keys), .conditional(_, let conditions)):
        let found = Array(Set(conditions.map(\.clause.key))).sorted()
        #expect(found == keys.sorted(), "\(decision.summary)", sourceLocation: sourceLocation)
        #expect(!conditions.isEmpty, sourceLocation: sourceLocation)
    case (.denied(let index), .denied(let reason, let statement)):
        #expect(statement.index == index, "\(reason)", sourceLocation: sourceLocation)
        #expect(statement.effect == .deny, sourceLocation: sourceLocation)
    case (.notTrusted(let text), .notTrusted(let reason)):
        #expect(reason.contains(text), "reason: \(reason)", sourceLocation: sourceLocation)
    default:
        Issue.record("expected \(expected), got \(decision.summary)", sourceLocation: sourceLocation)
    }
}
