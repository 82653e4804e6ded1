// AuditIntegrationTests — `trustline audit` on the demo organisation (real CDK bootstrap, moto
// checking signatures), then the proof that the printed commands repair it: each one is run with
// the real CDK CLI (follow-ups with the AWS CLI), the audit runs again, and the findings are gone
// while nobody who was trusted before lost trust.
import Foundation
import Testing
import TrustlineCore
import TrustlineReport

@Suite(.serialized) struct AuditIntegrationTests {
    func organisation() async throws -> OrganisationState {
        try await EmulatedOrganisation.shared.state(scenario: "demo")
    }

    func audit(_ org: OrganisationState, out: URL) throws -> (CommandResult, AuditReport) {
        let result = try trustline(
            ["audit", "--topology", PackagePaths.root.appendingPathComponent("policies/demo.yaml").path, "--out", out.path, "--no-color"],
            environment: org.environment())
        let data = try #require(FileManager.default.contents(atPath: out.appendingPathComponent("trustline-report.json").path), "\(result.stderr)")
        return (result, try ReportJSON.decode(data))
    }

    func checks(_ report: AuditReport, _ environment: String, _ region: String = "us-east-1") -> Set<String> {
        Set(report.findings.filter { $0.environment == environment && $0.region == region }.map(\.check.rawValue))
    }

