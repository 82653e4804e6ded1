// NightlyIntegrationTests — scripts/nightly-audit three nights in a row on a private copy of the
// minimal organisation: a clean first night (no baseline, no message), the classic re-bootstrap
// with the real CDK CLI that drops the pipeline (trust-lost with the stack's update time,
// `trustline diff` exit 1, exactly one SNS message, read back through an SQS subscription), and an
// unchanged night (nothing more published). Also the input errors of --baseline, --notify and diff.
import Foundation
import Testing
import TrustlineCore
import TrustlineReport

@Suite(.serialized) struct NightlyIntegrationTests {
    static let tools = "111111111111"
    static let dev = "222222222222"

    static let topology = """
        # The intended state of the nightly test's private copy of scenarios/minimal.yaml.
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
        rules:
          allowAdministratorAccess: [dev]

        """

    func scratch(_ label: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A private organisation: this test re-bootstraps dev, which the shared minimal one must never
    /// see. Its moto checks Query signatures over the bytes sent, as AWS does (launcher patch query-raw-body).
    func organisation(in directory: URL) async throws -> OrganisationState {
        let scenario = directory.appendingPathComponent("nightly-minimal.yaml")
        try FileManager.default.copyItem(at: PackagePaths.root.appendingPathComponent("scenarios/minimal.yaml"), to: scenario)
        return try await EmulatedOrganisation.shared.state(scenarioFile: scenario, key: "nightly")
    }

    /// The org's environment with the admin keys for the python helper (it signs its own requests).
    func adminEnvironment(_ org: OrganisationState) -> [String: String] {
        org.environment(["AWS_ACCESS_KEY_ID": org.adminAccessKeyId, "AWS_SECRET_ACCESS_KEY": org.adminSecretAccessKey])
    }

    func snsHelper(_ arguments: [String], org: OrganisationState) throws -> CommandResult {
        try run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", PackagePaths.support.appendingPathComponent("sns_topic.py").path] + arguments,
            environment: adminEnvironment(org))
    }

    /// Every message waiting in the subscribed queue: SNS envelopes (`Subject`, `Message`, …).
    func received(_ queue: String, org: OrganisationState) throws -> [[String: Any]] {
        let result = try snsHelper(["receive", queue], org: org)
        #expect(result.status == 0, "\(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
    }

    func nightly(_ arguments: [String], org: OrganisationState) throws -> CommandResult {
        try run(
            URL(fileURLWithPath: "/bin/bash"), [PackagePaths.root.appendingPathComponent("scripts/nightly-audit").path] + arguments,
            environment: org.environment(["TRUSTLINE": PackagePaths.trustline.path]))
    }

    func history(_ reports: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: reports.appendingPathComponent("history"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    func report(_ url: URL) throws -> AuditReport {
        try ReportJSON.decode(try Data(contentsOf: url), source: url.path)
    }

    @Test func threeNightsWithARebootstrapThatDropsThePipeline() async throws {
        let started = Date()
        let directory = try scratch("nightly")
        defer { try? FileManager.default.removeItem(at: directory) }
        let org = try await organisation(in: directory)
        let orgReady = Date()
        let topologyFile = directory.appendingPathComponent("org.yaml")
        try Self.topology.write(to: topologyFile, atomically: true, encoding: .utf8)
        let reports = directory.appendingPathComponent("reports")

        // The notification channel: a topic in the management account, an SQS queue subscribed.
        let created = try snsHelper(["create", "trustline-nightly"], org: org)
        #expect(created.status == 0, "\(created.stderr)")
        let channel = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: String])
        let topic = try #require(channel["topicArn"])
        let queue = try #require(channel["queueUrl"])
        let arguments = [
            "--topology", topologyFile.path, "--reports", reports.path, "--notify", "sns:\(topic)", "--", "--notify-profile", "org-admin",
        ]

        // Night 1: no baseline yet; everything is healthy, so nothing is published.
        let first = try nightly(arguments, org: org)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stderr.contains("first run, no baseline"))
        #expect(first.stderr.contains("the audit passed: no notification sent"))
        expectClean(first, secrets: [org.adminSecretAccessKey])
        let night1 = try report(reports.appendingPathComponent("latest.json"))
        #expect(night1.findings.isEmpty, "\(night1.findings.map(\.message))")
        #expect(try history(reports).count == 1)
        #expect(FileManager.default.fileExists(atPath: reports.appendingPathComponent("latest.md").path))
        #expect(try received(queue, org: org).isEmpty)

