// TrustPolicyParsingTests.swift — malformed and wrongly shaped policies give typed errors naming the field.

import Foundation
import Testing

@testable import TrustlineCore

/// A malformed input and the error it must give.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    let json: String
    let code: TrustPolicyError.Code
    let path: String
    var testDescription: String { "\(code) at \(path.isEmpty ? "(document)" : path)" }

    init(_ json: String, _ code: TrustPolicyError.Code, _ path: String) {
        self.json = json
        self.code = code
        self.path = path
    }
}

private let okStatement = #"{"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}"#

@Suite("Trust policy parsing")
struct TrustPolicyParsingTests {
    static let malformed: [MalformedCase] = [
        MalformedCase("not json", .invalidJSON, ""),
        MalformedCase("", .invalidJSON, ""),
        MalformedCase(#"{"Statement": [}"#, .invalidJSON, ""),
        MalformedCase("[]", .notAnObject, ""),
        MalformedCase("{}", .missingField, "Statement"),
        MalformedCase(#"{"Version": 2012, "Statement": []}"#, .wrongType, "Version"),
        MalformedCase(#"{"Statement": 5}"#, .wrongType, "Statement"),
        MalformedCase(#"{"Statement": "Allow"}"#, .wrongType, "Statement"),
        MalformedCase(#"{"Statement": [5]}"#, .wrongType, "Statement[0]"),
        MalformedCase(#"{"Statement": [\#(okStatement), null]}"#, .wrongType, "Statement[1]"),
        MalformedCase(
            #"{"Statement": [{"Principal": "*", "Action": "sts:AssumeRole"}]}"#, .missingField, "Statement[0].Effect"),
        MalformedCase(
            #"{"Statement": [{"Effect": "allow", "Principal": "*", "Action": "sts:AssumeRole"}]}"#, .invalidValue,
            "Statement[0].Effect"),
        MalformedCase(
            #"{"Statement": [{"Effect": true, "Principal": "*", "Action": "sts:AssumeRole"}]}"#, .wrongType,
            "Statement[0].Effect"),
        MalformedCase(
            #"{"Statement": [{"Sid": 7, "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}"#,
            .wrongType,
            "Statement[0].Sid"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": "*", "NotPrincipal": "*", "Action": "sts:AssumeRole"}]}"#,
            .conflictingFields, "Statement[0]"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]}"#, .missingField,
            "Statement[0].Principal"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": "111111111111", "Action": "sts:AssumeRole"}]}"#,
            .invalidValue,
            "Statement[0].Principal"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": ["*"], "Action": "sts:AssumeRole"}]}"#, .wrongType,
            "Statement[0].Principal"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": 111111111111}, "Action": "sts:AssumeRole"}]}"#,
            .wrongType, "Statement[0].Principal.AWS"),
        MalformedCase(
            #"{"Statement": [\#(okStatement), {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111111111111:root", 5]}, "Action": "sts:AssumeRole"}]}"#,
            .wrongType, "Statement[1].Principal.AWS[1]"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": {"a": 1}}, "Action": "sts:AssumeRole"}]}"#,
            .wrongType, "Statement[0].NotPrincipal.AWS"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": {"Group": "admins"}, "Action": "sts:AssumeRole"}]}"#,
            .unsupportedPrincipalType, "Statement[0].Principal.Group"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": {"Service": null}, "Action": "sts:AssumeRole"}]}"#,
            .wrongType, "Statement[0].Principal.Service"),
        MalformedCase(#"{"Statement": [{"Effect": "Allow", "Principal": "*"}]}"#, .missingField, "Statement[0].Action"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "NotAction": "sts:TagSession"}]}"#,
            .conflictingFields, "Statement[0]"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": 7}]}"#, .wrongType, "Statement[0].Action"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": "*", "NotAction": ["sts:TagSession", false]}]}"#,
            .wrongType,
            "Statement[0].NotAction[1]"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": "x"}]}"#,
            .wrongType, "Statement[0].Condition"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": "x"}}]}"#,
            .wrongType, "Statement[0].Condition.StringEquals"),
        MalformedCase(
            #"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"StringEquals": {"sts:ExternalId": null}}}]}"#,
            .wrongType, "Statement[0].Condition.StringEquals.sts:ExternalId"),
        MalformedCase(
            #"{"Statement": {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Condition": {"Null": {"sts:ExternalId": ["true", {}]}}}}"#,
            .wrongType, "Statement.Condition.Null.sts:ExternalId[1]"),
        MalformedCase(String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000), .invalidJSON, ""),
        MalformedCase(#"{"Statement": ["\ud800"]}"#, .invalidJSON, ""),
    ]

    @Test("malformed policies give typed errors naming the field", arguments: malformed)
    func malformedPolicy(_ row: MalformedCase) {
        do {
            let policy = try TrustPolicy(json: row.json)
            Issue.record("parsed unexpectedly: \(policy.statements.count) statements")
        } catch let error as TrustPolicyError {
            #expect(error.code == row.code, "\(error)")
            #expect(error.path == row.path, "\(error)")
        } catch {
            Issue.record("untyped error \(error)")
        }
    }

    @Test("error messages read as sentences naming the path")
    func errorDescription() {
        #expect(throws: TrustPolicyError.self) {
            try TrustPolicy(
                json: #"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": 1}, "Action": "sts:AssumeRole"}]}"#)
        }
        let error = TrustPolicyError(.wrongType, path: "Statement[0].Principal.AWS", "expected a string")
        #expect(
            error.localizedDescription == "trust policy: wrong type at Statement[0].Principal.AWS: expected a string")
        let whole = TrustPolicyError(.invalidJSON, path: "", "not valid JSON")
        #expect(whole.errorDescription?.contains("the policy document") == true)
    }

    @Test("invalid UTF-8 is an invalid-JSON error")
    func invalidUTF8() {
        let bytes: [UInt8] = Array(#"{"Statement": ["#.utf8) + [0xFF, 0xFE, 0xC0] + Array("]}".utf8)
        #expect {
            try TrustPolicy(data: Data(bytes))
        } throws: { error in
            (error as? TrustPolicyError)?.code == .invalidJSON
        }
    }

    @Test("malformed URL encoding is an invalid-JSON error")
    func badPercentEncoding() {
        #expect {
            try TrustPolicy(json: "%7B%ZZ")
        } throws: { error in
            (error as? TrustPolicyError)?.code == .invalidJSON
        }
    }

    @Test("fields trust policies do not use are tolerated")
    func ignoredFields() throws {
        let policy = try TrustPolicy(
            json:
                #"{"Id": "x", "Version": "2012-10-17", "Statement": [{"Sid": "", "Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole", "Resource": "*", "Extra": [1, {"a": null}]}]}"#
        )
        #expect(policy.statements.count == 1)
        #expect(policy.statements[0].sid == "")
        #expect(policy.supportsPolicyVariables)
    }

    @Test("parsed shape: principals, actions, conditions in order")
    func parsedShape() throws {
        let policy = try TrustPolicy(
            json: #"""
                {"Version": "2012-10-17", "Statement": [{"Sid": "Trust", "Effect": "Deny",
                  "NotPrincipal": {"Service": "ec2.amazonaws.com", "AWS": ["*", "111111111111", "arn:aws:iam::111111111111:role/R", "AROAEXAMPLEUNIQUEID12"]},
                  "NotAction": ["sts:TagSession"],
                  "Condition": {"StringLike": {"aws:PrincipalArn": ["a*", "b?"]}, "NumericLessThan": {"x:n": 5, "x:m": 1.5}, "Bool": {"aws:SecureTransport": false}}}]}
                """#)
        let statement = try #require(policy.statements.first)
        #expect(statement.sid == "Trust")
        #expect(statement.effect == .deny)
        #expect(statement.principal.isNegated)
        #expect(statement.principal.includesAnyone)
        #expect(
            statement.principal.principals == [
                .anyone, .account(partition: nil, accountID: "111111111111"),
                .arn(try #require(PrincipalARN("arn:aws:iam::111111111111:role/R"))),
                .uniqueID("AROAEXAMPLEUNIQUEID12"),
                .service("ec2.amazonaws.com"),
            ])
        #expect(statement.action == ActionElement(isNegated: true, patterns: ["sts:TagSession"]))
        #expect(
            statement.conditions.map(\.path) == [
                "Statement[0].Condition.Bool.aws:SecureTransport", "Statement[0].Condition.NumericLessThan.x:m",
                "Statement[0].Condition.NumericLessThan.x:n", "Statement[0].Condition.StringLike.aws:PrincipalArn",
            ])
        #expect(statement.conditions.map(\.values) == [["false"], ["1.5"], ["5"], ["a*", "b?"]])
        #expect(statement.conditions[3].description == #""StringLike": {"aws:PrincipalArn": ["a*", "b?"]}"#)
    }
}