    /// Every account each role trusts, per environment: "env/region/kind" → accounts.
    func trust(_ report: AuditReport) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for environment in report.environments {
            for role in environment.roles {
                out["\(environment.name)/\(environment.region)/\(role.kind.rawValue)"] = Set(role.trustedAccounts)
            }
        }
        return out
    }

    func runPrinted(_ argv: [String], org: OrganisationState, in directory: URL) throws -> CommandResult {
        let tools = PackagePaths.support.path
        var environment = org.environment(["PATH": tools + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
        environment["NO_PROXY"] = "127.0.0.1"
        // Run the words as printed, through a real shell reading the printed line.
        return try run(
            URL(fileURLWithPath: "/bin/sh"), ["-c", "cd \(ShellQuoting.quote(directory.path)) && " + ShellQuoting.line(argv)], environment: environment)
    }

    @Test func auditThenRepairTheDemoOrganisation() async throws {
        let org = try await organisation()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("tl-audit-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }

        // 1. The audit sees every case, and one unreachable account makes it incomplete (exit 3)
        //    without hiding the others.
        let (result, before) = try audit(org, out: scratch.appendingPathComponent("before"))
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(before.summary.exitCode == 3)
        #expect(before.environments.count == 8)
        #expect(checks(before, "dev").isEmpty)
        #expect(checks(before, "staging") == ["pipeline-trust-missing"])
        #expect(before.findings.first { $0.environment == "staging" }?.message.contains("111111111111 (tools)") == true)
        #expect(checks(before, "prod", "eu-west-1") == ["not-bootstrapped"])
        #expect(checks(before, "prod") == ["execution-policy-mismatch", "execution-policy-admin"])
        #expect(checks(before, "qa") == ["unexpected-trust", "trust-drift"])
        #expect(checks(before, "sandbox") == ["qualifier-mismatch"])
        #expect(checks(before, "shared") == ["wildcard-trust", "trust-drift"])
        #expect(checks(before, "legacy") == ["environment-unreachable"])
        for environment in before.environments where environment.name != "legacy" {
            #expect(environment.status != .unreachable, "\(environment.name) must be fully reported")
        }
        #expect(before.environments.first { $0.name == "dev" }?.roles.count == 5)
        #expect(result.stdout.contains("legacy"))
        #expect(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("before/trustline-report.md").path))
        expectClean(result, secrets: [org.adminSecretAccessKey])

        // 2. Run every printed command, exactly as printed, with the real CLIs.
        #expect(
            Set(before.remediation.map { "\($0.environment)/\($0.region)" }) == [
                "prod/eu-west-1", "prod/us-east-1", "qa/us-east-1", "sandbox/us-east-1", "shared/us-east-1", "staging/us-east-1",
            ])
        for command in before.remediation {
            if command.fixes.contains(.qualifierMismatch) {
                // Real CloudFormation replaces roles whose names change with the qualifier; moto's
                // update keeps the old ones and makes no new ones, so emulate the replacement by
                // deleting the old stack first (its bucket and repository are retained, as on AWS).
                let delete = try runPrinted(
                    ["aws", "cloudformation", "delete-stack", "--stack-name", "CDKToolkit", "--region", command.region, "--profile", command.environment],
                    org: org, in: scratch)
                #expect(delete.status == 0, "\(delete.stderr)")
            }
            let bootstrap = try runPrinted(command.argv, org: org, in: scratch)
            #expect(bootstrap.status == 0, "\(command.command)\n\(bootstrap.stdout.suffix(1500))\(bootstrap.stderr.suffix(1500))")
            for followUp in command.followUp {
                let fixed = try runPrinted(followUp.argv, org: org, in: scratch)
                #expect(fixed.status == 0, "\(followUp.command)\n\(fixed.stderr.suffix(1500))")
            }
        }
        let (_, after) = try audit(org, out: scratch.appendingPathComponent("after"))
        #expect(after.summary.exitCode == 3)  // legacy is still unreachable: never "clean"
        for environment in ["dev", "staging", "prod", "sandbox", "shared"] {
            #expect(checks(after, environment).isEmpty, "\(environment): \(after.findings.filter { $0.environment == environment }.map(\.message))")
        }
        #expect(checks(after, "prod", "eu-west-1").isEmpty)
        // qa keeps its unknown account (never dropped silently) until the reviewed --untrust runs.
        #expect(checks(after, "qa") == ["unexpected-trust"])

        // 3. Nobody who was trusted before lost trust (the wildcard aside).
        let trustBefore = trust(before)
        let trustAfter = trust(after)
        for (role, accounts) in trustBefore {
            #expect(accounts.subtracting(trustAfter[role] ?? []).isEmpty, "\(role) lost \(accounts.subtracting(trustAfter[role] ?? []))")
        }
        #expect(trustAfter["staging/us-east-1/deploy"] == ["111111111111", "333333333333", "444444444444"])

        // 4. The reviewed removal works too.
        let qa = try #require(after.remediation.first { $0.environment == "qa" })
        #expect(qa.untrust == ["999999999999"])
        let untrustArgv = try #require(
            qa.untrustCommand.map { _ in ["cdk", "bootstrap", "aws://666666666666/us-east-1", "--profile", "qa", "--untrust", "999999999999"] })
        #expect(qa.untrustCommand == ShellQuoting.line(untrustArgv))
        let untrust = try runPrinted(untrustArgv, org: org, in: scratch)
        #expect(untrust.status == 0, "\(untrust.stderr.suffix(1500))")
        let (_, final) = try audit(org, out: scratch.appendingPathComponent("final"))
        #expect(checks(final, "qa").isEmpty)
        #expect(final.findings.map(\.check) == [.environmentUnreachable])
    }

    @Test func badTopologyIsExitTwoWithFileLineAndField() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-topo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.yaml")
        try
            "version: 1\npipelines:\n  - name: tools\n    account: \"11111111111\"\nenvironments:\n  - name: dev\n    account: \"222222222222\"\n    profile: dev\n    regions: [us-east-1]\n    executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]\n    trust: [toolz]\n"
            .write(to: file, atomically: true, encoding: .utf8)
        for command in [["audit", "--topology", file.path, "--out", directory.path], ["validate", "--topology", file.path]] {
            let result = try trustline(command, environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path, "AWS_EC2_METADATA_DISABLED": "true"])
            #expect(result.status == 2)
            #expect(result.stderr.contains("bad.yaml:4:"), "\(result.stderr)")
            #expect(result.stderr.contains("pipelines[0].account"))
            #expect(result.stderr.contains("bad.yaml:11:"))
            #expect(result.stderr.contains("toolz"))
            #expect(!result.stderr.contains("Fatal error"))
        }
    }
}
