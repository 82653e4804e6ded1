// ShardIntegrationTests — organisation scale on a private copy of the demo organisation: the
// audit unsharded, then as four shards (`audit --shard K/4`), merged with `trustline merge`,
// gives the same environments, findings and remediation, and the same Markdown but for its
// timestamp; progress and --verbose stay on stderr and never show a secret; bad shards, missing
// shards and duplicates exit 2.
import Foundation
import Testing
import TrustlineCore
import TrustlineReport

@Suite(.serialized) struct ShardIntegrationTests {
    static let topology = PackagePaths.root.appendingPathComponent("policies/demo.yaml").path

    func scratch(_ label: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A private demo organisation: AuditIntegrationTests repairs the shared one while it runs,
    /// which would make an unsharded and a sharded audit see different states.
    func organisation() async throws -> OrganisationState {
        let directory = try scratch("shard-scenario")
        let scenario = directory.appendingPathComponent("shard-demo.yaml")
        try FileManager.default.copyItem(at: PackagePaths.root.appendingPathComponent("scenarios/demo.yaml"), to: scenario)
        return try await EmulatedOrganisation.shared.state(scenarioFile: scenario, key: "shard-demo")
    }

    /// Every secret the run could leak: the admin key and every key of the credentials file.
    func secrets(_ org: OrganisationState) -> [String] {
        let text = (try? String(contentsOfFile: org.credentialsFile, encoding: .utf8)) ?? ""
        let keys = text.split(separator: "\n").compactMap { line -> String? in
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0] == "aws_secret_access_key" || parts[0] == "aws_session_token" else { return nil }
            return parts[1]
        }
        return [org.adminSecretAccessKey] + keys
    }

    func audit(_ org: OrganisationState, out: URL, _ extra: [String] = []) throws -> (CommandResult, AuditReport) {
        let result = try trustline(["audit", "--topology", Self.topology, "--out", out.path, "--no-color"] + extra, environment: org.environment())
        let data = try #require(FileManager.default.contents(atPath: out.appendingPathComponent("trustline-report.json").path), "\(result.stderr)")
        return (result, try ReportJSON.decode(data))
    }

