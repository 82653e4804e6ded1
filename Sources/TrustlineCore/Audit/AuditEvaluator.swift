// AuditEvaluator — turns one environment's snapshot into findings and its report entry:
// the checks of PRODUCT.md, judged from the live trust policies.
import Foundation

/// What the evaluation of one environment gives.
public struct EnvironmentEvaluation: Sendable, Equatable {
    public var result: EnvironmentResult
    public var findings: [Finding]
    public var remediation: RemediationCommand?
}

/// Evaluates snapshots against the topology. Pure: no I/O, same input → same output.
public struct AuditEvaluator: Sendable {
    public let topology: Topology
    /// Trust policies already parsed by this evaluator (and its copies).
    let policies: TrustPolicyCache

    public init(topology: Topology) {
        self.topology = topology
        policies = TrustPolicyCache()
    }

    /// The default qualifier and stack name of `cdk bootstrap`.
    public static let defaultQualifier = "hnb659fds"
    public static let defaultToolkitStackName = "CDKToolkit"

    public func evaluate(_ snapshot: EnvironmentSnapshot, environment: DeploymentEnvironment) -> EnvironmentEvaluation {
        let parsed = ParsedRoles(snapshot, cache: policies)
        var run = Run(topology: topology, environment: environment, snapshot: snapshot, parsed: parsed)
        run.check()
        let findings = run.findings.sorted()
        let remediation = RemediationPlanner(topology: topology).plan(environment: environment, snapshot: snapshot, findings: findings, parsed: parsed)
        return EnvironmentEvaluation(result: run.result(findings: findings), findings: findings, remediation: remediation)
    }

    /// A pipeline account's name in messages: `111111111111 (tools)`.
    static func label(_ account: String, topology: Topology) -> String {
        if let pipeline = topology.pipelines.first(where: { $0.account == account }) { return "\(account) (\(pipeline.name))" }
        return account
    }
}

/// The state of one evaluation in progress.
private struct Run {
    let topology: Topology
    let environment: DeploymentEnvironment
    let snapshot: EnvironmentSnapshot
    let parsed: ParsedRoles
    var findings: [Finding] = []
    var status: EnvironmentResult.Status = .ok

    init(topology: Topology, environment: DeploymentEnvironment, snapshot: EnvironmentSnapshot, parsed: ParsedRoles) {
        self.topology = topology
        self.environment = environment
        self.snapshot = snapshot
        self.parsed = parsed
    }

    var target: String { "aws://\(snapshot.account)/\(snapshot.region)" }
    var partition: String { Partitions.of(region: snapshot.region) }

    mutating func add(_ check: Check, _ message: String, _ evidence: [String: String] = [:]) {
        findings.append(
            Finding(
                check: check, environment: environment.name, account: snapshot.account, region: snapshot.region,
                message: message, evidence: evidence))
    }

    func label(_ account: String) -> String { AuditEvaluator.label(account, topology: topology) }

    var accessDescription: String {
        if let profile = environment.profile { return "profile \(profile)" }
        if let access = environment.access {
            return "role arn:\(partition):iam::\(environment.account):role/\(access.roleName)"
                + (access.sourceProfile.map { " from profile \($0)" } ?? " from the default credentials")
        }
        return "the default credentials"
    }

    mutating func check() {
        if let reason = snapshot.unreachable {
            status = .unreachable
            add(
                .environmentUnreachable, "Could not read \(target) with \(accessDescription): \(reason). The audit is incomplete here.",
                ["access": accessDescription, "error": reason])
            return
        }
        if let reached = snapshot.reachedAccount, reached != snapshot.account {
            status = .unreachable
            add(
                .profileAccountMismatch,
                "\(accessDescription.prefix(1).uppercased() + accessDescription.dropFirst()) reaches account \(reached), not \(snapshot.account): nothing else was checked here, to avoid auditing the wrong account.",
                ["access": accessDescription, "reachedAccount": reached, "expectedAccount": snapshot.account])
            return
        }
        guard checkBootstrap() else { return }
        checkPipelineTrust()
        checkLookupTrust()
        checkTrustShape()
        checkExecutionPolicies()
    }

