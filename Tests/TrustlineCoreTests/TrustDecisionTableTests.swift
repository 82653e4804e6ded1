// TrustDecisionTableTests.swift — the table of trust-policy cases: principal forms, actions, Deny,
// NotPrincipal, NotAction and conditions, each evaluated for a caller of the pipeline account.

import Foundation
import Testing

@testable import TrustlineCore

private let pipelineAccount = Fixture.pipeline
private let otherAccount = Fixture.other
private let role = Fixture.pipelineRole
private let otherRole = Fixture.otherRole
private let session = "arn:aws:sts::111111111111:assumed-role/PipelineRole/codebuild"
private typealias F = Fixture

/// One row of the table.
struct DecisionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let policy: String
    let context: AssumeRoleContext
    let expected: Expected

    init(_ name: String, _ policy: String, _ context: AssumeRoleContext, _ expected: Expected) {
        self.name = name
        self.policy = policy
        self.context = context
        self.expected = expected
    }

    /// A row evaluated for an unknown principal of the pipeline account.
    init(_ name: String, _ policy: String, _ expected: Expected) {
        self.init(name, policy, Fixture.caller(), expected)
    }

    var testDescription: String { "\(name) → \(expected)" }
}

private let cdkNoExternalID = #"{"Null": {"sts:ExternalId": "true"}}"#
private let jan2025 = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01T00:00:00Z

