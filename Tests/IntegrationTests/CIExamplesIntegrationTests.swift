// CIExamplesIntegrationTests — the CI examples in docs/examples run as written: their YAML is
// parsed (python3 + PyYAML), the trustline command lines are taken from the GitHub `run:` steps
// and the CodeBuild `commands:`, and each is run through /bin/sh, in a directory laid out like the
// repository they would run in (policies/org.yaml describing the minimal emulated organisation),
// with the built trustline first on PATH and the credentials each CI hands over: the keys
// configure-aws-credentials exports on GitHub, the container credentials endpoint on CodeBuild.
// The audit must pass, and the files the examples hand on (JUnit for CodeBuild's report group,
// SARIF for code scanning, the job summary) must exist and be valid. Nothing here writes to the
// emulated organisation, which other tests share.
import Foundation
import Testing

@Suite(.serialized) struct CIExamplesIntegrationTests {
    static let examples = PackagePaths.root.appendingPathComponent("docs/examples")
    static let schema = PackagePaths.root.appendingPathComponent("schemas/sarif-2.1.0.json")

    /// What a CI example asks for, as read by PyYAML.
    struct Example: Decodable {
        /// Every logical shell line (continuations joined) whose first word is `trustline`, in order.
        var commands: [String]
        /// Files the example hands on: SARIF uploads, JUnit report groups (path → format).
        var sarif: [String]
        var junit: [String]
        /// GitHub only: the workflow's permissions and triggers.
        var permissions: [String: String]
        var triggers: [String]
        var cron: [String]
    }

    static let reader = """
        import json, sys
        import yaml
        kind, path = sys.argv[1], sys.argv[2]
        doc = yaml.safe_load(open(path))
        blocks, sarif, junit, permissions, triggers, cron = [], [], [], {}, [], []
        if kind == "github":
            on = doc.get("on", doc.get(True)) or {}
            triggers = sorted(on) if isinstance(on, dict) else [on]
            cron = [entry["cron"] for entry in (on.get("schedule") or [])] if isinstance(on, dict) else []
            permissions = {k: str(v) for k, v in (doc.get("permissions") or {}).items()}
            for job in doc["jobs"].values():
                for step in job.get("steps", []):
                    if "run" in step:
                        blocks.append(step["run"])
                    if str(step.get("uses", "")).startswith("github/codeql-action/upload-sarif"):
                        sarif.append(step["with"]["sarif_file"])
        else:
            for phase in ("install", "pre_build", "build", "post_build"):
                blocks += ((doc.get("phases") or {}).get(phase) or {}).get("commands") or []
            for group in (doc.get("reports") or {}).values():
                if group.get("file-format") == "JUNITXML":
                    base = group.get("base-directory", ".")
                    junit += [base.rstrip("/") + "/" + name for name in group["files"]]
        commands = []
        for block in blocks:
            logical = block.replace("\\\\\\n", " ")
            for line in logical.splitlines():
                words = line.split()
                if words and words[0] == "trustline":
                    commands.append(" ".join(line.split()))
        print(json.dumps({"commands": commands, "sarif": sarif, "junit": junit,
                          "permissions": permissions, "triggers": triggers, "cron": cron}))
        """

    static func read(_ kind: String, _ file: String) throws -> Example {
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", reader, kind, examples.appendingPathComponent(file).path],
            environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONDecoder().decode(Example.self, from: Data(result.stdout.utf8))
    }

    /// The minimal organisation as a CI job sees it: each account through its hub role, assumed
    /// from whatever credentials the job has (no AWS config files on a CI runner).
    static func topology(_ org: OrganisationState) throws -> String {
        let tools = try #require(org.accounts["tools"])
        let dev = try #require(org.accounts["dev"])
        return """
            version: 1
            defaults:
              regions: [\(org.region)]
              executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
              access: {roleName: OrganizationAccountAccessRole}
            pipelines:
              - name: tools
                account: "\(tools)"
            environments:
              - name: dev
                account: "\(dev)"
                trust: [tools]
                trustForLookup: [tools]
            rules:
              minBootstrapVersion: 21
              allowAdministratorAccess: [dev]

            """
    }

