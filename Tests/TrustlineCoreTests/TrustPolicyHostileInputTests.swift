// TrustPolicyHostileInputTests.swift — Unicode, mutated bytes and generated junk never crash the
// parser, evaluator or enumerator; failures are always TrustPolicyError.

import Foundation
import Testing

@testable import TrustlineCore

/// A small deterministic generator (64-bit LCG), so failures reproduce.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return state
    }
}

@Suite("Trust policy hostile input")
struct TrustPolicyHostileInputTests {
    /// Parses, evaluates and enumerates; returns whether parsing succeeded. Any thrown error must be typed.
    @discardableResult
    private func exercise(_ data: Data) -> Bool {
        do {
            let policy = try TrustPolicy(data: data)
            let contexts = [
                Fixture.caller(), Fixture.caller(arn: Fixture.pipelineRole),
                Fixture.caller {
                    $0.externalID = .unknown
                    $0.sessionTags = ["k": "v"]
                    $0.sourceIdentity = .value("x")
                },
            ]
            for context in contexts {
                let evaluation = policy.evaluate(context)
                #expect(evaluation.outcomes.count == policy.statements.count)
                _ = evaluation.decision.summary
            }
            let trust = policy.enumerateTrust()
            #expect(trust.accounts.allSatisfy { PrincipalARN.isAccountID($0.accountID) })
            return true
        } catch {
            #expect(error is TrustPolicyError, "\(error)")
            return false
        }
    }

    @Test("Unicode everywhere is handled")
    func unicode() throws {
        let json = #"""
            {"Version": "2012-10-17", "Statement": [
              {"Sid": "信任 🚀", "Effect": "Allow",
               "Principal": {"AWS": ["arn:aws:iam::１１１１１１１１１１１１:root", "arn:aws:iam::111111111111:role/Dé", "\u0000", "𝟙𝟙𝟙𝟙𝟙𝟙𝟙𝟙𝟙𝟙𝟙𝟙"]},
               "Action": ["sts:AssumeRole", "sts:Ässume*"],
               "Condition": {"StringLike": {"aws:RequestTag/équipe": ["*ü*", "${aws:RequestTag/é, 'ß'}"]},
                             "ForAnyValue:StringEquals": {"aws:TagKeys": "\uD83D\uDE80"},
                             "Stri\u0307ngEquals": {"k": "v"}}},
              {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole",
               "Condition": {"StringEquals": {"aws:PrincipalTag/キー": "値"}}}
            ]}
            """#
        let policy = try TrustPolicy(json: json)
        #expect(policy.statements.count == 2)
        #expect(policy.statements[0].sid == "信任 🚀")
        // None of the odd principals is an account: only the second statement can grant, conditionally.
        verify(policy.decision(for: Fixture.caller()), .conditional(on: ["aws:PrincipalTag/キー"]))
        var context = Fixture.caller()
        context.principalTags = ["キー": "値"]
        verify(policy.decision(for: context), .accountWide)
        #expect(policy.enumerateTrust().unresolvedPrincipals.count == 4)
        #expect(exercise(Data(json.utf8)))
    }

    @Test("every byte mutation of a real policy parses or fails with a typed error")
    func mutatedBytes() {
        let seed = Array(
            CDKBootstrapPolicy.lookupRole(trusted: [Fixture.pipeline], trustedForLookup: [Fixture.other]).utf8)
        var generator = SeededGenerator(state: 0x7472_7573_746C_696E)
        var parsed = 0
        for _ in 0..<1500 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: index)
                default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: index)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            if exercise(Data(bytes)) { parsed += 1 }
        }
        // Mutations that land in string values keep the document valid: both paths are exercised.
        #expect(parsed > 0)
        #expect(parsed < 1500)
    }

    @Test("generated policies from a grammar of hostile fragments never crash")
    func generatedPolicies() {
        let principals = [
            #""*""#, #"{"AWS": "*"}"#, #"{"AWS": "111111111111"}"#,
            #"{"AWS": ["arn:aws:iam::111111111111:root", "AROAEXAMPLEUNIQUEID12"]}"#,
            #"{"AWS": "arn:aws:sts::111111111111:assumed-role/PipelineRole/s"}"#, #"{"Service": "x"}"#, #"{"AWS": 1}"#,
            "[]",
            #"{"AWS": "arn:aws-cn:iam::333333333333:role/a/b/c"}"#, #"{"Federated": ["", "\u0000"]}"#, "null",
        ]
        let actions = [
            #""sts:*""#, #""*""#, #"["sts:AssumeRole", "sts:TagSession"]"#, #""sts:Assume?ole""#, "[]", "{}", #""""#,
        ]
        let conditions = [
            #"{"Null": {"sts:ExternalId": "true"}}"#, #"{"IpAddress": {"aws:SourceIp": ["::/0", "300.1.1.1/99"]}}"#,
            #"{"ForAllValues:ArnLike": {"aws:PrincipalArn": ["arn:*:*:*:*:*", ":::::::"]}}"#,
            #"{"DateLessThan": {"aws:CurrentTime": ["99999-99-99", 1e300]}}"#,
            #"{"NumericEquals": {"a:b": [-0.0, 1e-320]}}"#,
            #"{"StringLike": {"aws:PrincipalArn": "${${${${"}}"#, #"{"BinaryEquals": {"k:k": "!!!"}}"#,
            #"{"StringEqualsIfExists": {"aws:RequestTag/": "${}"}}"#, #"{"": {"": ""}}"#, #"{"X": []}"#, "[]",
            #"{"StringLike": {"aws:PrincipalAccount": "\#(String(repeating: "*?", count: 300))"}}"#,
        ]
        var generator = SeededGenerator(state: 42)
        for _ in 0..<600 {
            var statements: [String] = []
            for _ in 0..<Int.random(in: 0...4, using: &generator) {
                let effect = ["Allow", "Deny", "allow"].randomElement(using: &generator) ?? "Allow"
                let principalKey = Bool.random(using: &generator) ? "Principal" : "NotPrincipal"
                let actionKey = Bool.random(using: &generator) ? "Action" : "NotAction"
                var statement =
                    #"{"Effect": "\#(effect)", "\#(principalKey)": \#(principals.randomElement(using: &generator) ?? "*"), "\#(actionKey)": \#(actions.randomElement(using: &generator) ?? "*")"#
                if Bool.random(using: &generator) {
                    statement += #", "Condition": \#(conditions.randomElement(using: &generator) ?? "{}")"#
                }
                statements.append(statement + "}")
            }
            let json = #"{"Version": "2012-10-17", "Statement": [\#(statements.joined(separator: ","))]}"#
            exercise(Data(json.utf8))
        }
    }

    @Test("many statements and long values stay fast")
    func largePolicy() throws {
        let statements = (0..<400).map { index in
            Fixture.allow(
                Fixture.aws(String(format: "%012d", index)),
                condition: #"{"StringLike": {"sts:ExternalId": "\#(String(repeating: "*a", count: 50))"}}"#)
        }
        let policy = try TrustPolicy(json: Fixture.policy(statements.joined(separator: ",")))
        #expect(policy.statements.count == 400)
        let trust = policy.enumerateTrust()
        #expect(trust.accounts.count == 400)
        #expect(trust.accounts.allSatisfy { $0.isConditional })
    }
}
