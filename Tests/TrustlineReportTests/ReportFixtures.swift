// ReportFixtures — hand-built reports for the renderer tests: a mixed organisation showing every
// way trust breaks, an all-healthy one, and one full of hostile values.
import Foundation
import TrustlineCore
import TrustlineReport

enum ReportFixtures {
    static let tools = "111111111111"
    static let tools2 = "444444444444"
    static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    static let generatedAt = timestamp("2026-11-21T10:00:00Z")

    static func timestamp(_ text: String) -> Date {
        ReportTimestamp.date(from: text) ?? Date(timeIntervalSince1970: 0)
    }

    static func roleARN(_ kind: RoleKind, _ account: String, _ region: String = "us-east-1", qualifier: String = "hnb659fds") -> String {
        "arn:aws:iam::\(account):role/\(kind.roleName(qualifier: qualifier, account: account, region: region))"
    }

    /// The five bootstrap roles, each trusting `own` plus the given accounts.
    static func roles(
        _ account: String, _ region: String = "us-east-1", trust: [String], lookup: [String], conditionalLookup: [String] = [],
        wildcard: Set<RoleKind> = [], extra: [RoleKind: [String]] = [:]
    ) -> [RoleTrust] {
        RoleKind.allCases.map { kind in
            let arn = roleARN(kind, account, region)
            if kind == .cfnExec {
                return RoleTrust(
                    kind: kind, arn: arn, trustedAccounts: [], principalTrust: [], conditionalAccounts: [], wildcard: false,
                    services: ["cloudformation.amazonaws.com"])
            }
            let trusted = (kind == .lookup ? Set(lookup).union(trust) : Set(trust)).union([account]).union(extra[kind] ?? [])
            return RoleTrust(
                kind: kind, arn: arn, trustedAccounts: trusted.sorted(), principalTrust: [],
                conditionalAccounts: kind == .lookup ? conditionalLookup : [], wildcard: wildcard.contains(kind), services: [])
        }
    }

    static func stack(
        trust: [String], lookup: [String], policies: [String], qualifier: String = "hnb659fds", version: Int = 30, status: String = "UPDATE_COMPLETE",
        created: String = "2025-03-04T09:12:44Z", updated: String? = "2025-09-15T13:30:02Z"
    ) -> StackSummary {
        StackSummary(
            name: "CDKToolkit", status: status, bootstrapVersion: version, lastUpdatedTime: updated.map(timestamp), creationTime: timestamp(created),
            parameters: [
                "TrustedAccounts": trust.joined(separator: ","), "TrustedAccountsForLookup": lookup.joined(separator: ","),
                "CloudFormationExecutionPolicies": policies.joined(separator: ","), "Qualifier": qualifier,
                "PublicAccessBlockConfiguration": "true",
            ])
    }

    static func command(
        _ environment: String, _ account: String, _ region: String = "us-east-1", profile: String?, trust: [String], policies: [String],
        fixes: [Check], untrust: [String] = [], notes: [String] = [], followUp: [FollowUpCommand] = []
    ) -> RemediationCommand {
        var argv = ["cdk", "bootstrap", "aws://\(account)/\(region)"]
        if let profile { argv += ["--profile", profile] }
        for id in trust { argv += ["--trust", id] }
        argv += ["--cloudformation-execution-policies", policies.joined(separator: ",")]
        var untrustCommand: String?
        if !untrust.isEmpty {
            var untrustArgv = ["cdk", "bootstrap", "aws://\(account)/\(region)"]
            if let profile { untrustArgv += ["--profile", profile] }
            for id in untrust { untrustArgv += ["--untrust", id] }
            untrustCommand = ShellQuoting.line(untrustArgv)
        }
        return RemediationCommand(
            environment: environment, account: account, region: region, command: ShellQuoting.line(argv), argv: argv, fixes: fixes,
            untrust: untrust, untrustCommand: untrustCommand, notes: notes, followUp: followUp)
    }

    static func counts(_ findings: [Finding]) -> [String: Int] {
        var counts = Dictionary(uniqueKeysWithValues: Severity.allCases.map { ($0.rawValue, 0) })
        for finding in findings { counts[finding.severity.rawValue, default: 0] += 1 }
        return counts
    }

