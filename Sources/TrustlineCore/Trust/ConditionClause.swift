// ConditionClause.swift — one operator/key/values test from a statement's Condition block.

/// One test of a `Condition` block: `{"StringEquals": {"sts:ExternalId": ["a", "b"]}}` gives the
/// clause (StringEquals, sts:ExternalId, [a, b]). All clauses of a statement must hold; within a
/// clause any one value may match (for negated operators: none may).
public struct ConditionClause: Sendable, Hashable, CustomStringConvertible {
    /// The operator.
    public let conditionOperator: ConditionOperator
    /// The condition key as written (keys compare case-insensitively).
    public let key: String
    /// The policy values, as text (numbers and booleans are written as JSON would).
    public let values: [String]
    /// Where the clause sits, e.g. `Statement[0].Condition.Null.sts:ExternalId`.
    public let path: String

    /// Creates a clause.
    public init(conditionOperator: ConditionOperator, key: String, values: [String], path: String) {
        self.conditionOperator = conditionOperator
        self.key = key
        self.values = values
        self.path = path
    }

    /// JSON-like rendering for evidence: `"Null": {"sts:ExternalId": "true"}`.
    public var description: String {
        let rendered =
            values.count == 1
            ? ConditionClause.quoted(values[0])
            : "[" + values.map(ConditionClause.quoted).joined(separator: ", ") + "]"
        return "\(ConditionClause.quoted(conditionOperator.raw)): {\(ConditionClause.quoted(key)): \(rendered)}"
    }

    /// A JSON string literal for `text`.
    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    result += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result + "\""
    }
}
