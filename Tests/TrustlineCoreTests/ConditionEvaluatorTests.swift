// ConditionEvaluatorTests.swift — every IAM condition operator family, IfExists, Null, set
// qualifiers, absent and unknown keys, policy variables.

import Testing

@testable import TrustlineCore

/// One clause tested against one value of the key `test:key`.
struct OperatorCase: Sendable, CustomTestStringConvertible {
    let conditionOperator: String
    let policyValues: [String]
    let contextValue: ContextValue
    let expected: ConditionEvaluator.Truth

    init(_ op: String, _ policyValues: [String], _ contextValue: ContextValue, _ expected: ConditionEvaluator.Truth) {
        self.conditionOperator = op
        self.policyValues = policyValues
        self.contextValue = contextValue
        self.expected = expected
    }

    var testDescription: String { "\(conditionOperator) \(policyValues) vs \(contextValue) → \(expected)" }
}

private func v(_ text: String) -> ContextValue { .value(text) }

@Suite("Condition operators")
struct ConditionEvaluatorTests {
    static let strings: [OperatorCase] = [
        OperatorCase("StringEquals", ["abc"], v("abc"), .yes),
        OperatorCase("StringEquals", ["abc"], v("ABC"), .no),
        OperatorCase("StringEquals", ["a*"], v("abc"), .no),
        OperatorCase("StringEquals", ["x", "y"], v("y"), .yes),
        OperatorCase("StringNotEquals", ["x", "y"], v("y"), .no),
        OperatorCase("StringNotEquals", ["abc"], v("abd"), .yes),
        OperatorCase("StringEqualsIgnoreCase", ["abc"], v("ABC"), .yes),
        OperatorCase("StringNotEqualsIgnoreCase", ["ABC"], v("abc"), .no),
        OperatorCase("StringLike", ["a*c"], v("abbbc"), .yes),
        OperatorCase("StringLike", ["a?c"], v("abc"), .yes),
        OperatorCase("StringLike", ["a?c"], v("abbc"), .no),
        OperatorCase("StringLike", ["*"], v(""), .yes),
        OperatorCase("StringNotLike", ["a*"], v("bcd"), .yes),
        OperatorCase("StringNotLike", ["a*"], v("abc"), .no),
        OperatorCase("StringEquals", ["café"], v("café"), .yes),
        OperatorCase("StringEquals", ["caf\u{E9}"], v("cafe\u{301}"), .no),
        OperatorCase("StringLike", ["*🚀*"], v("go🚀now"), .yes),
        OperatorCase("StringEquals", [""], v(""), .yes),
    ]

    static let numbersDatesBools: [OperatorCase] = [
        OperatorCase("NumericEquals", ["10"], v("10.0"), .yes),
        OperatorCase("NumericNotEquals", ["10"], v("11"), .yes),
        OperatorCase("NumericLessThan", ["10"], v("5"), .yes),
        OperatorCase("NumericLessThan", ["10"], v("10"), .no),
        OperatorCase("NumericLessThanEquals", ["10"], v("10"), .yes),
        OperatorCase("NumericGreaterThan", ["10"], v("10.5"), .yes),
        OperatorCase("NumericGreaterThanEquals", ["10"], v("9"), .no),
        OperatorCase("NumericEquals", ["ten"], v("10"), .no),
        OperatorCase("NumericEquals", ["0x10"], v("16"), .no),
        OperatorCase("DateGreaterThan", ["2024-01-01T00:00:00Z"], v("2025-01-01T00:00:00Z"), .yes),
        OperatorCase("DateLessThan", ["2024-01-01T00:00:00Z"], v("2025-01-01T00:00:00Z"), .no),
        OperatorCase("DateEquals", ["1735689600"], v("2025-01-01T00:00:00Z"), .yes),
        OperatorCase("DateEquals", ["2025-01-01T01:00:00+01:00"], v("2025-01-01T00:00:00Z"), .yes),
        OperatorCase("DateLessThanEquals", ["2025-01-01"], v("2025-01-01T00:00:00.000Z"), .yes),
        OperatorCase("DateGreaterThanEquals", ["2025-01-01"], v("2024-12-31T23:59:59Z"), .no),
        OperatorCase("DateNotEquals", ["2025-01-01"], v("2025-01-02"), .yes),
        OperatorCase("DateEquals", ["2025-02-30"], v("2025-03-02"), .no),
        OperatorCase("Bool", ["true"], v("TRUE"), .yes),
        OperatorCase("Bool", ["false"], v("true"), .no),
        OperatorCase("BinaryEquals", ["QmluYXJ5"], v("QmluYXJ5"), .yes),
        OperatorCase("BinaryEquals", ["QmluYXJ5"], v("QmluYXJ6"), .no),
    ]