    /// A fresh working directory holding `policies/org.yaml`, as a checkout of the repository would.
    static func checkout(_ org: OrganisationState) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-ci-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("policies"), withIntermediateDirectories: true)
        try topology(org).write(to: directory.appendingPathComponent("policies/org.yaml"), atomically: true, encoding: .utf8)
        return directory
    }

    /// The job's environment: the emulator's, no AWS config files, the built trustline first on PATH.
    static func environment(_ org: OrganisationState, _ extra: [String: String]) -> [String: String] {
        let path = PackagePaths.trustline.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return org.environment(
            ["PATH": path, "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"].merging(extra) { $1 })
    }

    /// Runs each command line through /bin/sh in `directory`; every one must exit 0.
    static func runAll(_ commands: [String], in directory: URL, environment: [String: String], secrets: [String]) throws {
        for command in commands {
            let result = try run(
                URL(fileURLWithPath: "/bin/sh"), ["-c", "cd '\(directory.path)' && \(command)"], environment: environment)
            #expect(result.status == 0, "\(command)\nexit \(result.status)\n\(result.stdout.suffix(3000))\(result.stderr.suffix(3000))")
            expectClean(result, secrets: secrets)
        }
    }

    /// JUnit: python's XML parser reads it, and its declared counts are the elements'.
    static func checkJUnit(_ file: URL) throws {
        let script = """
            import sys, xml.etree.ElementTree as E
            root = E.parse(sys.argv[1]).getroot()
            cases = root.findall("testsuite/testcase")
            counted = [len(cases)] + [sum(1 for c in cases if c.find(t) is not None) for t in ("failure", "error", "skipped")]
            declared = [int(root.get(k)) for k in ("tests", "failures", "errors", "skipped")]
            assert counted == declared, (counted, declared)
            assert counted[0] > 0 and counted[1] == 0 and counted[2] == 0, counted
            print(counted)
            """
        let result = try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, file.path], environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(file.lastPathComponent): \(result.stderr)")
    }

    /// SARIF: valid against the vendored SARIF 2.1.0 schema.
    static func checkSARIF(_ file: URL) throws {
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            log = json.load(open(sys.argv[2]))
            cls = jsonschema.validators.validator_for(schema)
            errors = ["/".join(map(str, e.absolute_path)) + ": " + e.message for e in cls(schema).iter_errors(log)]
            print("\\n".join(errors))
            sys.exit(1 if errors else 0)
            """
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, schema.path, file.path], environment: ProcessInfo.processInfo.environment)
        #expect(result.status == 0, "\(file.lastPathComponent): \(result.stdout)\(result.stderr)")
    }

    @Test func githubActionsExampleRunsAsWritten() async throws {
        let example = try Self.read("github", "github-actions.yml")
        #expect(example.permissions == ["id-token": "write", "contents": "read", "security-events": "write"])
        #expect(example.triggers.contains("pull_request") && example.triggers.contains("schedule"))
        #expect(!example.cron.isEmpty)
        #expect(example.commands.contains("trustline validate --topology policies/org.yaml"))
        #expect(
            example.commands.contains {
                $0.hasPrefix("trustline audit --topology policies/org.yaml") && $0.contains("--out reports")
                    && $0.contains("--junit reports/junit.xml") && $0.contains("--sarif reports/trustline.sarif")
            }, "\(example.commands)")
        #expect(example.sarif == ["reports/trustline.sarif"])

        let org = try await EmulatedOrganisation.shared.state(scenario: "minimal")
        let directory = try Self.checkout(org)
        defer { try? FileManager.default.removeItem(at: directory) }
        let summary = directory.appendingPathComponent("step-summary.md")
        try "## An earlier step\n\n".write(to: summary, atomically: true, encoding: .utf8)
        // What aws-actions/configure-aws-credentials leaves in the environment after the OIDC exchange.
        let environment = Self.environment(
            org,
            [
                "AWS_ACCESS_KEY_ID": org.adminAccessKeyId, "AWS_SECRET_ACCESS_KEY": org.adminSecretAccessKey, "GITHUB_ACTIONS": "true",
                "GITHUB_STEP_SUMMARY": summary.path,
            ])
        try Self.runAll(example.commands, in: directory, environment: environment, secrets: [org.adminSecretAccessKey])

        for file in example.sarif {
            let url = directory.appendingPathComponent(file)
            #expect(FileManager.default.fileExists(atPath: url.path), "\(file) was not written")
            if FileManager.default.fileExists(atPath: url.path) { try Self.checkSARIF(url) }
        }
        let junit = directory.appendingPathComponent("reports/junit.xml")
        #expect(FileManager.default.fileExists(atPath: junit.path))
        if FileManager.default.fileExists(atPath: junit.path) { try Self.checkJUnit(junit) }
        let written = try String(contentsOf: summary, encoding: .utf8)
        #expect(written.hasPrefix("## An earlier step\n\n"), "the step summary must be appended to, not replaced")
        #expect(written.contains("trustline"), "the Markdown report was not appended to GITHUB_STEP_SUMMARY")
        #expect(written.count > "## An earlier step\n\n".count + 100)
    }

    @Test func codeBuildExampleRunsAsWritten() async throws {
        let example = try Self.read("codebuild", "buildspec.yml")
        #expect(example.commands.contains("trustline validate --topology policies/org.yaml"))
        #expect(example.commands.contains { $0.hasPrefix("trustline audit --topology policies/org.yaml") && $0.contains("--junit reports/junit.xml") })
        #expect(example.junit == ["reports/junit.xml"])

        let org = try await EmulatedOrganisation.shared.state(scenario: "minimal")
        let directory = try Self.checkout(org)
        defer { try? FileManager.default.removeItem(at: directory) }

        // CodeBuild's container credentials endpoint, serving the job's identity.
        let endpoint = try FakeCredentialsEndpoint(
            accessKeyId: org.adminAccessKeyId, secretAccessKey: org.adminSecretAccessKey, token: "Bearer codebuild", in: directory)
        defer { endpoint.stop() }
        let port = endpoint.port
        let environment = Self.environment(
            org,
            [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer codebuild",
                "CODEBUILD_BUILD_ID": "trustline-nightly:00000000-0000-0000-0000-000000000000",
            ])
        try Self.runAll(example.commands, in: directory, environment: environment, secrets: [org.adminSecretAccessKey])

        for file in example.junit {
            let url = directory.appendingPathComponent(file)
            #expect(FileManager.default.fileExists(atPath: url.path), "\(file), the report group's file, was not written")
            if FileManager.default.fileExists(atPath: url.path) { try Self.checkJUnit(url) }
        }
        let sarif = directory.appendingPathComponent("reports/trustline.sarif")
        #expect(FileManager.default.fileExists(atPath: sarif.path))
        if FileManager.default.fileExists(atPath: sarif.path) { try Self.checkSARIF(sarif) }
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("reports/trustline-report.json").path))
    }
}
