// PreflightEvaluatorTests — a proposed bootstrap judged against live snapshots and the topology:
// intended trust lost (exit 1) with a corrected command that, simulated again, loses nobody.
import Foundation
import Testing

@testable import TrustlineCore

@Suite struct PreflightEvaluatorTests {
    typealias F = PreflightFixtures

    func report(_ line: String, snapshots: [EnvironmentSnapshot] = [F.snapshot()], topology: Topology? = nil) throws -> PreflightReport {
        let topology = try topology ?? F.topology()
        let command = try F.parse(line)
        return PreflightEvaluator(topology: topology, command: command).evaluate(snapshots: snapshots)
    }

    /// Runs the corrected command of every target through the preflight again.
    func recheck(_ report: PreflightReport, snapshots: [EnvironmentSnapshot] = [F.snapshot()], topology: Topology? = nil) throws -> [PreflightReport] {
        try report.targets.compactMap(\.corrected).map { corrected in
            let topology = try topology ?? F.topology()
            return PreflightEvaluator(topology: topology, command: try BootstrapCommandParser.parse(corrected.argv)).evaluate(snapshots: snapshots)
        }
    }

    @Test func addingASecondPipelineWithOnlyItsAccountDropsTheFirst() throws {
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 444444444444 --cloudformation-execution-policies \(F.admin)")
        #expect(report.exitCode == 1)
        let target = try #require(report.targets.first)
        #expect(target.status == .dropsIntendedTrust)
        #expect(target.environment == "dev")
        #expect(target.deploy.today == [F.tools])
        #expect(target.deploy.after == [F.tools2])
        #expect(target.deploy.lost == [F.tools])
        #expect(target.deploy.gained == [F.tools2])
        #expect(target.deploy.intendedLost == [F.tools])
        // The lookup role keeps tools through TrustedAccountsForLookup.
        #expect(target.lookup.intendedLost.isEmpty)
        #expect(target.messages.first?.level == .error)
        #expect(target.messages.first?.text.contains("111111111111 (tools) would lose deploy trust") == true)
        #expect(target.messages.contains { $0.level == .warning && $0.text.contains("Trusts 444444444444 (tools2), which the topology does not name") })
        let corrected = try #require(target.corrected)
        #expect(
            corrected.command
                == "cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111 --trust 444444444444 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess"
        )
        #expect(try recheck(report).map(\.exitCode) == [0])
    }

    @Test func repeatingEveryoneIsSafe() throws {
        let report = try report(
            "cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111 --trust 444444444444 --cloudformation-execution-policies \(F.admin)")
        #expect(report.exitCode == 0)
        #expect(report.targets.first?.status == .safe)
        #expect(report.targets.first?.deploy.gained == [F.tools2])
        #expect(report.targets.first?.corrected == nil)
    }

    @Test func keepingTheListIsSafe() throws {
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --cloudformation-execution-policies \(F.admin)")
        #expect(report.exitCode == 0)
        #expect(report.targets.first?.deploy.lost == [])
        #expect(report.targets.first?.messages.allSatisfy { $0.level == .info } == true)
    }

    @Test func untrustingAnIntendedAccountIsCaughtAndDroppedFromTheCorrection() throws {
        let snapshot = F.snapshot(trusted: [F.tools, F.stranger])
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --untrust 111111111111 --untrust 555555555555", snapshots: [snapshot])
        #expect(report.exitCode == 1)
        let target = try #require(report.targets.first)
        #expect(target.deploy.intendedLost == [F.tools])
        #expect(target.lookup.intendedLost == [F.tools])
        #expect(target.messages.contains { $0.text.contains("would lose deploy and lookup trust") })
        #expect(target.messages.contains { $0.level == .info && $0.text.contains("Removes the trust of 555555555555") })
        let corrected = try #require(target.corrected)
        #expect(corrected.argv.contains("--untrust"))
        #expect(!corrected.command.contains("--untrust 111111111111"))
        #expect(corrected.command.contains("--trust 111111111111"))
        #expect(corrected.command.contains("--untrust 555555555555"))
        #expect(!corrected.command.contains("--trust 555555555555"))
        let again = try recheck(report, snapshots: [snapshot])
        #expect(again.map(\.exitCode) == [0])
        #expect(again.first?.targets.first?.deploy.after == [F.tools])
    }

    @Test func removingAnAccountTheTopologyDoesNotNameIsFine() throws {
        let snapshot = F.snapshot(trusted: [F.tools, F.stranger])
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --untrust 555555555555", snapshots: [snapshot])
        #expect(report.exitCode == 0)
        #expect(report.targets.first?.deploy.lost == [F.stranger])
        #expect(report.targets.first?.messages.contains { $0.text.contains("which the topology does not name for dev (fine)") } == true)
    }

    @Test func aCorrectionNeverDropsAnyoneSilently() throws {
        // Today: tools and a stranger. The user names only tools2: both would go; the
        // correction keeps the stranger too (removing it takes an explicit --untrust).
        let snapshot = F.snapshot(trusted: [F.tools, F.stranger])
        let report = try report(
            "cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 444444444444 --cloudformation-execution-policies \(F.admin)",
            snapshots: [snapshot])
        #expect(report.exitCode == 1)
        let corrected = try #require(report.targets.first?.corrected)
        #expect(corrected.argv.filter { $0 == "--trust" }.count == 3)
        #expect(try recheck(report, snapshots: [snapshot]).first?.targets.first?.deploy.lost == [])
    }

    @Test func losingIntendedLookupTrust() throws {
        let topology = try F.topology(trustForLookup: "[tools, tools2]")
        let snapshot = F.snapshot(lookup: [F.tools2])
        let report = try report(
            "cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust-for-lookup 555555555555", snapshots: [snapshot], topology: topology)
        #expect(report.exitCode == 1)
        let target = try #require(report.targets.first)
        #expect(target.deploy.lost.isEmpty)
        #expect(target.lookup.intendedLost == [F.tools2])
        #expect(target.messages.contains { $0.text.contains("444444444444 (tools2) would lose lookup trust") })
        let corrected = try #require(target.corrected)
        #expect(corrected.command.contains("--trust-for-lookup 444444444444 --trust-for-lookup 555555555555"))
        #expect(try recheck(report, snapshots: [snapshot], topology: topology).map(\.exitCode) == [0])
    }

    @Test func resettingACustomQualifierDropsEveryone() throws {
        let topology = try F.topology(qualifier: "custom1")
        let snapshot = F.snapshot(qualifier: "custom1")
        let report = try report(
            "cdk bootstrap aws://222222222222/us-east-1 --profile dev --no-previous-parameters", snapshots: [snapshot], topology: topology)
        #expect(report.exitCode == 1)
        let target = try #require(report.targets.first)
        #expect(target.after?.qualifier == "hnb659fds")
        #expect(target.deploy.after.isEmpty)
        #expect(target.deploy.intendedLost == [F.tools])
        #expect(target.messages.contains { $0.level == .error && $0.text.contains("changes the qualifier from custom1 to hnb659fds") })
        let corrected = try #require(target.corrected)
        #expect(corrected.command.contains("--qualifier custom1"))
        #expect(corrected.command.contains("--no-previous-parameters"))
        #expect(try recheck(report, snapshots: [snapshot], topology: topology).map(\.exitCode) == [0])
    }

    @Test func keepingAStacksOtherQualifierLeavesTheIntendedRolesAlone() throws {
        // The stack is under `other`; the topology wants hnb659fds, whose roles do not exist.
        var snapshot = F.snapshot(qualifier: "other")
        snapshot.roles = []
        snapshot.otherQualifiers = ["other"]
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 444444444444", snapshots: [snapshot])
        #expect(report.exitCode == 0)
        let target = try #require(report.targets.first)
        #expect(target.deploy.today.isEmpty)
        #expect(target.messages.contains { $0.text.contains("uses qualifier other, not hnb659fds") })
        #expect(target.messages.contains { $0.level == .warning && $0.text.contains("111111111111 (tools) should be able to deploy") })
    }

    @Test func aHandEditSurvivesUnchangedParametersAndGoesWithChangedOnes() throws {
        // The live roles also trust a stranger (hand edit); the parameters say tools only.
        let snapshot = F.snapshot(trusted: [F.tools], liveTrust: [F.tools, F.stranger])
        let same = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111", snapshots: [snapshot])
        #expect(same.targets.first?.deploy.after == [F.tools, F.stranger])
        #expect(same.exitCode == 0)
        let changed = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111 --trust 444444444444", snapshots: [snapshot])
        #expect(changed.targets.first?.deploy.after == [F.tools, F.tools2])
        #expect(changed.targets.first?.deploy.lost == [F.stranger])
        #expect(changed.exitCode == 0)
    }

    @Test func aFirstBootstrapWithTrustButNoPoliciesIsRefusedAndCorrected() throws {
        let snapshot = F.snapshot(stack: false)
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111", snapshots: [snapshot])
        #expect(report.exitCode == 2)
        let target = try #require(report.targets.first)
        #expect(target.status == .refused)
        #expect(!target.stackExists)
        #expect(target.error?.contains("--cloudformation-execution-policies") == true)
        let corrected = try #require(target.corrected)
        #expect(corrected.command.hasSuffix("--trust 111111111111 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess"))
        #expect(try recheck(report, snapshots: [snapshot]).map(\.exitCode) == [0])
    }

    @Test func aFirstBootstrapWithoutTrustLeavesTheIntendedPipelineOut() throws {
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev", snapshots: [F.snapshot(stack: false)])
        #expect(report.exitCode == 0)
        let messages = report.targets.first?.messages.map(\.text) ?? []
        #expect(messages.contains { $0.contains("should be able to deploy to dev but would still not be trusted") })
        #expect(messages.contains { $0.contains("Using default execution policy") })
    }

    @Test func aTargetOutsideTheTopologyHasNoIntent() throws {
        let other = F.snapshot(trusted: [F.tools], account: "333333333333")
        let report = try report("cdk bootstrap aws://333333333333/us-east-1 --trust 444444444444", snapshots: [other])
        #expect(report.exitCode == 0)
        let target = try #require(report.targets.first)
        #expect(target.environment == nil)
        #expect(target.deploy.lost == [F.tools])
        #expect(target.messages.contains { $0.level == .warning && $0.text.contains("is not in the topology") })
    }

    @Test func aRegionTheTopologyDoesNotListIsReported() throws {
        let report = try report("cdk bootstrap aws://222222222222/eu-west-1 --trust 111111111111", snapshots: [F.snapshot(region: "eu-west-1")])
        #expect(report.targets.first?.environment == nil)
        #expect(report.targets.first?.messages.contains { $0.text.contains("does not list region eu-west-1") } == true)
    }

    @Test func unreadableTargetsMakeThePreflightIncomplete() throws {
        let unreachable = EnvironmentSnapshot(environment: "dev", account: F.dev, region: "us-east-1", unreachable: "AccessDenied")
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --trust 444444444444", snapshots: [unreachable])
        #expect(report.exitCode == 3)
        #expect(report.targets.first?.status == .unreadable)
        #expect(report.targets.first?.corrected == nil)
        let wrong = EnvironmentSnapshot(environment: "dev", account: F.dev, region: "us-east-1", reachedAccount: "999999999999")
        #expect(try self.report("cdk bootstrap aws://222222222222/us-east-1", snapshots: [wrong]).exitCode == 3)
        #expect(try self.report("cdk bootstrap aws://222222222222/us-east-1", snapshots: []).exitCode == 3)
    }

    @Test func everyTargetGetsItsOwnCorrectedCommand() throws {
        let topology = try TopologyParser.parse(
            F.topologyText().replacingOccurrences(of: "regions: [us-east-1]", with: "regions: [us-east-1, eu-west-1]"), file: "t.yaml")
        let snapshots = [F.snapshot(), F.snapshot(trusted: [F.tools, F.tools2], region: "eu-west-1")]
        let report = try report(
            "cdk bootstrap aws://222222222222/us-east-1 aws://222222222222/eu-west-1 --profile dev --trust 111111111111", snapshots: snapshots,
            topology: topology)
        #expect(report.exitCode == 0)  // tools2 is not intended for dev: dropping it is fine
        let losing = try self.report(
            "cdk bootstrap aws://222222222222/us-east-1 aws://222222222222/eu-west-1 --profile dev --trust 444444444444", snapshots: snapshots,
            topology: topology)
        #expect(losing.exitCode == 1)
        #expect(losing.targets.map(\.corrected?.argv[2]) == ["aws://222222222222/us-east-1", "aws://222222222222/eu-west-1"])
        #expect(losing.targets.allSatisfy { $0.corrected?.argv.filter { $0.hasPrefix("aws://") }.count == 1 })
        #expect(try recheck(losing, snapshots: snapshots, topology: topology).map(\.exitCode) == [0, 0])
    }

    @Test func theStackNameAndProfileAreCompared() throws {
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile other --toolkit-stack-name Other")
        let texts = report.targets.first?.messages.map(\.text) ?? []
        #expect(texts.contains { $0.contains("deploys the stack Other, but the topology expects CDKToolkit") })
        #expect(texts.contains { $0.contains("uses profile other; the topology reaches dev with profile dev") })
    }

    @Test func executionPolicyChangesAreShown() throws {
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --cloudformation-execution-policies \(F.deployPolicy)")
        let messages = report.targets.first?.messages ?? []
        #expect(messages.contains { $0.text == "Execution policies: \(F.admin) → \(F.deployPolicy)." })
        #expect(messages.contains { $0.level == .warning && $0.text.contains("execution-policy-mismatch") })
        #expect(report.exitCode == 0)
    }

    @Test func discoveryReadsOnlyTheTargets() throws {
        let topology = try F.topology()
        let command = try F.parse(
            "cdk bootstrap aws://222222222222/us-east-1 aws://333333333333/eu-west-1 --profile p --toolkit-stack-name Kit --qualifier q1")
        let read = PreflightEvaluator(topology: topology, command: command).discoveryTopology()
        #expect(read.environments.map(\.name) == ["dev", "aws://333333333333/eu-west-1"])
        #expect(read.environments.map(\.regions) == [["us-east-1"], ["eu-west-1"]])
        #expect(read.environments.map(\.toolkitStackName) == ["Kit", "Kit"])
        #expect(read.environments.map(\.profile) == ["dev", "p"])
        #expect(read.environments.map(\.qualifier) == ["hnb659fds", "q1"])
    }

    @Test func jsonAndText() throws {
        let report = try report("cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 444444444444 --cloudformation-execution-policies \(F.admin)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["exitCode"] as? Int == 1)
        #expect(try JSONDecoder().decode(PreflightReport.self, from: data) == report)

        let text = report.text(topology: try F.topology())
        #expect(text.contains("aws://222222222222/us-east-1 — environment dev, stack CDKToolkit (exists)"))
        #expect(text.contains("  deploy trust  111111111111 (tools) → 444444444444 (tools2)"))
        #expect(text.contains("  error: 111111111111 (tools) would lose deploy trust"))
        #expect(text.contains("DROPS INTENDED TRUST"))
        #expect(text.contains("  cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 111111111111 --trust 444444444444"))
        #expect(text.hasSuffix("Run the corrected command instead.\n"))
    }
}