    static let addressesAndARNs: [OperatorCase] = [
        OperatorCase("IpAddress", ["10.0.0.0/8"], v("10.1.2.3"), .yes),
        OperatorCase("IpAddress", ["10.0.0.0/8"], v("11.0.0.1"), .no),
        OperatorCase("IpAddress", ["192.0.2.1"], v("192.0.2.1"), .yes),
        OperatorCase("IpAddress", ["2001:db8::/32"], v("2001:db8:1::1"), .yes),
        OperatorCase("IpAddress", ["2001:db8::/32"], v("2001:db9::1"), .no),
        OperatorCase("IpAddress", ["10.0.0.0/8"], v("::ffff:10.0.0.1"), .no),
        OperatorCase("IpAddress", ["0.0.0.0/0"], v("203.0.113.7"), .yes),
        OperatorCase("NotIpAddress", ["10.0.0.0/8"], v("192.168.1.1"), .yes),
        OperatorCase("NotIpAddress", ["10.0.0.0/8", "192.168.0.0/16"], v("192.168.1.1"), .no),
        OperatorCase("IpAddress", ["10.0.0.0/33"], v("10.0.0.1"), .no),
        OperatorCase("ArnEquals", ["arn:aws:iam::111111111111:role/R"], v("arn:aws:iam::111111111111:role/R"), .yes),
        OperatorCase("ArnLike", ["arn:aws:iam::*:role/R*"], v("arn:aws:iam::111111111111:role/Runner"), .yes),
        OperatorCase("ArnLike", ["arn:aws:iam::*:role/R*"], v("arn:aws:iam::111111111111:user/Runner"), .no),
        OperatorCase("ArnLike", ["arn:aws:iam::*:role/*"], v("not-an-arn"), .no),
        OperatorCase("ArnLike", ["arn:*"], v("arn:aws:iam::111111111111:role/R"), .no),
        OperatorCase("ArnNotLike", ["arn:aws:iam::222222222222:*"], v("arn:aws:iam::111111111111:role/R"), .yes),
        OperatorCase("ArnNotEquals", ["arn:aws:iam::111111111111:role/R"], v("arn:aws:iam::111111111111:role/R"), .no),
    ]

    static let presenceCases: [OperatorCase] = [
        OperatorCase("Null", ["true"], .absent, .yes),
        OperatorCase("Null", ["true"], v("x"), .no),
        OperatorCase("Null", ["false"], v("x"), .yes),
        OperatorCase("Null", ["false"], .absent, .no),
        OperatorCase("Null", ["true"], .values([]), .yes),
        OperatorCase("Null", ["true"], .unknown, .unknown),
        OperatorCase("Null", ["maybe"], .absent, .no),
        OperatorCase("StringEquals", ["x"], .absent, .no),
        OperatorCase("StringNotEquals", ["x"], .absent, .yes),
        OperatorCase("StringNotLike", ["x*"], .absent, .yes),
        OperatorCase("NotIpAddress", ["10.0.0.0/8"], .absent, .yes),
        OperatorCase("ArnNotLike", ["arn:*:*:*:*:*"], .absent, .yes),
        OperatorCase("NumericLessThan", ["5"], .absent, .no),
        OperatorCase("StringEqualsIfExists", ["x"], .absent, .yes),
        OperatorCase("StringEqualsIfExists", ["x"], v("y"), .no),
        OperatorCase("StringEqualsIfExists", ["x"], v("x"), .yes),
        OperatorCase("ArnLikeIfExists", ["arn:aws:iam::*:role/*"], .absent, .yes),
        OperatorCase("BoolIfExists", ["false"], .absent, .yes),
        OperatorCase("StringEquals", ["x"], .unknown, .unknown),
        OperatorCase("StringNotEquals", ["x"], .unknown, .unknown),
        OperatorCase("StringEqualsIfExists", ["x"], .unknown, .unknown),
        OperatorCase("StringEqualz", ["x"], v("x"), .unknown),
        OperatorCase("NullIfExists", ["true"], .absent, .unknown),
    ]