    /// AWS gives every answer a new request id, which error messages quote: two runs over the
    /// same state differ only there.
    func sameRun(_ text: String) -> String {
        text.replacingOccurrences(of: #"request id [A-Za-z0-9-]+"#, with: "request id …", options: .regularExpression)
    }

    /// The report as people compare runs: without its timestamp and request ids.
    func comparable(_ report: AuditReport) throws -> AuditReport {
        var report = report
        report.generatedAt = Date(timeIntervalSince1970: 0)
        return try ReportJSON.decode(Data(sameRun(String(decoding: try ReportJSON.encode(report), as: UTF8.self)).utf8))
    }

    /// The lines of a file that do not hold the report's timestamp.
    func untimed(_ url: URL, _ report: AuditReport) throws -> [String] {
        let stamp = ReportTimestamp.string(from: report.generatedAt)
        return try sameRun(String(contentsOf: url, encoding: .utf8)).components(separatedBy: "\n").filter { !$0.contains(stamp) }
    }

    @Test func fourShardsMergeIntoTheUnshardedAudit() async throws {
        let org = try await organisation()
        let directory = try scratch("shard")
        defer { try? FileManager.default.removeItem(at: directory) }

        let (whole, unsharded) = try audit(org, out: directory.appendingPathComponent("whole"))
        #expect(whole.status == 3, "\(whole.stdout)\(whole.stderr)")
        #expect(unsharded.environments.count == 8)
        #expect(unsharded.shard == nil)
        // Not a terminal, no --progress: nothing but the summary (stdout) and no progress (stderr).
        #expect(whole.stderr.isEmpty, "\(whole.stderr)")

        var shardFiles: [String] = []
        var audited = 0
        for index in 1...4 {
            let out = directory.appendingPathComponent("shard-\(index)")
            let (result, report) = try audit(org, out: out, ["--shard", "\(index)/4"])
            expectClean(result, secrets: secrets(org))
            #expect([0, 1, 3].contains(result.status), "\(result.stderr)")
            #expect(result.status == Int32(report.summary.exitCode))
            #expect(report.shard?.index == index && report.shard?.count == 4)
            #expect(report.environments.allSatisfy { Shard.index(ofAccount: $0.account, count: 4) == index })
            // IAM is read per account: every region of an account in the same shard.
            if report.environments.contains(where: { $0.name == "prod" }) {
                #expect(Set(report.environments.filter { $0.name == "prod" }.map(\.region)) == ["us-east-1", "eu-west-1"])
            }
            audited += report.environments.count
            shardFiles.append(out.appendingPathComponent("trustline-report.json").path)
        }
        #expect(audited == unsharded.environments.count)

        let mergedDirectory = directory.appendingPathComponent("merged")
        let merge = try trustline(["merge"] + shardFiles.reversed() + ["--out", mergedDirectory.path, "--no-color"], environment: org.environment())
        expectClean(merge, secrets: secrets(org))
        #expect(merge.status == whole.status, "\(merge.stdout)\(merge.stderr)")
        let merged = try ReportJSON.decode(try Data(contentsOf: mergedDirectory.appendingPathComponent("trustline-report.json")))
        #expect(merged.shard == nil)
        let (mergedView, unshardedView) = (try comparable(merged), try comparable(unsharded))
        #expect(mergedView.environments == unshardedView.environments)
        #expect(mergedView.findings == unshardedView.findings)
        #expect(mergedView.remediation == unshardedView.remediation)
        #expect(merged.summary == unsharded.summary)
        #expect(mergedView == unshardedView)

        // The Markdown and the script differ only in the timestamp line.
        let wholeMarkdown = try untimed(directory.appendingPathComponent("whole/trustline-report.md"), unsharded)
        let mergedMarkdown = try untimed(mergedDirectory.appendingPathComponent("trustline-report.md"), merged)
        #expect(wholeMarkdown == mergedMarkdown)
        #expect(
            try String(contentsOf: directory.appendingPathComponent("whole/trustline-report.md"), encoding: .utf8).components(separatedBy: "\n").count
                == wholeMarkdown.count + 1)
        #expect(
            try untimed(directory.appendingPathComponent("whole/remediation.sh"), unsharded)
                == untimed(mergedDirectory.appendingPathComponent("remediation.sh"), merged))
        let attributes = try FileManager.default.attributesOfItem(atPath: mergedDirectory.appendingPathComponent("remediation.sh").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o755)
        // The same summary is printed, but for the report paths.
        #expect(
            sameRun(merge.stdout).replacingOccurrences(of: mergedDirectory.path, with: "OUT")
                .replacingOccurrences(of: ReportTimestamp.string(from: merged.generatedAt), with: "TIME")
                == sameRun(whole.stdout).replacingOccurrences(of: directory.appendingPathComponent("whole").path, with: "OUT")
                .replacingOccurrences(of: ReportTimestamp.string(from: unsharded.generatedAt), with: "TIME"))

        // An incomplete set of shards is refused, naming the missing one; nothing is written.
        let partial = directory.appendingPathComponent("partial")
        let three = try trustline(["merge"] + Array(shardFiles.prefix(3)) + ["--out", partial.path], environment: org.environment())
        #expect(three.status == 2)
        #expect(three.stderr.contains("shard 4/4 is missing (3 of 4 given)"), "\(three.stderr)")
        #expect(!FileManager.default.fileExists(atPath: partial.path))
        // A shard given twice, and an unsharded report among shards.
        let twice = try trustline(["merge"] + shardFiles + [shardFiles[1], "--out", partial.path], environment: org.environment())
        #expect(twice.status == 2)
        #expect(twice.stderr.contains("are both shard 2/4"), "\(twice.stderr)")
        let mixed = try trustline(
            ["merge", directory.appendingPathComponent("whole/trustline-report.json").path] + shardFiles + ["--out", partial.path],
            environment: org.environment())
        #expect(mixed.status == 2)
        #expect(mixed.stderr.contains("is not a shard report"), "\(mixed.stderr)")
    }

    /// A summary without what differs between two runs: paths, timestamps, request ids.
    func summaryShape(_ stdout: String, out: URL) -> String {
        sameRun(stdout).replacingOccurrences(of: out.path, with: "OUT")
            .replacingOccurrences(of: #"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z"#, with: "TIME", options: .regularExpression)
    }

    @Test func progressAndVerboseStayOnStderrAndShowNoSecret() async throws {
        let org = try await organisation()
        let directory = try scratch("shard-verbose")
        defer { try? FileManager.default.removeItem(at: directory) }

        let (plain, _) = try audit(org, out: directory.appendingPathComponent("plain"), ["--shard", "2/4"])
        let (loud, report) = try audit(org, out: directory.appendingPathComponent("loud"), ["--shard", "2/4", "--verbose", "--progress"])
        expectClean(loud, secrets: secrets(org))
        #expect(loud.status == plain.status)
        #expect(
            summaryShape(loud.stdout, out: directory.appendingPathComponent("loud"))
                == summaryShape(plain.stdout, out: directory.appendingPathComponent("plain")))
        #expect(plain.stderr.isEmpty, "\(plain.stderr)")
        let lines = loud.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("trustline: shard 2/4: ") }, "\(loud.stderr)")
        #expect(lines.contains { $0.contains("environments read") && $0.contains("request") }, "\(loud.stderr)")
        #expect(lines.contains { $0.hasPrefix("trustline: \(report.environments.count)/\(report.environments.count) environment") }, "\(loud.stderr)")
        for environment in report.environments {
            let line = "trustline: \(environment.name) aws://\(environment.account)/\(environment.region) \(environment.status.rawValue)"
            #expect(lines.contains(line), "\(line) in \(loud.stderr)")
        }
        // Not a terminal: plain lines, never a carriage return or an escape sequence.
        #expect(!loud.stderr.contains("\r"))
        #expect(!loud.stderr.contains("\u{1B}"))
        #expect(!loud.stderr.lowercased().contains("authorization"))
        #expect(!loud.stderr.contains("aws_secret"))
    }

    @Test(arguments: [
        (["--shard", "5/4"], "'5/4': the shard K must be from 1 to N"),
        (["--shard", "0/4"], "the shard K must be from 1 to N"),
        (["--shard", "1/1001"], "the number of shards N must be from 1 to 1000"),
        (["--shard", "two/4"], "is not a shard: write K/N"),
        (["--quiet", "--verbose"], "--quiet cannot be combined with --verbose or --progress"),
    ])
    func badOptionsExit2(_ arguments: [String], _ message: String) throws {
        let directory = try scratch("shard-usage")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try trustline(
            ["audit", "--topology", Self.topology, "--out", directory.path] + arguments, environment: ["PATH": "/usr/bin:/bin", "HOME": directory.path])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("trustline-report.json").path))
    }

    @Test func mergeInputErrorsExit2() throws {
        let directory = try scratch("merge-usage")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = ["PATH": "/usr/bin:/bin", "HOME": directory.path]
        let missing = try trustline(["merge", directory.appendingPathComponent("nope.json").path, "--out", directory.path], environment: environment)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("no such report file"), "\(missing.stderr)")
        let junk = directory.appendingPathComponent("junk.json")
        try Data("{}".utf8).write(to: junk)
        let notReport = try trustline(["merge", junk.path, "--out", directory.path], environment: environment)
        #expect(notReport.status == 2)
        #expect(notReport.stderr.contains("not a trustline report"), "\(notReport.stderr)")
        let noOut = try trustline(["merge", junk.path], environment: environment)
        #expect(noOut.status == 2)
        let none = try trustline(["merge", "--out", directory.path], environment: environment)
        #expect(none.status == 2)
    }
}
