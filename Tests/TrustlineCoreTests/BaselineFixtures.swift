// BaselineFixtures — hand-built reports of two nights for the baseline and diff tests: `dev`
// (222222222222) deployed to by `tools` (111111111111), re-bootstrapped with `--trust 444444444444`.
import Foundation

@testable import TrustlineCore

enum BaselineFixtures {
    static let tools = "111111111111"
    static let dev = "222222222222"
    static let prod = "333333333333"
    static let tools2 = "444444444444"

    static func time(_ text: String) -> Date {
        Date(timeIntervalSince1970: PolicyDate.parse(text) ?? 0)
    }

    static let night1 = time("2026-11-21T03:00:00Z")
    static let night2 = time("2026-11-22T03:00:00Z")
    static let night3 = time("2026-11-23T03:00:00Z")
    static let rebootstrapped = time("2026-11-21T15:42:10Z")

    /// The five roles of an environment, the own account trusted as the template does.
    static func roles(
        _ account: String, region: String = "us-east-1", trust: [String], lookup: [String] = [], principal: [RoleKind: [String]] = [:],
        wildcard: Set<RoleKind> = []
    ) -> [RoleTrust] {
        RoleKind.allCases.map { kind in
            let arn = "arn:aws:iam::\(account):role/\(kind.roleName(qualifier: "hnb659fds", account: account, region: region))"
            if kind == .cfnExec {
                return RoleTrust(
                    kind: kind, arn: arn, trustedAccounts: [], principalTrust: [], conditionalAccounts: [], wildcard: false,
                    services: ["cloudformation.amazonaws.com"])
            }
            let trusted = Set(trust).union(kind == .lookup ? lookup : []).union([account])
            return RoleTrust(
                kind: kind, arn: arn, trustedAccounts: trusted.sorted(), principalTrust: principal[kind] ?? [], conditionalAccounts: [],
                wildcard: wildcard.contains(kind), services: [])
        }
    }

    static func stack(status: String = "UPDATE_COMPLETE", created: Date = time("2025-03-04T09:12:44Z"), updated: Date?) -> StackSummary {
        StackSummary(
            name: "CDKToolkit", status: status, bootstrapVersion: 30, lastUpdatedTime: updated, creationTime: created,
            parameters: ["TrustedAccounts": "", "Qualifier": "hnb659fds"])
    }

    static func environment(
        _ name: String, _ account: String, region: String = "us-east-1", status: EnvironmentResult.Status = .ok, roles: [RoleTrust],
        stack: StackSummary? = stack(updated: time("2025-09-15T13:30:02Z"))
    ) -> EnvironmentResult {
        EnvironmentResult(
            name: name, account: account, region: region, status: status, qualifier: "hnb659fds", reachedAccount: status == .unreachable ? nil : account,
            error: status == .unreachable ? "AccessDenied" : nil, stack: status == .unreachable ? nil : stack, roles: status == .unreachable ? [] : roles,
            executionPolicies: [])
    }

    static func unreachable(_ name: String, _ account: String, requestId: String = "r-1") -> (EnvironmentResult, Finding) {
        (
            environment(name, account, status: .unreachable, roles: []),
            Finding(
                check: .environmentUnreachable, environment: name, account: account, region: "us-east-1",
                message:
                    "Could not read aws://\(account)/us-east-1 with profile \(name): AccessDenied [request id \(requestId)]. The audit is incomplete here.",
                evidence: ["access": "profile \(name)", "error": "AccessDenied [request id \(requestId)]"])
        )
    }

    static func trustMissing(
        _ account: String, in environment: String = "dev", at target: String = dev, kinds: String = "deploy, file-publishing and image-publishing"
    )
        -> Finding
    {
        Finding(
            check: .pipelineTrustMissing, environment: environment, account: target, region: "us-east-1",
            message: "Pipeline account \(account) (tools) cannot assume the \(kinds) roles in aws://\(target)/us-east-1: it cannot deploy here.",
            evidence: ["deploy": "arn:aws:iam::\(target):role/cdk-hnb659fds-deploy-role-\(target)-us-east-1: no statement allows it"])
    }

    static func unexpected(_ account: String, in environment: String = "dev", at target: String = dev) -> Finding {
        Finding(
            check: .unexpectedTrust, environment: environment, account: target, region: "us-east-1",
            message:
                "aws://\(target)/us-east-1 trusts account \(account), which the topology does not name (deploy, file-publishing, image-publishing, lookup roles).",
            evidence: ["account": account, "roles": "deploy,file-publishing,image-publishing,lookup"])
    }

    static func remediation(trust: [String], environment: String = "dev", account: String = dev, fixes: [Check]) -> RemediationCommand {
        var argv = ["cdk", "bootstrap", "aws://\(account)/us-east-1", "--profile", environment]
        for id in trust { argv += ["--trust", id] }
        argv += ["--trust-for-lookup", tools, "--cloudformation-execution-policies", "arn:aws:iam::aws:policy/AdministratorAccess"]
        return RemediationCommand(
            environment: environment, account: account, region: "us-east-1", command: ShellQuoting.line(argv), argv: argv, fixes: fixes, untrust: [],
            untrustCommand: nil, notes: [])
    }

    static func report(
        at date: Date, environments: [EnvironmentResult], findings: [Finding] = [], remediation: [RemediationCommand] = [], failOn: Severity = .high,
        topology: String = "policies/org.yaml"
    ) -> AuditReport {
        AuditReport(
            tool: .init(version: "0.1.0"), generatedAt: date, topology: topology,
            summary: AuditReportBuilder.summary(findings: findings, environments: environments, failOn: failOn), environments: environments,
            findings: findings.sorted(), remediation: remediation)
    }

    /// Night 1: dev trusts tools for everything; prod healthy too.
    static var healthy: AuditReport {
        report(
            at: night1,
            environments: [
                environment("dev", dev, roles: roles(dev, trust: [tools], lookup: [tools])),
                environment("prod", prod, roles: roles(prod, trust: [tools], lookup: [tools])),
            ])
    }

    /// Night 2: dev re-bootstrapped with `--trust 444444444444` only. As with the real CLI, the
    /// lookup role keeps tools (TrustedAccountsForLookup is kept) unless `keepLookup` is false.
    static func afterRebootstrap(at date: Date = night2, updated: Date? = rebootstrapped, keepLookup: Bool = true) -> AuditReport {
        report(
            at: date,
            environments: [
                environment(
                    "dev", dev, status: .findings, roles: roles(dev, trust: [tools2], lookup: keepLookup ? [tools] : []), stack: stack(updated: updated)),
                environment("prod", prod, roles: roles(prod, trust: [tools], lookup: [tools])),
            ],
            findings: [trustMissing(tools), unexpected(tools2)],
            remediation: [remediation(trust: [tools, tools2], fixes: [.pipelineTrustMissing])])
    }
}
