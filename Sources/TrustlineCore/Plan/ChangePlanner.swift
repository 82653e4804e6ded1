// ChangePlanner — turns an audit of the intended topology into the ordered steps of a change:
// bootstrap new environments with their full trust first, re-bootstrap existing ones with the
// union of their trusts, verify, and only then push the pipeline change.
import Foundation

/// Plans a change from an audit report of the topology that describes the state after it.
public struct ChangePlanner: Sendable {
    public let topology: Topology

    public init(topology: Topology) {
        self.topology = topology
    }

    /// Checks that stop the pipeline at an environment's deploy stage.
    static let blocking: Set<Check> = [.notBootstrapped, .pipelineTrustMissing, .qualifierMismatch, .trustLost]

    public func plan(_ report: AuditReport) -> ChangePlan {
        // Stage order: the order environments are listed in the topology (dev → staging → prod).
        let order = Dictionary(topology.environments.enumerated().map { ($0.element.name, $0.offset) }, uniquingKeysWith: { first, _ in first })
        func rank(_ environment: String, _ region: String) -> (Int, String) { (order[environment] ?? Int.max, region) }

        var blockers: [ChangePlan.Blocker] = []
        for environment in report.environments.sorted(by: { rank($0.name, $0.region) < rank($1.name, $1.region) }) {
            let checks = Set(report.findings.filter { $0.environment == environment.name && $0.region == environment.region }.map(\.check))
            let failing = checks.intersection(Self.blocking).sorted()
            guard !failing.isEmpty else { continue }
            let existing = environment.status != .notBootstrapped
            blockers.append(
                ChangePlan.Blocker(
                    environment: environment.name, account: environment.account, region: environment.region, checks: failing, existing: existing,
                    ifPushedFirst: ifPushedFirst(environment, failing: failing)))
        }

        var steps: [ChangePlan.Step] = []
        func add(_ kind: ChangePlan.Step.Kind, _ environment: String?, _ region: String?, _ title: String, _ argv: [String]?, _ notes: [String] = []) {
            steps.append(
                ChangePlan.Step(
                    number: steps.count + 1, kind: kind, environment: environment, region: region, title: title, command: argv.map(ShellQuoting.line),
                    argv: argv, notes: notes))
        }
        // New environments first (their bootstrap cannot break anyone), then existing ones.
        let commands = report.remediation.sorted { rank($0.environment, $0.region) < rank($1.environment, $1.region) }
        let isNew = { (command: RemediationCommand) in command.fixes.contains(.notBootstrapped) || command.fixes.contains(.qualifierMismatch) }
        for command in commands.filter(isNew) {
            let trust = trustList(command.argv)
            add(
                .bootstrap, command.environment, command.region,
                "Bootstrap \(command.environment) (aws://\(command.account)/\(command.region)) trusting \(trust.isEmpty ? "no pipeline" : trust.joined(separator: ", "))",
                command.argv, command.notes)
            for followUp in command.followUp { add(.restore, command.environment, command.region, followUp.purpose, followUp.argv) }
        }
        for command in commands.filter({ !isNew($0) }) {
            let trust = trustList(command.argv)
            add(
                .rebootstrap, command.environment, command.region,
                "Re-bootstrap \(command.environment) (aws://\(command.account)/\(command.region)) with the union of its trusts: \(trust.joined(separator: ", "))",
                command.argv, command.notes)
            for followUp in command.followUp { add(.restore, command.environment, command.region, followUp.purpose, followUp.argv) }
        }
        let unreachable = report.environments.filter { $0.status == .unreachable }.map { "\($0.name) (\($0.region))" }
        if !steps.isEmpty {
            add(.verify, nil, nil, "Verify: the audit must pass before the pipeline changes", ["trustline", "audit", "--topology", report.topology])
            add(
                .push, nil, nil, "Only then push the pipeline change (the pipeline updates itself, then deploys stage by stage)", nil,
                ["Pushed earlier, it fails at the first environment listed under 'If the pipeline change is pushed first'."])
        }
        let exitCode = !unreachable.isEmpty ? 3 : (blockers.isEmpty && steps.isEmpty ? 0 : 1)
        return ChangePlan(topology: report.topology, steps: steps, blockers: blockers, unreachable: unreachable, exitCode: exitCode)
    }

    private func trustList(_ argv: [String]) -> [String] {
        var out: [String] = []
        for (index, word) in argv.enumerated() where word == "--trust" && index + 1 < argv.count {
            out.append(AuditEvaluator.label(argv[index + 1], topology: topology))
        }
        return out
    }

    private func ifPushedFirst(_ environment: EnvironmentResult, failing: [Check]) -> String {
        let role = RoleKind.deploy.roleName(qualifier: environment.qualifier, account: environment.account, region: environment.region)
        let pipelines = topology.environments.first { $0.name == environment.name }?.trust.map { AuditEvaluator.label($0, topology: topology) } ?? []
        let later = topology.environments.drop { $0.name != environment.name }.dropFirst().map(\.name)
        var text =
            "The pipeline updates itself, then its \(environment.name) stage fails: "
            + "\(pipelines.isEmpty ? "the pipeline" : pipelines.joined(separator: ", ")) cannot sts:AssumeRole \(role) (AccessDenied"
            + (failing.contains(.notBootstrapped) || failing.contains(.qualifierMismatch) ? ": the role does not exist" : ": the role does not trust it")
            + "). Earlier stages stay deployed"
        text += later.isEmpty ? "." : "; \(later.joined(separator: ", ")) \(later.count == 1 ? "is" : "are") not reached."
        return text
    }
}
