// StatementReference.swift — names one statement of a trust policy as evidence for a decision.

/// Points at one statement of a trust policy, carrying its JSON as evidence.
public struct StatementReference: Sendable, Hashable, CustomStringConvertible {
    /// Position in the `Statement` list.
    public let index: Int
    /// Field path (`Statement[1]`).
    public let path: String
    /// The `Sid`, if any.
    public let sid: String?
    /// The statement's effect.
    public let effect: TrustPolicyStatement.Effect
    /// The statement as compact JSON with sorted keys.
    public let json: String

    /// Creates a reference.
    public init(index: Int, path: String, sid: String?, effect: TrustPolicyStatement.Effect, json: String) {
        self.index = index
        self.path = path
        self.sid = sid
        self.effect = effect
        self.json = json
    }

    /// `Statement[1] (Allow, Sid "TrustPipeline")`.
    public var description: String {
        if let sid, !sid.isEmpty {
            return "\(path) (\(effect.rawValue), Sid \(ConditionClause.quoted(sid)))"
        }
        return "\(path) (\(effect.rawValue))"
    }
}
