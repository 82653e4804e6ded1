// TopologyTestSupport — helpers shared by the topology tests: a small valid file and issue capture.
import Foundation
import Testing

@testable import TrustlineCore

enum TopologyTestSupport {
    /// A valid topology of 11 lines; the `dev` environment ends at line 11, so lines appended
    /// with four spaces of indentation start at line 12 and belong to `environments[0]`.
    static let base = """
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

        """

    /// `base` with `lines` appended (line 12 on).
    static func base(appending lines: String) -> String {
        base + lines + "\n"
    }

    /// Parses `text`, expecting success.
    static func parse(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Topology {
        do {
            return try TopologyParser.parse(text, file: "test.yaml")
        } catch let error as TopologyError {
            Issue.record("unexpected issues:\n\(error.errorDescription ?? "")", sourceLocation: sourceLocation)
            throw error
        }
    }

    /// The issues `text` yields (empty when it parses).
    static func issues(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) -> [TopologyIssue] {
        do {
            _ = try TopologyParser.parse(text, file: "test.yaml")
            return []
        } catch let error as TopologyError {
            return error.issues
        } catch {
            Issue.record("unexpected error type: \(error)", sourceLocation: sourceLocation)
            return []
        }
    }
}
