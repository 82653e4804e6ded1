// BaselineComparisonTests — trust-lost from a baseline: the re-bootstrap that drops a pipeline,
// what is never claimed (unreachable environments, reviewed removals), carrying a loss from night
// to night, the stack's evidence, remediation and summary.
import Foundation
import Testing

@testable import TrustlineCore

@Suite struct BaselineComparisonTests {
    typealias F = BaselineFixtures

    func comparison(_ baseline: AuditReport, path: String = "reports/latest.json") -> BaselineComparison {
        BaselineComparison(baseline: baseline, baselinePath: path, accountNames: [F.tools: "tools", F.tools2: "tools2"])
    }

    @Test func rebootstrapThatDropsThePipelineIsTrustLost() throws {
        let report = comparison(F.healthy).apply(to: F.afterRebootstrap(keepLookup: false))
        let lost = report.findings.filter { $0.check == .trustLost }
        #expect(lost.count == 1)
        let finding = try #require(lost.first)
        #expect(finding.severity == .critical)
        #expect(finding.environment == "dev")
        #expect(finding.account == F.dev)
        #expect(
            finding.message
                == "aws://222222222222/us-east-1 no longer trusts 111111111111 (tools) for deploy, file-publishing, image-publishing, lookup; the baseline of 2026-11-21T03:00:00Z did. The stack CDKToolkit was updated at 2026-11-21T15:42:10Z (status UPDATE_COMPLETE)."
        )
        #expect(finding.evidence["account"] == F.tools)
        #expect(finding.evidence["roles"] == "deploy,file-publishing,image-publishing,lookup")
        #expect(finding.evidence["baseline"] == "reports/latest.json")
        #expect(finding.evidence["baselineGeneratedAt"] == "2026-11-21T03:00:00Z")
        #expect(finding.evidence["stack"] == "CDKToolkit")
        #expect(finding.evidence["stackStatus"] == "UPDATE_COMPLETE")
        #expect(finding.evidence["stackLastUpdated"] == "2026-11-21T15:42:10Z")
        #expect(finding.evidence["topologyRequires"] == "true")
        #expect(finding.evidence["roleArns"]?.contains("cdk-hnb659fds-deploy-role-222222222222-us-east-1") == true)
        // The account gained (444) is not a loss; prod did not change.
        #expect(!report.findings.contains { $0.check == .trustLost && $0.environment == "prod" })
    }

    @Test func lookupKeptByTheCLIIsNotListed() throws {
        let report = comparison(F.healthy).apply(to: F.afterRebootstrap())
        let finding = try #require(report.findings.first { $0.check == .trustLost })
        #expect(finding.evidence["roles"] == "deploy,file-publishing,image-publishing")
        #expect(finding.message.contains("for deploy, file-publishing, image-publishing;"))
    }

    @Test func summaryStatusAndRemediationAreBroughtUpToDate() throws {
        let current = F.afterRebootstrap()
        let report = comparison(F.healthy).apply(to: current)
        #expect(report.summary.counts["critical"] == (current.summary.counts["critical"] ?? 0) + 1)
        #expect(report.summary.exitCode == 1)
        #expect(report.findings == report.findings.sorted())
        #expect(report.findings.first?.check == .trustLost || report.findings.first?.check == .pipelineTrustMissing)
        let command = try #require(report.remediation.first)
        #expect(command.fixes == [.pipelineTrustMissing, .trustLost])
        #expect(command.notes.isEmpty)
        // Everything else is as the audit made it.
        #expect(report.environments == current.environments)
        #expect(report.generatedAt == current.generatedAt)
    }

    @Test func anOkEnvironmentWithALossBecomesFindings() throws {
        // A hand edit dropped tools from prod's deploy role only; nothing else found (allowUnlistedTrust…).
        var current = F.healthy
        current.generatedAt = F.night2
        current.environments[1].roles[0].trustedAccounts = [F.prod]
        let report = comparison(F.healthy).apply(to: current)
        #expect(report.environments[1].status == .findings)
        let finding = try #require(report.findings.first { $0.check == .trustLost })
        #expect(finding.environment == "prod")
        #expect(finding.evidence["roles"] == "deploy")
        // No trust-missing finding names tools there: the topology does not require it.
        #expect(finding.evidence["topologyRequires"] == "false")
        #expect(
            finding.message.hasSuffix(
                "The topology does not require this account here: if its removal was intended, nothing is to be done (it is reported once)."))
        // The stack was last updated long before the baseline: a change outside CloudFormation.
        #expect(
            finding.message.contains(
                "was last updated at 2025-09-15T13:30:02Z (status UPDATE_COMPLETE), before the baseline: the roles were changed outside CloudFormation."))
        #expect(report.summary.exitCode == 1)
    }

    @Test func unreachableNowOrThenClaimsNothing() {
        let (devDown, devDownFinding) = F.unreachable("dev", F.dev)
        var now = F.afterRebootstrap()
        now.environments[0] = devDown
        now.findings = [devDownFinding]
        now.remediation = []
        #expect(comparison(F.healthy).trustLosses(current: now).isEmpty)

        var then = F.healthy
        then.environments[0] = devDown
        then.findings = [devDownFinding]
        #expect(comparison(then).trustLosses(current: F.afterRebootstrap()).isEmpty)
        // An environment the baseline did not have at all: nothing to lose.
        var fresh = F.healthy
        fresh.environments.removeFirst()
        #expect(comparison(fresh).trustLosses(current: F.afterRebootstrap()).isEmpty)
    }

    @Test func removingWhatTheBaselineFlaggedIsNotALoss() {
        // Baseline: dev trusts an unknown 999999999999 (flagged) and prod's lookup role trusts `*`.
        var then = F.healthy
        then.environments[0].roles = F.roles(F.dev, trust: [F.tools, "999999999999"], lookup: [F.tools])
        then.environments[1].roles = F.roles(F.prod, trust: [F.tools], lookup: [F.tools], wildcard: [.lookup])
        then.findings = [F.unexpected("999999999999")]
        let report = comparison(then).apply(to: F.healthy.with(date: F.night2))
        #expect(!report.findings.contains { $0.check == .trustLost })
        let diff = ReportDiff.compare(baseline: then, current: report)
        #expect(!diff.hasLostTrust)
        #expect(Set(diff.trustChanges.flatMap(\.removed)) == ["999999999999", "*"])
        #expect(diff.resolvedFindings.map(\.check) == [.unexpectedTrust])
    }

    @Test func ownAccountIsIgnoredAndPrincipalTrustCounts() throws {
        var then = F.healthy
        then.environments[1].roles = F.roles(F.prod, trust: [F.tools], lookup: [F.tools], principal: [.deploy: [F.tools2]])
        var now = F.healthy.with(date: F.night2)
        // prod's own account disappears from its roles (irrelevant), and the role-ARN trust of 444 goes.
        now.environments[1].roles = F.roles(F.prod, trust: [F.tools], lookup: [F.tools]).map { role in
            var role = role
            role.trustedAccounts.removeAll { $0 == F.prod }
            return role
        }
        let losses = comparison(then).trustLosses(current: now)
        #expect(losses.map(\.lostAccount) == [F.tools2])
        #expect(losses.first?.roles == [.deploy])
        #expect(losses.first?.lostAccountLabel == "444444444444 (tools2)")
    }

    @Test func aLossIsCarriedWhileUnrepairedAndStillRequired() throws {
        let night2 = comparison(F.healthy).apply(to: F.afterRebootstrap())
        // Night 3: nothing changed. The loss stays, word for word; nothing is new or resolved.
        let night3 = comparison(night2, path: "reports/latest.json").apply(to: F.afterRebootstrap(at: F.night3))
        let carried = night3.findings.filter { $0.check == .trustLost }
        #expect(carried == night2.findings.filter { $0.check == .trustLost })
        let diff = ReportDiff.compare(baseline: night2, current: night3)
        #expect(!diff.hasChanges)
        #expect(!NotificationRule.shouldNotify(report: night3, diff: diff))
        #expect(night3.remediation.first?.fixes.contains(.trustLost) == true)

        // Night 4: the printed command was run: tools is back. The loss is resolved.
        var repaired = F.healthy.with(date: time("2026-11-24T03:00:00Z"))
        repaired.environments[0].roles = F.roles(F.dev, trust: [F.tools, F.tools2], lookup: [F.tools])
        repaired.findings = [F.unexpected(F.tools2)]
        repaired.summary = AuditReportBuilder.summary(findings: repaired.findings, environments: repaired.environments, failOn: .high)
        let night4 = comparison(night3).apply(to: repaired)
        #expect(!night4.findings.contains { $0.check == .trustLost })
        let fixed = ReportDiff.compare(baseline: night3, current: night4)
        #expect(Set(fixed.resolvedFindings.map(\.check)) == [.trustLost, .pipelineTrustMissing])
        #expect(fixed.acceptedFindings.isEmpty)
        #expect(fixed.trustChanges.flatMap(\.gained) == [F.tools, F.tools, F.tools])
    }

    @Test func aLossTheTopologyNoLongerRequiresIsReportedOnceThenAccepted() throws {
        var current = F.afterRebootstrap()
        current.findings = [F.unexpected(F.tools2)]  // the topology now names only tools2: tools is not required
        current.remediation = [F.remediation(trust: [F.tools2], fixes: [])]
        let night2 = comparison(F.healthy).apply(to: current)
        let finding = try #require(night2.findings.first { $0.check == .trustLost })
        #expect(finding.evidence["topologyRequires"] == "false")
        let command = try #require(night2.remediation.first)
        #expect(!command.fixes.contains(.trustLost))
        #expect(command.notes == ["It does not give 111111111111 (tools) back its trust: the topology does not name it here."])

        var unchanged = current
        unchanged.generatedAt = F.night3
        let night3 = comparison(night2).apply(to: unchanged)
        #expect(!night3.findings.contains { $0.check == .trustLost })
        let diff = ReportDiff.compare(baseline: night2, current: night3)
        #expect(diff.resolvedFindings.isEmpty, "the trust is still gone: nothing was resolved")
        #expect(diff.acceptedFindings.map(\.check) == [.trustLost])
    }

    @Test func stackEvidenceSentences() {
        func message(_ stack: StackSummary?) -> String {
            var current = F.afterRebootstrap()
            current.environments[0].stack = stack
            return comparison(F.healthy).trustLosses(current: current).first?.message ?? ""
        }
        #expect(message(nil).hasSuffix("the baseline of 2026-11-21T03:00:00Z did. There is no bootstrap stack now."))
        #expect(message(F.stack(updated: nil)).hasSuffix("The stack CDKToolkit is UPDATE_COMPLETE; AWS gave no update time."))
        #expect(
            message(F.stack(status: "CREATE_COMPLETE", created: time("2026-11-21T20:00:00Z"), updated: nil))
                .hasSuffix("The stack CDKToolkit was created at 2026-11-21T20:00:00Z (status CREATE_COMPLETE), after the baseline."))
        #expect(message(F.stack(status: "UPDATE_ROLLBACK_COMPLETE", updated: F.rebootstrapped)).contains("(status UPDATE_ROLLBACK_COMPLETE)"))
    }

    @Test func readingALossBackFromItsFinding() throws {
        let loss = try #require(comparison(F.healthy).trustLosses(current: F.afterRebootstrap()).first)
        let back = try #require(TrustLoss(loss.finding, label: { "\($0) (tools)" }))
        #expect(back == loss)
        var incomplete = loss.finding
        incomplete.evidence["baselineGeneratedAt"] = nil
        #expect(TrustLoss(incomplete, label: { $0 }) == nil)
        #expect(TrustLoss(F.trustMissing(F.tools), label: { $0 }) == nil)
        #expect(TrustLoss.roles(fromEvidence: "lookup, deploy,bogus") == [.deploy, .lookup])
    }

    @Test func aLookupLossIsRestoredByTrustForLookup() throws {
        let loss = TrustLoss(
            environment: "dev", account: F.dev, region: "us-east-1", lostAccount: F.tools, lostAccountLabel: F.tools, roles: [.lookup], roleArns: [],
            baselinePath: "b.json", baselineGeneratedAt: F.night1, stack: nil, stillRequired: true)
        #expect(BaselineComparison.restores(["cdk", "bootstrap", "--trust-for-lookup", F.tools], loss))
        #expect(BaselineComparison.restores(["cdk", "bootstrap", "--trust", F.tools], loss))
        var deploy = loss
        deploy.roles = [.deploy, .lookup]
        #expect(!BaselineComparison.restores(["cdk", "bootstrap", "--trust-for-lookup", F.tools], deploy))
        #expect(!BaselineComparison.restores(["cdk", "bootstrap", "--profile", F.tools], deploy))
    }

    @Test func accountNamesComeFromTheTopologysPipelines() {
        let topology = Topology(
            file: "t.yaml", pipelines: [PipelineAccount(name: "tools", account: F.tools, line: 3)], environments: [], rules: TopologyRules())
        let comparison = BaselineComparison(baseline: F.healthy, baselinePath: "b.json", topology: topology)
        #expect(comparison.label(F.tools) == "111111111111 (tools)")
        #expect(comparison.label(F.tools2) == F.tools2)
    }

    func time(_ text: String) -> Date { F.time(text) }
}

extension AuditReport {
    /// The same report, made at another time.
    func with(date: Date) -> AuditReport {
        var copy = self
        copy.generatedAt = date
        return copy
    }
}
