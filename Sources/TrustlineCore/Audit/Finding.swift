// Finding — one problem found in one environment, with the evidence behind it.
import Foundation

/// A problem in one environment (`aws://account/region`), as reports show it.
public struct Finding: Sendable, Codable, Equatable, Comparable {
    public var check: Check
    public var severity: Severity
    public var environment: String
    public var account: String
    public var region: String
    /// One or two sentences a person understands at once.
    public var message: String
    /// What AWS showed: role ARNs, the statement, stack parameters, update times.
    public var evidence: [String: String]

    public init(check: Check, environment: String, account: String, region: String, message: String, evidence: [String: String] = [:]) {
        self.check = check
        self.severity = check.severity
        self.environment = environment
        self.account = account
        self.region = region
        self.message = message
        self.evidence = evidence
    }

    /// Most severe first, then by environment, region, check and message: stable report order.
    public static func < (lhs: Finding, rhs: Finding) -> Bool {
        if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
        if lhs.environment != rhs.environment { return lhs.environment < rhs.environment }
        if lhs.region != rhs.region { return lhs.region < rhs.region }
        if lhs.check != rhs.check { return lhs.check < rhs.check }
        return lhs.message < rhs.message
    }
}
