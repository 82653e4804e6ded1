// ConditionOperator.swift — an IAM condition operator with its set qualifier and IfExists suffix.

/// A condition operator such as `StringEquals`, `ForAnyValue:StringLike` or `ArnLikeIfExists`.
public struct ConditionOperator: Sendable, Hashable, CustomStringConvertible {
    /// The operator family, without qualifier or suffix.
    public enum Base: String, Sendable, Hashable, CaseIterable {
        case stringEquals = "StringEquals"
        case stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase"
        case stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike"
        case stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals"
        case numericNotEquals = "NumericNotEquals"
        case numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals"
        case numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals"
        case dateNotEquals = "DateNotEquals"
        case dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals"
        case dateGreaterThan = "DateGreaterThan"
        case dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool"
        case binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress"
        case notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals"
        case arnLike = "ArnLike"
        case arnNotEquals = "ArnNotEquals"
        case arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Negated operators are true when *no* policy value matches (and when the key is absent).
        public var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals,
                .dateNotEquals, .notIpAddress, .arnNotEquals, .arnNotLike:
                return true
            default:
                return false
            }
        }
    }

    /// `ForAnyValue:` / `ForAllValues:` — how a multi-valued context key is compared.
    public enum SetQualifier: String, Sendable, Hashable {
        case forAnyValue = "ForAnyValue"
        case forAllValues = "ForAllValues"
    }

    /// The operator exactly as written.
    public let raw: String
    /// The family; nil when the operator is not one IAM defines (evaluated as unknown).
    public let base: Base?
    /// The set qualifier, if any.
    public let qualifier: SetQualifier?
    /// True for the `…IfExists` variants: an absent key satisfies the condition.
    public let ifExists: Bool

    public var description: String { raw }

    /// Parses an operator name. Names compare case-insensitively (ASCII); an unknown name yields
    /// `base == nil`.
    public init(_ raw: String) {
        self.raw = raw
        var bytes = Array(raw.utf8).map(ConditionOperator.asciiLowercase)
        var qualifier: SetQualifier?
        for candidate in [SetQualifier.forAnyValue, .forAllValues] {
            let prefix = Array((candidate.rawValue + ":").lowercased().utf8)
            if bytes.starts(with: prefix) {
                qualifier = candidate
                bytes.removeFirst(prefix.count)
                break
            }
        }
        var ifExists = false
        let suffix = Array("ifexists".utf8)
        if bytes.count > suffix.count, Array(bytes.suffix(suffix.count)) == suffix {
            ifExists = true
            bytes.removeLast(suffix.count)
        }
        let name = String(decoding: bytes, as: UTF8.self)
        var base = Base.allCases.first { $0.rawValue.lowercased() == name }
        // IAM has no NullIfExists.
        if base == .null, ifExists { base = nil }
        self.base = base
        self.qualifier = qualifier
        self.ifExists = ifExists
    }

    private static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte + 0x20 : byte
    }
}
