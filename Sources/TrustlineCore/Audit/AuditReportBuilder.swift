// AuditReportBuilder — assembles the evaluations of every environment into one report, with
// the verdict and the exit code the contract promises.
import Foundation

/// Builds an ``AuditReport`` from the topology and the snapshots discovery made.
public struct AuditReportBuilder: Sendable {
    public let topology: Topology
    public let failOn: Severity
    public let version: String

    public init(topology: Topology, failOn: Severity = .high, version: String) {
        self.topology = topology
        self.failOn = failOn
        self.version = version
    }

    /// Evaluates every snapshot. Environments are sorted by name and region, findings by
    /// severity, so the same state gives the same report whatever order discovery finished in.
    public func build(snapshots: [EnvironmentSnapshot], generatedAt: Date) -> AuditReport {
        let evaluator = AuditEvaluator(topology: topology)
        let byName = environmentsByName
        let work = snapshots.compactMap { snapshot in byName[snapshot.environment].map { (snapshot, $0) } }
        // Evaluation is pure and independent per environment: spread it over the cores. The
        // results are sorted by `assemble`, so the report does not depend on which finished first.
        let evaluations = EvaluationSlots(count: work.count)
        DispatchQueue.concurrentPerform(iterations: work.count) { index in
            evaluations.set(index, evaluator.evaluate(work[index].0, environment: work[index].1))
        }
        return assemble(evaluations.all, generatedAt: generatedAt)
    }

    /// Evaluates snapshots as they arrive, while discovery goes on reading (an audit is
    /// network-bound: its cores are otherwise idle); `report(generatedAt:)` then only sorts. Gives
    /// the report `build` gives for the same snapshots.
    public func incremental() -> IncrementalAudit {
        IncrementalAudit(builder: self)
    }

    /// The report from evaluations in any order.
    public func assemble(_ evaluations: [EnvironmentEvaluation], generatedAt: Date) -> AuditReport {
        var results: [EnvironmentResult] = []
        var findings: [Finding] = []
        var remediation: [RemediationCommand] = []
        for evaluation in evaluations {
            results.append(evaluation.result)
            findings += evaluation.findings
            if let command = evaluation.remediation { remediation.append(command) }
        }
        results.sort { ($0.name, $0.region) < ($1.name, $1.region) }
        findings.sort()
        remediation.sort { ($0.environment, $0.region) < ($1.environment, $1.region) }
        return AuditReport(
            tool: .init(version: version), generatedAt: generatedAt, topology: topology.file,
            summary: Self.summary(findings: findings, environments: results, failOn: failOn),
            environments: results, findings: findings, remediation: remediation)
    }

    var environmentsByName: [String: DeploymentEnvironment] {
        Dictionary(topology.environments.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Counts, verdict and exit code: 3 when anything could not be audited (it must never look
    /// clean), else 1 with a finding at or above `failOn`, else 0.
    public static func summary(findings: [Finding], environments: [EnvironmentResult], failOn: Severity) -> AuditReport.Summary {
        var counts: [String: Int] = [:]
        for severity in Severity.allCases { counts[severity.rawValue] = 0 }
        for finding in findings { counts[finding.severity.rawValue, default: 0] += 1 }
        let unreachable = environments.filter { $0.status == .unreachable }.count
        let exitCode = unreachable > 0 ? 3 : findings.contains { $0.severity >= failOn } ? 1 : 0
        return AuditReport.Summary(
            passed: exitCode == 0, exitCode: exitCode, failOn: failOn, environments: environments.count,
            unreachable: unreachable, counts: counts)
    }
}

/// Results written by concurrent evaluations, one slot each.
private final class EvaluationSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [EnvironmentEvaluation?]

    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    func set(_ index: Int, _ evaluation: EnvironmentEvaluation) {
        lock.lock()
        slots[index] = evaluation
        lock.unlock()
    }

    var all: [EnvironmentEvaluation] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}

/// An audit evaluated while its snapshots arrive: ``add(_:)`` evaluates them, ``report(generatedAt:)``
/// sorts and assembles. Snapshots of environments the topology does not name are ignored, as in
/// `build`.
public final class IncrementalAudit: @unchecked Sendable {
    private let builder: AuditReportBuilder
    private let evaluator: AuditEvaluator
    private let environments: [String: DeploymentEnvironment]
    private let lock = NSLock()
    private var evaluations: [EnvironmentEvaluation] = []

    init(builder: AuditReportBuilder) {
        self.builder = builder
        evaluator = AuditEvaluator(topology: builder.topology)
        environments = builder.environmentsByName
    }

    /// Evaluates these snapshots (e.g. one account's, as its reads finish) on the caller's
    /// thread: a fraction of a millisecond per environment, against tens of milliseconds per
    /// request, so discovery's next account starts as good as at once, and no thread is added
    /// (a queue of its own measured more CPU, in thread hand-offs). Callable from any thread.
    public func add(_ snapshots: [EnvironmentSnapshot]) {
        let evaluated = snapshots.compactMap { snapshot in
            environments[snapshot.environment].map { evaluator.evaluate(snapshot, environment: $0) }
        }
        lock.lock()
        evaluations += evaluated
        lock.unlock()
    }

    /// The report of every snapshot added so far.
    public func report(generatedAt: Date) -> AuditReport {
        builder.assemble(collected(), generatedAt: generatedAt)
    }

    private func collected() -> [EnvironmentEvaluation] {
        lock.lock()
        defer { lock.unlock() }
        return evaluations
    }
}
