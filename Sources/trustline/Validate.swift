// Validate — `trustline validate`: checks a topology file and reports every problem with its line.
import ArgumentParser
import Foundation
import TrustlineCore

extension Trustline {
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a topology file, with line numbers in errors.",
            discussion: """
                Prints a one-line summary and exits 0 when the file is valid; otherwise prints every \
                problem (FILE:LINE:COLUMN: FIELD: MESSAGE) on standard error and exits 2.
                """)

        @Option(help: "The topology file (YAML, see docs/topology.md).")
        var topology: String

        func run() async throws {
            let parsed: Topology
            do {
                parsed = try readTopology(atPath: topology)
            } catch let error as TopologyError {
                for issue in error.issues {
                    FileHandle.standardError.write(Data("trustline: error: \(issue.description)\n".utf8))
                }
                throw ExitStatus.inputError.exitCode
            }
            print("\(topology): valid — \(summary(of: parsed))")
        }

        private func summary(of topology: Topology) -> String {
            func count(_ number: Int, _ noun: String) -> String {
                "\(number) \(noun)\(number == 1 ? "" : "s")"
            }
            return [
                count(topology.pipelines.count, "pipeline"),
                count(topology.environments.count, "environment"),
                count(topology.targetCount, "target") + " (account/region)",
            ].joined(separator: ", ")
        }
    }
}

/// Reads and validates the topology file at `path`.
///
/// - Throws: `TopologyError`, also when the file cannot be read (no line then), so that every
///   caller maps it to exit code 2.
func readTopology(atPath path: String) throws -> Topology {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
        throw TopologyError(issues: [TopologyIssue(file: path, field: "", message: "cannot read the topology file: no such file")])
    }
    guard !isDirectory.boolValue else {
        throw TopologyError(issues: [TopologyIssue(file: path, field: "", message: "cannot read the topology file: it is a directory")])
    }
    let data: Data
    do {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CocoaError(.fileReadNoPermission)
        }
        defer { try? handle.close() }
        // One byte more than the limit, so that an oversized file is reported as such without reading it all.
        data = try handle.read(upToCount: TopologyParser.maximumFileSize + 1) ?? Data()
    } catch {
        throw TopologyError(issues: [
            TopologyIssue(file: path, field: "", message: "cannot read the topology file: \(error.localizedDescription)")
        ])
    }
    if data.count > TopologyParser.maximumFileSize {
        throw TopologyError(issues: [
            TopologyIssue(
                file: path, field: "",
                message: "the file is larger than \(TopologyParser.maximumFileSize) bytes (1 MiB), the most a topology file may be")
        ])
    }
    return try TopologyParser.parse(data, file: path)
}
