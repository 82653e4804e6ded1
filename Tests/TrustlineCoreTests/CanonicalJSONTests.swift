// CanonicalJSONTests — the evidence writer against Foundation's: for every tree JSONSerialization
// reads, CanonicalJSON writes the bytes `JSONSerialization.data(…, [.sortedKeys,
// .withoutEscapingSlashes])` writes (key order, escapes, numbers), so reports keep their bytes.
import Foundation
import Testing

@testable import TrustlineCore

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    static func foundation(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed]), as: UTF8.self)
    }

    static func expectSame(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])
        #expect(CanonicalJSON.string(object) == (try foundation(object)), "input: \(text)", sourceLocation: sourceLocation)
    }

    @Test("key order is Foundation's: numeric, case-insensitive, locale-aware, forced")
    func keyOrder() throws {
        let keys = [
            "a10", "a9", "B", "a", "_x", "Z", "b", "ab", "aB", "Ab", "a-b", "a_b", "é", "e", "f", "z", "ä", "1", "01", "10", "2", " ", "~",
            "aws:PrincipalArn", "aws:principalarn", "AWS", "Aws", "aws", "x1y", "x01y", "x1Y", "ß", "ss", "İ", "i", "ı", "日本", "ＡＢ", "AB",
            "StringEquals", "StringEqualsIgnoreCase", "ForAnyValue:StringLike", "ForAllValues:StringLike", "Null", "sts:ExternalId",
            "aws:PrincipalTag/team", "aws:PrincipalOrgID", "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Condition",
            "aws:x", "awsx", "aws:", "a:b", "aB:", "ab:c", "a:", ":", "::a", "Ab:", "AB:C", "Bool", "BoolIfExists", "ArnLike", "ArnLikeIfExists",
        ]
        var generator = SeededGenerator(state: 7)
        for _ in 0..<50 {
            let shuffled = keys.shuffled(using: &generator)
            let object = Dictionary(uniqueKeysWithValues: shuffled.enumerated().map { ($1, $0) })
            #expect(CanonicalJSON.string(object) == (try Self.foundation(object)))
        }
    }

    @Test("strings: quotes, backslashes, control characters, slashes, non-ASCII")
    func strings() throws {
        try Self.expectSame(#"{"s":"q/\u0001\u001f\u007fé\"\\\n\t\b\f\r\u2028\ud83d\ude00 <>&'"}"#)
        try Self.expectSame(#"{"":"","\u0000":"\u0000x"}"#)
        for scalar in 0..<0x80 {
            try Self.expectSame("[\"\\u\(String(format: "%04x", scalar))\"]")
        }
    }

    @Test("numbers and literals as Foundation writes them")
    func numbers() throws {
        try Self.expectSame(
            "[1, 1.0, 1.50, 1e2, -0, -0.0, 123456789012345678901234, 0.1, 2.5e-10, 1e20, 1e-7, true, false, null, 9007199254740993, -12]")
        try Self.expectSame(#"{"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":3600},"Bool":{"aws:SecureTransport":true}}}"#)
    }

    @Test("every trust-policy fuzz input and generated trees")
    func corpusAndRandom() throws {
        for data in try FuzzRegressionTests.inputs("trust-policy") {
            guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { continue }
            #expect(CanonicalJSON.string(object) == (try Self.foundation(object)))
        }
        var generator = SeededGenerator(state: 11)
        for _ in 0..<300 {
            let text = Self.randomJSON(depth: 0, using: &generator)
            try Self.expectSame(text)
        }
    }

    /// A random JSON text: nested objects and arrays of strings (with escapes and non-ASCII),
    /// numbers and literals.
    static func randomJSON(depth: Int, using generator: inout SeededGenerator) -> String {
        let pieces = ["a", "B", "aws:", "Sid", "1", "02", "é", "ß", "\\n", "\\u0003", "\\\"", "/", " ", "日", "Z9", "_", "-"]
        func pick(_ choices: [String]) -> String { choices[Int.random(in: 0..<choices.count, using: &generator)] }
        func word() -> String { (0..<Int.random(in: 0...4, using: &generator)).map { _ in pick(pieces) }.joined() }
        let choice = depth >= 3 ? Int.random(in: 2...5, using: &generator) : Int.random(in: 0...5, using: &generator)
        switch choice {
        case 0:
            let fields = (0..<Int.random(in: 0...6, using: &generator)).map { _ in
                "\"\(word())\":\(randomJSON(depth: depth + 1, using: &generator))"
            }
            return "{" + fields.joined(separator: ",") + "}"
        case 1:
            return "["
                + (0..<Int.random(in: 0...4, using: &generator)).map { _ in randomJSON(depth: depth + 1, using: &generator) }
                .joined(separator: ",") + "]"
        case 2: return "\"\(word())\""
        case 3: return pick(["0", "-7", "3.25", "1e3", "12345678901234567890", "0.000001"])
        case 4: return pick(["true", "false", "null"])
        default: return "\"\(word())\""
        }
    }
}