    // MARK: - The mixed organisation

    /// Two pipelines (tools, tools2); dev healthy; staging re-bootstrapped for tools2 only (tools
    /// lost trust); prod on AdministratorAccess where forbidden, its eu-west-1 never bootstrapped;
    /// qa hand-edited to trust 999999999999; sandbox under a custom qualifier; shared open to `*`;
    /// legacy unreachable.
    static var mixed: AuditReport {
        let dev = EnvironmentResult(
            name: "dev", account: "222222222222", region: "us-east-1", status: .ok, qualifier: "hnb659fds", reachedAccount: "222222222222", error: nil,
            stack: stack(trust: [tools], lookup: [tools], policies: [admin]), roles: roles("222222222222", trust: [tools], lookup: [tools]),
            executionPolicies: [admin])
        let legacyError =
            "AccessDenied: User: arn:aws:sts::111111111111:assumed-role/TrustlineAudit/nightly is not authorized to perform: sts:AssumeRole "
            + "on resource: arn:aws:iam::999999999990:role/TrustlineAudit (request 5c1f0e4e-8b7a-4c1e-9d0a-3f2b6c7d8e9f)"
        let legacy = EnvironmentResult(
            name: "legacy", account: "999999999990", region: "us-east-1", status: .unreachable, qualifier: "hnb659fds", reachedAccount: nil,
            error: legacyError, stack: nil, roles: [], executionPolicies: [])
        let prodPolicy = "arn:aws:iam::555555555555:policy/CdkDeployPolicy"
        let prodEU = EnvironmentResult(
            name: "prod", account: "555555555555", region: "eu-west-1", status: .notBootstrapped, qualifier: "hnb659fds",
            reachedAccount: "555555555555", error: nil, stack: nil, roles: [], executionPolicies: [])
        let prodUS = EnvironmentResult(
            name: "prod", account: "555555555555", region: "us-east-1", status: .findings, qualifier: "hnb659fds", reachedAccount: "555555555555",
            error: nil, stack: stack(trust: [tools], lookup: [tools], policies: [admin], version: 14, updated: nil),
            roles: roles("555555555555", trust: [tools], lookup: [tools]), executionPolicies: [admin])
        let qaPolicy = "arn:aws:iam::666666666666:policy/CdkDeployPolicy"
        let qa = EnvironmentResult(
            name: "qa", account: "666666666666", region: "us-east-1", status: .findings, qualifier: "hnb659fds", reachedAccount: "666666666666",
            error: nil, stack: stack(trust: [tools], lookup: [tools], policies: [qaPolicy]),
            roles: roles("666666666666", trust: [tools], lookup: [tools], extra: [.deploy: ["999999999999"]]), executionPolicies: [qaPolicy])
        let sandbox = EnvironmentResult(
            name: "sandbox", account: "777777777777", region: "us-east-1", status: .findings, qualifier: "hnb659fds", reachedAccount: "777777777777",
            error: nil, stack: stack(trust: [tools], lookup: [tools], policies: [admin], qualifier: "custom123"), roles: [], executionPolicies: [])
        // The lookup role was hand-edited: the pipeline may assume it only from an address range.
        var sharedRoles = roles("888888888888", trust: [tools], lookup: [], conditionalLookup: [tools], wildcard: [.filePublishing])
        if let lookup = sharedRoles.firstIndex(where: { $0.kind == .lookup }) { sharedRoles[lookup].trustedAccounts = ["888888888888"] }
        let shared = EnvironmentResult(
            name: "shared", account: "888888888888", region: "us-east-1", status: .findings, qualifier: "hnb659fds", reachedAccount: "888888888888",
            error: nil, stack: stack(trust: [tools], lookup: [], policies: [admin]),
            roles: sharedRoles, executionPolicies: [admin])
        let stagingRoles = roles("333333333333", trust: [tools2], lookup: [tools])
        let staging = EnvironmentResult(
            name: "staging", account: "333333333333", region: "us-east-1", status: .findings, qualifier: "hnb659fds", reachedAccount: "333333333333",
            error: nil, stack: stack(trust: [tools2], lookup: [tools], policies: [admin], updated: "2026-11-20T16:42:07Z"), roles: stagingRoles,
            executionPolicies: [admin])

        let findings: [Finding] = [
            Finding(
                check: .environmentUnreachable, environment: "legacy", account: "999999999990", region: "us-east-1",
                message:
                    "Could not read aws://999999999990/us-east-1 with role arn:aws:iam::999999999990:role/TrustlineAudit from the default credentials: "
                    + "\(legacyError). The audit is incomplete here.",
                evidence: ["access": "role arn:aws:iam::999999999990:role/TrustlineAudit from the default credentials", "error": legacyError]),
            Finding(
                check: .notBootstrapped, environment: "prod", account: "555555555555", region: "eu-west-1",
                message:
                    "aws://555555555555/eu-west-1 is not bootstrapped: there is no stack CDKToolkit and no cdk-hnb659fds-* roles, so no pipeline can deploy here.",
                evidence: ["qualifier": "hnb659fds", "toolkitStackName": "CDKToolkit"]),
            Finding(
                check: .executionPolicyMismatch, environment: "prod", account: "555555555555", region: "us-east-1",
                message:
                    "The cfn-exec role in aws://555555555555/us-east-1 does not carry the intended execution policies: missing \(prodPolicy); unexpected \(admin).",
                evidence: [
                    "attached": admin, "intended": prodPolicy, "role": roleARN(.cfnExec, "555555555555"),
                    "stackParameter.CloudFormationExecutionPolicies": admin,
                ]),
            Finding(
                check: .executionPolicyAdmin, environment: "prod", account: "555555555555", region: "us-east-1",
                message:
                    "CloudFormation deploys to aws://555555555555/us-east-1 with full administrator rights (\(admin)), which the rules allow only in: dev, qa, sandbox, shared, staging.",
                evidence: ["policies": admin, "role": roleARN(.cfnExec, "555555555555")]),
            Finding(
                check: .bootstrapOutdated, environment: "prod", account: "555555555555", region: "us-east-1",
                message: "aws://555555555555/us-east-1 runs bootstrap version 14; the rules require at least 21.",
                evidence: ["bootstrapVersion": "14", "minBootstrapVersion": "21"]),
            Finding(
                check: .unexpectedTrust, environment: "qa", account: "666666666666", region: "us-east-1",
                message: "aws://666666666666/us-east-1 trusts account 999999999999, which the topology does not name (deploy role).",
                evidence: ["account": "999999999999", "roles": "deploy"]),
            Finding(
                check: .trustDrift, environment: "qa", account: "666666666666", region: "us-east-1",
                message:
                    "The live trust of deploy in aws://666666666666/us-east-1 differs from the stack's TrustedAccounts parameters: the role was edited by hand.",
                evidence: [
                    "deploy": "\(roleARN(.deploy, "666666666666")): trusts beyond the stack parameters: 999999999999",
                    "stackParameter.TrustedAccounts": tools, "stackParameter.TrustedAccountsForLookup": tools,
                ]),
            Finding(
                check: .qualifierMismatch, environment: "sandbox", account: "777777777777", region: "us-east-1",
                message:
                    "The stack CDKToolkit in aws://777777777777/us-east-1 was bootstrapped with qualifier custom123, but the topology expects hnb659fds: "
                    + "the cdk-hnb659fds-* roles the apps use do not exist.",
                evidence: ["expectedQualifier": "hnb659fds", "stack": "CDKToolkit", "stackQualifier": "custom123"]),
            Finding(
                check: .wildcardTrust, environment: "shared", account: "888888888888", region: "us-east-1",
                message: "Any AWS account can assume the file-publishing role in aws://888888888888/us-east-1: the trust policy names a wildcard principal.",
                evidence: [
                    "file-publishing": roleARN(.filePublishing, "888888888888"),
                    "statement": #"{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Sid":"HandEdit"}"#,
                ]),
            Finding(
                check: .trustDrift, environment: "shared", account: "888888888888", region: "us-east-1",
                message:
                    "The live trust of file-publishing in aws://888888888888/us-east-1 differs from the stack's TrustedAccounts parameters: the role was edited by hand.",
                evidence: [
                    "file-publishing": "\(roleARN(.filePublishing, "888888888888")): trusts beyond the stack parameters: *",
                    "stackParameter.TrustedAccounts": tools, "stackParameter.TrustedAccountsForLookup": "",
                ]),
            Finding(
                check: .lookupTrustMissing, environment: "shared", account: "888888888888", region: "us-east-1",
                message: "Pipeline account 111111111111 (tools) cannot assume the lookup role in aws://888888888888/us-east-1: it cannot look up context here.",
                evidence: [
                    "lookup": "\(roleARN(.lookup, "888888888888")): trusted only if aws:SourceIp is in 10.0.0.0/8, which the audit cannot decide",
                    "stackParameter.TrustedAccounts": tools, "stackParameter.TrustedAccountsForLookup": "",
                ]),
            Finding(
                check: .pipelineTrustMissing, environment: "staging", account: "333333333333", region: "us-east-1",
                message:
                    "Pipeline account 111111111111 (tools) cannot assume the deploy, file-publishing and image-publishing roles in aws://333333333333/us-east-1: "
                    + "it cannot deploy here.",
                evidence: [
                    "deploy": "\(roleARN(.deploy, "333333333333")): no statement allows account 111111111111",
                    "file-publishing": "\(roleARN(.filePublishing, "333333333333")): no statement allows account 111111111111",
                    "image-publishing": "\(roleARN(.imagePublishing, "333333333333")): no statement allows account 111111111111",
                    "stackLastUpdated": "2026-11-20T16:42:07Z", "stackParameter.TrustedAccounts": tools2,
                ]),
            Finding(
                check: .trustLost, environment: "staging", account: "333333333333", region: "us-east-1",
                message:
                    "aws://333333333333/us-east-1 no longer trusts 111111111111 (tools) for deploy, file-publishing, image-publishing; "
                    + "the baseline of 2026-11-20T10:00:00Z did. The stack was updated at 2026-11-20T16:42:07Z.",
                evidence: ["account": tools, "baseline": "reports/trustline-report.json", "stackLastUpdated": "2026-11-20T16:42:07Z"]),
        ].sorted()

        let handEditNote =
            "CloudFormation does not see hand edits of a role: when a role's trust parameters do not change, `cdk bootstrap` leaves the edit in place, so the follow-up restores the trust policy the bootstrap template gives."
        let remediation = [
            command(
                "prod", "555555555555", "eu-west-1", profile: nil, trust: [tools], policies: [prodPolicy], fixes: [.notBootstrapped],
                notes: ["Run with credentials for account 555555555555, e.g. a profile that assumes arn:aws:iam::555555555555:role/TrustlineAudit."]),
            command(
                "prod", "555555555555", profile: nil, trust: [tools], policies: [prodPolicy],
                fixes: [.executionPolicyMismatch, .executionPolicyAdmin, .bootstrapOutdated],
                notes: ["Run with credentials for account 555555555555, e.g. a profile that assumes arn:aws:iam::555555555555:role/TrustlineAudit."]),
            command(
                "qa", "666666666666", profile: "qa", trust: [tools, "999999999999"], policies: [qaPolicy], fixes: [.trustDrift],
                untrust: ["999999999999"]),
            command(
                "sandbox", "777777777777", profile: "sandbox", trust: [tools], policies: [admin], fixes: [.qualifierMismatch],
                notes: ["This bootstraps qualifier hnb659fds; apps synthesized with another qualifier keep using the old roles until they are changed."]),
            command(
                "shared", "888888888888", profile: "shared", trust: [tools], policies: [admin], fixes: [.wildcardTrust, .trustDrift, .lookupTrustMissing],
                notes: [handEditNote],
                followUp: [
                    FollowUpCommand(
                        purpose: "Restore the bootstrap template's trust policy of the file-publishing role (a hand edit CloudFormation cannot see).",
                        argv: [
                            "aws", "iam", "update-assume-role-policy", "--role-name", "cdk-hnb659fds-file-publishing-role-888888888888-us-east-1",
                            "--policy-document", RemediationPlanner.templateTrustPolicy(account: "888888888888", trusted: [tools]), "--profile", "shared",
                        ])
                ]),
            command("staging", "333333333333", profile: "staging", trust: [tools, tools2], policies: [admin], fixes: [.pipelineTrustMissing, .trustLost]),
        ]

        return AuditReport(
            tool: .init(version: "0.1.0"), generatedAt: generatedAt, topology: "policies/org.yaml",
            summary: .init(passed: false, exitCode: 3, failOn: .high, environments: 8, unreachable: 1, counts: counts(findings)),
            environments: [dev, legacy, prodEU, prodUS, qa, sandbox, shared, staging], findings: findings, remediation: remediation)
    }

