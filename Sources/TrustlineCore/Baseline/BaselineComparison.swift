// BaselineComparison — `trustline audit --baseline`: the accounts each environment trusted in the
// previous report and trusts no more become `trust-lost` findings, added to the new report with
// its summary, statuses and remediation brought up to date. Pure: reports in, report out.
import Foundation

/// Compares a new report with the baseline (the previous report) and adds `trust-lost`.
///
/// Rules:
/// - an account the baseline trusted (account-wide or through specific principals, in any
///   role) and the new report no longer trusts is lost: one finding per environment, region and
///   account, listing the roles, with the stack's status and update time as evidence;
/// - nothing is claimed for an environment that either report could not read, nor for an
///   environment only one report has;
/// - removing what the baseline itself flagged (an `unexpected-trust` account, a `*`) is the
///   repair the audit asked for, not a loss;
/// - a baseline `trust-lost` is carried to the new report while the account is still not
///   trusted and the topology still requires it (a trust-missing finding names it), so the loss
///   stays visible, unchanged, until it is repaired; a loss of an account the topology does not
///   require is reported once.
public struct BaselineComparison: Sendable {
    public let baseline: AuditReport
    /// The baseline file, named in the evidence.
    public let baselinePath: String
    /// Names for accounts in messages (`111111111111 (tools)`), usually the topology's pipelines.
    public let accountNames: [String: String]

    public init(baseline: AuditReport, baselinePath: String, accountNames: [String: String] = [:]) {
        self.baseline = baseline
        self.baselinePath = baselinePath
        self.accountNames = accountNames
    }

    /// Names accounts after the topology's pipelines, as the other findings do.
    public init(baseline: AuditReport, baselinePath: String, topology: Topology) {
        var names: [String: String] = [:]
        for pipeline in topology.pipelines where names[pipeline.account] == nil { names[pipeline.account] = pipeline.name }
        self.init(baseline: baseline, baselinePath: baselinePath, accountNames: names)
    }

    /// `111111111111 (tools)`, or the bare id.
    public func label(_ account: String) -> String {
        accountNames[account].map { "\(account) (\($0))" } ?? account
    }

    /// Every trust lost since the baseline (new ones, and carried ones still unrepaired), in report order.
    public func trustLosses(current: AuditReport) -> [TrustLoss] {
        let before = Dictionary(baseline.environments.map { (EnvironmentKey($0), $0) }, uniquingKeysWith: { first, _ in first })
        var losses: [TrustLoss] = []
        for now in current.environments where now.status != .unreachable {
            let key = EnvironmentKey(now)
            guard let then = before[key], then.status != .unreachable else { continue }
            let required = ReportDiff.requiredAccounts(in: current, at: key)
            let stack = now.stack.map {
                TrustLoss.StackEvidence(name: $0.name, status: $0.status, lastUpdatedTime: $0.lastUpdatedTime, creationTime: $0.creationTime)
            }

            var lostRoles: [String: [RoleKind]] = [:]
            for change in ReportDiff.trustChanges(then: then, now: now, unwanted: ReportDiff.unwantedAccounts(in: baseline, at: key)) {
                for account in change.lost { lostRoles[account, default: []].append(change.role) }
            }
            for (account, kinds) in lostRoles.sorted(by: { $0.key < $1.key }) {
                let roles = kinds.sorted()
                losses.append(
                    TrustLoss(
                        environment: now.name, account: now.account, region: now.region, lostAccount: account, lostAccountLabel: label(account),
                        roles: roles, roleArns: arns(of: roles, now: now, then: then), baselinePath: baselinePath,
                        baselineGeneratedAt: baseline.generatedAt, stack: stack, stillRequired: required.contains(account)))
            }

            // Losses the baseline already reported, still unrepaired and still required.
            for finding in baseline.findings where finding.check == .trustLost && EnvironmentKey(finding) == key {
                guard var loss = TrustLoss(finding, label: label), lostRoles[loss.lostAccount] == nil, required.contains(loss.lostAccount) else {
                    continue
                }
                loss.roles = loss.roles.filter { kind in
                    !(now.roles.first { $0.kind == kind }?.comparableTrust(own: now.account).contains(loss.lostAccount) ?? false)
                }
                guard !loss.roles.isEmpty, !losses.contains(where: { $0.lostAccount == loss.lostAccount && EnvironmentKey($0) == key }) else {
                    continue
                }
                loss.roleArns = arns(of: loss.roles, now: now, then: then)
                loss.stillRequired = true
                losses.append(loss)
            }
        }
        return losses
    }

    /// The new report with the `trust-lost` findings added: findings sorted, environment statuses,
    /// remediation (`fixes` gains `trust-lost` where the command gives the account its trust
    /// back; a note says so where it does not) and summary recomputed.
    public func apply(to current: AuditReport) -> AuditReport {
        let losses = trustLosses(current: current)
        var report = current
        report.findings = (current.findings.filter { $0.check != .trustLost } + losses.map(\.finding)).sorted()
        for index in report.environments.indices where report.environments[index].status == .ok {
            let key = EnvironmentKey(report.environments[index])
            if losses.contains(where: { EnvironmentKey($0) == key }) { report.environments[index].status = .findings }
        }
        for index in report.remediation.indices {
            var command = report.remediation[index]
            let key = EnvironmentKey(name: command.environment, account: command.account, region: command.region)
            let here = losses.filter { EnvironmentKey($0) == key }
            guard !here.isEmpty else { continue }
            var restores = false
            for loss in here {
                if Self.restores(command.argv, loss) {
                    restores = true
                } else {
                    let note = "It does not give \(loss.lostAccountLabel) back its trust: the topology does not name it here."
                    if !command.notes.contains(note) { command.notes.append(note) }
                }
            }
            if restores && !command.fixes.contains(.trustLost) { command.fixes = (command.fixes + [.trustLost]).sorted() }
            report.remediation[index] = command
        }
        report.summary = AuditReportBuilder.summary(findings: report.findings, environments: report.environments, failOn: current.summary.failOn)
        return report
    }

    /// Whether a `cdk bootstrap` argv trusts the lost account again for every role it lost
    /// (`--trust` covers all roles; `--trust-for-lookup` the lookup role only).
    static func restores(_ argv: [String], _ loss: TrustLoss) -> Bool {
        var trust: Set<String> = []
        var lookup: Set<String> = []
        for (option, value) in zip(argv, argv.dropFirst()) {
            if option == "--trust" { trust.insert(value) }
            if option == "--trust-for-lookup" { lookup.insert(value) }
        }
        return loss.roles.allSatisfy { kind in
            trust.contains(loss.lostAccount) || (kind == .lookup && lookup.contains(loss.lostAccount))
        }
    }

    private func arns(of kinds: [RoleKind], now: EnvironmentResult, then: EnvironmentResult) -> [String] {
        kinds.compactMap { kind in (now.roles.first { $0.kind == kind } ?? then.roles.first { $0.kind == kind })?.arn }
    }
}

extension EnvironmentKey {
    init(_ finding: Finding) {
        self.init(name: finding.environment, account: finding.account, region: finding.region)
    }

    init(_ loss: TrustLoss) {
        self.init(name: loss.environment, account: loss.account, region: loss.region)
    }
}
