// Audit — `trustline audit`: scan every environment of the topology, write the reports, print
// a summary, exit with the contract's code.
import ArgumentParser
import Foundation
import TrustlineAWS
import TrustlineCore
import TrustlineDiscovery
import TrustlineReport

extension Severity: ExpressibleByArgument {}

extension Trustline {
    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Scan every environment of the topology, write reports, print a summary.",
            discussion: """
                Writes trustline-report.json, trustline-report.md and remediation.sh to --out.
                Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 input error; \
                3 incomplete (some environment could not be audited; takes precedence over 1).
                """)

        @Option(help: "The topology file (policies/*.yaml).")
        var topology: String

        @Option(help: "Where to write the reports.")
        var out: String = "reports"

        @Option(help: "Fail (exit 1) on findings at or above this severity: low, medium, high, critical.")
        var failOn: Severity = .high

        @Option(help: "Accounts read at once (their regions in parallel, IAM paced per account).")
        var concurrency: Int = 32

        @Option(
            help: ArgumentHelp(
                "Seconds the environments of one account may take; past it they are reported unreachable (the audit is incomplete).",
                valueName: "seconds"))
        var deadline: Double = Discovery.defaultDeadline

        @Option(help: "Also save what AWS said (the snapshots) to this JSON file, for offline re-evaluation.")
        var saveSnapshots: String?

        @Option(help: "Evaluate saved snapshots instead of reading AWS.")
        var fromSnapshots: String?

        @Option(
            help: ArgumentHelp(
                "The previous report (trustline-report.json): trust it had and this audit no longer finds is trust-lost.", valueName: "report.json"))
        var baseline: String?

        @Option(
            help: ArgumentHelp(
                "Publish a summary to sns:TOPIC_ARN when something changed since --baseline (without one: when the audit does not pass).",
                valueName: "sns:topic-arn"),
            transform: NotificationTarget.init(argument:))
        var notify: NotificationTarget?

        @Option(help: ArgumentHelp("The AWS profile that publishes the notification (default: the default credential chain).", valueName: "profile"))
        var notifyProfile: String?

        @Option(help: ArgumentHelp("Where people find the report, as the notification says (default: the JSON report's path).", valueName: "path-or-url"))
        var notifyReportLocation: String?

        @Option(help: "Also write a JUnit XML report here (one test case per environment × check), for CodeBuild, GitLab, Jenkins.")
        var junit: String?

        @Option(help: "Also write a SARIF 2.1.0 report here (findings at the environment's line in the topology), for GitHub code scanning.")
        var sarif: String?

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        @Flag(help: "Never color the terminal summary.")
        var noColor = false

        @Option(
            help: ArgumentHelp(
                "Audit only shard K of N (1 ≤ K ≤ N ≤ 1000): the environments whose account hashes to it. Join the shards' reports with trustline merge.",
                valueName: "K/N"),
            transform: Shard.init(parsing:))
        var shard: Shard?

        @Flag(help: "Show the progress on stderr even when it is not a terminal (CI logs); a terminal shows it anyway.")
        var progress = false

        @Flag(help: "Print on stderr how the reading goes (environments, requests, times), then one line per environment and its status.")
        var verbose = false

        func validate() throws {
            guard concurrency >= 1 && concurrency <= 512 else { throw ValidationError("--concurrency must be from 1 to 512") }
            guard deadline.isFinite && deadline > 0 && deadline <= 86_400 else {
                throw ValidationError("--deadline must be a positive number of seconds, at most 86400")
            }
            do {
                _ = try CurlHTTPClient.Configuration(environment: ProcessInfo.processInfo.environment)
            } catch {
                throw ValidationError(error.localizedDescription)
            }
            if quiet && (verbose || progress) { throw ValidationError("--quiet cannot be combined with --verbose or --progress") }
            if notify == nil && (notifyProfile != nil || notifyReportLocation != nil) {
                throw ValidationError("--notify-profile and --notify-report-location need --notify")
            }
        }

        func run() async throws {
            let topology = try loadTopology(topology)
            // A shard reads only its accounts' environments, but is judged against the whole topology.
            let audited = shard.map { topology.restricted(to: $0) } ?? topology
            let meter = AuditProgress(style: AuditProgress.style(quiet: quiet, forced: progress), verbose: verbose)
            if let shard, verbose {
                meter.note("shard \(shard): \(AuditProgress.environments(audited.targetCount)) of \(topology.targetCount)")
            }
            // A whole baseline is cut down to this shard, or the other shards' environments would look removed.
            let previous = try baseline.map(loadReport).map { whole in shard.map { whole.restricted(to: $0) } ?? whole }
            let builder = AuditReportBuilder(topology: topology, failOn: failOn, version: Trustline.configuration.version)
            let snapshots: [EnvironmentSnapshot]
            var report: AuditReport
            if let fromSnapshots {
                snapshots = try readSnapshots(fromSnapshots).filter { shard == nil || audited.environment(named: $0.environment) != nil }
                report = builder.build(snapshots: snapshots, generatedAt: Date())
            } else {
                let resolver: CredentialResolver
                do {
                    resolver = try CredentialResolver(
                        http: RequestCounter(CurlHTTPClient(configuration: .init(environment: ProcessInfo.processInfo.environment))))
                } catch {
                    throw fail(error)
                }
                meter.start(total: audited.targetCount, requests: resolver.http as? RequestCounter)
                // Each account is evaluated as soon as it is read, while the others are being read.
                let evaluation = builder.incremental()
                snapshots = await Discovery(topology: audited, resolver: resolver, concurrency: concurrency, deadline: deadline)
                    .run(progress: { meter.update(done: $0, total: $1) }, received: { evaluation.add($0) }, keep: saveSnapshots != nil)
                meter.finish()
                report = evaluation.report(generatedAt: Date())
            }
            if let saveSnapshots {
                try writeFile(try snapshotEncoder().encode(snapshots), to: saveSnapshots)
            }
            report.shard = shard
            var changes: ReportDiff?
            if let previous, let baseline {
                let comparison = BaselineComparison(baseline: previous, baselinePath: baseline, topology: topology)
                report = comparison.apply(to: report)
                changes = ReportDiff.compare(
                    baseline: previous, current: report, baselinePath: baseline, currentPath: nil, accountNames: comparison.accountNames)
            }
            meter.report(report.environments)

            let directory = URL(fileURLWithPath: out, isDirectory: true)
            let json = directory.appendingPathComponent("trustline-report.json")
            let markdown = directory.appendingPathComponent("trustline-report.md")
            let script = directory.appendingPathComponent("remediation.sh")
            do {
                // The whole set under the signal gate: Ctrl-C waits for it, so it is all old or all new.
                try ReportWrites.perform {
                    try AtomicFileWriter.write(try ReportJSON.encode(report), to: json)
                    try AtomicFileWriter.write(Data(MarkdownReport.render(report).utf8), to: markdown)
                    try AtomicFileWriter.write(Data(RemediationScript.render(report).utf8), to: script, permissions: 0o755)
                    if let junit { try AtomicFileWriter.write(Data(JUnitReport.render(report).utf8), to: URL(fileURLWithPath: junit)) }
                    if let sarif { try AtomicFileWriter.write(Data(SARIFReport.render(report, topology: topology).utf8), to: URL(fileURLWithPath: sarif)) }
                }
                // GitHub Actions shows this file on the run's page; append, as every step may write to it.
                if let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
                    if !FileManager.default.fileExists(atPath: summary) { FileManager.default.createFile(atPath: summary, contents: nil) }
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: summary))
                    defer { try? handle.close() }
                    try handle.seekToEnd()
                    try handle.write(contentsOf: Data((MarkdownReport.render(report) + "\n").utf8))
                }
            } catch {
                FileHandle.standardError.write(Data("trustline: error: cannot write the reports to \(out): \(error.localizedDescription)\n".utf8))
                throw ExitCode(ExitStatus.inputError.rawValue)
            }
            if !quiet {
                let color = !noColor && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                print(TerminalSummary.render(report, color: color, reportPaths: [json.path, markdown.path, script.path]), terminator: "")
            }
            if let changes, !quiet { print("\n" + DiffReport.text(changes, heading: "Since the baseline"), terminator: "") }
            if let notify {
                _ = await notify.publishIfNeeded(
                    report: report, diff: changes, profile: notifyProfile, reportLocation: notifyReportLocation ?? json.path, quiet: quiet)
            }
            throw ExitCode(Int32(report.summary.exitCode))
        }
    }
}

