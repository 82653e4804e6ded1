// TrustLoss — one account that an environment trusted in the baseline and trusts no more: the
// `trust-lost` finding it becomes (message and evidence), and the same read back from a report.
import Foundation

/// A lost trust in one environment: which account, for which roles, since which baseline, and
/// what the bootstrap stack showed when the loss was first seen.
public struct TrustLoss: Sendable, Equatable {
    /// The evidence keys of a `trust-lost` finding.
    public enum EvidenceKey {
        public static let account = "account"
        public static let roles = "roles"
        public static let roleArns = "roleArns"
        public static let baseline = "baseline"
        public static let baselineGeneratedAt = "baselineGeneratedAt"
        public static let stack = "stack"
        public static let stackStatus = "stackStatus"
        public static let stackLastUpdated = "stackLastUpdated"
        public static let stackCreated = "stackCreated"
        public static let topologyRequires = "topologyRequires"
    }

    /// The bootstrap stack as the audit that first saw the loss read it.
    public struct StackEvidence: Sendable, Equatable {
        public var name: String
        public var status: String
        public var lastUpdatedTime: Date?
        public var creationTime: Date?

        public init(name: String, status: String, lastUpdatedTime: Date?, creationTime: Date?) {
            self.name = name
            self.status = status
            self.lastUpdatedTime = lastUpdatedTime
            self.creationTime = creationTime
        }
    }

    public var environment: String
    /// The environment's account and region.
    public var account: String
    public var region: String
    /// The account that lost trust.
    public var lostAccount: String
    /// How messages name it: `111111111111 (tools)`.
    public var lostAccountLabel: String
    public var roles: [RoleKind]
    public var roleArns: [String]
    /// The baseline file in which the account was still trusted, and when it was made.
    public var baselinePath: String
    public var baselineGeneratedAt: Date
    /// `nil` when there is no bootstrap stack any more.
    public var stack: StackEvidence?
    /// Whether the topology still requires the account here (a trust-missing finding names it).
    public var stillRequired: Bool

    public init(
        environment: String, account: String, region: String, lostAccount: String, lostAccountLabel: String, roles: [RoleKind], roleArns: [String],
        baselinePath: String, baselineGeneratedAt: Date, stack: StackEvidence?, stillRequired: Bool
    ) {
        self.environment = environment
        self.account = account
        self.region = region
        self.lostAccount = lostAccount
        self.lostAccountLabel = lostAccountLabel
        self.roles = roles
        self.roleArns = roleArns
        self.baselinePath = baselinePath
        self.baselineGeneratedAt = baselineGeneratedAt
        self.stack = stack
        self.stillRequired = stillRequired
    }

    /// The `trust-lost` finding.
    public var finding: Finding {
        Finding(check: .trustLost, environment: environment, account: account, region: region, message: message, evidence: evidence)
    }

    /// `aws://222222222222/us-east-1 no longer trusts 111111111111 (tools) for deploy, file-publishing;
    /// the baseline of 2026-11-21T03:00:00Z did. The stack CDKToolkit was updated at … (status UPDATE_COMPLETE).`
    public var message: String {
        let target = "aws://\(account)/\(region)"
        var text =
            "\(target) no longer trusts \(lostAccountLabel) for \(roles.map(\.rawValue).joined(separator: ", ")); the baseline of \(Self.time(baselineGeneratedAt)) did. "
            + stackSentence
        if !stillRequired {
            text += " The topology does not require this account here: if its removal was intended, nothing is to be done (it is reported once)."
        }
        return text
    }

    /// What the stack says about when the trust went: updated (or re-created) after the
    /// baseline, or not, which means the roles were changed outside CloudFormation.
    var stackSentence: String {
        guard let stack else { return "There is no bootstrap stack now." }
        if let created = stack.creationTime, created > baselineGeneratedAt {
            return "The stack \(stack.name) was created at \(Self.time(created)) (status \(stack.status)), after the baseline."
        }
        guard let updated = stack.lastUpdatedTime else {
            return "The stack \(stack.name) is \(stack.status); AWS gave no update time."
        }
        if updated > baselineGeneratedAt {
            return "The stack \(stack.name) was updated at \(Self.time(updated)) (status \(stack.status))."
        }
        return
            "The stack \(stack.name) was last updated at \(Self.time(updated)) (status \(stack.status)), before the baseline: the roles were changed outside CloudFormation."
    }

    public var evidence: [String: String] {
        var out = [
            EvidenceKey.account: lostAccount,
            EvidenceKey.roles: roles.map(\.rawValue).joined(separator: ","),
            EvidenceKey.baseline: baselinePath,
            EvidenceKey.baselineGeneratedAt: Self.time(baselineGeneratedAt),
            EvidenceKey.topologyRequires: stillRequired ? "true" : "false",
        ]
        if !roleArns.isEmpty { out[EvidenceKey.roleArns] = roleArns.joined(separator: " ") }
        if let stack {
            out[EvidenceKey.stack] = stack.name
            out[EvidenceKey.stackStatus] = stack.status
            if let updated = stack.lastUpdatedTime { out[EvidenceKey.stackLastUpdated] = Self.time(updated) }
            if let created = stack.creationTime { out[EvidenceKey.stackCreated] = Self.time(created) }
        }
        return out
    }

    /// Reads a `trust-lost` finding back (to carry it to the next report); `nil` when it is not
    /// one, or its evidence is incomplete.
    public init?(_ finding: Finding, label: (String) -> String) {
        let evidence = finding.evidence
        guard finding.check == .trustLost, let lost = evidence[EvidenceKey.account], let path = evidence[EvidenceKey.baseline],
            let generated = evidence[EvidenceKey.baselineGeneratedAt].flatMap(Self.date)
        else { return nil }
        let roles = Self.roles(fromEvidence: evidence[EvidenceKey.roles] ?? "")
        guard !roles.isEmpty else { return nil }
        var stack: StackEvidence?
        if let name = evidence[EvidenceKey.stack], let status = evidence[EvidenceKey.stackStatus] {
            stack = StackEvidence(
                name: name, status: status, lastUpdatedTime: evidence[EvidenceKey.stackLastUpdated].flatMap(Self.date),
                creationTime: evidence[EvidenceKey.stackCreated].flatMap(Self.date))
        }
        self.init(
            environment: finding.environment, account: finding.account, region: finding.region, lostAccount: lost, lostAccountLabel: label(lost),
            roles: roles, roleArns: (evidence[EvidenceKey.roleArns] ?? "").split(separator: " ").map(String.init),
            baselinePath: path, baselineGeneratedAt: generated, stack: stack, stillRequired: evidence[EvidenceKey.topologyRequires] != "false")
    }

    /// `deploy,lookup` → the role kinds, in their usual order; unknown names are skipped.
    public static func roles(fromEvidence text: String) -> [RoleKind] {
        Set(text.split(separator: ",").compactMap { RoleKind(rawValue: $0.trimmingCharacters(in: .whitespaces)) }).sorted()
    }

    static func time(_ date: Date) -> String {
        PolicyDate.iso8601(date.timeIntervalSince1970)
    }

    /// Reads `2026-11-21T10:00:00Z` (whole seconds, UTC), as ``time(_:)`` writes it.
    static func date(_ text: String) -> Date? {
        PolicyDate.parse(text).map { Date(timeIntervalSince1970: $0) }
    }
}