@Suite("Trust decision table")
struct TrustDecisionTableTests {
    static let principalForms: [DecisionCase] = [
        DecisionCase("Principal \"*\"", F.policy(F.allow(#""*""#)), .accountWide),
        DecisionCase("AWS \"*\"", F.policy(F.allow(F.aws("*"))), .accountWide),
        DecisionCase("AWS [\"*\"]", F.policy(F.allow(#"{"AWS": ["*"]}"#)), .accountWide),
        DecisionCase("bare account id", F.policy(F.allow(F.aws(pipelineAccount))), .accountWide),
        DecisionCase("account root ARN", F.policy(F.allow(F.aws(F.root(pipelineAccount)))), .accountWide),
        DecisionCase(
            "another account's root", F.policy(F.allow(F.aws(F.root(otherAccount)))),
            .notTrusted(mentioning: "names account 111111111111")),
        DecisionCase("role ARN, caller unknown", F.policy(F.allow(F.aws(role))), .only([role])),
        DecisionCase(
            "role ARN, caller is that role", F.policy(F.allow(F.aws(role))), F.caller(arn: role), .only([role])),
        DecisionCase(
            "role ARN, caller is another role", F.policy(F.allow(F.aws(role))), F.caller(arn: otherRole),
            .notTrusted(mentioning: "OtherRole")),
        DecisionCase(
            "role ARN with path, caller is a session of it",
            F.policy(F.allow(F.aws("arn:aws:iam::111111111111:role/cdk/PipelineRole"))), F.caller(arn: session),
            .only(["arn:aws:iam::111111111111:role/cdk/PipelineRole"])),
        DecisionCase(
            "role name compares case-insensitively",
            F.policy(F.allow(F.aws("arn:aws:iam::111111111111:role/pipelinerole"))), F.caller(arn: role),
            .only(["arn:aws:iam::111111111111:role/pipelinerole"])),
        DecisionCase(
            "user ARN, caller unknown", F.policy(F.allow(F.aws("arn:aws:iam::111111111111:user/deployer"))),
            .only(["arn:aws:iam::111111111111:user/deployer"])),
        DecisionCase(
            "user ARN, caller is a role", F.policy(F.allow(F.aws("arn:aws:iam::111111111111:user/deployer"))),
            F.caller(arn: role), .notTrusted(mentioning: "names")),
        DecisionCase("session ARN, caller unknown", F.policy(F.allow(F.aws(session))), .only([session])),
        DecisionCase(
            "session ARN, caller is that session", F.policy(F.allow(F.aws(session))), F.caller(arn: session),
            .only([session])),
        DecisionCase(
            "session ARN, caller is another session", F.policy(F.allow(F.aws(session))),
            F.caller(arn: "arn:aws:sts::111111111111:assumed-role/PipelineRole/other"), .notTrusted(mentioning: "names")
        ),
        DecisionCase(
            "session ARN does not cover its role's other sessions, but the role covers sessions",
            F.policy(F.allow(F.aws(role))), F.caller(arn: "arn:aws:sts::111111111111:assumed-role/PipelineRole/x"),
            .only([role])),
        DecisionCase(
            "federated-user session ARN", F.policy(F.allow(F.aws("arn:aws:sts::111111111111:federated-user/bob"))),
            .only(["arn:aws:sts::111111111111:federated-user/bob"])),
        DecisionCase(
            "list naming other account and pipeline root",
            F.policy(F.allow(F.aws(otherAccount, F.root(pipelineAccount)))), .accountWide),
        DecisionCase(
            "list of a pipeline role and another account", F.policy(F.allow(F.aws(role, F.root(otherAccount)))),
            .only([role])),
        DecisionCase(
            "list of pipeline root and a pipeline role", F.policy(F.allow(F.aws(role, pipelineAccount))), .accountWide),
        DecisionCase(
            "two roles of the pipeline account", F.policy(F.allow(F.aws(role, otherRole))), .only([role, otherRole])),
        DecisionCase(
            "service principal", F.policy(F.allow(#"{"Service": "cloudformation.amazonaws.com"}"#)),
            .notTrusted(mentioning: "names account")),
        DecisionCase(
            "federated principal",
            F.policy(F.allow(#"{"Federated": "arn:aws:iam::111111111111:saml-provider/Okta"}"#)),
            .notTrusted(mentioning: "names account")),
        DecisionCase(
            "canonical user", F.policy(F.allow(#"{"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}"#)),
            .notTrusted(mentioning: "names account")),
        DecisionCase(
            "service and account in one principal object",
            F.policy(F.allow(#"{"Service": "codebuild.amazonaws.com", "AWS": "111111111111"}"#)), .accountWide),
        DecisionCase(
            "aws-cn root with the same number does not trust an aws caller",
            F.policy(F.allow(F.aws(F.root(pipelineAccount, partition: "aws-cn")))), .notTrusted(mentioning: "names")),
        DecisionCase(
            "aws-cn root trusts an aws-cn caller",
            F.policy(F.allow(F.aws(F.root(pipelineAccount, partition: "aws-cn")))),
            F.caller(partition: "aws-cn"), .accountWide),
        DecisionCase(
            "aws-us-gov role ARN", F.policy(F.allow(F.aws("arn:aws-us-gov:iam::111111111111:role/Deploy"))),
            F.caller(partition: "aws-us-gov"), .only(["arn:aws-us-gov:iam::111111111111:role/Deploy"])),
        DecisionCase(
            "bare account id takes the caller's partition", F.policy(F.allow(F.aws(pipelineAccount))),
            F.caller(partition: "aws-cn"),
            .accountWide),
        DecisionCase(
            "unique id of a deleted role grants nothing", F.policy(F.allow(F.aws("AROAEXAMPLEUNIQUEID12"))),
            .notTrusted(mentioning: "names")),
        DecisionCase(
            "unique id of a deleted user grants nothing", F.policy(F.allow(F.aws("AIDAJQABLZS4A3QDU576Q"))),
            .notTrusted(mentioning: "names")),
        DecisionCase(
            "partial wildcard in a principal ARN matches nothing",
            F.policy(F.allow(F.aws("arn:aws:iam::111111111111:role/*"))), .notTrusted(mentioning: "names")),
        DecisionCase("empty AWS list", F.policy(F.allow(#"{"AWS": []}"#)), .notTrusted(mentioning: "names")),
        DecisionCase(
            "account id with surrounding space is not an account", F.policy(F.allow(F.aws(" 111111111111"))),
            .notTrusted(mentioning: "names")),
        DecisionCase(
            "no statements", #"{"Version": "2012-10-17", "Statement": []}"#, .notTrusted(mentioning: "no Allow")),
        DecisionCase(
            "Statement as a single object",
            #"{"Statement": {"Effect": "Allow", "Principal": {"AWS": "111111111111"}, "Action": "sts:AssumeRole"}}"#,
            .accountWide),
    ]

    static let actions: [DecisionCase] = [
        DecisionCase("Action sts:*", F.policy(F.allow(F.aws(pipelineAccount), action: #""sts:*""#)), .accountWide),
        DecisionCase(
            "Action sts:Assume*", F.policy(F.allow(F.aws(pipelineAccount), action: #""sts:Assume*""#)), .accountWide),
        DecisionCase("Action *", F.policy(F.allow(F.aws(pipelineAccount), action: #""*""#)), .accountWide),
        DecisionCase(
            "Action in upper case", F.policy(F.allow(F.aws(pipelineAccount), action: #""STS:ASSUMEROLE""#)),
            .accountWide),
        DecisionCase(
            "Action with ?", F.policy(F.allow(F.aws(pipelineAccount), action: #""sts:AssumeRol?""#)), .accountWide),
        DecisionCase(
            "Action list", F.policy(F.allow(F.aws(pipelineAccount), action: #"["sts:TagSession", "sts:AssumeRole"]"#)),
            .accountWide),
        DecisionCase(
            "only sts:TagSession", F.policy(F.allow(F.aws(pipelineAccount), action: #""sts:TagSession""#)),
            .notTrusted(mentioning: "no Allow statement covers sts:AssumeRole")),
        DecisionCase(
            "only AssumeRoleWithWebIdentity",
            F.policy(F.allow(F.aws(pipelineAccount), action: #""sts:AssumeRoleWithWebIdentity""#)),
            .notTrusted(mentioning: "covers")),
        DecisionCase(
            "unrelated action", F.policy(F.allow(F.aws(pipelineAccount), action: #""iam:PassRole""#)),
            .notTrusted(mentioning: "covers")),
        DecisionCase(
            "action without a service prefix matches nothing",
            F.policy(F.allow(F.aws(pipelineAccount), action: #""AssumeRole""#)),
            .notTrusted(mentioning: "covers")),
        DecisionCase(
            "NotAction TagSession covers AssumeRole",
            F.policy(F.allow(F.aws(pipelineAccount), action: #"["sts:TagSession"]"#, notAction: true)), .accountWide),
        DecisionCase(
            "NotAction AssumeRole",
            F.policy(F.allow(F.aws(pipelineAccount), action: #""sts:AssumeRole""#, notAction: true)),
            .notTrusted(mentioning: "covers")),
        DecisionCase(
            "NotAction sts:*", F.policy(F.allow(F.aws(pipelineAccount), action: #""sts:*""#, notAction: true)),
            .notTrusted(mentioning: "covers")),
        DecisionCase(
            "session tags passed but TagSession not allowed", F.policy(F.allow(F.aws(pipelineAccount))),
            F.caller { $0.sessionTags = ["team": "platform"] }, .notTrusted(mentioning: "sts:TagSession")),
        DecisionCase(
            "session tags passed and TagSession allowed",
            F.policy(F.allow(F.aws(pipelineAccount)), F.allow(F.aws(pipelineAccount), action: #""sts:TagSession""#)),
            F.caller { $0.sessionTags = ["team": "platform"] }, .accountWide),
        DecisionCase(
            "TagSession only for another role narrows to nothing",
            F.policy(F.allow(F.aws(role)), F.allow(F.aws(otherRole), action: #""sts:TagSession""#)),
            F.caller { $0.sessionTags = ["team": "platform"] }, .notTrusted(mentioning: "both")),
        DecisionCase(
            "source identity passed but SetSourceIdentity not allowed", F.policy(F.allow(F.aws(pipelineAccount))),
            F.caller { $0.sourceIdentity = .value("alice") }, .notTrusted(mentioning: "sts:SetSourceIdentity")),
        DecisionCase(
            "source identity passed and SetSourceIdentity allowed",
            F.policy(F.allow(F.aws(pipelineAccount), action: #"["sts:AssumeRole", "sts:SetSourceIdentity"]"#)),
            F.caller { $0.sourceIdentity = .value("alice") }, .accountWide),
    ]

    static let denies: [DecisionCase] = [
        DecisionCase(
            "Deny * overrides Allow", F.policy(F.allow(F.aws(pipelineAccount)), F.deny(#""*""#)), .denied(statement: 1)),
        DecisionCase(
            "Deny of the pipeline root",
            F.policy(F.allow(F.aws(pipelineAccount)), F.deny(F.aws(F.root(pipelineAccount)))), .denied(statement: 1)),
        DecisionCase(
            "Deny listed first still wins", F.policy(F.deny(F.aws(pipelineAccount)), F.allow(#""*""#)),
            .denied(statement: 0)),
        DecisionCase(
            "Deny of another account", F.policy(F.allow(F.aws(pipelineAccount)), F.deny(F.aws(otherAccount))),
            .accountWide),
        DecisionCase(
            "Deny of one role, caller unknown", F.policy(F.allow(F.aws(pipelineAccount)), F.deny(F.aws(otherRole))),
            .accountWideExcluding([otherRole])),
        DecisionCase(
            "Deny of one role, caller is that role", F.policy(F.allow(F.aws(pipelineAccount)), F.deny(F.aws(role))),
            F.caller(arn: role),
            .denied(statement: 1)),
        DecisionCase(
            "Deny of one role, caller is another role",
            F.policy(F.allow(F.aws(pipelineAccount)), F.deny(F.aws(otherRole))),
            F.caller(arn: role), .accountWide),
        DecisionCase(
            "Allow and Deny of the same role", F.policy(F.allow(F.aws(role)), F.deny(F.aws(role))),
            .denied(statement: 1)),
        DecisionCase(
            "Deny of a session narrows a role grant",
            F.policy(F.allow(F.aws(role)), F.deny(F.aws("arn:aws:sts::111111111111:assumed-role/PipelineRole/bad"))),
            .only([role])),
        DecisionCase(
            "Deny NotPrincipal keeps only the listed role",
            F.policy(F.allow(#""*""#), F.deny(F.aws(F.root(pipelineAccount), role), notPrincipal: true)), .only([role])),
        DecisionCase(
            "Deny NotPrincipal, caller is the exempt role",
            F.policy(F.allow(#""*""#), F.deny(F.aws(F.root(pipelineAccount), role), notPrincipal: true)),
            F.caller(arn: role),
            .accountWide),
        DecisionCase(
            "Deny NotPrincipal, caller is another role",
            F.policy(F.allow(#""*""#), F.deny(F.aws(F.root(pipelineAccount), role), notPrincipal: true)),
            F.caller(arn: otherRole),
            .denied(statement: 1)),
        DecisionCase(
            "Deny NotPrincipal naming the role but not its account denies it",
            F.policy(F.allow(F.aws(pipelineAccount)), F.deny(F.aws(role), notPrincipal: true)), F.caller(arn: role),
            .denied(statement: 1)),
        DecisionCase(
            "Deny NotPrincipal naming only the account still denies its roles",
            F.policy(F.allow(F.aws(pipelineAccount)), F.deny(F.aws(F.root(pipelineAccount)), notPrincipal: true)),
            .denied(statement: 1)),
        DecisionCase(
            "Deny NotPrincipal of another account",
            F.policy(F.allow(F.aws(pipelineAccount)), F.deny(F.aws(F.root(otherAccount)), notPrincipal: true)),
            .denied(statement: 1)),
        DecisionCase(
            "Deny NotPrincipal * denies nobody",
            F.policy(F.allow(F.aws(pipelineAccount)), F.deny(#""*""#, notPrincipal: true)),
            .accountWide),
        DecisionCase(
            "Deny with NotAction TagSession covers AssumeRole",
            F.policy(F.allow(F.aws(pipelineAccount)), F.deny(#""*""#, action: #""sts:TagSession""#, notAction: true)),
            .denied(statement: 1)),
        DecisionCase(
            "Deny of TagSession only",
            F.policy(F.allow(F.aws(pipelineAccount)), F.deny(#""*""#, action: #""sts:TagSession""#)),
            .accountWide),
        DecisionCase(
            "Deny outside the listed accounts spares the pipeline",
            F.policy(
                F.allow(#""*""#),
                F.deny(#""*""#, condition: #"{"StringNotEquals": {"aws:PrincipalAccount": ["111111111111"]}}"#)),
            .accountWide),
        DecisionCase(
            "Deny outside the listed accounts hits another account",
            F.policy(
                F.allow(#""*""#),
                F.deny(#""*""#, condition: #"{"StringNotEquals": {"aws:PrincipalAccount": ["111111111111"]}}"#)),
            F.caller(otherAccount), .denied(statement: 1)),
        DecisionCase(
            "Deny on an unknown key makes trust conditional",
            F.policy(
                F.allow(F.aws(pipelineAccount)),
                F.deny(#""*""#, condition: #"{"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#)),
            .conditional(on: ["aws:SourceIp"])),
        DecisionCase(
            "Deny when an ExternalId is passed, none passed",
            F.policy(
                F.allow(F.aws(pipelineAccount)), F.deny(#""*""#, condition: #"{"Null": {"sts:ExternalId": "false"}}"#)),
            .accountWide),
        DecisionCase(
            "Deny when an ExternalId is passed, one passed",
            F.policy(
                F.allow(F.aws(pipelineAccount)), F.deny(#""*""#, condition: #"{"Null": {"sts:ExternalId": "false"}}"#)),
            F.caller { $0.externalID = .value("x") }, .denied(statement: 1)),
    ]

    static let notPrincipalAllows: [DecisionCase] = [
        DecisionCase(
            "Allow NotPrincipal of another account trusts the pipeline",
            F.policy(F.allow(F.aws(F.root(otherAccount)), notPrincipal: true)), .accountWide),
        DecisionCase(
            "Allow NotPrincipal of the pipeline root and a role excludes that role",
            F.policy(F.allow(F.aws(F.root(pipelineAccount), otherRole), notPrincipal: true)),
            .accountWideExcluding([otherRole])),
        DecisionCase(
            "Allow NotPrincipal excluding the caller",
            F.policy(F.allow(F.aws(F.root(pipelineAccount), role), notPrincipal: true)),
            F.caller(arn: role), .notTrusted(mentioning: "names")),
        DecisionCase(
            "Allow NotPrincipal *", F.policy(F.allow(#""*""#, notPrincipal: true)), .notTrusted(mentioning: "names")),
    ]

    static let conditions: [DecisionCase] = [
        DecisionCase(
            "CDK DenyExternalId, no ExternalId passed",
            F.policy(F.allow(F.aws(pipelineAccount), condition: cdkNoExternalID)),
            .accountWide),
        DecisionCase(
            "CDK DenyExternalId, ExternalId passed",
            F.policy(F.allow(F.aws(pipelineAccount), condition: cdkNoExternalID)),
            F.caller { $0.externalID = .value("abc") }, .notTrusted(mentioning: "sts:ExternalId")),
        DecisionCase(
            "CDK DenyExternalId, unknown whether an ExternalId is passed",
            F.policy(F.allow(F.aws(pipelineAccount), condition: cdkNoExternalID)),
            F.caller { $0.externalID = .unknown },
            .conditional(on: ["sts:ExternalId"])),
        DecisionCase(
            "ExternalId required and passed",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"StringEquals": {"sts:ExternalId": "abc"}}"#)),
            F.caller { $0.externalID = .value("abc") }, .accountWide),
        DecisionCase(
            "ExternalId required, wrong one passed",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"StringEquals": {"sts:ExternalId": "abc"}}"#)),
            F.caller { $0.externalID = .value("ABC") }, .notTrusted(mentioning: "sts:ExternalId")),
        DecisionCase(
            "ExternalId required, none passed",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"StringEquals": {"sts:ExternalId": "abc"}}"#)),
            .notTrusted(mentioning: "conditions the call does not meet")),
        DecisionCase(
            "StringNotEquals on an absent key holds",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"StringNotEquals": {"sts:ExternalId": "x"}}"#)),
            .accountWide),
        DecisionCase(
            "source IP is unknown",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#)),
            .conditional(on: ["aws:SourceIp"])),
        DecisionCase(
            "source IP known and inside",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}"#)),
            F.caller { $0.sourceIP = .value("203.0.113.9") }, .accountWide),
        DecisionCase(
            "MFA unknown",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"Bool": {"aws:MultiFactorAuthPresent": "true"}}"#)),
            .conditional(on: ["aws:MultiFactorAuthPresent"])),
        DecisionCase(
            "MFA required, pipeline has none",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"Bool": {"aws:MultiFactorAuthPresent": true}}"#)),
            F.caller { $0.multiFactorAuthPresent = .bool(false) }, .notTrusted(mentioning: "MultiFactorAuthPresent")),
        DecisionCase(
            "MFA age unknown",
            F.policy(
                F.allow(F.aws(pipelineAccount), condition: #"{"NumericLessThan": {"aws:MultiFactorAuthAge": 3600}}"#)),
            .conditional(on: ["aws:MultiFactorAuthAge"])),
        DecisionCase(
            "org id unknown",
            F.policy(F.allow(#""*""#, condition: #"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)),
            .conditional(on: ["aws:PrincipalOrgID"])),
        DecisionCase(
            "org id known and equal",
            F.policy(F.allow(#""*""#, condition: #"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)),
            F.caller { $0.principalOrgID = .value("o-abc123") }, .accountWide),
        DecisionCase(
            "org id known and different",
            F.policy(F.allow(#""*""#, condition: #"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)),
            F.caller { $0.principalOrgID = .value("o-zzz999") }, .notTrusted(mentioning: "aws:PrincipalOrgID")),
        DecisionCase(
            "* narrowed to the pipeline account",
            F.policy(F.allow(#""*""#, condition: #"{"StringEquals": {"aws:PrincipalAccount": "111111111111"}}"#)),
            .accountWide),
        DecisionCase(
            "* narrowed to another account",
            F.policy(F.allow(#""*""#, condition: #"{"StringEquals": {"aws:PrincipalAccount": "333333333333"}}"#)),
            .notTrusted(mentioning: "aws:PrincipalAccount")),
        DecisionCase(
            "PrincipalArn pattern, caller unknown",
            F.policy(
                F.allow(
                    #""*""#,
                    condition: #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/Pipeline*"}}"#)),
            .conditional(on: ["aws:PrincipalArn"])),
        DecisionCase(
            "PrincipalArn pattern, caller matches",
            F.policy(
                F.allow(
                    #""*""#,
                    condition: #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/Pipeline*"}}"#)),
            F.caller(arn: role), .accountWide),
        DecisionCase(
            "PrincipalArn pattern, caller does not match",
            F.policy(
                F.allow(
                    #""*""#,
                    condition: #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/Pipeline*"}}"#)),
            F.caller(arn: otherRole), .notTrusted(mentioning: "aws:PrincipalArn")),
        DecisionCase(
            "PrincipalArn pattern in another account settles without the caller's ARN",
            F.policy(
                F.allow(
                    #""*""#, condition: #"{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::333333333333:role/*"}}"#)),
            .notTrusted(mentioning: "aws:PrincipalArn")),
        DecisionCase(
            "expiring trust, still valid",
            F.policy(
                F.allow(
                    F.aws(pipelineAccount), condition: #"{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"#
                )),
            F.caller { $0.currentTime = jan2025 }, .accountWide),
        DecisionCase(
            "expiring trust, expired",
            F.policy(
                F.allow(F.aws(pipelineAccount), condition: #"{"DateLessThan": {"aws:CurrentTime": "2024-06-01"}}"#)),
            F.caller { $0.currentTime = jan2025 }, .notTrusted(mentioning: "aws:CurrentTime")),
        DecisionCase(
            "expiring trust, time unknown",
            F.policy(
                F.allow(
                    F.aws(pipelineAccount), condition: #"{"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}"#
                )),
            .conditional(on: ["aws:CurrentTime"])),
        DecisionCase(
            "IfExists on an absent tag",
            F.policy(
                F.allow(
                    F.aws(pipelineAccount), condition: #"{"StringEqualsIfExists": {"aws:RequestTag/team": "platform"}}"#
                )),
            .accountWide),
        DecisionCase(
            "ForAllValues on absent tag keys holds",
            F.policy(
                F.allow(F.aws(pipelineAccount), condition: #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#)
            ),
            .accountWide),
        DecisionCase(
            "ForAnyValue on absent tag keys fails",
            F.policy(
                F.allow(F.aws(pipelineAccount), condition: #"{"ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]}}"#)),
            .notTrusted(mentioning: "aws:TagKeys")),
        DecisionCase(
            "ForAllValues with a tag outside the list fails",
            F.policy(
                F.allow(
                    F.aws(pipelineAccount), action: #"["sts:AssumeRole", "sts:TagSession"]"#,
                    condition: #"{"ForAllValues:StringEquals": {"aws:TagKeys": ["team"]}}"#)),
            F.caller { $0.sessionTags = ["team": "a", "cost": "b"] }, .notTrusted(mentioning: "aws:TagKeys")),
        DecisionCase(
            "unsupported operator is unknown, never trust",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"StringEqualz": {"sts:ExternalId": "x"}}"#)),
            .conditional(on: ["sts:ExternalId"])),
        DecisionCase(
            "definite role grant preferred over conditional account grant",
            F.policy(
                F.allow(F.aws(pipelineAccount), condition: #"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#),
                F.allow(F.aws(role))),
            .only([role])),
        DecisionCase(
            "one Allow unmet, another met",
            F.policy(
                F.allow(F.aws(pipelineAccount), condition: #"{"StringEquals": {"sts:ExternalId": "abc"}}"#),
                F.allow(F.aws(pipelineAccount), condition: cdkNoExternalID)),
            .accountWide),
        DecisionCase(
            "policy variable resolved (2012-10-17)",
            F.policy(
                F.allow(
                    #""*""#,
                    condition: #"{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/*"}}"#)),
            F.caller(arn: role), .accountWide),
        DecisionCase(
            "policy variable literal under 2008-10-17",
            F.policy(
                F.allow(
                    #""*""#,
                    condition: #"{"StringLike": {"aws:PrincipalArn": "arn:aws:iam::${aws:PrincipalAccount}:role/*"}}"#),
                version: "2008-10-17"),
            F.caller(arn: role), .notTrusted(mentioning: "aws:PrincipalArn")),
        DecisionCase(
            "condition keys compare case-insensitively",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"Null": {"STS:EXTERNALID": "true"}}"#)), .accountWide
        ),
        DecisionCase(
            "operators compare case-insensitively",
            F.policy(
                F.allow(
                    F.aws(pipelineAccount), condition: #"{"stringequals": {"aws:PrincipalAccount": "111111111111"}}"#)),
            .accountWide),
        DecisionCase(
            "several clauses must all hold",
            F.policy(
                F.allow(
                    F.aws(pipelineAccount),
                    condition:
                        #"{"Null": {"sts:ExternalId": "true"}, "StringEquals": {"aws:PrincipalAccount": "333333333333"}}"#
                )),
            .notTrusted(mentioning: "aws:PrincipalAccount")),
        DecisionCase(
            "secure transport is known",
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"Bool": {"aws:SecureTransport": "true"}}"#)),
            .accountWide),
        DecisionCase(
            "principal tag unknown by default",
            F.policy(
                F.allow(F.aws(pipelineAccount), condition: #"{"StringEquals": {"aws:PrincipalTag/team": "platform"}}"#)),
            .conditional(on: ["aws:PrincipalTag/team"])),
        DecisionCase(
            "service-only keys are absent for a direct call",
            F.policy(
                F.allow(F.aws(pipelineAccount), condition: #"{"StringEquals": {"aws:SourceAccount": "111111111111"}}"#)),
            .notTrusted(mentioning: "aws:SourceAccount")),
    ]

    static let allCases = principalForms + actions + denies + notPrincipalAllows + conditions

    @Test("the table has at least 60 policy cases")
    func tableSize() {
        #expect(Self.allCases.count >= 60)
    }

    @Test("principal forms", arguments: principalForms)
    func principalForm(_ row: DecisionCase) throws {
        try check(row)
    }

    @Test("actions and NotAction", arguments: actions)
    func action(_ row: DecisionCase) throws {
        try check(row)
    }

    @Test("explicit Deny and Deny+NotPrincipal", arguments: denies)
    func deny(_ row: DecisionCase) throws {
        try check(row)
    }

    @Test("Allow+NotPrincipal", arguments: notPrincipalAllows)
    func notPrincipalAllow(_ row: DecisionCase) throws {
        try check(row)
    }

    @Test("conditions", arguments: conditions)
    func condition(_ row: DecisionCase) throws {
        try check(row)
    }

    private func check(_ row: DecisionCase) throws {
        let policy = try Fixture.parse(row.policy)
        let evaluation = policy.evaluate(row.context)
        verify(evaluation.decision, row.expected)
        #expect(evaluation.outcomes.count == policy.statements.count)
    }
}
