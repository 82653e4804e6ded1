// StatementOutcome.swift — how one statement applied to an evaluated AssumeRole call.

/// Per-statement detail of an evaluation, for reports and debugging.
public struct StatementOutcome: Sendable, Hashable {
    /// The statement.
    public var statement: StatementReference
    /// Whether its `Action` / `NotAction` covers the evaluated action.
    public var coversAction: Bool
    /// Which principals of the calling account it covers (`.notCovered` when the action is not covered).
    public var principalMatch: PrincipalMatch
    /// Its condition's outcome; nil when not evaluated (action or principal not covered).
    public var condition: ConditionResult?

    /// Creates an outcome.
    public init(
        statement: StatementReference, coversAction: Bool, principalMatch: PrincipalMatch,
        condition: ConditionResult?
    ) {
        self.statement = statement
        self.coversAction = coversAction
        self.principalMatch = principalMatch
        self.condition = condition
    }
}
