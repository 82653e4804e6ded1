// AuditEvaluatorTests — every check and the remediation rule, on snapshots built by hand.
import Foundation
import Testing

@testable import TrustlineCore

/// Snapshots shaped like a real CDK bootstrap (roles trust their own account plus TrustedAccounts).
enum Org {
    static let tools = "111111111111"
    static let tools2 = "444444444444"
    static let dev = "222222222222"
    static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    static let deployPolicy = "arn:aws:iam::222222222222:policy/CdkDeployPolicy"

    static let topologyText = """
        version: 1
        defaults:
          regions: [us-east-1]
          executionPolicies: [\(admin)]
        pipelines:
          - name: tools
            account: "\(tools)"
          - name: tools2
            account: "\(tools2)"
        environments:
          - name: dev
            account: "\(dev)"
            profile: dev
            trust: [tools]
            trustForLookup: [tools]
        rules:
          minBootstrapVersion: 21
          allowAdministratorAccess: [dev]
        """

    static func topology(_ text: String = topologyText) throws -> Topology {
        try TopologyParser.parse(text, file: "policies/test.yaml")
    }

    /// The trust policy the CDK template gives a role: own account, then the trusted accounts.
    static func cdkTrust(own: String = dev, trusted: [String]) -> String {
        var statements = [#"{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::\#(own):root"}}"#]
        if !trusted.isEmpty {
            let list = trusted.map { "\"arn:aws:iam::\($0):root\"" }.joined(separator: ",")
            statements.append(#"{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":[\#(list)]}}"#)
        }
        return #"{"Version":"2012-10-17","Statement":[\#(statements.joined(separator: ","))]}"#
    }

    static func snapshot(
        trusted: [String] = [tools], lookup: [String] = [tools], policies: [String] = [admin], version: Int = 30, status: String = "CREATE_COMPLETE",
        qualifier: String = "hnb659fds", trustOverride: [RoleKind: String] = [:], region: String = "us-east-1"
    ) -> EnvironmentSnapshot {
        let stack = StackSnapshot(
            name: "CDKToolkit", status: status,
            parameters: [
                "TrustedAccounts": trusted.joined(separator: ","), "TrustedAccountsForLookup": lookup.joined(separator: ","),
                "CloudFormationExecutionPolicies": policies.joined(separator: ","), "Qualifier": qualifier,
            ],
            bootstrapVersion: version, creationTime: Date(timeIntervalSince1970: 1_790_000_000), lastUpdatedTime: Date(timeIntervalSince1970: 1_795_000_000))
        let roles = RoleKind.allCases.map { kind -> RoleSnapshot in
            let name = kind.roleName(qualifier: qualifier, account: dev, region: region)
            let trust: String
            switch kind {
            case .cfnExec:
                trust =
                    #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
            case .lookup: trust = cdkTrust(trusted: Array(Set(trusted + lookup)).sorted())
            default: trust = cdkTrust(trusted: trusted)
            }
            return RoleSnapshot(
                kind: kind, name: name, arn: "arn:aws:iam::\(dev):role/\(name)", trustPolicy: trustOverride[kind] ?? trust,
                attachedPolicies: kind == .cfnExec ? policies.map { PolicySnapshot(name: String($0.split(separator: "/").last ?? ""), arn: $0) } : [])
        }
        return EnvironmentSnapshot(environment: "dev", account: dev, region: region, reachedAccount: dev, stack: stack, roles: roles)
    }
}

@Suite struct AuditEvaluatorTests {
    func evaluate(_ snapshot: EnvironmentSnapshot, topology: Topology? = nil) throws -> EnvironmentEvaluation {
        let topology = try topology ?? Org.topology()
        let environment = try #require(topology.environments.first { $0.name == snapshot.environment })
        return AuditEvaluator(topology: topology).evaluate(snapshot, environment: environment)
    }

    func checks(_ evaluation: EnvironmentEvaluation) -> [Check] { evaluation.findings.map(\.check).sorted() }

    @Test func healthyEnvironmentHasNoFindingAndNoCommand() throws {
        let evaluation = try evaluate(Org.snapshot())
        #expect(evaluation.findings.isEmpty, "\(evaluation.findings.map(\.message))")
        #expect(evaluation.result.status == .ok)
        #expect(evaluation.remediation == nil)
        let deploy = try #require(evaluation.result.roles.first { $0.kind == .deploy })
        #expect(deploy.trustedAccounts == [Org.tools, Org.dev])
        #expect(!deploy.wildcard)
        #expect(evaluation.result.roles.first { $0.kind == .cfnExec }?.services == ["cloudformation.amazonaws.com"])
    }

    /// The classic hazard: re-bootstrapped with `--trust NEW` only.
    @Test func rebootstrapWithOnlyTheNewPipelineLosesTheOldOne() throws {
        let evaluation = try evaluate(Org.snapshot(trusted: [Org.tools2], lookup: []))
        #expect(checks(evaluation).contains(.pipelineTrustMissing))
        #expect(checks(evaluation).contains(.lookupTrustMissing))
        #expect(checks(evaluation).contains(.unexpectedTrust))  // tools2 is not named for dev
        let missing = try #require(evaluation.findings.first { $0.check == .pipelineTrustMissing })
        #expect(missing.severity == .critical)
        #expect(
            missing.message
                == "Pipeline account 111111111111 (tools) cannot assume the deploy, file-publishing and image-publishing roles in aws://222222222222/us-east-1: it cannot deploy here."
        )
        #expect(missing.evidence["stackParameter.TrustedAccounts"] == Org.tools2)
        #expect(missing.evidence["deploy"]?.contains("not trusted") == true)
        #expect(missing.evidence["stackLastUpdated"] != nil)
        // The fix keeps tools2 (trusted today) and restores tools; tools2 offered for removal separately.
        let fix = try #require(evaluation.remediation)
        #expect(
            fix.argv == [
                "cdk", "bootstrap", "aws://222222222222/us-east-1", "--profile", "dev", "--trust", Org.tools, "--trust", Org.tools2,
                "--trust-for-lookup", Org.tools, "--cloudformation-execution-policies", Org.admin,
            ])
        #expect(fix.untrust == [Org.tools2])
        #expect(fix.untrustCommand == "cdk bootstrap aws://222222222222/us-east-1 --profile dev --untrust 444444444444")
        #expect(fix.fixes == [.pipelineTrustMissing, .lookupTrustMissing])
    }

