// UnresolvedCondition.swift — a condition clause the audit could not decide, kept as evidence.

/// A condition clause whose outcome the audit cannot know, on which a trust decision hangs.
public struct UnresolvedCondition: Sendable, Hashable, CustomStringConvertible {
    /// What trust needs of the clause.
    public enum Requirement: String, Sendable, Hashable {
        /// A clause of an `Allow` statement: trust needs it to hold (together with the statement's
        /// other unresolved clauses).
        case mustHold = "must hold"
        /// A clause of a `Deny` statement: the Deny applies (and blocks trust) when all of its
        /// unresolved clauses hold.
        case mustNotHold = "must not hold"
    }

    /// The statement the clause belongs to.
    public var statement: StatementReference
    /// The clause.
    public var clause: ConditionClause
    /// Whether trust needs it to hold or to fail.
    public var requirement: Requirement

    /// Creates an unresolved condition.
    public init(statement: StatementReference, clause: ConditionClause, requirement: Requirement) {
        self.statement = statement
        self.clause = clause
        self.requirement = requirement
    }

    /// `Statement[0] (Allow): "IpAddress": {"aws:SourceIp": "203.0.113.0/24"} must hold`.
    public var description: String {
        "\(statement): \(clause) \(requirement.rawValue)"
    }
}
