// CDKBootstrapTrustTests.swift — the trust policies the CDK bootstrap template gives its roles
// (deploy, publishing, lookup, cfn-exec), as IAM returns them, evaluated and enumerated.

import Foundation
import Testing

@testable import TrustlineCore

/// Policies reconstructed from aws-cdk's `bootstrap-template.yaml` (DenyExternalId=true by default):
/// CloudFormation resolves `Ref: AWS::AccountId` / `TrustedAccounts`, and IAM returns account ids as
/// root ARNs. The publishing roles carry the same statements as the deploy role.
enum CDKBootstrapPolicy {
    static let own = Fixture.target

    static func accounts(_ ids: [String]) -> String {
        let roots = ids.map { "\"arn:aws:iam::\($0):root\"" }
        return roots.count == 1 ? roots[0] : "[" + roots.joined(separator: ",") + "]"
    }

    private static func pair(_ ids: [String], denyExternalID: Bool, listAction: Bool) -> [String] {
        let principal = #"{"AWS":\#(accounts(ids))}"#
        let action = listAction ? #"["sts:AssumeRole"]"# : #""sts:AssumeRole""#
        let tagAction = listAction ? #"["sts:TagSession"]"# : #""sts:TagSession""#
        let condition = denyExternalID ? #","Condition":{"Null":{"sts:ExternalId":"true"}}"# : ""
        return [
            #"{"Action":\#(action),"Effect":"Allow","Principal":\#(principal)\#(condition)}"#,
            #"{"Action":\#(tagAction),"Effect":"Allow","Principal":\#(principal)}"#,
        ]
    }

    /// Deploy / file-publishing / image-publishing role.
    static func deployRole(trusted: [String], denyExternalID: Bool = true) -> String {
        var statements = pair([own], denyExternalID: denyExternalID, listAction: false)
        if !trusted.isEmpty { statements += pair(trusted, denyExternalID: denyExternalID, listAction: true) }
        return #"{"Statement":[\#(statements.joined(separator: ","))]}"#
    }

    /// Lookup role: own account, TrustedAccountsForLookup, TrustedAccounts.
    static func lookupRole(trusted: [String], trustedForLookup: [String]) -> String {
        var statements = pair([own], denyExternalID: true, listAction: false)
        if !trustedForLookup.isEmpty { statements += pair(trustedForLookup, denyExternalID: true, listAction: true) }
        if !trusted.isEmpty { statements += pair(trusted, denyExternalID: true, listAction: true) }
        return #"{"Statement":[\#(statements.joined(separator: ","))]}"#
    }

    /// CloudFormation execution role.
    static let cfnExecRole =
        #"{"Version":"2012-10-17","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"}}]}"#

