// PolicyValueTemplate.swift — resolves policy variables (`${aws:username}`) inside condition values.

import Foundation

/// A condition value that may hold policy variables (`${key}`, `${key, 'default'}`, and the escapes
/// `${*}`, `${?}`, `${$}`), resolved against an AssumeRole context into a match pattern.
struct PolicyValueTemplate {
    /// The outcome of resolving one value.
    enum Resolution {
        /// A pattern to compare with.
        case pattern(WildcardPattern)
        /// A variable's key is absent and has no default: the value matches nothing.
        case matchesNothing
        /// A variable's value cannot be known.
        case unknown
    }

    private enum Part {
        case text(String)
        case variable(key: String, defaultValue: String?)
        case literal(String)
    }

    private let parts: [Part]

    /// Splits `text` into text and variables. With `variables` false (policy version 2008-10-17, or
    /// an operator without variable support) the whole text is plain.
    init(_ text: String, variables: Bool) {
        guard variables, Self.mentionsVariable(text) else {
            parts = [.text(text)]
            return
        }
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { break }
            if open.lowerBound > rest.startIndex { parts.append(.text(String(rest[..<open.lowerBound]))) }
            let inner = rest[open.upperBound..<close].trimmingCharacters(in: .whitespaces)
            switch inner {
            case "*", "?", "$":
                parts.append(.literal(inner))
            default:
                if let comma = inner.firstIndex(of: ",") {
                    let key = inner[..<comma].trimmingCharacters(in: .whitespaces)
                    var fallback = inner[inner.index(after: comma)...].trimmingCharacters(in: .whitespaces)
                    if fallback.count >= 2, fallback.hasPrefix("'"), fallback.hasSuffix("'") {
                        fallback = String(fallback.dropFirst().dropLast())
                    }
                    parts.append(.variable(key: key, defaultValue: fallback))
                } else {
                    parts.append(.variable(key: inner, defaultValue: nil))
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.text(String(rest))) }
        self.parts = parts
    }

    /// Whether `${` occurs: a byte scan, as Foundation's `contains` bridges to NSString (this runs
    /// for every condition value of every evaluation).
    private static func mentionsVariable(_ text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "$"), byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
    }

    /// Resolves the value; `glob` makes `*` / `?` in the policy's own text wildcards (never in
    /// substituted values or escapes).
    func resolve(in context: AssumeRoleContext, glob: Bool) -> Resolution {
        var tokens: [WildcardPattern.Token] = []
        for part in parts {
            switch part {
            case .text(let text):
                tokens += glob ? WildcardPattern.globTokens(text) : WildcardPattern.literalTokens(text)
            case .literal(let text):
                tokens += WildcardPattern.literalTokens(text)
            case .variable(let key, let defaultValue):
                switch context.resolve(key) {
                case .values(let values) where values.count == 1:
                    tokens += WildcardPattern.literalTokens(values[0])
                case .absent, .values([]):
                    guard let defaultValue else { return .matchesNothing }
                    tokens += WildcardPattern.literalTokens(defaultValue)
                case .values, .unknown, .principalInAccount:
                    return .unknown
                }
            }
        }
        return .pattern(WildcardPattern(tokens: tokens))
    }
}
