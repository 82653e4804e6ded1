// WildcardPattern.swift — IAM-style `*` / `?` matching over Unicode scalars, without recursion.

/// A pattern where `*` matches any run of characters and `?` exactly one, as IAM uses in
/// actions, `StringLike` and `ArnLike`. Matching is case-sensitive and works on Unicode scalars.
struct WildcardPattern: Sendable, Hashable {
    enum Token: Sendable, Hashable {
        case scalar(Unicode.Scalar)
        case anySequence
        case anyOne
    }

    let tokens: [Token]

    init(tokens: [Token]) { self.tokens = tokens }

    /// `*` and `?` in `glob` are wildcards.
    init(glob: String) { self.tokens = WildcardPattern.globTokens(glob) }

    /// Every character of `literal` matches only itself.
    init(literal: String) { self.tokens = WildcardPattern.literalTokens(literal) }

    static func globTokens(_ text: String) -> [Token] {
        text.unicodeScalars.map { scalar in
            switch scalar {
            case "*": return .anySequence
            case "?": return .anyOne
            default: return .scalar(scalar)
            }
        }
    }

    static func literalTokens(_ text: String) -> [Token] {
        text.unicodeScalars.map { .scalar($0) }
    }

    /// True when the pattern has no wildcard.
    var isLiteral: Bool {
        tokens.allSatisfy { if case .scalar = $0 { return true } else { return false } }
    }

    /// The pattern as text, wildcards written as `*` and `?`.
    var text: String {
        var result = String.UnicodeScalarView()
        for token in tokens {
            switch token {
            case .scalar(let scalar): result.append(scalar)
            case .anySequence: result.append("*")
            case .anyOne: result.append("?")
            }
        }
        return String(result)
    }

    /// Lower-cases the literal parts (for case-insensitive comparisons).
    func lowercased() -> WildcardPattern {
        WildcardPattern(
            tokens: tokens.flatMap { token -> [Token] in
                guard case .scalar(let scalar) = token else { return [token] }
                return String(scalar).lowercased().unicodeScalars.map { .scalar($0) }
            })
    }

    /// Splits the pattern at literal `separator` scalars, at most `maxSplits` times.
    func split(separator: Unicode.Scalar, maxSplits: Int) -> [WildcardPattern] {
        var parts: [[Token]] = [[]]
        for token in tokens {
            if case .scalar(let scalar) = token, scalar == separator, parts.count <= maxSplits {
                parts.append([])
            } else {
                parts[parts.count - 1].append(token)
            }
        }
        return parts.map(WildcardPattern.init(tokens:))
    }

    /// Matches the whole of `text`. Greedy with one backtrack point: O(n·m) worst case, no recursion.
    func matches(_ text: String) -> Bool {
        matches(Array(text.unicodeScalars))
    }

    func matches(_ input: [Unicode.Scalar]) -> Bool {
        var t = 0
        var p = 0
        var starP = -1
        var starT = 0
        while t < input.count {
            if p < tokens.count {
                switch tokens[p] {
                case .anySequence:
                    starP = p
                    starT = t
                    p += 1
                    continue
                case .anyOne:
                    t += 1
                    p += 1
                    continue
                case .scalar(let scalar) where scalar == input[t]:
                    t += 1
                    p += 1
                    continue
                case .scalar:
                    break
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < tokens.count, tokens[p] == .anySequence { p += 1 }
        return p == tokens.count
    }
}