    /// Stack presence, qualifier, health and version. False when there is nothing more to check.
    mutating func checkBootstrap() -> Bool {
        let stackName = environment.toolkitStackName
        guard let stack = snapshot.stack else {
            if !snapshot.otherQualifiers.isEmpty && snapshot.roles.isEmpty {
                status = .notBootstrapped
                add(
                    .qualifierMismatch,
                    "\(target) has no bootstrap under qualifier \(environment.qualifier), only under \(snapshot.otherQualifiers.joined(separator: ", ")): apps synthesized with qualifier \(environment.qualifier) cannot deploy here.",
                    [
                        "expectedQualifier": environment.qualifier, "foundQualifiers": snapshot.otherQualifiers.joined(separator: ","),
                        "toolkitStackName": stackName,
                    ])
                return false
            }
            if snapshot.roles.isEmpty {
                status = .notBootstrapped
                add(
                    .notBootstrapped,
                    "\(target) is not bootstrapped: there is no stack \(stackName) and no cdk-\(environment.qualifier)-* roles, so no pipeline can deploy here.",
                    ["toolkitStackName": stackName, "qualifier": environment.qualifier])
                return false
            }
            add(
                .notBootstrapped,
                "\(target) has bootstrap roles for qualifier \(environment.qualifier) but no stack named \(stackName): was it bootstrapped with another --toolkit-stack-name?",
                ["toolkitStackName": stackName, "roles": snapshot.roles.map(\.arn).joined(separator: " ")])
            return true
        }
        if let qualifier = stack.parameters["Qualifier"], !qualifier.isEmpty, qualifier != environment.qualifier {
            add(
                .qualifierMismatch,
                "The stack \(stack.name) in \(target) was bootstrapped with qualifier \(qualifier), but the topology expects \(environment.qualifier): the cdk-\(environment.qualifier)-* roles the apps use do not exist.",
                ["stackQualifier": qualifier, "expectedQualifier": environment.qualifier, "stack": stack.name])
            return false
        }
        if !stack.isHealthy {
            var evidence = ["stackStatus": stack.status, "stack": stack.name]
            if let reason = stack.statusReason { evidence["statusReason"] = reason }
            let what = stack.status.hasSuffix("_IN_PROGRESS") ? "is still in progress" : stack.status.contains("ROLLBACK") ? "rolled back" : "failed"
            add(
                .bootstrapStackUnhealthy,
                "The bootstrap stack \(stack.name) in \(target) \(what) (\(stack.status))\(stack.statusReason.map { ": \($0)" } ?? "").", evidence)
        }
        if let minimum = topology.rules.minBootstrapVersion {
            if let version = stack.bootstrapVersion {
                if version < minimum {
                    add(
                        .bootstrapOutdated, "\(target) runs bootstrap version \(version); the rules require at least \(minimum).",
                        ["bootstrapVersion": String(version), "minBootstrapVersion": String(minimum)])
                }
            } else {
                add(
                    .bootstrapOutdated, "The stack \(stack.name) in \(target) has no BootstrapVersion output; the rules require at least \(minimum).",
                    ["minBootstrapVersion": String(minimum)])
            }
        }
        return true
    }

    func policy(of role: RoleSnapshot) -> Result<TrustPolicy, Error> {
        switch parsed.policy(role.kind) {
        case .success(let policy): return .success(policy)
        case .failure(let error): return .failure(error)
        case nil: return .failure(TrustPolicyError(.invalidJSON, path: "", "the role has no trust policy"))
        }
    }

    func context(for account: String) -> AssumeRoleContext {
        AssumeRoleContext(callerAccount: account, partition: partition)
    }

    /// Every required pipeline account must be able to assume the deploy and publishing roles.
    mutating func checkPipelineTrust() {
        checkRequiredTrust(accounts: environment.trust, kinds: RoleKind.pipelineRoles, check: .pipelineTrustMissing, purpose: "deploy")
    }

    mutating func checkLookupTrust() {
        checkRequiredTrust(accounts: environment.trustForLookup, kinds: [.lookup], check: .lookupTrustMissing, purpose: "look up context")
    }

