// TopologyParser — the entry point: topology text (or bytes) in, a validated Topology or every issue out.

import Foundation

/// Reads and validates a topology file (schema version 1, see `docs/topology.md`).
///
/// ```swift
/// let topology = try TopologyParser.parse(text, file: "policies/org.yaml")
/// ```
///
/// Problems are collected, not stopped at: the thrown ``TopologyError`` lists them all, each
/// with its line, column and field path. Hostile input (huge, deeply nested, alias bombs,
/// binary) is refused with an error, quickly.
public enum TopologyParser {
    /// The largest file accepted, in bytes (1 MiB).
    public static let maximumFileSize = YAMLLoader.maximumBytes

    /// Parses and validates topology text.
    ///
    /// - Parameters:
    ///   - text: The YAML text.
    ///   - file: The file name used in messages (for example `policies/org.yaml`).
    /// - Throws: ``TopologyError`` with every problem found.
    public static func parse(_ text: String, file: String) throws -> Topology {
        let root: YAMLNode?
        do {
            root = try YAMLLoader.load(text)
        } catch {
            throw TopologyError(issues: [
                TopologyIssue(file: file, line: error.mark?.line, column: error.mark?.column, field: "", message: error.message)
            ])
        }
        guard let root else {
            throw TopologyError(issues: [
                TopologyIssue(file: file, field: "", message: "the file is empty; a topology needs version, pipelines and environments")
            ])
        }
        var decoder = TopologyDecoder(file: file)
        var topology: Topology?
        var issues: [TopologyIssue] = []
        if let draft = decoder.decode(root) {
            var resolver = TopologyResolver(file: file)
            topology = resolver.resolve(draft)
            issues = decoder.issues + resolver.issues
        } else {
            issues = decoder.issues
        }
        if issues.isEmpty, let topology {
            return topology
        }
        throw TopologyError(issues: ordered(issues))
    }

    /// Parses and validates the bytes of a topology file: at most ``maximumFileSize`` bytes of UTF-8.
    ///
    /// - Throws: ``TopologyError`` with every problem found.
    public static func parse(_ data: Data, file: String) throws -> Topology {
        guard data.count <= maximumFileSize else {
            throw TopologyError(issues: [
                TopologyIssue(
                    file: file, field: "",
                    message: "the file is \(data.count) bytes; a topology file may be at most \(maximumFileSize) bytes (1 MiB)")
            ])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw TopologyError(issues: [
                TopologyIssue(file: file, field: "", message: "the file is not UTF-8 text")
            ])
        }
        return try parse(text, file: file)
    }

    /// Issues by line and column (those without a place first), repeats removed.
    private static func ordered(_ issues: [TopologyIssue]) -> [TopologyIssue] {
        // A set, not `unique.contains`: a 1 MiB file can hold tens of thousands of issues, and the
        // quadratic scan took minutes (found with the fuzz build, docs/fuzzing.md).
        var seen: Set<TopologyIssue> = []
        var unique: [TopologyIssue] = []
        for issue in issues where seen.insert(issue).inserted {
            unique.append(issue)
        }
        return unique.enumerated()
            .sorted { lhs, rhs in
                let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
                let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
                return left < right
            }
            .map(\.element)
    }
}