    @Test func notBootstrapped() throws {
        let snapshot = EnvironmentSnapshot(environment: "dev", account: Org.dev, region: "us-east-1", reachedAccount: Org.dev)
        let evaluation = try evaluate(snapshot)
        #expect(checks(evaluation) == [.notBootstrapped])
        #expect(evaluation.result.status == .notBootstrapped)
        #expect(
            evaluation.remediation?.command
                == "cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111 --trust-for-lookup 111111111111 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess"
        )
    }

    @Test func customQualifierFoundInstead() throws {
        var snapshot = EnvironmentSnapshot(environment: "dev", account: Org.dev, region: "us-east-1", reachedAccount: Org.dev)
        snapshot.otherQualifiers = ["custom123"]
        let evaluation = try evaluate(snapshot)
        #expect(checks(evaluation) == [.qualifierMismatch])
        #expect(evaluation.findings[0].message.contains("only under custom123"))
    }

    @Test func stackWithAnotherQualifier() throws {
        var snapshot = Org.snapshot(qualifier: "custom123")
        snapshot.roles = []
        let evaluation = try evaluate(snapshot)
        #expect(checks(evaluation) == [.qualifierMismatch])
        // CDK would keep the stack's old qualifier unless the command names the intended one.
        #expect(evaluation.remediation?.argv.suffix(2) == ["--qualifier", "hnb659fds"])
    }

    @Test func handEditAddingAnUnknownAccountIsDriftAndUnexpected() throws {
        let edited = Org.cdkTrust(trusted: [Org.tools, "999999999999"])
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.deploy: edited]))
        #expect(checks(evaluation) == [.unexpectedTrust, .trustDrift])
        let drift = try #require(evaluation.findings.first { $0.check == .trustDrift })
        #expect(drift.evidence["deploy"]?.contains("trusts beyond the stack parameters: 999999999999") == true)
        let unexpected = try #require(evaluation.findings.first { $0.check == .unexpectedTrust })
        #expect(unexpected.evidence["account"] == "999999999999")
        // Nobody is dropped: 999999999999 is kept and offered for removal.
        #expect(evaluation.remediation?.argv.contains("999999999999") == true)
        #expect(evaluation.remediation?.untrust == ["999999999999"])
    }

    @Test func handEditRemovingThePipelineIsDriftAndMissingTrust() throws {
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.deploy: Org.cdkTrust(trusted: [])]))
        #expect(checks(evaluation) == [.pipelineTrustMissing, .trustDrift])
        #expect(evaluation.findings.first { $0.check == .pipelineTrustMissing }?.message.contains("the deploy role") == true)
    }

    @Test(arguments: [
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}]}"#,
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111111111111:root","*"]},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#,
    ])
    func wildcardTrust(policy: String) throws {
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.deploy: policy]))
        #expect(checks(evaluation).contains(.wildcardTrust))
        #expect(checks(evaluation).contains(.trustDrift))
        #expect(evaluation.result.roles.first { $0.kind == .deploy }?.wildcard == true)
        #expect(evaluation.remediation?.argv.contains("*") == false)
    }

    /// `cdk bootstrap` with unchanged parameters is a no-op for CloudFormation: the hand-added `*`
    /// needs the follow-up that puts the template's policy back.
    @Test func wildcardHandEditGetsAFollowUpRestoringTheTemplatePolicy() throws {
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.filePublishing: policy]))
        let fix = try #require(evaluation.remediation)
        #expect(fix.followUp.count == 1)
        let followUp = try #require(fix.followUp.first)
        #expect(
            Array(followUp.argv.prefix(5)) == [
                "aws", "iam", "update-assume-role-policy", "--role-name", "cdk-hnb659fds-file-publishing-role-222222222222-us-east-1",
            ])
        #expect(followUp.argv.suffix(2) == ["--profile", "dev"])
        // The restored document is the template's: it trusts exactly the own account and tools, without ExternalId.
        let restored = try TrustPolicy(json: followUp.argv[6])
        #expect(restored.enumerateTrust().accountIDs.sorted() == [Org.tools, Org.dev])
        #expect(restored.enumerateTrust().wildcard == nil)
        #expect(restored.decision(for: AssumeRoleContext(callerAccount: Org.tools)).isTrustedAccountWide)
        var withExternalId = AssumeRoleContext(callerAccount: Org.tools)
        withExternalId.externalID = .values(["x"])
        #expect(!restored.decision(for: withExternalId).isTrusted)
        #expect(followUp.command.contains("--policy-document '{"))
    }

    /// When the union changes TrustedAccounts, CloudFormation rewrites the role itself: no follow-up.
    @Test func driftRepairedByAParameterChangeNeedsNoFollowUp() throws {
        let edited = Org.cdkTrust(trusted: [Org.tools, "999999999999"])
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.deploy: edited]))
        #expect(evaluation.remediation?.followUp.isEmpty == true)
    }

    @Test func wildcardNarrowedToTheOrganisationIsNotAWildcard() throws {
        let policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalAccount":"111111111111"}}}]}"#
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.deploy: policy]))
        #expect(!checks(evaluation).contains(.wildcardTrust))
        #expect(!checks(evaluation).contains(.pipelineTrustMissing))
    }

    @Test func conditionalTrustIsNotTrust() throws {
        let policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.deploy: policy]))
        let missing = try #require(evaluation.findings.first { $0.check == .pipelineTrustMissing })
        #expect(missing.evidence["deploy"]?.contains("aws:SourceIp") == true)
        #expect(evaluation.result.roles.first { $0.kind == .deploy }?.conditionalAccounts == [Org.tools])
    }

    @Test func explicitDenyOverridesTheAllow() throws {
        let policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"},{"Effect":"Deny","Principal":{"AWS":"111111111111"},"Action":"sts:*"}]}"#
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.filePublishing: policy]))
        let missing = try #require(evaluation.findings.first { $0.check == .pipelineTrustMissing })
        #expect(missing.message.contains("the file-publishing role"))
        #expect(missing.evidence["file-publishing"]?.contains("denied") == true)
    }

    @Test func specificPrincipalTrustIsNotAccountTrust() throws {
        let policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/SomeoneElse"},"Action":"sts:AssumeRole"}]}"#
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.deploy: policy]))
        #expect(checks(evaluation).contains(.pipelineTrustMissing))
        #expect(evaluation.result.roles.first { $0.kind == .deploy }?.principalTrust == [Org.tools])
    }

    @Test func unreadableTrustPolicyIsMissingTrustNotACrash() throws {
        let evaluation = try evaluate(Org.snapshot(trustOverride: [.deploy: "{not json"]))
        #expect(evaluation.findings.first { $0.check == .pipelineTrustMissing }?.evidence["deploy"]?.contains("unreadable") == true)
    }

    @Test func administratorAccessWhereForbidden() throws {
        let text = Org.topologyText.replacingOccurrences(of: "allowAdministratorAccess: [dev]", with: "allowAdministratorAccess: []")
        let evaluation = try evaluate(Org.snapshot(), topology: try Org.topology(text))
        #expect(checks(evaluation) == [.executionPolicyAdmin])
        #expect(evaluation.findings[0].severity == .high)
        #expect(evaluation.remediation != nil)
    }

    @Test func customerPolicyAllowingEverythingCountsAsAdmin() throws {
        let text = Org.topologyText.replacingOccurrences(of: "allowAdministratorAccess: [dev]", with: "allowAdministratorAccess: []")
            .replacingOccurrences(of: "executionPolicies: [\(Org.admin)]", with: "executionPolicies: [\(Org.deployPolicy)]")
        var snapshot = Org.snapshot(policies: [Org.deployPolicy])
        if let index = snapshot.roles.firstIndex(where: { $0.kind == .cfnExec }) {
            snapshot.roles[index].attachedPolicies[0].document = #"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}"#
        }
        let evaluation = try evaluate(snapshot, topology: try Org.topology(text))
        #expect(checks(evaluation) == [.executionPolicyAdmin])
    }

    @Test func executionPolicyMismatch() throws {
        let evaluation = try evaluate(Org.snapshot(policies: [Org.deployPolicy]))
        #expect(checks(evaluation) == [.executionPolicyMismatch])
        let finding = try #require(evaluation.findings.first)
        #expect(finding.message.contains("missing arn:aws:iam::aws:policy/AdministratorAccess"))
        #expect(finding.message.contains("unexpected arn:aws:iam::222222222222:policy/CdkDeployPolicy"))
    }

    @Test func unhealthyAndOutdatedStack() throws {
        let evaluation = try evaluate(Org.snapshot(version: 14, status: "UPDATE_ROLLBACK_COMPLETE"))
        #expect(checks(evaluation) == [.bootstrapStackUnhealthy, .bootstrapOutdated])
        #expect(
            evaluation.findings.first { $0.check == .bootstrapOutdated }?.message
                == "aws://222222222222/us-east-1 runs bootstrap version 14; the rules require at least 21.")
    }

    @Test func rolledBackStackNeedsDeletingFirst() throws {
        let evaluation = try evaluate(Org.snapshot(status: "ROLLBACK_COMPLETE"))
        #expect(evaluation.remediation?.notes.contains { $0.contains("delete it first") } == true)
    }

    @Test func unreachableKeepsTheReason() throws {
        let snapshot = EnvironmentSnapshot(
            environment: "dev", account: Org.dev, region: "us-east-1", unreachable: "sts AssumeRole failed: AccessDenied (HTTP 403)")
        let evaluation = try evaluate(snapshot)
        #expect(checks(evaluation) == [.environmentUnreachable])
        #expect(evaluation.result.status == .unreachable)
        #expect(evaluation.remediation == nil)
        #expect(evaluation.findings[0].message.contains("with profile dev: sts AssumeRole failed"))
    }

    @Test func profileReachingAnotherAccount() throws {
        var snapshot = Org.snapshot()
        snapshot.reachedAccount = "555555555555"
        let evaluation = try evaluate(snapshot)
        #expect(checks(evaluation) == [.profileAccountMismatch])
        #expect(evaluation.result.status == .unreachable)
    }

    @Test func exitCodes() throws {
        let topology = try Org.topology()
        let builder = AuditReportBuilder(topology: topology, failOn: .high, version: "test")
        let date = Date(timeIntervalSince1970: 0)
        #expect(builder.build(snapshots: [Org.snapshot()], generatedAt: date).summary.exitCode == 0)
        #expect(builder.build(snapshots: [Org.snapshot(version: 1)], generatedAt: date).summary.exitCode == 0)  // medium < high
        #expect(
            AuditReportBuilder(topology: topology, failOn: .medium, version: "t").build(snapshots: [Org.snapshot(version: 1)], generatedAt: date).summary
                .exitCode == 1)
        let broken = builder.build(snapshots: [Org.snapshot(trusted: [])], generatedAt: date)
        #expect(broken.summary.exitCode == 1)
        #expect(broken.summary.counts["critical"] == 1)
        #expect(!broken.summary.passed)
        let unreachable = EnvironmentSnapshot(environment: "dev", account: Org.dev, region: "us-east-1", unreachable: "x")
        #expect(builder.build(snapshots: [unreachable], generatedAt: date).summary.exitCode == 3)
    }

    @Test func reportOrderIsIndependentOfDiscoveryOrder() throws {
        let text = Org.topologyText.replacingOccurrences(of: "regions: [us-east-1]", with: "regions: [us-east-1, eu-west-1]")
        let topology = try Org.topology(text)
        let builder = AuditReportBuilder(topology: topology, version: "t")
        let a = Org.snapshot(trusted: [], region: "us-east-1")
        let b = Org.snapshot(trusted: [], region: "eu-west-1")
        let date = Date(timeIntervalSince1970: 0)
        #expect(builder.build(snapshots: [a, b], generatedAt: date) == builder.build(snapshots: [b, a], generatedAt: date))
    }

    @Test func hostileValuesAreQuotedInCommands() throws {
        #expect(ShellQuoting.quote("dev") == "dev")
        #expect(ShellQuoting.quote("my profile") == "'my profile'")
        #expect(ShellQuoting.quote("x'; rm -rf / #") == #"'x'\''; rm -rf / #'"#)
        #expect(ShellQuoting.quote("$(id)") == "'$(id)'")
        #expect(ShellQuoting.quote("") == "''")
    }
}