    mutating func checkRequiredTrust(accounts: [String], kinds: [RoleKind], check: Check, purpose: String) {
        for account in accounts where account != snapshot.account {
            var failures: [String] = []
            var evidence: [String: String] = [:]
            for kind in kinds {
                guard let role = snapshot.role(kind) else {
                    failures.append(kind.rawValue)
                    evidence[kind.rawValue] =
                        "role \(kind.roleName(qualifier: environment.qualifier, account: snapshot.account, region: snapshot.region)) does not exist"
                    continue
                }
                switch policy(of: role) {
                case .failure(let error):
                    failures.append(kind.rawValue)
                    evidence[kind.rawValue] = "\(role.arn): trust policy unreadable: \(error.localizedDescription)"
                case .success(let policy):
                    let decision = policy.decision(for: context(for: account))
                    if !decision.isTrustedAccountWide {
                        failures.append(kind.rawValue)
                        evidence[kind.rawValue] = "\(role.arn): \(decision.summary)"
                    }
                }
            }
            guard !failures.isEmpty else { continue }
            if let stack = snapshot.stack {
                evidence["stackParameter.TrustedAccounts"] = stack.parameters["TrustedAccounts"] ?? ""
                if check == .lookupTrustMissing { evidence["stackParameter.TrustedAccountsForLookup"] = stack.parameters["TrustedAccountsForLookup"] ?? "" }
                if let updated = stack.lastUpdatedTime { evidence["stackLastUpdated"] = PolicyDate.iso8601(updated.timeIntervalSince1970) }
            }
            let roles = failures.count == 1 ? "the \(failures[0]) role" : "the \(failures.dropLast().joined(separator: ", ")) and \(failures.last ?? "") roles"
            add(check, "Pipeline account \(label(account)) cannot assume \(roles) in \(target): it cannot \(purpose) here.", evidence)
        }
    }

    /// Wildcards, accounts the topology does not name, and drift from the stack's parameters.
    mutating func checkTrustShape() {
        var wildcardRoles: [String] = []
        var wildcardEvidence: [String: String] = [:]
        var unexpected: [String: [String]] = [:]
        var driftEvidence: [String: String] = [:]
        let stack = snapshot.stack
        for role in snapshot.roles where role.kind != .cfnExec {
            guard let trust = parsed.trust(role.kind) else { continue }
            if let wildcard = trust.wildcard {
                wildcardRoles.append(role.kind.rawValue)
                wildcardEvidence[role.kind.rawValue] =
                    role.arn + (wildcard.conditions.isEmpty ? "" : " (only if: \(wildcard.conditions.map(\.description).joined(separator: "; ")))")
            }
            var allowed = Set(environment.trust).union([snapshot.account])
            if role.kind == .lookup { allowed.formUnion(environment.trustForLookup) }
            for account in trust.accountIDs where !allowed.contains(account) {
                unexpected[account, default: []].append(role.kind.rawValue)
            }
            if let stack {
                var expected = Set(stack.listParameter("TrustedAccounts"))
                if role.kind == .lookup { expected.formUnion(stack.listParameter("TrustedAccountsForLookup")) }
                expected.remove(snapshot.account)
                var live = Set(trust.accounts.filter { $0.isAccountWide && !$0.isConditional }.map(\.accountID))
                live.remove(snapshot.account)
                if live != expected || trust.wildcard != nil {
                    let added = live.subtracting(expected).sorted() + (trust.wildcard != nil ? ["*"] : [])
                    let removed = expected.subtracting(live).sorted()
                    driftEvidence[role.kind.rawValue] =
                        "\(role.arn): "
                        + [
                            added.isEmpty ? nil : "trusts beyond the stack parameters: \(added.joined(separator: ", "))",
                            removed.isEmpty ? nil : "no longer trusts: \(removed.joined(separator: ", "))",
                        ].compactMap { $0 }.joined(separator: "; ")
                }
            }
        }
        if !wildcardRoles.isEmpty {
            add(
                .wildcardTrust,
                "Any AWS account can assume the \(wildcardRoles.joined(separator: ", ")) role\(wildcardRoles.count > 1 ? "s" : "") in \(target): the trust policy names a wildcard principal.",
                wildcardEvidence)
        }
        if !topology.rules.allowUnlistedTrust {
            for (account, roles) in unexpected.sorted(by: { $0.key < $1.key }) {
                add(
                    .unexpectedTrust,
                    "\(target) trusts account \(account), which the topology does not name (\(roles.joined(separator: ", ")) role\(roles.count > 1 ? "s" : "")).",
                    ["account": account, "roles": roles.joined(separator: ",")])
            }
        }
        if !driftEvidence.isEmpty, let stack {
            var evidence = driftEvidence
            evidence["stackParameter.TrustedAccounts"] = stack.parameters["TrustedAccounts"] ?? ""
            evidence["stackParameter.TrustedAccountsForLookup"] = stack.parameters["TrustedAccountsForLookup"] ?? ""
            add(
                .trustDrift,
                "The live trust of \(driftEvidence.keys.sorted().joined(separator: ", ")) in \(target) differs from the stack's TrustedAccounts parameters: the role was edited by hand.",
                evidence)
        }
    }

