// ReportDiff — what changed between two audit reports: trust gained, lost or removed per
// environment, region and role; findings new, resolved, or not verifiable because an
// environment could not be read. Pure: two reports in, one value out.
import Foundation

/// The difference between a baseline report and a newer one (`trustline diff`, `audit --baseline`).
///
/// Nothing is claimed about an environment that either report could not read: its trust is not
/// compared, and its baseline findings are listed as ``unverified``, never as resolved.
public struct ReportDiff: Sendable, Codable, Equatable {
    /// One of the two reports, in brief.
    public struct Side: Sendable, Codable, Equatable {
        /// The file it was read from, when known.
        public var path: String?
        public var generatedAt: Date
        public var topology: String
        public var exitCode: Int
        public var passed: Bool
        /// Findings per severity.
        public var counts: [String: Int]

        public init(_ report: AuditReport, path: String?) {
            self.path = path
            self.generatedAt = report.generatedAt
            self.topology = report.topology
            self.exitCode = report.summary.exitCode
            self.passed = report.summary.passed
            self.counts = report.summary.counts
        }
    }

    /// An environment whose trust could not be compared, and why.
    public struct Uncompared: Sendable, Codable, Equatable {
        public enum Reason: String, Sendable, Codable {
            /// Only in the new report (a topology change): nothing to compare with.
            case added
            /// Only in the baseline: not audited any more.
            case removed
            /// The baseline could not read it.
            case unreachableThen = "unreachable-then"
            /// The new audit could not read it.
            case unreachableNow = "unreachable-now"
        }

        public var environment: String
        public var account: String
        public var region: String
        public var reason: Reason

        public init(environment: String, account: String, region: String, reason: Reason) {
            self.environment = environment
            self.account = account
            self.region = region
            self.reason = reason
        }
    }

    public var baseline: Side
    public var current: Side
    /// Roles whose trust changed, in environments both reports read.
    public var trustChanges: [RoleTrustChange]
    /// Findings of the new report that the baseline did not have.
    public var newFindings: [Finding]
    /// Baseline findings that the new report, having read their environment, no longer has.
    public var resolvedFindings: [Finding]
    /// `trust-lost` findings no longer reported although the trust is still gone: the topology
    /// does not require the account there any more (it is reported once, then accepted).
    public var acceptedFindings: [Finding]
    /// Baseline findings of environments the new report did not read (unreachable, or no longer
    /// in the topology): neither resolved nor confirmed.
    public var unverifiedFindings: [Finding]
    /// Environments whose trust was not compared.
    public var uncompared: [Uncompared]
    /// Things to know when reading the diff (another topology file, reports in the wrong order…).
    public var notes: [String]
    /// Names of accounts for display (`111111111111` → `tools`): the environments of both
    /// reports, and the names given to ``compare(baseline:current:baselinePath:currentPath:accountNames:)``.
    public var accountNames: [String: String]

    /// Trust changes that lost an account (`trust-lost`).
    public var trustLost: [RoleTrustChange] { trustChanges.filter { !$0.lost.isEmpty } }

    /// Whether any account lost trust (`trustline diff` exits 1).
    public var hasLostTrust: Bool { trustChanges.contains { !$0.lost.isEmpty } }

    /// Whether the findings or the trust changed in a way worth telling someone: trust lost, or a
    /// finding new, resolved or accepted.
    public var hasChanges: Bool {
        hasLostTrust || !newFindings.isEmpty || !resolvedFindings.isEmpty || !acceptedFindings.isEmpty
    }

    public init(
        baseline: Side, current: Side, trustChanges: [RoleTrustChange], newFindings: [Finding], resolvedFindings: [Finding], acceptedFindings: [Finding],
        unverifiedFindings: [Finding], uncompared: [Uncompared], notes: [String], accountNames: [String: String] = [:]
    ) {
        self.baseline = baseline
        self.current = current
        self.trustChanges = trustChanges
        self.newFindings = newFindings
        self.resolvedFindings = resolvedFindings
        self.acceptedFindings = acceptedFindings
        self.unverifiedFindings = unverifiedFindings
        self.uncompared = uncompared
        self.notes = notes
        self.accountNames = accountNames
    }

