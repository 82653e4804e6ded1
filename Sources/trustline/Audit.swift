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

        @Option(help: "Accounts read at once.")
        var concurrency: Int = 16

        @Option(help: "Also save what AWS said (the snapshots) to this JSON file, for offline re-evaluation.")
        var saveSnapshots: String?

        @Option(help: "Evaluate saved snapshots instead of reading AWS.")
        var fromSnapshots: String?

        @Flag(help: "Print nothing but errors.")
        var quiet = false

        @Flag(help: "Never color the terminal summary.")
        var noColor = false

        func validate() throws {
            guard concurrency >= 1 && concurrency <= 512 else { throw ValidationError("--concurrency must be from 1 to 512") }
        }

        func run() async throws {
            let topology = try loadTopology(topology)
            let snapshots: [EnvironmentSnapshot]
            if let fromSnapshots {
                snapshots = try readSnapshots(fromSnapshots)
            } else {
                let resolver: CredentialResolver
                do {
                    resolver = try CredentialResolver(http: CurlHTTPClient(configuration: .init()))
                } catch {
                    throw fail(error)
                }
                snapshots = await Discovery(topology: topology, resolver: resolver, concurrency: concurrency).run()
            }
            if let saveSnapshots {
                try writeFile(try snapshotEncoder().encode(snapshots), to: saveSnapshots)
            }
            let report = AuditReportBuilder(topology: topology, failOn: failOn, version: Trustline.configuration.version)
                .build(snapshots: snapshots, generatedAt: Date())

            let directory = URL(fileURLWithPath: out, isDirectory: true)
            let json = directory.appendingPathComponent("trustline-report.json")
            let markdown = directory.appendingPathComponent("trustline-report.md")
            let script = directory.appendingPathComponent("remediation.sh")
            do {
                try AtomicFileWriter.write(try ReportJSON.encode(report), to: json)
                try AtomicFileWriter.write(Data(MarkdownReport.render(report).utf8), to: markdown)
                try AtomicFileWriter.write(Data(RemediationScript.render(report).utf8), to: script)
                try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
            } catch {
                FileHandle.standardError.write(Data("trustline: error: cannot write the reports to \(out): \(error.localizedDescription)\n".utf8))
                throw ExitCode(ExitStatus.inputError.rawValue)
            }
            if !quiet {
                let color = !noColor && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
                print(TerminalSummary.render(report, color: color, reportPaths: [json.path, markdown.path, script.path]), terminator: "")
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