        // The classic mistake: dev re-bootstrapped for a second pipeline, without repeating tools.
        let cdk = try run(
            URL(fileURLWithPath: "/bin/sh"),
            [
                "-c",
                "cd \(ShellQuoting.quote(directory.path)) && cdk bootstrap aws://222222222222/us-east-1 --profile dev --trust 444444444444 --cloudformation-execution-policies arn:aws:iam::aws:policy/AdministratorAccess",
            ],
            environment: org.environment(["PATH": PackagePaths.support.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")]))
        #expect(cdk.status == 0, "\(cdk.stdout.suffix(1500))\(cdk.stderr.suffix(1500))")
        let rebootstrapped = Date()

        // Night 2: trust-lost for tools, with the stack's update time; one message published.
        let second = try nightly(arguments, org: org)
        #expect(second.status == 1, "\(second.stdout)\(second.stderr)")
        #expect(second.stderr.contains("trustline: notified \(topic)"), "\(second.stderr)")
        #expect(second.stdout.contains("Trust lost (1)"))
        expectClean(second, secrets: [org.adminSecretAccessKey])
        let night2 = try report(reports.appendingPathComponent("latest.json"))
        let lost = try #require(night2.findings.first { $0.check == .trustLost }, "\(night2.findings.map(\.message))")
        #expect(night2.findings.filter { $0.check == .trustLost }.count == 1)
        #expect(lost.severity == .critical)
        #expect(lost.evidence["account"] == Self.tools)
        #expect(lost.evidence["roles"] == "deploy,file-publishing,image-publishing")  // the CLI keeps TrustedAccountsForLookup
        #expect(lost.evidence["baseline"] == reports.appendingPathComponent("latest.json").path)
        #expect(lost.evidence["baselineGeneratedAt"] == ReportTimestamp.string(from: night1.generatedAt))
        #expect(lost.evidence["stackStatus"] == "UPDATE_COMPLETE")
        let updated = try #require(lost.evidence["stackLastUpdated"].flatMap(ReportTimestamp.date(from:)), "\(lost.evidence)")
        #expect(updated > night1.generatedAt && updated <= rebootstrapped.addingTimeInterval(1))
        #expect(
            lost.message.hasPrefix(
                "aws://222222222222/us-east-1 no longer trusts 111111111111 (tools) for deploy, file-publishing, image-publishing; the baseline of \(ReportTimestamp.string(from: night1.generatedAt)) did. The stack CDKToolkit was updated at \(ReportTimestamp.string(from: updated)) (status UPDATE_COMPLETE)."
            ), "\(lost.message)")
        #expect(night2.summary.exitCode == 1)
        let schema = try run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", "-c", "import json, sys, jsonschema; jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))",
                reports.appendingPathComponent("latest.json").path, PackagePaths.root.appendingPathComponent("schemas/trustline-report.schema.json").path,
            ], environment: org.environment())
        #expect(schema.status == 0, "the report with trust-lost follows the schema: \(schema.stderr.suffix(1500))")
        #expect(night2.remediation.first?.fixes.contains(.trustLost) == true)
        #expect(night2.remediation.first?.argv.contains(Self.tools) == true)

        let files = try history(reports)
        #expect(files.count == 2)
        #expect(files.allSatisfy { $0.lastPathComponent.range(of: #"^\d{4}-\d\d-\d\dT\d{6}Z(-\d+)?\.json$"#, options: .regularExpression) != nil })
        #expect(FileManager.default.fileExists(atPath: files[1].deletingPathExtension().appendingPathExtension("md").path))

        // Exactly one message, as subscribers get it.
        let messages = try received(queue, org: org)
        #expect(messages.count == 1)
        let envelope = try #require(messages.first)
        let subject = try #require(envelope["Subject"] as? String)
        #expect(subject.hasPrefix("trustline FAILED - trust lost in dev"), "\(subject)")
        #expect(subject.count <= 100)
        let body = try #require(envelope["Message"] as? String)
        let chatbot = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any], "\(body)")
        #expect(chatbot["version"] as? String == "1.0")
        #expect(chatbot["source"] as? String == "custom")
        let content = try #require(chatbot["content"] as? [String: Any])
        let description = try #require(content["description"] as? String)
        #expect(description.contains("*Trust lost (1)*"))
        #expect(description.contains("111111111111 (tools) — deploy, file-publishing, image-publishing"))
        #expect(description.contains("trust-lost"))
        #expect(description.contains("Report: \(files[1].path)"), "\(description)")
        #expect(!body.contains(org.adminSecretAccessKey))

        // `trustline diff` of the two history files shows it and exits 1.
        let diff = try trustline(["diff", files[0].path, files[1].path], environment: org.environment())
        #expect(diff.status == 1, "\(diff.stdout)\(diff.stderr)")
        #expect(
            diff.stdout.contains("Trust lost (1)\n  dev aws://222222222222/us-east-1: 111111111111 — deploy, file-publishing, image-publishing"),
            "\(diff.stdout)")
        #expect(diff.stdout.contains("Trust gained (1)\n  dev aws://222222222222/us-east-1: 444444444444 — deploy, file-publishing, image-publishing"))
        #expect(diff.stdout.contains("critical trust-lost dev (us-east-1)"))
        let json = try trustline(["diff", files[0].path, files[1].path, "--json"], environment: org.environment())
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["trustLost"] as? Bool == true)
        let backwards = try trustline(["diff", files[1].path, files[0].path], environment: org.environment())
        #expect(backwards.status == 0, "gaining trust back is not a loss")
        #expect(backwards.stdout.contains("wrong order"))

        // Night 3: nothing changed. The loss is still reported, nothing more is published.
        let third = try nightly(arguments, org: org)
        #expect(third.status == 1, "\(third.stdout)\(third.stderr)")
        #expect(third.stderr.contains("nothing changed since the baseline: no notification sent"), "\(third.stderr)")
        let night3 = try report(reports.appendingPathComponent("latest.json"))
        #expect(night3.findings.filter { $0.check == .trustLost } == night2.findings.filter { $0.check == .trustLost })
        #expect(try history(reports).count == 3)
        #expect(try received(queue, org: org).isEmpty)

        // A publish that fails is a warning: the audit's exit code stands, the script says so.
        let missingTopic = "sns:arn:aws:sns:us-east-1:123456789012:no-such-topic"
        let failing = try nightly(
            [
                "--topology", topologyFile.path, "--reports", directory.appendingPathComponent("other").path, "--notify", missingTopic, "--",
                "--notify-profile", "org-admin",
            ],
            org: org)
        #expect(failing.status == 1, "\(failing.stderr)")
        #expect(failing.stderr.contains("trustline: warning: the notification to arn:aws:sns:us-east-1:123456789012:no-such-topic failed"), "\(failing.stderr)")
        #expect(failing.stderr.contains("nightly-audit: warning: the notification"))
        expectClean(failing, secrets: [org.adminSecretAccessKey])

        let finished = Date()
        print(
            "nightly timings: organisation \(Int(orgReady.timeIntervalSince(started)))s, nights and diff \(Int(finished.timeIntervalSince(orgReady)))s"
        )
    }

    @Test func inputErrorsExitTwoNamingTheFile() throws {
        let directory = try scratch("nightly-input")
        defer { try? FileManager.default.removeItem(at: directory) }
        let topologyFile = directory.appendingPathComponent("org.yaml")
        try Self.topology.write(to: topologyFile, atomically: true, encoding: .utf8)
        let environment = ["PATH": "/usr/bin:/bin", "HOME": directory.path, "AWS_EC2_METADATA_DISABLED": "true"]
        let missing = directory.appendingPathComponent("gone.json").path
        let garbage = directory.appendingPathComponent("garbage.json")
        try "{\"schemaVersion\": 7}".write(to: garbage, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out").path

        let noBaseline = try trustline(["audit", "--topology", topologyFile.path, "--baseline", missing, "--out", out], environment: environment)
        #expect(noBaseline.status == 2)
        #expect(noBaseline.stderr.contains("gone.json: no such report file"), "\(noBaseline.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing audited, nothing written")

        let badBaseline = try trustline(["audit", "--topology", topologyFile.path, "--baseline", garbage.path, "--out", out], environment: environment)
        #expect(badBaseline.status == 2)
        #expect(badBaseline.stderr.contains("garbage.json: not a trustline report: schemaVersion is 7"), "\(badBaseline.stderr)")

        for (notify, expected) in [
            ("slack:#ops", "--notify takes sns:TOPIC_ARN"), ("sns:arn:aws:sns:us-east-1:12345:t", "is not 12 digits"),
        ] {
            let result = try trustline(["audit", "--topology", topologyFile.path, "--notify", notify, "--out", out], environment: environment)
            #expect(result.status == 2, "\(result.stderr)")
            #expect(result.stderr.contains(expected), "\(result.stderr)")
        }
        let orphan = try trustline(["audit", "--topology", topologyFile.path, "--notify-profile", "x"], environment: environment)
        #expect(orphan.status == 2)
        #expect(orphan.stderr.contains("need --notify"))

        let diffMissing = try trustline(["diff", missing, garbage.path], environment: environment)
        #expect(diffMissing.status == 2)
        #expect(diffMissing.stderr.contains("gone.json: no such report file"))
        let diffGarbage = try trustline(["diff", garbage.path, garbage.path], environment: environment)
        #expect(diffGarbage.status == 2)
        let diffUsage = try trustline(["diff", garbage.path], environment: environment)
        #expect(diffUsage.status == 2)

        let script = try run(
            URL(fileURLWithPath: "/bin/bash"), [PackagePaths.root.appendingPathComponent("scripts/nightly-audit").path, "--reports", out],
            environment: environment.merging(["TRUSTLINE": PackagePaths.trustline.path]) { $1 })
        #expect(script.status == 2)
        #expect(script.stderr.contains("--topology FILE is required"))
        // A topology error: exit 2, and no latest.json is made from nothing.
        let bad = directory.appendingPathComponent("bad.yaml")
        try "version: 1\npipelines: []\n".write(to: bad, atomically: true, encoding: .utf8)
        let broken = try run(
            URL(fileURLWithPath: "/bin/bash"),
            [PackagePaths.root.appendingPathComponent("scripts/nightly-audit").path, "--topology", bad.path, "--reports", out],
            environment: environment.merging(["TRUSTLINE": PackagePaths.trustline.path]) { $1 })
        #expect(broken.status == 2, "\(broken.stderr)")
        #expect(broken.stderr.contains("left unchanged"))
        #expect(!FileManager.default.fileExists(atPath: out + "/latest.json"))
    }
}
