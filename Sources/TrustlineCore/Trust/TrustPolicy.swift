// TrustPolicy.swift — a role's trust policy (AssumeRolePolicyDocument), parsed, with its two questions:
// can this caller assume the role, and whom does the role trust.

import Foundation

/// A role trust policy (`AssumeRolePolicyDocument`).
///
/// ```swift
/// let policy = try TrustPolicy(json: document)
/// let decision = policy.decision(for: AssumeRoleContext(callerAccount: "111111111111"))
/// let trust = policy.enumerateTrust()   // accounts, wildcard, services…
/// ```
public struct TrustPolicy: Sendable, Hashable {
    /// `Version` (`2012-10-17`, `2008-10-17`), nil when absent (IAM then uses 2008-10-17).
    public let version: String?
    /// The statements, in document order.
    public let statements: [TrustPolicyStatement]
    /// The whole document as compact JSON with sorted keys.
    public let normalizedJSON: String

    /// Creates a policy from parsed parts.
    public init(version: String?, statements: [TrustPolicyStatement], normalizedJSON: String = "") {
        self.version = version
        self.statements = statements
        self.normalizedJSON = normalizedJSON
    }

    /// Parses a policy document. Also accepts the URL-encoded form IAM's `GetRole` returns
    /// (text starting with `%7B`).
    /// - Throws: `TrustPolicyError` naming the offending field.
    public init(json text: String) throws {
        guard Self.mayBeURLEncoded(text) else {
            self = try TrustPolicyParser.parse(data: Data(text.utf8))
            return
        }
        var source = text
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.lowercased().hasPrefix("%7b") {
            guard let decoded = trimmed.removingPercentEncoding else {
                throw TrustPolicyError(.invalidJSON, path: "", "malformed URL encoding")
            }
            source = decoded
        }
        self = try TrustPolicyParser.parse(data: Data(source.utf8))
    }

    /// False when the text, after ASCII white space, starts with anything but `%` or a non-ASCII
    /// byte (which may be Unicode white space): the common case of plain JSON, decided without
    /// Foundation's trimming, which was 8 % of an audit's CPU.
    private static func mayBeURLEncoded(_ text: String) -> Bool {
        guard let first = text.utf8.first(where: { !($0 == 0x20 || (0x09...0x0D).contains($0)) }) else { return false }
        return first == UInt8(ascii: "%") || first >= 0x80
    }

    /// Parses a UTF-8 policy document.
    /// - Throws: `TrustPolicyError` naming the offending field.
    public init(data: Data) throws {
        self = try TrustPolicyParser.parse(data: data)
    }

    /// Whether `${…}` in condition values are policy variables (only under `2012-10-17`).
    public var supportsPolicyVariables: Bool { version == "2012-10-17" }

    /// Evaluates whether the caller described by `context` may call `sts:AssumeRole` (and, when the
    /// call needs them, `sts:TagSession` / `sts:SetSourceIdentity`), with per-statement detail.
    public func evaluate(_ context: AssumeRoleContext) -> TrustEvaluation {
        TrustEvaluator(policy: self, context: context).evaluate()
    }

    /// The decision alone; see `evaluate(_:)`.
    public func decision(for context: AssumeRoleContext) -> TrustDecision {
        evaluate(context).decision
    }

    /// Lists whom the policy lets call `sts:AssumeRole`: accounts (account-wide, via specific
    /// principals, or conditionally), wildcard exposure, organizations, services and providers.
    /// - Parameter template: how callers are assumed to call (ExternalId, tags, org…); its caller
    ///   fields are replaced for each account examined. Defaults to the CDK CLI's way of calling.
    public func enumerateTrust(template: AssumeRoleContext? = nil) -> TrustEnumeration {
        TrustEnumerator(policy: self, template: template ?? AssumeRoleContext(callerAccount: "000000000000"))
            .enumerate()
    }
}
