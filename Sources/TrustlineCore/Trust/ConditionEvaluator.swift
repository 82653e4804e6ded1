// ConditionEvaluator.swift — decides IAM condition clauses against an AssumeRole context, three-valued.

import Foundation

/// Evaluates condition clauses as IAM does, with a third outcome, *unknown*, for keys whose value
/// the audit cannot know.
///
/// Rules modelled (IAM user guide, "Condition operators"):
/// - a clause holds when the context value matches *any* policy value; negated operators
///   (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`…) hold when it matches *none*;
/// - an absent key fails a positive operator and satisfies a negated one; `…IfExists` is satisfied
///   by an absent key; `Null` tests presence (`"true"`: must be absent);
/// - `ForAnyValue:` needs one context value to satisfy the operator (absent key: false),
///   `ForAllValues:` needs every one (absent key: true);
/// - policy variables are resolved only under policy version `2012-10-17`.
struct ConditionEvaluator {
    let context: AssumeRoleContext
    /// Whether `${…}` in values are policy variables (policy version 2012-10-17).
    let policyVariables: Bool

    /// Three-valued truth.
    enum Truth: Sendable, Hashable {
        case yes, no, unknown

        init(_ flag: Bool) { self = flag ? .yes : .no }

        var negated: Truth {
            switch self {
            case .yes: return .no
            case .no: return .yes
            case .unknown: return .unknown
            }
        }

        static func any<S: Sequence>(_ items: S, _ test: (S.Element) -> Truth) -> Truth {
            var sawUnknown = false
            for item in items {
                switch test(item) {
                case .yes: return .yes
                case .unknown: sawUnknown = true
                case .no: break
                }
            }
            return sawUnknown ? .unknown : .no
        }

        static func all<S: Sequence>(_ items: S, _ test: (S.Element) -> Truth) -> Truth {
            any(items) { test($0).negated }.negated
        }
    }

    /// All clauses must hold.
    func evaluate(_ clauses: [ConditionClause]) -> ConditionResult {
        var failing: [ConditionClause] = []
        var unknown: [ConditionClause] = []
        for clause in clauses {
            switch evaluate(clause) {
            case .yes: break
            case .no: failing.append(clause)
            case .unknown: unknown.append(clause)
            }
        }
        if !failing.isEmpty { return .notMet(failing) }
        if !unknown.isEmpty { return .unknown(unknown) }
        return .met
    }

    /// One clause.
    func evaluate(_ clause: ConditionClause) -> Truth {
        let op = clause.conditionOperator
        guard let base = op.base else { return .unknown }
        let resolved = context.resolve(clause.key)

        if base == .null {
            let isAbsent: Bool
            switch resolved {
            case .unknown: return .unknown
            case .absent: isAbsent = true
            case .values(let values): isAbsent = values.isEmpty
            case .principalInAccount: isAbsent = false
            }
            return Truth(
                clause.values.contains { value in
                    switch value.lowercased() {
                    case "true": return isAbsent
                    case "false": return !isAbsent
                    default: return false
                    }
                })
        }

        let contextValues: [String]
        switch resolved {
        case .unknown:
            return .unknown
        case .absent:
            contextValues = []
        case .values(let values):
            contextValues = values
        case .principalInAccount(let partition, let accountID):
            return partialPrincipalARN(clause, base: base, partition: partition, accountID: accountID)
        }

        if contextValues.isEmpty {
            if op.ifExists { return .yes }
            switch op.qualifier {
            case .forAllValues: return .yes
            case .forAnyValue: return .no
            case nil: return Truth(base.isNegated)
            }
        }

        let patterns = clause.values.map { resolvePolicyValue($0, base: base) }
        // Does one context value match any policy value (in the operator's positive sense)?
        func matchesAny(_ contextValue: String) -> Truth {
            Truth.any(patterns) { pattern in
                switch pattern {
                case .unknown: return .unknown
                case .matchesNothing: return .no
                case .pattern(let pattern): return Truth(ConditionEvaluator.matches(contextValue, pattern, base))
                }
            }
        }
        switch op.qualifier {
        case nil:
            let matched = Truth.any(contextValues, matchesAny)
            return base.isNegated ? matched.negated : matched
        case .forAnyValue:
            return Truth.any(contextValues) { base.isNegated ? matchesAny($0).negated : matchesAny($0) }
        case .forAllValues:
            return Truth.all(contextValues) { base.isNegated ? matchesAny($0).negated : matchesAny($0) }
        }
    }

    // MARK: - Values

    private func resolvePolicyValue(_ value: String, base: ConditionOperator.Base) -> PolicyValueTemplate.Resolution {
        let glob: Bool
        let variables: Bool
        switch base {
        case .stringLike, .stringNotLike, .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
            glob = true
            variables = policyVariables
        case .stringEquals, .stringNotEquals, .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase, .bool:
            glob = false
            variables = policyVariables
        default:
            glob = false
            variables = false
        }
        return PolicyValueTemplate(value, variables: variables).resolve(in: context, glob: glob)
    }

