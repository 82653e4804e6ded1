// TrustPolicyStatement.swift — one parsed statement of a role trust policy.

/// One statement of a trust policy. `Resource` / `NotResource` are not used by trust policies
/// and are ignored.
public struct TrustPolicyStatement: Sendable, Hashable {
    /// `Allow` or `Deny`.
    public enum Effect: String, Sendable, Hashable {
        case allow = "Allow"
        case deny = "Deny"
    }

    /// Position in the `Statement` list (0 when `Statement` is a single object).
    public let index: Int
    /// Field path of the statement: `Statement[1]`, or `Statement` for the single-object form.
    public let path: String
    /// The `Sid`, if any.
    public let sid: String?
    /// The effect.
    public let effect: Effect
    /// The `Principal` or `NotPrincipal` element.
    public let principal: PrincipalElement
    /// The `Action` or `NotAction` element.
    public let action: ActionElement
    /// The clauses of the `Condition` block (all must hold); empty when there is none.
    public let conditions: [ConditionClause]
    /// The statement as compact JSON with sorted keys, for evidence.
    public let json: String

    /// Creates a statement.
    public init(
        index: Int, path: String, sid: String?, effect: Effect, principal: PrincipalElement,
        action: ActionElement, conditions: [ConditionClause], json: String
    ) {
        self.index = index
        self.path = path
        self.sid = sid
        self.effect = effect
        self.principal = principal
        self.action = action
        self.conditions = conditions
        self.json = json
    }

    /// A reference to this statement for evidence.
    public var reference: StatementReference {
        StatementReference(index: index, path: path, sid: sid, effect: effect, json: json)
    }
}
