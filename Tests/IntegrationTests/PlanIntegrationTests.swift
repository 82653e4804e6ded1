// PlanIntegrationTests — `trustline plan` before adding a staging account between dev and prod:
// the bootstrap of staging (with the pipeline's trust) comes before the pipeline push, and the
// failure mode of the other order is spelled out; after running the step, nothing is left to do.
import Foundation
import Testing
import TrustlineCore

@Suite(.serialized) struct PlanIntegrationTests {
    static let topology = """
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
            trustForLookup: [tools]
          - name: prod
            account: "555555555555"
            profile: prod
            trust: [tools]
            trustForLookup: [tools]
        rules:
          allowAdministratorAccess: [dev, staging, prod]
        """

    @Test func newStagingAccountIsBootstrappedBeforeThePush() async throws {
        let org = try await EmulatedOrganisation.shared.state(scenario: "new-account")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-plan-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("org.yaml")
        try Self.topology.write(to: file, atomically: true, encoding: .utf8)

        let text = try trustline(["plan", "--topology", file.path], environment: org.environment())
        #expect(text.status == 1, "\(text.stdout)\(text.stderr)")
        let json = try trustline(["plan", "--topology", file.path, "--format", "json"], environment: org.environment())
        #expect(json.status == 1)
        let plan = try JSONDecoder().decode(ChangePlan.self, from: Data(json.stdout.utf8))
        #expect(plan.steps.map(\.kind) == [.bootstrap, .verify, .push])
        let bootstrap = try #require(plan.steps.first)
        #expect(bootstrap.environment == "staging")
        #expect(
            bootstrap.argv == [
                "cdk", "bootstrap", "aws://333333333333/us-east-1", "--profile", "staging", "--trust", "111111111111", "--trust-for-lookup", "111111111111",
                "--cloudformation-execution-policies", "arn:aws:iam::aws:policy/AdministratorAccess",
            ])
        #expect(plan.blockers.map(\.environment) == ["staging"])
        let blocker = try #require(plan.blockers.first)
        #expect(!blocker.existing)
        #expect(blocker.ifPushedFirst.contains("its staging stage fails"))
        #expect(blocker.ifPushedFirst.contains("cannot sts:AssumeRole cdk-hnb659fds-deploy-role-333333333333-us-east-1"))
        #expect(blocker.ifPushedFirst.contains("Earlier stages stay deployed; prod is not reached."))
        #expect(text.stdout.contains("1. Bootstrap staging (aws://333333333333/us-east-1) trusting 111111111111 (tools)"))
        #expect(text.stdout.contains("3. Only then push the pipeline change"))
        #expect(text.stdout.contains("If the pipeline change is pushed first:"))

        // Run the step exactly as printed with the real CDK CLI: then there is nothing left to do.
        let tools = PackagePaths.support.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let ran = try run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "cd \(ShellQuoting.quote(directory.path)) && " + (bootstrap.command ?? "false")],
            environment: org.environment(["PATH": tools]))
        #expect(ran.status == 0, "\(ran.stderr.suffix(1500))")
        let after = try trustline(["plan", "--topology", file.path], environment: org.environment())
        #expect(after.status == 0, "\(after.stdout)\(after.stderr)")
        #expect(after.stdout.contains("Nothing to do"))
    }
}