    // MARK: - All healthy

    static var healthy: AuditReport {
        let environments = [("dev", "222222222222"), ("prod", "555555555555"), ("staging", "333333333333")].map { name, account in
            EnvironmentResult(
                name: name, account: account, region: "us-east-1", status: .ok, qualifier: "hnb659fds", reachedAccount: account, error: nil,
                stack: stack(trust: [tools], lookup: [tools], policies: [admin]), roles: roles(account, trust: [tools], lookup: [tools]),
                executionPolicies: [admin])
        }
        return AuditReport(
            tool: .init(version: "0.1.0"), generatedAt: generatedAt, topology: "policies/org.yaml",
            summary: .init(passed: true, exitCode: 0, failOn: .high, environments: 3, unreachable: 0, counts: counts([])),
            environments: environments, findings: [], remediation: [])
    }

    // MARK: - Hostile values

    /// Values an attacker (or an unlucky hand edit) could put in AWS or a topology file: newlines
    /// followed by `payload`, Markdown and HTML, backticks, terminal escapes, bidi overrides.
    static func hostile(payload: String = "rm -rf /") -> AuditReport {
        let name = "dev`\(payload)`\n# Injected heading"
        let stackName = "CDK|Toolkit<script>alert(1)</script>"
        let message = "Trust lost.\n\(payload)\n```\n<img src=x onerror=alert(1)> | cell \u{1B}[2J\u{1B}]0;pwned\u{07} \u{202E}txt.exe"
        let environment = EnvironmentResult(
            name: name, account: "123456789012", region: "us-east-1", status: .findings, qualifier: "hnb659fds", reachedAccount: "123456789012",
            error: nil,
            stack: StackSummary(name: stackName, status: "UPDATE_COMPLETE", bootstrapVersion: 30, lastUpdatedTime: nil, creationTime: nil, parameters: [:]),
            roles: roles("123456789012", trust: [tools], lookup: [tools]), executionPolicies: [])
        let unreachable = EnvironmentResult(
            name: "| evil | row |\n\(payload)", account: "210987654321", region: "us-east-1", status: .unreachable, qualifier: "hnb659fds",
            reachedAccount: nil, error: "denied\n\(payload)\n\u{1B}[31mred", stack: nil, roles: [], executionPolicies: [])
        let findings = [
            Finding(
                check: .trustDrift, environment: name, account: "123456789012", region: "us-east-1", message: message,
                evidence: [
                    "stack": stackName, "key\n- [x](javascript:alert(1))": "\u{1B}]8;;http://evil\u{07}link\u{1B}]8;;\u{07}",
                    "policy": "```\n$(\(payload))\n```", "statement": #"{"Principal":{"AWS":"*"},"Sid":"</script><script>alert(1)</script>`x`"}"#,
                ]),
            Finding(
                check: .environmentUnreachable, environment: unreachable.name, account: unreachable.account, region: "us-east-1",
                message: "Could not read.\n\(payload)", evidence: [:]),
        ]
        let argv = ["cdk", "bootstrap", "aws://123456789012/us-east-1", "--profile", "dev'; \(payload); echo '", "--trust", tools]
        let command = RemediationCommand(
            environment: name, account: "123456789012", region: "us-east-1", command: payload + " # a command string that lies", argv: argv,
            fixes: [.trustDrift], untrust: ["999999999999\n\(payload)"], untrustCommand: "cdk bootstrap --untrust 999999999999\n\(payload)",
            notes: ["Careful.\n\(payload)\r\(payload)"])
        return AuditReport(
            tool: .init(version: "0.1.0\u{1B}[31m"), generatedAt: generatedAt, topology: "policies/org.yaml\n\(payload)",
            summary: .init(passed: false, exitCode: 3, failOn: .high, environments: 2, unreachable: 1, counts: counts(findings)),
            environments: [environment, unreachable], findings: findings, remediation: [command])
    }
}