    static let sets: [OperatorCase] = [
        OperatorCase("ForAnyValue:StringEquals", ["a", "b"], .values(["b", "c"]), .yes),
        OperatorCase("ForAnyValue:StringEquals", ["a"], .values(["b", "c"]), .no),
        OperatorCase("ForAllValues:StringEquals", ["a", "b"], .values(["a", "c"]), .no),
        OperatorCase("ForAllValues:StringEquals", ["a", "b"], .values(["a", "b"]), .yes),
        OperatorCase("ForAnyValue:StringEquals", ["a"], .absent, .no),
        OperatorCase("ForAllValues:StringEquals", ["a"], .absent, .yes),
        OperatorCase("ForAllValues:StringNotEquals", ["x"], .values(["a", "b"]), .yes),
        OperatorCase("ForAllValues:StringNotEquals", ["a"], .values(["a", "b"]), .no),
        OperatorCase("ForAnyValue:StringNotEquals", ["a"], .values(["a"]), .no),
        OperatorCase("ForAnyValue:StringNotEquals", ["a"], .values(["a", "z"]), .yes),
        OperatorCase("ForAnyValue:StringLike", ["a*"], .values(["zz", "ab"]), .yes),
        OperatorCase("forallvalues:stringlike", ["a*"], .values(["ab", "ac"]), .yes),
        OperatorCase("ForAllValues:StringEquals", ["a"], .unknown, .unknown),
        OperatorCase("StringEquals", ["b"], .values(["a", "b"]), .yes),
        OperatorCase("StringNotEquals", ["b"], .values(["a", "b"]), .no),
    ]

    static let variables: [OperatorCase] = [
        OperatorCase("StringEquals", ["${aws:PrincipalAccount}"], v("111111111111"), .yes),
        OperatorCase(
            "StringLike", ["arn:aws:iam::${aws:PrincipalAccount}:role/*"], v("arn:aws:iam::111111111111:role/X"), .yes),
        OperatorCase("StringLike", ["a${*}"], v("a*"), .yes),
        OperatorCase("StringLike", ["a${*}"], v("abc"), .no),
        OperatorCase("StringEquals", ["${ $ }{x}"], v("${x}"), .yes),
        OperatorCase("StringEquals", ["${aws:RequestTag/missing, 'dflt'}"], v("dflt"), .yes),
        OperatorCase("StringEquals", ["${aws:RequestTag/missing}"], v(""), .no),
        OperatorCase("StringEquals", ["${aws:SourceIp}"], v("10.0.0.1"), .unknown),
        OperatorCase("StringEquals", ["${aws:SourceIp}", "10.0.0.1"], v("10.0.0.1"), .yes),
        OperatorCase("StringEquals", ["${unterminated"], v("${unterminated"), .yes),
        OperatorCase("NumericEquals", ["${aws:EpochTime}"], v("5"), .no),
    ]

    private func evaluate(_ row: OperatorCase, policyVariables: Bool = true) -> ConditionEvaluator.Truth {
        var context = AssumeRoleContext(callerAccount: Fixture.pipeline)
        context.additionalKeys = ["Test:Key": row.contextValue]
        let clause = ConditionClause(
            conditionOperator: ConditionOperator(row.conditionOperator), key: "test:key", values: row.policyValues,
            path: "Statement[0].Condition")
        return ConditionEvaluator(context: context, policyVariables: policyVariables).evaluate(clause)
    }

