// PreflightIntegrationTests — `trustline preflight` against the emulated `minimal` organisation
// (dev trusts tools, bootstrapped by the real CDK CLI): re-bootstrapping dev for a second
// pipeline with only its account would drop tools (exit 1, corrected command); naming both is
// safe. Preflight only reads: the shared organisation is left as it was.
import Foundation
import Testing
import TrustlineCore

@Suite(.serialized) struct PreflightIntegrationTests {
    static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"

    func topologyFile(in directory: URL) throws -> String {
        let text = """
            version: 1
            defaults:
              regions: [us-east-1]
              executionPolicies: [\(Self.admin)]
            pipelines:
              - name: tools
                account: "111111111111"
                profile: tools
              - name: tools2
                account: "444444444444"
            environments:
              - name: dev
                account: "222222222222"
                profile: dev
                trust: [tools]
                trustForLookup: [tools]
            rules:
              allowAdministratorAccess: [dev]

            """
        let file = directory.appendingPathComponent("org.yaml")
        try Data(text.utf8).write(to: file)
        return file.path
    }

    @Test func preflightOfASecondPipelineOnTheMinimalOrganisation() async throws {
        let org = try await EmulatedOrganisation.shared.state(scenario: "minimal")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tl-preflight-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let topology = try topologyFile(in: scratch)
        let bootstrap = ["cdk", "bootstrap", "aws://222222222222/us-east-1", "--profile", "dev"]
        let policies = ["--cloudformation-execution-policies", Self.admin]

        // 1. Only the new pipeline: tools (intended) would lose trust.
        let losing = try trustline(
            ["preflight", "--topology", topology, "--"] + bootstrap + ["--trust", "444444444444"] + policies, environment: org.environment())
        #expect(losing.status == 1, "\(losing.stdout)\(losing.stderr)")
        #expect(losing.stdout.contains("111111111111 (tools) would lose deploy trust"), "\(losing.stdout)")
        #expect(losing.stdout.contains("deploy trust  111111111111 (tools) → 444444444444 (tools2)"), "\(losing.stdout)")
        let corrected = try #require(losing.stdout.split(separator: "\n").first { $0.hasPrefix("  cdk bootstrap ") }, "\(losing.stdout)")
        #expect(corrected.contains("--trust 111111111111"))
        #expect(corrected.contains("--trust 444444444444"))
        #expect(corrected.contains("--profile dev"))
        expectClean(losing, secrets: [org.adminSecretAccessKey])

        // 2. Both pipelines: safe.
        let safe = try trustline(
            ["preflight", "--topology", topology, "--"] + bootstrap + ["--trust", "111111111111", "--trust", "444444444444"] + policies,
            environment: org.environment())
        #expect(safe.status == 0, "\(safe.stdout)\(safe.stderr)")
        #expect(safe.stdout.contains("Verdict: safe to run"))
        #expect(safe.stdout.contains("Trusts 444444444444 (tools2), which the topology does not name for dev"))

        // 3. The same as JSON: the corrected command as argv, run through preflight again, is safe.
        let json = try trustline(
            ["preflight", "--topology", topology, "--json", "--"] + bootstrap + ["--trust", "444444444444"] + policies, environment: org.environment())
        #expect(json.status == 1, "\(json.stderr)")
        let report = try JSONDecoder().decode(PreflightReport.self, from: Data(json.stdout.utf8))
        let target = try #require(report.targets.first)
        #expect(target.environment == "dev")
        #expect(target.stackExists)
        #expect(target.deploy.today == ["111111111111"])
        #expect(target.deploy.intendedLost == ["111111111111"])
        #expect(target.lookup.today == ["111111111111"])
        let argv = try #require(target.corrected?.argv)
        let again = try trustline(["preflight", "--topology", topology, "--"] + argv, environment: org.environment())
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")

        // 4. Input errors exit 2 naming the argument; a target the credentials cannot read exits 3.
        let typo = try trustline(["preflight", "--topology", topology, "--"] + bootstrap + ["--trsut", "444444444444"], environment: org.environment())
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("--trsut"))
        let noCommand = try trustline(["preflight", "--topology", topology], environment: org.environment())
        #expect(noCommand.status == 2)
        let elsewhere = try trustline(
            ["preflight", "--topology", topology, "--", "cdk", "bootstrap", "aws://333333333333/us-east-1", "--profile", "dev"], environment: org.environment())
        #expect(elsewhere.status == 3, "\(elsewhere.stdout)\(elsewhere.stderr)")
        #expect(elsewhere.stdout.contains("not 333333333333"))

        // 5. Nothing changed: the live trust is still tools.
        let after = try trustline(["preflight", "--topology", topology, "--json", "--"] + bootstrap + policies, environment: org.environment())
        #expect(after.status == 0, "\(after.stderr)")
        let unchanged = try JSONDecoder().decode(PreflightReport.self, from: Data(after.stdout.utf8))
        #expect(unchanged.targets.first?.deploy.today == ["111111111111"])
        #expect(unchanged.targets.first?.deploy.after == ["111111111111"])
    }
}
