// Merge — `trustline merge`: joins the reports of a sharded audit (`audit --shard K/N`, one per
// CI job) into the reports one unsharded audit would have written, prints the summary, and exits
// with the merged verdict's code.
import ArgumentParser
import Foundation
import TrustlineCore
import TrustlineReport

extension Trustline {
    struct Merge: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Join the reports of a sharded audit (audit --shard K/N) into one.",
            discussion: """
                Writes trustline-report.json, trustline-report.md and remediation.sh to --out, as an \
                unsharded audit would. Every shard must be given once: a missing shard, an environment \
                in two reports, or reports of different topologies or trustline versions exit 2.
                Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 input error; \
                3 incomplete (some environment could not be audited; takes precedence over 1).
                """)

        @Argument(help: ArgumentHelp("The shards' trustline-report.json files.", valueName: "report.json"))
        var reports: [String]

        @Option(help: "Where to write the merged reports.")
        var out: String

        @Option(help: "Fail (exit 1) on findings at or above this severity (default: the shards' --fail-on).")
        var failOn: Severity?

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        @Flag(help: "Never color the terminal summary.")
        var noColor = false

        func validate() throws {
            if reports.isEmpty { throw ValidationError("give the trustline-report.json of every shard") }
        }

        func run() throws {
            var inputs: [ReportMerge.Input] = []
            for path in reports {
                inputs.append(ReportMerge.Input(source: path, report: try loadReport(path)))
            }
            let report: AuditReport
            do {
                report = try ReportMerge.merge(inputs, failOn: failOn)
            } catch {
                FileHandle.standardError.write(Data("trustline: error: \(error.message)\n".utf8))
                throw ExitStatus.inputError.exitCode
            }

            let directory = URL(fileURLWithPath: out, isDirectory: true)
            let json = directory.appendingPathComponent("trustline-report.json")
            let markdown = directory.appendingPathComponent("trustline-report.md")
            let script = directory.appendingPathComponent("remediation.sh")
            do {
                let rendered = MarkdownReport.render(report)
                // The whole set under the signal gate (SignalHandling.swift): all old or all new.
                try ReportWrites.perform {
                    try AtomicFileWriter.write(try ReportJSON.encode(report), to: json)
                    try AtomicFileWriter.write(Data(rendered.utf8), to: markdown)
                    try AtomicFileWriter.write(Data(RemediationScript.render(report).utf8), to: script, permissions: 0o755)
                }
                // GitHub Actions shows this file on the run's page (the merge job's, for a matrix).
                if let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty {
                    if !FileManager.default.fileExists(atPath: summary) { _ = FileManager.default.createFile(atPath: summary, contents: nil) }
                    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: summary))
                    defer { try? handle.close() }
                    try handle.seekToEnd()
                    try handle.write(contentsOf: Data((rendered + "\n").utf8))
                }
            } catch {
                FileHandle.standardError.write(
                    Data("trustline: error: cannot write the reports to \(SafeText.singleLine(out)): \(error.localizedDescription)\n".utf8))
                throw ExitStatus.inputError.exitCode
            }
            if !quiet {
                let color = !noColor && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                print(TerminalSummary.render(report, color: color, reportPaths: [json.path, markdown.path, script.path]), terminator: "")
            }
            throw ExitCode(Int32(report.summary.exitCode))
        }
    }
}
