// ConditionResult.swift — the outcome of a statement's Condition block for one AssumeRole call.

/// Whether a statement's `Condition` block holds for the call being evaluated.
public enum ConditionResult: Sendable, Hashable {
    /// Every clause holds (or there is no condition).
    case met
    /// These clauses do not hold, so the statement does not apply.
    case notMet([ConditionClause])
    /// No clause fails, but these depend on values the audit cannot know.
    case unknown([ConditionClause])
}