    mutating func checkExecutionPolicies() {
        guard snapshot.stack != nil else { return }
        guard let role = snapshot.role(.cfnExec) else {
            add(
                .executionPolicyMismatch,
                "\(target) has no cfn-exec role (\(RoleKind.cfnExec.roleName(qualifier: environment.qualifier, account: snapshot.account, region: snapshot.region))): CloudFormation cannot deploy here."
            )
            return
        }
        let attached = Set(role.attachedPolicies.compactMap(\.arn))
        let intended = Set(environment.executionPolicies)
        if attached != intended {
            var evidence = ["role": role.arn, "attached": attached.sorted().joined(separator: ","), "intended": intended.sorted().joined(separator: ",")]
            if let parameter = snapshot.stack?.parameters["CloudFormationExecutionPolicies"] {
                evidence["stackParameter.CloudFormationExecutionPolicies"] = parameter
            }
            let missing = intended.subtracting(attached).sorted()
            let extra = attached.subtracting(intended).sorted()
            let parts = [
                missing.isEmpty ? nil : "missing \(missing.joined(separator: ", "))", extra.isEmpty ? nil : "unexpected \(extra.joined(separator: ", "))",
            ].compactMap { $0 }
            add(
                .executionPolicyMismatch, "The cfn-exec role in \(target) does not carry the intended execution policies: \(parts.joined(separator: "; ")).",
                evidence)
        }
        guard !topology.rules.allowAdministratorAccess.contains(environment.name) else { return }
        var broad: [String] = []
        for policy in role.attachedPolicies {
            if let arn = policy.arn, PermissionsPolicy.isAdministratorAccess(arn) {
                broad.append(arn)
            } else if let document = policy.document, PermissionsPolicy.allowsEverything(document) {
                broad.append(policy.arn ?? policy.name)
            }
        }
        for policy in role.inlinePolicies where policy.document.map(PermissionsPolicy.allowsEverything) == true {
            broad.append("inline policy \(policy.name)")
        }
        if !broad.isEmpty {
            add(
                .executionPolicyAdmin,
                "CloudFormation deploys to \(target) with full administrator rights (\(broad.joined(separator: ", "))), which the rules allow only in: \(topology.rules.allowAdministratorAccess.isEmpty ? "no environment" : topology.rules.allowAdministratorAccess.joined(separator: ", ")).",
                ["role": role.arn, "policies": broad.joined(separator: ",")])
        }
    }

    func result(findings: [Finding]) -> EnvironmentResult {
        var status = self.status
        if status == .ok && !findings.isEmpty { status = .findings }
        let roles: [RoleTrust] = snapshot.roles.sorted { $0.kind < $1.kind }.map { role in
            guard let trust = parsed.trust(role.kind) else {
                return RoleTrust(
                    kind: role.kind, arn: role.arn, trustedAccounts: [], principalTrust: [], conditionalAccounts: [], wildcard: false, services: [])
            }
            let unconditional = trust.accounts.filter { !$0.isConditional }
            return RoleTrust(
                kind: role.kind, arn: role.arn,
                trustedAccounts: unconditional.filter(\.isAccountWide).map(\.accountID).sorted(),
                principalTrust: unconditional.filter { !$0.isAccountWide }.map(\.accountID).sorted(),
                conditionalAccounts: trust.accounts.filter(\.isConditional).map(\.accountID).sorted(),
                wildcard: trust.wildcard != nil, services: trust.services.sorted())
        }
        let stack = snapshot.stack.map {
            StackSummary(
                name: $0.name, status: $0.status, bootstrapVersion: $0.bootstrapVersion, lastUpdatedTime: $0.lastUpdatedTime,
                creationTime: $0.creationTime, parameters: $0.parameters)
        }
        return EnvironmentResult(
            name: environment.name, account: snapshot.account, region: snapshot.region, status: status, qualifier: environment.qualifier,
            reachedAccount: snapshot.reachedAccount, error: snapshot.unreachable, stack: stack, roles: roles,
            executionPolicies: snapshot.role(.cfnExec)?.attachedPolicies.compactMap(\.arn).sorted() ?? [])
    }
}