    /// The positive-sense comparison of one context value with one policy value.
    static func matches(_ contextValue: String, _ pattern: WildcardPattern, _ base: ConditionOperator.Base) -> Bool {
        switch base {
        case .stringEquals, .stringNotEquals:
            return contextValue.unicodeScalars.elementsEqual(pattern.text.unicodeScalars)
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            return contextValue.lowercased().unicodeScalars.elementsEqual(pattern.text.lowercased().unicodeScalars)
        case .stringLike, .stringNotLike:
            return pattern.matches(contextValue)
        case .bool:
            return contextValue.lowercased() == pattern.text.lowercased()
        case .numericEquals, .numericNotEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan,
            .numericGreaterThanEquals:
            guard let lhs = number(contextValue), let rhs = number(pattern.text) else { return false }
            return compare(lhs, rhs, base)
        case .dateEquals, .dateNotEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan,
            .dateGreaterThanEquals:
            guard let lhs = PolicyDate.parse(contextValue), let rhs = PolicyDate.parse(pattern.text) else {
                return false
            }
            return compare(lhs, rhs, base)
        case .binaryEquals:
            if let lhs = Data(base64Encoded: contextValue), let rhs = Data(base64Encoded: pattern.text) {
                return lhs == rhs
            }
            return contextValue == pattern.text
        case .ipAddress, .notIpAddress:
            guard let address = IPAddressRange.parseAddress(contextValue),
                let range = IPAddressRange(cidr: pattern.text)
            else { return false }
            return range.contains(address)
        case .arnEquals, .arnLike, .arnNotEquals, .arnNotLike:
            let contextParts = contextValue.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
            let patternParts = pattern.split(separator: ":", maxSplits: 5)
            guard contextParts.count == 6, patternParts.count == 6 else { return false }
            return zip(contextParts, patternParts).allSatisfy { $1.matches(String($0)) }
        case .null:
            return false
        }
    }

    private static func number(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 64,
            text.utf8.allSatisfy({
                ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 | 0x20 == 0x65
            })
        else { return nil }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    private static func compare(_ lhs: Double, _ rhs: Double, _ base: ConditionOperator.Base) -> Bool {
        switch base {
        case .numericEquals, .numericNotEquals, .dateEquals, .dateNotEquals: return lhs == rhs
        case .numericLessThan, .dateLessThan: return lhs < rhs
        case .numericLessThanEquals, .dateLessThanEquals: return lhs <= rhs
        case .numericGreaterThan, .dateGreaterThan: return lhs > rhs
        case .numericGreaterThanEquals, .dateGreaterThanEquals: return lhs >= rhs
        default: return false
        }
    }

    // MARK: - Partial knowledge of aws:PrincipalArn

    /// The caller's ARN is unknown but its partition and account are known. For String and Arn
    /// operators a policy value whose partition or account cannot match settles the comparison;
    /// otherwise the outcome is unknown.
    private func partialPrincipalARN(
        _ clause: ConditionClause, base: ConditionOperator.Base, partition: String, accountID: String
    ) -> Truth {
        let ignoreCase: Bool
        switch base {
        case .stringEquals, .stringNotEquals, .stringLike, .stringNotLike, .arnEquals, .arnLike, .arnNotEquals,
            .arnNotLike:
            ignoreCase = false
        case .stringEqualsIgnoreCase, .stringNotEqualsIgnoreCase:
            ignoreCase = true
        default:
            return .unknown
        }
        let matched = Truth.any(clause.values) { value -> Truth in
            switch resolvePolicyValue(value, base: base) {
            case .unknown: return .unknown
            case .matchesNothing: return .no
            case .pattern(let pattern):
                // A principal ARN has exactly five colons. A pattern with five literal colons lines up
                // field by field; with fewer, a wildcard may span colons and nothing is settled.
                let parts = (ignoreCase ? pattern.lowercased() : pattern).split(separator: ":", maxSplits: 5)
                guard parts.count == 6 else {
                    let isStringOperator =
                        base != .arnEquals && base != .arnLike && base != .arnNotEquals
                        && base != .arnNotLike
                    return isStringOperator && !pattern.isLiteral ? .unknown : .no
                }
                let samePartition = parts[1].matches(ignoreCase ? partition.lowercased() : partition)
                let sameAccount = parts[4].matches(accountID)
                return samePartition && sameAccount ? .unknown : .no
            }
        }
        // One (unknown) principal value: qualifiers reduce to the plain rule.
        return base.isNegated ? matched.negated : matched
    }
}