    /// Compares two reports.
    ///
    /// - Parameters:
    ///   - baselinePath: the file the baseline came from, shown in renderings.
    ///   - currentPath: the file the new report came from (or will be written to).
    ///   - accountNames: names for accounts (the topology's pipelines), before the environments' names.
    public static func compare(
        baseline: AuditReport, current: AuditReport, baselinePath: String? = nil, currentPath: String? = nil, accountNames: [String: String] = [:]
    ) -> ReportDiff {
        let before = Dictionary(baseline.environments.map { (EnvironmentKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(current.environments.map { (EnvironmentKey($0), $0) }, uniquingKeysWith: { first, _ in first })

        var changes: [RoleTrustChange] = []
        var uncompared: [Uncompared] = []
        for key in Set(before.keys).union(after.keys).sorted() {
            let reason: Uncompared.Reason?
            switch (before[key], after[key]) {
            case (nil, _): reason = .added
            case (_, nil): reason = .removed
            case (let then?, _) where then.status == .unreachable: reason = .unreachableThen
            case (_, let now?) where now.status == .unreachable: reason = .unreachableNow
            default: reason = nil
            }
            if let reason {
                uncompared.append(Uncompared(environment: key.name, account: key.account, region: key.region, reason: reason))
                continue
            }
            guard let then = before[key], let now = after[key] else { continue }
            changes += trustChanges(then: then, now: now, unwanted: unwantedAccounts(in: baseline, at: key))
        }

        // Findings, by identity. A repeated identity (rare) keeps its first finding.
        var baselineFindings: [FindingIdentity: Finding] = [:]
        for finding in baseline.findings where baselineFindings[FindingIdentity(finding)] == nil {
            baselineFindings[FindingIdentity(finding)] = finding
        }
        var currentIdentities: Set<FindingIdentity> = []
        var newFindings: [Finding] = []
        for finding in current.findings {
            let identity = FindingIdentity(finding)
            guard currentIdentities.insert(identity).inserted else { continue }
            if baselineFindings[identity] == nil { newFindings.append(finding) }
        }
        var resolved: [Finding] = []
        var accepted: [Finding] = []
        var unverified: [Finding] = []
        for (identity, finding) in baselineFindings where !currentIdentities.contains(identity) {
            let key = EnvironmentKey(name: finding.environment, account: finding.account, region: finding.region)
            guard let now = after[key], now.status != .unreachable else {
                unverified.append(finding)
                continue
            }
            if finding.check == .trustLost, let lost = finding.evidence["account"], stillLost(finding, in: now) {
                // Still gone: accepted when the topology stops requiring the account; when it still
                // requires it, the trust-missing finding that says so carries on (a report made
                // without a baseline has no trust-lost findings): nothing was resolved.
                if !requiredAccounts(in: current, at: key).contains(lost) { accepted.append(finding) }
            } else {
                resolved.append(finding)
            }
        }

        var notes: [String] = []
        if baseline.topology != current.topology {
            notes.append("The baseline was made against another topology file (\(baseline.topology)) than the new report (\(current.topology)).")
        }
        if baseline.generatedAt > current.generatedAt {
            notes.append("The baseline is newer than the report it is compared with: were the two files given in the wrong order?")
        }
        if baseline.summary.failOn != current.summary.failOn {
            notes.append(
                "The reports use different --fail-on severities (\(baseline.summary.failOn.rawValue) then, \(current.summary.failOn.rawValue) now).")
        }
        return ReportDiff(
            baseline: Side(baseline, path: baselinePath), current: Side(current, path: currentPath), trustChanges: changes.sorted(),
            newFindings: newFindings.sorted(), resolvedFindings: resolved.sorted(), acceptedFindings: accepted.sorted(),
            unverifiedFindings: unverified.sorted(), uncompared: uncompared, notes: notes,
            accountNames: names(baseline: baseline, current: current, given: accountNames))
    }

    /// Account names: the given ones, then each account's environment name when it has only one.
    static func names(baseline: AuditReport, current: AuditReport, given: [String: String]) -> [String: String] {
        var byAccount: [String: Set<String>] = [:]
        for environment in baseline.environments + current.environments { byAccount[environment.account, default: []].insert(environment.name) }
        var out = given
        for (account, names) in byAccount where out[account] == nil && names.count == 1 { out[account] = names.first }
        return out
    }

    /// `111111111111 (tools)`, or the bare id (`*` for any account).
    public func label(_ account: String) -> String {
        if account == "*" { return "* (any account)" }
        return accountNames[account].map { "\(account) (\($0))" } ?? account
    }

    /// Per role kind: accounts gained, lost, and removed after the baseline flagged them.
    static func trustChanges(then: EnvironmentResult, now: EnvironmentResult, unwanted: Set<String>) -> [RoleTrustChange] {
        var out: [RoleTrustChange] = []
        for kind in RoleKind.allCases {
            let before = then.roles.first { $0.kind == kind }?.comparableTrust(own: then.account) ?? []
            let after = now.roles.first { $0.kind == kind }?.comparableTrust(own: now.account) ?? []
            let gone = before.subtracting(after)
            let removed = gone.filter { $0 == "*" || unwanted.contains($0) }
            let change = RoleTrustChange(
                environment: now.name, account: now.account, region: now.region, role: kind, gained: after.subtracting(before).sorted(),
                lost: gone.subtracting(removed).sorted(), removed: removed.sorted())
            if !change.isEmpty { out.append(change) }
        }
        return out
    }

    /// Accounts the report flagged as `unexpected-trust` in an environment.
    static func unwantedAccounts(in report: AuditReport, at key: EnvironmentKey) -> Set<String> {
        Set(
            report.findings.filter { $0.check == .unexpectedTrust && EnvironmentKey(name: $0.environment, account: $0.account, region: $0.region) == key }
                .compactMap { $0.evidence["account"] })
    }

    /// Accounts the report says must be trusted in an environment and are not
    /// (`pipeline-trust-missing`, `lookup-trust-missing`).
    static func requiredAccounts(in report: AuditReport, at key: EnvironmentKey) -> Set<String> {
        var out: Set<String> = []
        for finding in report.findings where finding.check == .pipelineTrustMissing || finding.check == .lookupTrustMissing {
            guard EnvironmentKey(name: finding.environment, account: finding.account, region: finding.region) == key else { continue }
            out.formUnion(FindingIdentity.accountIDs(in: finding.message).subtracting([finding.account]))
        }
        return out
    }

    /// Whether the account of a `trust-lost` finding is still trusted by none of its roles.
    static func stillLost(_ finding: Finding, in environment: EnvironmentResult) -> Bool {
        guard let account = finding.evidence["account"] else { return false }
        let kinds = TrustLoss.roles(fromEvidence: finding.evidence[TrustLoss.EvidenceKey.roles] ?? "")
        return kinds.allSatisfy { kind in
            !(environment.roles.first { $0.kind == kind }?.comparableTrust(own: environment.account).contains(account) ?? false)
        }
    }
}

/// An environment of a report: name, account and region.
struct EnvironmentKey: Hashable, Comparable, Sendable {
    var name: String
    var account: String
    var region: String

    init(name: String, account: String, region: String) {
        self.name = name
        self.account = account
        self.region = region
    }

    init(_ environment: EnvironmentResult) {
        self.init(name: environment.name, account: environment.account, region: environment.region)
    }

    static func < (lhs: EnvironmentKey, rhs: EnvironmentKey) -> Bool {
        (lhs.name, lhs.region, lhs.account) < (rhs.name, rhs.region, rhs.account)
    }
}

extension ReportDiff {
    /// One account's change in one environment, over all its roles: what renderers list.
    public struct AccountChange: Sendable, Equatable {
        public var environment: String
        public var account: String
        public var region: String
        /// The account that gained, lost or was removed (`*` for any account).
        public var trustedAccount: String
        public var roles: [RoleKind]
    }

    /// The trust changes of one kind (`\.lost`, `\.gained`, `\.removed`), one entry per
    /// environment, region and account, listing its roles.
    public func accountChanges(_ side: KeyPath<RoleTrustChange, [String]>) -> [AccountChange] {
        var out: [AccountChange] = []
        for change in trustChanges {
            for trusted in change[keyPath: side] {
                if let index = out.firstIndex(where: {
                    $0.environment == change.environment && $0.account == change.account && $0.region == change.region && $0.trustedAccount == trusted
                }) {
                    out[index].roles.append(change.role)
                } else {
                    out.append(
                        AccountChange(
                            environment: change.environment, account: change.account, region: change.region, trustedAccount: trusted, roles: [change.role]))
                }
            }
        }
        return out
    }
}