    @Test("String operators", arguments: strings)
    func string(_ row: OperatorCase) { #expect(evaluate(row) == row.expected) }

    @Test("Numeric, Date, Bool and Binary operators", arguments: numbersDatesBools)
    func scalar(_ row: OperatorCase) { #expect(evaluate(row) == row.expected) }

    @Test("IpAddress and Arn operators", arguments: addressesAndARNs)
    func addressAndARN(_ row: OperatorCase) { #expect(evaluate(row) == row.expected) }

    @Test("Null, IfExists, absent and unknown keys", arguments: presenceCases)
    func presenceAndAbsence(_ row: OperatorCase) { #expect(evaluate(row) == row.expected) }

    @Test("ForAnyValue / ForAllValues", arguments: sets)
    func set(_ row: OperatorCase) { #expect(evaluate(row) == row.expected) }

    @Test("policy variables", arguments: variables)
    func variable(_ row: OperatorCase) { #expect(evaluate(row) == row.expected) }

    @Test("without policy variables, ${…} is literal text")
    func variablesOff() {
        let row = OperatorCase("StringEquals", ["${aws:PrincipalAccount}"], v("${aws:PrincipalAccount}"), .yes)
        #expect(evaluate(row, policyVariables: false) == .yes)
        #expect(evaluate(row, policyVariables: true) == .no)
    }

    @Test("operator names parse into base, qualifier and IfExists")
    func operatorParsing() {
        let op = ConditionOperator("ForAllValues:StringNotLikeIfExists")
        #expect(op.base == .stringNotLike)
        #expect(op.qualifier == .forAllValues)
        #expect(op.ifExists)
        #expect(op.base?.isNegated == true)
        #expect(ConditionOperator("IfExists").base == nil)
        #expect(ConditionOperator("ForAnyValue:").base == nil)
        #expect(ConditionOperator("Null").base == .null)
        #expect(ConditionOperator("\u{212A}Null").base == nil)
        #expect(ConditionOperator.Base.allCases.count == 27)
    }

    @Test("context keys: derived values for the pipeline caller")
    func contextKeys() {
        var context = AssumeRoleContext(
            callerAccount: Fixture.pipeline, callerARN: "arn:aws:iam::111111111111:role/ci/Pipe")
        context.sessionTags = ["Team": "platform", "cost": "1"]
        #expect(context.value(forKey: "AWS:PrincipalAccount") == .value(Fixture.pipeline))
        #expect(context.value(forKey: "aws:PrincipalArn") == .value("arn:aws:iam::111111111111:role/ci/Pipe"))
        #expect(context.value(forKey: "aws:PrincipalType") == .value("AssumedRole"))
        #expect(context.value(forKey: "aws:username") == .absent)
        #expect(context.value(forKey: "aws:RequestTag/team") == .value("platform"))
        #expect(context.value(forKey: "aws:RequestTag/other") == .absent)
        #expect(context.value(forKey: "aws:TagKeys") == .values(["Team", "cost"]))
        #expect(context.value(forKey: "sts:ExternalId") == .absent)
        #expect(context.value(forKey: "aws:SourceIp") == .unknown)
        #expect(context.value(forKey: "aws:SourceAccount") == .absent)
        #expect(context.value(forKey: "vendor:anything") == .unknown)
        #expect(context.requiredActions == ["sts:AssumeRole", "sts:TagSession"])
        let session = AssumeRoleContext(
            callerAccount: Fixture.pipeline, callerARN: "arn:aws:sts::111111111111:assumed-role/Pipe/s")
        #expect(session.value(forKey: "aws:PrincipalArn") == .unknown)
        let mismatched = AssumeRoleContext(
            callerAccount: Fixture.pipeline, callerARN: "arn:aws:iam::333333333333:role/X")
        #expect(mismatched.callerIdentity == nil)
        let unknown = context.withCallerControlledKeysUnknown()
        #expect(unknown.value(forKey: "sts:ExternalId") == .unknown)
        #expect(unknown.value(forKey: "aws:TagKeys") == .unknown)
        #expect(unknown.requiredActions == ["sts:AssumeRole"])
    }

    @Test("aws:CurrentTime and aws:EpochTime come from the injected clock")
    func clock() throws {
        var context = AssumeRoleContext(callerAccount: Fixture.pipeline)
        #expect(context.value(forKey: "aws:CurrentTime") == .unknown)
        context.currentTime = .init(timeIntervalSince1970: 1_735_689_600)
        #expect(context.value(forKey: "aws:CurrentTime") == .value("2025-01-01T00:00:00Z"))
        #expect(context.value(forKey: "aws:EpochTime") == .value("1735689600"))
        context.currentTime = .init(timeIntervalSince1970: 1e300)
        #expect(context.value(forKey: "aws:EpochTime") == .unknown)
        #expect(context.value(forKey: "aws:CurrentTime") == .unknown)
    }
}