    /// An older bootstrap (before DenyExternalId): TagSession and AssumeRole, no conditions.
    static func legacyDeployRole(trusted: [String]) -> String {
        #"""
        {"Statement":[
          {"Action":"sts:TagSession","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(own):root"}},
          {"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(own):root"}},
          {"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":\#(accounts(trusted))}}
        ]}
        """#
    }
}

@Suite("CDK bootstrap trust policies")
struct CDKBootstrapTrustTests {
    let pipelineAccount = Fixture.pipeline
    let targetAccount = Fixture.target
    let otherAccount = Fixture.other

    @Test("deploy role trusting the pipeline: pipeline trusted account-wide")
    func deployRoleTrustsPipeline() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount]))
        #expect(policy.version == nil)
        #expect(policy.statements.count == 4)
        let decision = policy.decision(for: Fixture.caller())
        verify(decision, .accountWide)
        #expect(decision.grant?.evidence.map(\.index) == [2])
        #expect(decision.isTrustedAccountWide)
        // Also for the pipeline's CodeBuild role specifically.
        verify(policy.decision(for: Fixture.caller(arn: Fixture.pipelineRole)), .accountWide)
    }

    @Test("deploy role also trusts its own account, not others")
    func deployRoleOwnAccount() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount]))
        verify(policy.decision(for: Fixture.caller(targetAccount)), .accountWide)
        verify(
            policy.decision(for: Fixture.caller(otherAccount)), .notTrusted(mentioning: "names account 333333333333"))
    }

    @Test("DenyExternalId: a call passing an ExternalId is refused")
    func deployRoleRefusesExternalID() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount]))
        let context = Fixture.caller { $0.externalID = .value("from-a-third-party") }
        verify(policy.decision(for: context), .notTrusted(mentioning: "\"Null\": {\"sts:ExternalId\": \"true\"}"))
    }

    @Test("session tags are allowed for trusted accounts")
    func deployRoleAllowsSessionTags() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount]))
        let context = Fixture.caller { $0.sessionTags = ["pipeline": "tools"] }
        let decision = policy.decision(for: context)
        verify(decision, .accountWide)
        #expect(decision.grant?.evidence.map(\.index).sorted() == [2, 3])
    }

    @Test("deploy role enumeration: own account and pipeline, no wildcard")
    func deployRoleEnumeration() throws {
        let trust = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount])).enumerateTrust()
        #expect(trust.accountIDs == [pipelineAccount, targetAccount])
        #expect(trust.accounts.allSatisfy { $0.isAccountWide && !$0.isConditional && $0.partition == "aws" })
        #expect(!trust.isWildcard)
        #expect(trust.wildcard == nil)
        #expect(trust.services.isEmpty)
        #expect(trust.unresolvedPrincipals.isEmpty)
    }

    @Test("deploy role trusting two pipelines lists both")
    func deployRoleTwoAccounts() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount, otherAccount]))
        verify(policy.decision(for: Fixture.caller(otherAccount)), .accountWide)
        #expect(policy.enumerateTrust().unconditionalAccountIDs == [pipelineAccount, targetAccount, otherAccount])
    }

    @Test("re-bootstrap without --trust: pipeline trust is lost")
    func deployRoleWithoutTrust() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: []))
        verify(policy.decision(for: Fixture.caller()), .notTrusted(mentioning: "names account 111111111111"))
        #expect(policy.enumerateTrust().accountIDs == [targetAccount])
    }

    @Test("re-bootstrap with another --trust list drops the first pipeline")
    func deployRoleTrustReplaced() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: [otherAccount]))
        #expect(!policy.decision(for: Fixture.caller()).isTrusted)
        #expect(policy.enumerateTrust().accountIDs == [targetAccount, otherAccount])
    }

    @Test("DenyExternalId=false: no condition, ExternalId does not matter")
    func deployRoleWithoutDenyExternalID() throws {
        let policy = try TrustPolicy(
            json: CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount], denyExternalID: false))
        verify(policy.decision(for: Fixture.caller { $0.externalID = .value("x") }), .accountWide)
    }

    @Test("lookup role trusts lookup accounts and deploy accounts")
    func lookupRole() throws {
        let policy = try TrustPolicy(
            json: CDKBootstrapPolicy.lookupRole(trusted: [pipelineAccount], trustedForLookup: [otherAccount]))
        #expect(policy.statements.count == 6)
        verify(policy.decision(for: Fixture.caller()), .accountWide)
        verify(policy.decision(for: Fixture.caller(otherAccount)), .accountWide)
        #expect(policy.enumerateTrust().accountIDs == [pipelineAccount, targetAccount, otherAccount])
    }

    @Test("lookup role with only a lookup trust does not trust the deploy pipeline")
    func lookupRoleOnlyForLookup() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.lookupRole(trusted: [], trustedForLookup: [otherAccount]))
        #expect(!policy.decision(for: Fixture.caller()).isTrusted)
    }

    @Test("cfn-exec role is for CloudFormation only")
    func cfnExecRole() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.cfnExecRole)
        verify(policy.decision(for: Fixture.caller()), .notTrusted(mentioning: "names account"))
        let trust = policy.enumerateTrust()
        #expect(trust.accounts.isEmpty)
        #expect(trust.services == ["cloudformation.amazonaws.com"])
        #expect(trust.wildcard == nil)
    }

    @Test("legacy bootstrap without conditions")
    func legacyDeployRole() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.legacyDeployRole(trusted: [pipelineAccount]))
        verify(policy.decision(for: Fixture.caller { $0.externalID = .value("x") }), .accountWide)
        #expect(policy.enumerateTrust().accountIDs == [pipelineAccount, targetAccount])
    }

    @Test("bare account ids (as written in the template) mean the same as root ARNs")
    func bareAccountIDs() throws {
        let json = CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount])
            .replacingOccurrences(of: "arn:aws:iam::", with: "").replacingOccurrences(of: ":root", with: "")
        let policy = try TrustPolicy(json: json)
        verify(policy.decision(for: Fixture.caller()), .accountWide)
        #expect(policy.enumerateTrust().accountIDs == [pipelineAccount, targetAccount])
    }

    @Test("the URL-encoded document GetRole returns parses to the same policy")
    func urlEncoded() throws {
        let json = CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount])
        let encoded = try #require(json.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        #expect(encoded.hasPrefix("%7B"))
        let decoded = try TrustPolicy(json: encoded)
        #expect(decoded == (try TrustPolicy(json: json)))
        verify(decoded.decision(for: Fixture.caller()), .accountWide)
        // White space around it, ASCII or Unicode (no-break space, line separator), changes nothing;
        // nor does JSON's own white space around plain JSON.
        for padding in [" \n\t", "\u{00A0}", "\u{2028} "] {
            #expect((try TrustPolicy(json: padding + encoded + padding)) == decoded)
            #expect((try TrustPolicy(json: padding + "%7b" + encoded.dropFirst(3))) == decoded)
        }
        #expect((try TrustPolicy(json: " \r\n\t" + json + "\n")) == decoded)
    }

    @Test("evidence carries the allowing statement's JSON")
    func evidenceJSON() throws {
        let policy = try TrustPolicy(json: CDKBootstrapPolicy.deployRole(trusted: [pipelineAccount]))
        let evidence = try #require(policy.decision(for: Fixture.caller()).grant?.evidence.first)
        #expect(evidence.json.contains("arn:aws:iam::111111111111:root"))
        #expect(evidence.json.contains(#""Null":{"sts:ExternalId":"true"}"#))
        #expect(evidence.description == "Statement[2] (Allow)")
    }
}
