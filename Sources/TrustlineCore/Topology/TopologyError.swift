// TopologyError — every problem found in a topology file, thrown by `TopologyParser`.

import Foundation

/// A topology file that cannot be used, with all the problems found (not only the first).
public struct TopologyError: Error, LocalizedError, Sendable, Equatable {
    /// The problems, ordered by line.
    public var issues: [TopologyIssue]

    /// Creates an error from its issues.
    public init(issues: [TopologyIssue]) {
        self.issues = issues
    }

    /// One line per issue: `policies/org.yaml:14:7: environments[1].account: …`.
    public var errorDescription: String? {
        issues.map(\.description).joined(separator: "\n")
    }
}
