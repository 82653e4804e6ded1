// ChangePlannerTests — step order, blockers and the failure mode of pushing first, from hand-built snapshots.
import Foundation
import Testing

@testable import TrustlineCore

@Suite struct ChangePlannerTests {
    static let text = """
        version: 1
        defaults:
          regions: [us-east-1]
          executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
        pipelines:
          - name: tools
            account: "111111111111"
        environments:
          - name: dev
            account: "222222222222"
            profile: dev
            trust: [tools]
            trustForLookup: [tools]
          - name: staging
            account: "333333333333"
            profile: staging
            trust: [tools]
          - name: prod
            account: "555555555555"
            profile: prod
            trust: [tools]
        rules:
          allowAdministratorAccess: [dev, staging, prod]
        """

    func plan(_ snapshots: [EnvironmentSnapshot]) throws -> ChangePlan {
        let topology = try TopologyParser.parse(Self.text, file: "org.yaml")
        let report = AuditReportBuilder(topology: topology, version: "t").build(snapshots: snapshots, generatedAt: Date(timeIntervalSince1970: 0))
        return ChangePlanner(topology: topology).plan(report)
    }

    func healthy(_ name: String, _ account: String, lookup: [String] = []) -> EnvironmentSnapshot {
        var snapshot = Org.snapshot(lookup: lookup)
        snapshot.environment = name
        snapshot.account = account
        snapshot.reachedAccount = account
        snapshot.roles = snapshot.roles.map { role in
            var role = role
            role.name = role.kind.roleName(qualifier: "hnb659fds", account: account, region: "us-east-1")
            role.arn = "arn:aws:iam::\(account):role/\(role.name)"
            role.trustPolicy = role.trustPolicy?.replacingOccurrences(of: Org.dev, with: account)
            return role
        }
        return snapshot
    }

    @Test func nothingToDo() throws {
        let plan = try plan([healthy("dev", Org.dev, lookup: [Org.tools]), healthy("staging", "333333333333"), healthy("prod", "555555555555")])
        #expect(plan.steps.isEmpty)
        #expect(plan.blockers.isEmpty)
        #expect(plan.exitCode == 0)
    }

    @Test func newStagingIsBootstrappedFirstAndProdIsNotReachedIfPushedFirst() throws {
        let staging = EnvironmentSnapshot(environment: "staging", account: "333333333333", region: "us-east-1", reachedAccount: "333333333333")
        let plan = try plan([healthy("dev", Org.dev, lookup: [Org.tools]), staging, healthy("prod", "555555555555")])
        #expect(plan.exitCode == 1)
        #expect(plan.steps.map(\.kind) == [.bootstrap, .verify, .push])
        #expect(plan.steps[0].command?.hasPrefix("cdk bootstrap aws://333333333333/us-east-1 --profile staging --trust 111111111111") == true)
        #expect(plan.steps[1].command == "trustline audit --topology org.yaml")
        #expect(plan.steps[2].argv == nil)
        #expect(plan.blockers.count == 1)
        #expect(plan.blockers[0].existing == false)
        #expect(plan.blockers[0].ifPushedFirst.hasSuffix("Earlier stages stay deployed; prod is not reached."))
    }

    @Test func aBrokenExistingEnvironmentIsABlockerAndIsRepairedAfterNewOnes() throws {
        var dev = healthy("dev", Org.dev, lookup: [Org.tools])
        dev.roles = dev.roles.map { role in
            var role = role
            if role.kind == .deploy { role.trustPolicy = Org.cdkTrust(trusted: []) }
            return role
        }
        dev.stack?.parameters["TrustedAccounts"] = ""
        let prod = EnvironmentSnapshot(environment: "prod", account: "555555555555", region: "us-east-1", reachedAccount: "555555555555")
        let plan = try plan([dev, healthy("staging", "333333333333"), prod])
        #expect(plan.steps.map(\.kind) == [.bootstrap, .rebootstrap, .verify, .push])
        #expect(plan.steps[0].environment == "prod")
        #expect(plan.steps[1].environment == "dev")
        #expect(plan.blockers.map(\.environment) == ["dev", "prod"])
        #expect(plan.blockers[0].existing)
        #expect(plan.blockers[0].ifPushedFirst.contains("staging, prod are not reached"))
        #expect(plan.blockers[1].ifPushedFirst.hasSuffix("Earlier stages stay deployed."))
    }

    @Test func unreachableMakesThePlanIncomplete() throws {
        let staging = EnvironmentSnapshot(environment: "staging", account: "333333333333", region: "us-east-1", unreachable: "AccessDenied")
        let plan = try plan([healthy("dev", Org.dev, lookup: [Org.tools]), staging, healthy("prod", "555555555555")])
        #expect(plan.exitCode == 3)
        #expect(plan.unreachable == ["staging (us-east-1)"])
    }
}
