// Verdict — what a report comes to, in the words every renderer uses: passed or not, the exit
// code, counts by severity, which environments the pipelines cannot deploy to, which were not seen.
import Foundation
import TrustlineCore

/// The conclusion of a report, shared by the Markdown report and the terminal summary.
struct Verdict {
    let report: AuditReport

    init(_ report: AuditReport) {
        self.report = report
    }

    /// Checks that leave a pipeline unable to deploy to the environment at all.
    static let blockingChecks: Set<Check> = [.notBootstrapped, .pipelineTrustMissing, .qualifierMismatch]

    var passed: Bool { report.summary.passed }
    var exitCode: Int { report.summary.exitCode }
    var failOn: Severity { report.summary.failOn }

    /// Findings per severity, most severe first (from the summary; missing severities count 0).
    var counts: [(severity: Severity, count: Int)] {
        Severity.allCases.reversed().map { ($0, report.summary.counts[$0.rawValue] ?? 0) }
    }

    /// `5 critical, 6 high, 2 medium` (non-zero counts only; `no findings` when there are none).
    var countsPhrase: String {
        let parts = counts.filter { $0.count > 0 }.map { "\($0.count) \($0.severity.rawValue)" }
        return parts.isEmpty ? "no findings" : parts.joined(separator: ", ")
    }

    /// Number of findings at or above `failOn`.
    var failingCount: Int {
        counts.filter { $0.severity >= failOn }.reduce(0) { $0 + $1.count }
    }

    /// The environments a pipeline cannot deploy to, in report order, as display labels (raw, unescaped).
    var blockedEnvironments: [String] {
        report.environments.filter { environment in
            findings(of: environment).contains { Self.blockingChecks.contains($0.check) }
        }.map(label)
    }

    /// The unreachable environments' labels (raw, unescaped).
    var unreachableEnvironments: [String] {
        report.environments.filter { $0.status == .unreachable }.map(label)
    }

    /// What the exit code means, in a few words.
    var exitMeaning: String {
        switch exitCode {
        case 0: return "nothing at or above --fail-on \(failOn.rawValue)"
        case 1: return "findings at or above --fail-on \(failOn.rawValue)"
        case 3: return "audit incomplete: not every environment could be read"
        default: return "error"
        }
    }

    /// The findings of one environment, most severe first.
    func findings(of environment: EnvironmentResult) -> [Finding] {
        report.findings.filter { Self.belongs($0, to: environment) }.sorted()
    }

    static func belongs(_ finding: Finding, to environment: EnvironmentResult) -> Bool {
        finding.environment == environment.name && finding.account == environment.account && finding.region == environment.region
    }

    static func belongs(_ command: RemediationCommand, to environment: EnvironmentResult) -> Bool {
        command.environment == environment.name && command.account == environment.account && command.region == environment.region
    }

    /// `prod` or, when the name has several regions in the report, `prod (eu-west-1)`. Raw, unescaped.
    func label(_ environment: EnvironmentResult) -> String {
        let regions = report.environments.filter { $0.name == environment.name }.count
        return regions > 1 ? "\(environment.name) (\(environment.region))" : environment.name
    }

    /// `aws://ACCOUNT/REGION`. Raw, unescaped.
    static func address(account: String, region: String) -> String {
        "aws://\(account)/\(region)"
    }

    /// The headline after the verdict mark, from raw labels that `escape` makes safe for the output.
    func headline(escape: (String) -> String) -> String {
        if passed {
            let total = report.environments.count
            if report.findings.isEmpty {
                return total == 1 ? "trustline: the environment is healthy" : "trustline: all \(total) environments healthy"
            }
            return "trustline: passed — \(countsPhrase), none at or above \(failOn.rawValue)"
        }
        var clauses: [String] = []
        let blocked = blockedEnvironments
        if !blocked.isEmpty {
            clauses.append("pipelines cannot deploy to " + blocked.map(escape).joined(separator: ", "))
        }
        let unreachable = unreachableEnvironments
        if !unreachable.isEmpty {
            clauses.append("audit incomplete (" + unreachable.map(escape).joined(separator: ", ") + " unreachable)")
        }
        let head = "trustline: \(countsPhrase)"
        return clauses.isEmpty ? head : head + " — " + clauses.joined(separator: "; ")
    }
}
