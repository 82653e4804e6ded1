// TrustEvaluation.swift — the result of evaluating a trust policy for one caller: verdict plus detail.

/// The decision for one caller, with how each statement applied.
public struct TrustEvaluation: Sendable, Hashable {
    /// The verdict.
    public var decision: TrustDecision
    /// How each statement applied to the evaluated action (`context.action`).
    public var outcomes: [StatementOutcome]

    /// Creates an evaluation.
    public init(decision: TrustDecision, outcomes: [StatementOutcome]) {
        self.decision = decision
        self.outcomes = outcomes
    }
}