/// Reads and validates a topology file; problems exit 2 naming file, line and field.
func loadTopology(_ path: String) throws -> Topology {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("trustline: error: \(path): cannot read the topology file\n".utf8))
        throw ExitCode(ExitStatus.inputError.rawValue)
    }
    do {
        return try TopologyParser.parse(String(decoding: data, as: UTF8.self), file: path)
    } catch let error as TopologyError {
        for issue in error.issues {
            let place = [issue.file, issue.line.map(String.init), issue.column.map(String.init)].compactMap { $0 }.joined(separator: ":")
            FileHandle.standardError.write(Data("trustline: error: \(place): \(issue.field.isEmpty ? "" : "\(issue.field): ")\(issue.message)\n".utf8))
        }
        throw ExitCode(ExitStatus.inputError.rawValue)
    }
}

func snapshotEncoder() -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return encoder
}

func readSnapshots(_ path: String) throws -> [EnvironmentSnapshot] {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .iso8601
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("trustline: error: \(path): cannot read the snapshots file\n".utf8))
        throw ExitCode(ExitStatus.inputError.rawValue)
    }
    do {
        return try decoder.decode([EnvironmentSnapshot].self, from: data)
    } catch {
        FileHandle.standardError.write(Data("trustline: error: \(path): not a trustline snapshots file: \(error.localizedDescription)\n".utf8))
        throw ExitCode(ExitStatus.inputError.rawValue)
    }
}

func writeFile(_ data: Data, to path: String) throws {
    do {
        try AtomicFileWriter.write(data, to: URL(fileURLWithPath: path))
    } catch {
        FileHandle.standardError.write(Data("trustline: error: cannot write \(path): \(error.localizedDescription)\n".utf8))
        throw ExitCode(ExitStatus.inputError.rawValue)
    }
}
