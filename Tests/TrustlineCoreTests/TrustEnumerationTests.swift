// TrustEnumerationTests.swift — listing the accounts, wildcard exposure, orgs and services a
// trust policy trusts (input to unexpected-trust / wildcard-trust and the report).

import Testing

@testable import TrustlineCore

private typealias F = Fixture
private let pipelineAccount = Fixture.pipeline
private let otherAccount = Fixture.other

@Suite("Trust enumeration")
struct TrustEnumerationTests {
    private func enumerate(_ json: String, template: AssumeRoleContext? = nil) throws -> TrustEnumeration {
        try TrustPolicy(json: json).enumerateTrust(template: template)
    }

    /// Policies any account can assume outright.
    static let unconditionalWildcards: [String] = [
        F.policy(F.allow(#""*""#)),
        F.policy(F.allow(F.aws("*"))),
        F.policy(F.allow(F.aws("*"), condition: #"{"Null": {"sts:ExternalId": "true"}}"#)),
        F.policy(F.allow(#""*""#, condition: #"{"Bool": {"aws:SecureTransport": "true"}}"#)),
        F.policy(F.allow(#""*""#, condition: #"{"StringLike": {"aws:PrincipalAccount": "*"}}"#)),
        F.policy(F.allow(#""*""#, condition: #"{"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)),
        F.policy(F.allow(F.aws(F.root(otherAccount)), notPrincipal: true)),
        F.policy(F.allow(F.aws(pipelineAccount)), F.allow(#""*""#, action: #""sts:*""#)),
    ]

    @Test("wildcard trust is detected", arguments: unconditionalWildcards)
    func wildcard(_ json: String) throws {
        let trust = try enumerate(json)
        #expect(trust.isWildcard)
        let exposure = try #require(trust.wildcard)
        #expect(exposure.grant.isAccountWide)
        #expect(exposure.conditions.isEmpty)
        #expect(!exposure.grant.evidence.isEmpty)
    }

    /// `*` narrowed so that an unnamed account cannot assume the role.
    static let narrowedStars: [(String, [String])] = [
        (
            F.policy(
                F.allow(
                    #""*""#, condition: #"{"StringEquals": {"aws:PrincipalAccount": ["111111111111", "333333333333"]}}"#
                )), [pipelineAccount, otherAccount]
        ),
        (F.policy(F.allow(#""*""#, condition: #"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)), []),
        (
            F.policy(
                F.allow(#""*""#),
                F.deny(#""*""#, condition: #"{"StringNotEquals": {"aws:PrincipalAccount": "111111111111"}}"#)),
            [pipelineAccount]
        ),
        (
            F.policy(
                F.allow(
                    #""*""#,
                    condition: #"{"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::333333333333:role/Deployer"}}"#)),
            [otherAccount]
        ),
        (
            F.policy(F.allow(F.aws(pipelineAccount)), F.allow(F.aws("*"), action: #""sts:TagSession""#)),
            [pipelineAccount]
        ),
    ]

    @Test("* narrowed by account, org or ARN is not a wildcard", arguments: narrowedStars)
    func narrowedStar(_ json: String, _ accounts: [String]) throws {
        let trust = try enumerate(json)
        #expect(!trust.isWildcard)
        #expect(trust.wildcard == nil)
        #expect(trust.accountIDs == accounts)
    }

    @Test("* narrowed to an org lists the org")
    func organization() throws {
        let trust = try enumerate(
            F.policy(F.allow(#""*""#, condition: #"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)))
        #expect(trust.organizations == ["o-abc123"])
    }

    @Test("Deny outside an org lists the org")
    func organizationFromDeny() throws {
        let trust = try enumerate(
            F.policy(
                F.allow(F.aws(pipelineAccount)),
                F.deny(#""*""#, condition: #"{"StringNotEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#)))
        #expect(trust.organizations == ["o-abc123"])
        // Whether the pipeline account is in the org is unknown: its trust is conditional.
        let account = try #require(trust.account(pipelineAccount))
        #expect(account.isConditional)
        #expect(account.conditions.map(\.requirement) == [.mustNotHold])
    }

    @Test("* with an ExternalId is a conditional wildcard, not wildcard-trust")
    func conditionalWildcardExternalID() throws {
        let trust = try enumerate(
            F.policy(F.allow(#""*""#, condition: #"{"StringEquals": {"sts:ExternalId": "s3cr3t"}}"#)))
        #expect(!trust.isWildcard)
        let exposure = try #require(trust.wildcard)
        #expect(exposure.conditions.map(\.clause.key) == ["sts:ExternalId"])
        #expect(!exposure.isUnconditional)
    }

    @Test("* with a source-IP condition is a conditional wildcard")
    func conditionalWildcardSourceIP() throws {
        let trust = try enumerate(
            F.policy(F.allow(#""*""#, condition: #"{"IpAddress": {"aws:SourceIp": "198.51.100.0/24"}}"#)))
        #expect(!trust.isWildcard)
        #expect(trust.wildcard?.conditions.map(\.clause.key) == ["aws:SourceIp"])
    }

    @Test("specific roles make principal-specific account entries")
    func specificPrincipals() throws {
        let trust = try enumerate(
            F.policy(F.allow(F.aws(Fixture.pipelineRole, "arn:aws:iam::333333333333:user/ci"))))
        #expect(trust.accountIDs == [pipelineAccount, otherAccount])
        #expect(trust.account(pipelineAccount)?.grant.principals == [Fixture.pipelineRole])
        #expect(trust.account(otherAccount)?.grant.principals == ["arn:aws:iam::333333333333:user/ci"])
        #expect(trust.accounts.allSatisfy { !$0.isAccountWide && !$0.isConditional })
    }

    @Test("an explicitly denied account is not listed")
    func deniedAccount() throws {
        let trust = try enumerate(
            F.policy(F.allow(F.aws(pipelineAccount, otherAccount)), F.deny(F.aws(F.root(otherAccount)))))
        #expect(trust.accountIDs == [pipelineAccount])
    }

    @Test("Deny NotPrincipal restricts an open Allow to the exempt role")
    func denyNotPrincipalEnumeration() throws {
        let trust = try enumerate(
            F.policy(F.allow(#""*""#), F.deny(F.aws(F.root(pipelineAccount), Fixture.pipelineRole), notPrincipal: true))
        )
        #expect(trust.wildcard == nil)
        #expect(trust.accountIDs == [pipelineAccount])
        #expect(trust.account(pipelineAccount)?.grant.principals == [Fixture.pipelineRole])
    }

    @Test("an account needing an ExternalId is listed as conditional")
    func externalIDAccount() throws {
        let trust = try enumerate(
            F.policy(F.allow(F.aws(otherAccount), condition: #"{"StringEquals": {"sts:ExternalId": "vendor-123"}}"#)))
        let account = try #require(trust.account(otherAccount))
        #expect(account.isConditional)
        #expect(account.conditions.map(\.clause.values) == [["vendor-123"]])
        #expect(trust.unconditionalAccountIDs.isEmpty)
    }

    @Test("an account needing a known source IP is conditional")
    func sourceIPAccount() throws {
        let trust = try enumerate(
            F.policy(F.allow(F.aws(pipelineAccount), condition: #"{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}"#)))
        #expect(trust.account(pipelineAccount)?.isConditional == true)
    }

    @Test("a PrincipalArn pattern gives conditional trust to its account only")
    func principalARNPattern() throws {
        let trust = try enumerate(
            F.policy(
                F.allow(
                    #""*""#, condition: #"{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111111111111:role/cdk-*"}}"#)))
        #expect(trust.accountIDs == [pipelineAccount])
        #expect(trust.account(pipelineAccount)?.isConditional == true)
        #expect(trust.wildcard == nil)
    }

    @Test("the template decides what counts as met")
    func templateOrg() throws {
        let json = F.policy(
            F.allow(F.aws(pipelineAccount), condition: #"{"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}"#))
        var template = AssumeRoleContext(callerAccount: "000000000000")
        template.principalOrgID = .value("o-abc123")
        #expect(try enumerate(json, template: template).account(pipelineAccount)?.isConditional == false)
        #expect(try enumerate(json).account(pipelineAccount)?.isConditional == true)
    }

    @Test("other partitions are kept apart")
    func partitions() throws {
        let trust = try enumerate(F.policy(F.allow(F.aws(F.root(otherAccount, partition: "aws-cn"), pipelineAccount))))
        #expect(
            trust.accounts.map { "\($0.partition)/\($0.accountID)" } == [
                "aws/\(pipelineAccount)", "aws-cn/\(otherAccount)",
            ])
    }

    @Test("deleted principals and odd values are reported, not trusted")
    func unresolved() throws {
        let trust = try enumerate(F.policy(F.allow(F.aws("AROAEXAMPLEUNIQUEID12", "arn:aws:iam::111111111111:role/*"))))
        #expect(trust.accounts.isEmpty)
        #expect(trust.unresolvedPrincipals == ["AROAEXAMPLEUNIQUEID12", "arn:aws:iam::111111111111:role/*"])
        #expect(trust.wildcard == nil)
    }

    @Test("services and identity providers")
    func servicesAndProviders() throws {
        let trust = try enumerate(
            F.policy(
                F.allow(#"{"Service": ["codebuild.amazonaws.com", "cloudformation.amazonaws.com"]}"#),
                F.allow(
                    #"{"Federated": "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"}"#,
                    action: #""sts:AssumeRoleWithWebIdentity""#),
                F.allow(#"{"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}"#)))
        #expect(trust.services == ["cloudformation.amazonaws.com", "codebuild.amazonaws.com"])
        #expect(
            trust.federatedProviders == ["arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"])
        #expect(trust.canonicalUsers == ["79a59df900b949e55d96a1e698fbaced"])
        #expect(trust.accounts.isEmpty)
        #expect(!trust.isWildcard)
    }

    @Test("the stranger account avoids every account the policy mentions")
    func strangerAvoidsMentionedAccounts() throws {
        // A Deny of account 000000000000 must not hide the wildcard: the stranger is another account.
        let trust = try enumerate(
            F.policy(
                F.allow(#""*""#),
                F.deny(#""*""#, condition: #"{"StringEquals": {"aws:PrincipalAccount": "000000000000"}}"#)))
        #expect(trust.isWildcard)
    }
}
