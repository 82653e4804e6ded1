// BaselineDiffTests — ReportDiff: trust gained/lost/removed per role, findings new, resolved and
// unverified by identity (not by wording), environments not compared, and the notification rule.
import Foundation
import Testing

@testable import TrustlineCore

@Suite struct BaselineDiffTests {
    typealias F = BaselineFixtures

    @Test func trustGainedAndLostPerRole() {
        let diff = ReportDiff.compare(baseline: F.healthy, current: F.afterRebootstrap(), baselinePath: "old.json", currentPath: "new.json")
        #expect(diff.hasLostTrust)
        #expect(
            diff.trustChanges == [
                RoleTrustChange(environment: "dev", account: F.dev, region: "us-east-1", role: .deploy, gained: [F.tools2], lost: [F.tools]),
                RoleTrustChange(environment: "dev", account: F.dev, region: "us-east-1", role: .filePublishing, gained: [F.tools2], lost: [F.tools]),
                RoleTrustChange(environment: "dev", account: F.dev, region: "us-east-1", role: .imagePublishing, gained: [F.tools2], lost: [F.tools]),
                RoleTrustChange(environment: "dev", account: F.dev, region: "us-east-1", role: .lookup, gained: [F.tools2], lost: []),
            ])
        let lost = diff.accountChanges(\.lost)
        #expect(lost.count == 1)
        #expect(lost.first?.trustedAccount == F.tools)
        #expect(lost.first?.roles == [.deploy, .filePublishing, .imagePublishing])
        #expect(diff.accountChanges(\.gained).first?.roles == [.deploy, .filePublishing, .imagePublishing, .lookup])
        #expect(Set(diff.newFindings.map(\.check)) == [.pipelineTrustMissing, .unexpectedTrust])
        #expect(diff.resolvedFindings.isEmpty)
        #expect(diff.baseline.path == "old.json")
        #expect(diff.current.path == "new.json")
        #expect(diff.hasChanges)
        #expect(diff.notes.isEmpty)
        // Names come from the environments when nothing better is given.
        #expect(diff.label(F.dev) == "222222222222 (dev)")
        #expect(diff.label(F.tools) == F.tools)
        #expect(ReportDiff.compare(baseline: F.healthy, current: F.healthy, accountNames: [F.tools: "tools"]).label(F.tools) == "111111111111 (tools)")
    }

    @Test func sameReportTwiceHasNoChanges() {
        let diff = ReportDiff.compare(baseline: F.afterRebootstrap(), current: F.afterRebootstrap(at: F.night3))
        #expect(diff.trustChanges.isEmpty)
        #expect(diff.newFindings.isEmpty)
        #expect(diff.resolvedFindings.isEmpty)
        #expect(!diff.hasChanges)
        #expect(!diff.hasLostTrust)
    }

    @Test func findingsAreMatchedByIdentityNotWording() {
        // The same unreachable environment with another request id, and a trust-missing finding
        // whose roles changed, are the same problems; a second pipeline's is a new one.
        var then = F.afterRebootstrap()
        let (down, downFinding) = F.unreachable("prod", F.prod, requestId: "aaa")
        then.environments[1] = down
        then.findings.append(downFinding)
        var now = then.with(date: F.night3)
        now.findings = [
            F.trustMissing(F.tools, kinds: "deploy and file-publishing"), F.trustMissing("555555555555"), F.unexpected(F.tools2),
            F.unreachable("prod", F.prod, requestId: "bbb").1,
        ]
        let diff = ReportDiff.compare(baseline: then, current: now)
        #expect(diff.newFindings.count == 1)
        #expect(diff.newFindings.first?.message.contains("555555555555") == true)
        #expect(diff.resolvedFindings.isEmpty)
        #expect(FindingIdentity(F.trustMissing(F.tools)) == FindingIdentity(F.trustMissing(F.tools, kinds: "deploy role")))
        #expect(FindingIdentity(F.trustMissing(F.tools)).key == F.tools)
        #expect(FindingIdentity(downFinding).key == "")
    }

    @Test func findingsOfEnvironmentsNotReadNowAreUnverifiedNotResolved() throws {
        let then = F.afterRebootstrap()
        var now = F.afterRebootstrap(at: F.night3)
        let (down, downFinding) = F.unreachable("dev", F.dev)
        now.environments[0] = down
        now.findings = [downFinding]
        let diff = ReportDiff.compare(baseline: then, current: now)
        #expect(diff.resolvedFindings.isEmpty)
        #expect(Set(diff.unverifiedFindings.map(\.check)) == [.pipelineTrustMissing, .unexpectedTrust])
        #expect(diff.newFindings.map(\.check) == [.environmentUnreachable])
        #expect(diff.uncompared == [.init(environment: "dev", account: F.dev, region: "us-east-1", reason: .unreachableNow)])
        #expect(!diff.hasLostTrust, "nothing is claimed about trust nobody could read")
        #expect(diff.trustChanges.isEmpty)
        #expect(NotificationRule.shouldNotify(report: now, diff: diff))

        // The other way round: unreachable in the baseline, read now.
        let back = ReportDiff.compare(baseline: now, current: then.with(date: time("2026-11-24T03:00:00Z")))
        #expect(back.uncompared.map(\.reason) == [.unreachableThen])
        #expect(back.resolvedFindings.map(\.check) == [.environmentUnreachable])
        #expect(!back.hasLostTrust)
    }

    @Test func environmentsAddedOrRemoved() {
        var now = F.afterRebootstrap()
        now.environments.append(F.environment("staging", "555555555555", status: .notBootstrapped, roles: [], stack: nil))
        now.findings.append(
            Finding(check: .notBootstrapped, environment: "staging", account: "555555555555", region: "us-east-1", message: "not bootstrapped"))
        var then = F.healthy
        then.environments.append(F.environment("legacy", "666666666666", roles: F.roles("666666666666", trust: [F.tools])))
        then.findings.append(Finding(check: .bootstrapOutdated, environment: "legacy", account: "666666666666", region: "us-east-1", message: "old"))
        let diff = ReportDiff.compare(baseline: then, current: now)
        #expect(
            diff.uncompared == [
                .init(environment: "legacy", account: "666666666666", region: "us-east-1", reason: .removed),
                .init(environment: "staging", account: "555555555555", region: "us-east-1", reason: .added),
            ])
        #expect(diff.newFindings.contains { $0.check == .notBootstrapped })
        #expect(diff.unverifiedFindings.map(\.check) == [.bootstrapOutdated])
        #expect(!diff.resolvedFindings.contains { $0.environment == "legacy" })
    }

    @Test func notesForAnotherTopologyTheWrongOrderAndAnotherFailOn() {
        let then = F.report(at: F.night2, environments: F.healthy.environments, failOn: .medium, topology: "policies/old.yaml")
        let diff = ReportDiff.compare(baseline: then, current: F.healthy)
        #expect(diff.notes.count == 3)
        #expect(diff.notes[0].contains("policies/old.yaml"))
        #expect(diff.notes[1].contains("wrong order"))
        #expect(diff.notes[2].contains("medium then, high now"))
    }

    @Test func wildcardAppearingIsGained() {
        var now = F.healthy.with(date: F.night2)
        now.environments[1].roles = F.roles(F.prod, trust: [F.tools], lookup: [F.tools], wildcard: [.filePublishing])
        let diff = ReportDiff.compare(baseline: F.healthy, current: now)
        #expect(diff.trustChanges.map(\.gained) == [["*"]])
        #expect(diff.label("*") == "* (any account)")
        #expect(!diff.hasLostTrust)
    }

    @Test func accountIDsInText() {
        #expect(FindingIdentity.accountIDs(in: "aws://222222222222/us-east-1 and 1111111111112 and 111111111111.") == ["222222222222", "111111111111"])
        #expect(FindingIdentity.accountIDs(in: "no ids 12345").isEmpty)
    }

    @Test func notificationRuleWithoutABaseline() {
        #expect(!NotificationRule.shouldNotify(report: F.healthy, diff: nil))
        #expect(NotificationRule.shouldNotify(report: F.afterRebootstrap(), diff: nil))
        var incomplete = F.healthy
        let (down, finding) = F.unreachable("dev", F.dev)
        incomplete.environments[0] = down
        incomplete.findings = [finding]
        incomplete.summary = AuditReportBuilder.summary(findings: incomplete.findings, environments: incomplete.environments, failOn: .critical)
        #expect(incomplete.summary.exitCode == 3)
        #expect(NotificationRule.shouldNotify(report: incomplete, diff: nil))
    }

    @Test func diffRoundTripsThroughJSON() throws {
        let diff = ReportDiff.compare(baseline: F.healthy, current: F.afterRebootstrap(), baselinePath: "a.json")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        #expect(try decoder.decode(ReportDiff.self, from: encoder.encode(diff)) == diff)
    }

    func time(_ text: String) -> Date { F.time(text) }
}
