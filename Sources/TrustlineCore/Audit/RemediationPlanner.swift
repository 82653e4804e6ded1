// RemediationPlanner — the one `cdk bootstrap` command that repairs an environment without
// dropping anyone: its --trust is the union of the intended and the currently trusted accounts.
import Foundation

/// Plans the repair of one environment from its findings.
public struct RemediationPlanner: Sendable {
    public let topology: Topology

    public init(topology: Topology) {
        self.topology = topology
    }

    /// Checks a re-bootstrap repairs. (Unreachable environments and wrong profiles need access
    /// fixed first; unexpected trust alone is only offered for removal, never removed silently.)
    public static let repairable: Set<Check> = [
        .notBootstrapped, .pipelineTrustMissing, .lookupTrustMissing, .qualifierMismatch, .trustDrift, .wildcardTrust,
        .executionPolicyMismatch, .executionPolicyAdmin, .bootstrapOutdated, .bootstrapStackUnhealthy, .trustLost,
    ]

    public func plan(environment: DeploymentEnvironment, snapshot: EnvironmentSnapshot, findings: [Finding]) -> RemediationCommand? {
        plan(environment: environment, snapshot: snapshot, findings: findings, parsed: ParsedRoles(snapshot))
    }

    func plan(environment: DeploymentEnvironment, snapshot: EnvironmentSnapshot, findings: [Finding], parsed: ParsedRoles) -> RemediationCommand? {
        let fixes = Set(findings.map(\.check)).intersection(Self.repairable).sorted()
        let unexpected = findings.contains { $0.check == .unexpectedTrust }
        guard !fixes.isEmpty || unexpected else { return nil }
        let account = snapshot.account
        let stack = snapshot.stack?.parameters["Qualifier"].map { $0 == environment.qualifier } ?? true ? snapshot.stack : nil

        // Who is trusted today: the live deploy/publishing roles (account-wide) and the stack parameter.
        var current = Set(stack?.listParameter("TrustedAccounts") ?? [])
        var currentLookup = Set(stack?.listParameter("TrustedAccountsForLookup") ?? [])
        for role in snapshot.roles {
            guard let trust = parsed.trust(role.kind) else { continue }
            let trusted = trust.accounts.filter { $0.isAccountWide && !$0.isConditional }.map(\.accountID)
            switch role.kind {
            case .deploy, .filePublishing, .imagePublishing: current.formUnion(trusted)
            case .lookup: currentLookup.formUnion(trusted)
            case .cfnExec: break
            }
        }
        let valid = { (id: String) in id != account && id.count == 12 && id.allSatisfy(\.isNumber) }
        let trust = Set(environment.trust).union(current).filter(valid).sorted()
        // Intended lookup accounts are always named (so a later `--trust` change cannot take them
        // along); accounts only lookup-trusted today are kept too.
        let lookup = Set(environment.trustForLookup).union(currentLookup.subtracting(trust)).filter(valid).sorted()
        let untrust = current.union(currentLookup).subtracting(environment.trust).subtracting(environment.trustForLookup).filter(valid).sorted()

        var argv = ["cdk", "bootstrap", "aws://\(account)/\(snapshot.region)"]
        var notes: [String] = []
        if let profile = environment.profile {
            argv += ["--profile", profile]
        } else if let access = environment.access {
            notes.append(
                "Run with credentials for account \(account), e.g. a profile that assumes arn:\(partition(snapshot.region)):iam::\(account):role/\(access.roleName)."
            )
        }
        for id in trust { argv += ["--trust", id] }
        for id in lookup { argv += ["--trust-for-lookup", id] }
        if !environment.executionPolicies.isEmpty {
            argv += ["--cloudformation-execution-policies", environment.executionPolicies.joined(separator: ",")]
        }
        var options: [String] = []
        // `cdk bootstrap` keeps the stack's previous Qualifier when none is given: name it whenever
        // it is not the default or the stack has another one.
        let stackQualifier = snapshot.stack?.parameters["Qualifier"] ?? environment.qualifier
        if environment.qualifier != AuditEvaluator.defaultQualifier || stackQualifier != environment.qualifier {
            options += ["--qualifier", environment.qualifier]
        }
        if environment.toolkitStackName != AuditEvaluator.defaultToolkitStackName { options += ["--toolkit-stack-name", environment.toolkitStackName] }
        argv += options

        if let status = snapshot.stack?.status, status == "ROLLBACK_COMPLETE" || status.hasSuffix("_FAILED") {
            notes.append(
                "The stack \(environment.toolkitStackName) is \(status) and cannot be updated: delete it first (aws cloudformation delete-stack --stack-name \(environment.toolkitStackName) --region \(snapshot.region)); its S3 bucket and ECR repository are retained."
            )
        }
        if findings.contains(where: { $0.check == .qualifierMismatch }) {
            notes.append(
                "This bootstraps qualifier \(environment.qualifier); apps synthesized with another qualifier keep using the old roles until they are changed.")
        }
        let followUp = restoreHandEdits(environment: environment, snapshot: snapshot, stack: stack, trust: trust, lookup: lookup, parsed: parsed)
        if !followUp.isEmpty {
            notes.append(
                "CloudFormation does not see hand edits of a role: when a role's trust parameters do not change, `cdk bootstrap` leaves the edit in place, so the follow-up restores the trust policy the bootstrap template gives."
            )
        }

        var untrustCommand: String?
        if !untrust.isEmpty {
            var untrustArgv = ["cdk", "bootstrap", "aws://\(account)/\(snapshot.region)"]
            if let profile = environment.profile { untrustArgv += ["--profile", profile] }
            for id in untrust { untrustArgv += ["--untrust", id] }
            untrustArgv += options
            untrustCommand = ShellQuoting.line(untrustArgv)
        }
        if fixes.isEmpty && untrustCommand == nil && followUp.isEmpty { return nil }
        return RemediationCommand(
            environment: environment.name, account: account, region: snapshot.region,
            command: ShellQuoting.line(argv), argv: argv, fixes: fixes, untrust: untrust,
            untrustCommand: untrustCommand, notes: notes, followUp: followUp)
    }

    /// For each hand-edited role whose trust parameters the command leaves unchanged (so
    /// CloudFormation will not touch it), an `aws iam update-assume-role-policy` that puts back
    /// the policy the bootstrap template makes for those parameters.
    func restoreHandEdits(
        environment: DeploymentEnvironment, snapshot: EnvironmentSnapshot, stack: StackSnapshot?, trust: [String], lookup: [String], parsed: ParsedRoles
    ) -> [FollowUpCommand] {
        guard let stack else { return [] }
        let account = snapshot.account
        let partition = partition(snapshot.region)
        let currentTrusted = Set(stack.listParameter("TrustedAccounts")).subtracting([account])
        let currentLookup = currentTrusted.union(stack.listParameter("TrustedAccountsForLookup")).subtracting([account])
        let denyExternalId = (stack.parameters["DenyExternalId"] ?? "true") == "true"
        var out: [FollowUpCommand] = []
        for role in snapshot.roles.sorted(by: { $0.kind < $1.kind }) where role.kind != .cfnExec {
            let expected = role.kind == .lookup ? Set(trust).union(lookup) : Set(trust)
            let parameterSet = role.kind == .lookup ? currentLookup : currentTrusted
            // A change of parameters makes CloudFormation rewrite the role: nothing to add.
            guard expected == parameterSet else { continue }
            guard let enumeration = parsed.trust(role.kind) else { continue }
            var live = Set(enumeration.accounts.filter { $0.isAccountWide && !$0.isConditional }.map(\.accountID))
            live.remove(account)
            let extra = enumeration.wildcard != nil || enumeration.accounts.contains { $0.accountID != account && (!$0.isAccountWide || $0.isConditional) }
            guard live != expected || extra else { continue }
            let restored = Self.templateTrustPolicy(account: account, trusted: expected.sorted(), partition: partition, denyExternalId: denyExternalId)
            var argv = ["aws", "iam", "update-assume-role-policy", "--role-name", role.name, "--policy-document", restored]
            if let profile = environment.profile { argv += ["--profile", profile] }
            out.append(
                FollowUpCommand(
                    purpose: "Restore the bootstrap template's trust policy of the \(role.kind.rawValue) role (a hand edit CloudFormation cannot see).",
                    argv: argv))
        }
        return out
    }

    /// The trust policy the CDK bootstrap template (version 21 and later) gives the deploy,
    /// publishing and lookup roles: the own account and the trusted accounts may assume the
    /// role (without an ExternalId when `DenyExternalId` is true) and tag the session.
    public static func templateTrustPolicy(account: String, trusted: [String], partition: String = "aws", denyExternalId: Bool = true) -> String {
        func root(_ id: String) -> String { "\"arn:\(partition):iam::\(id):root\"" }
        let condition = denyExternalId ? #","Condition":{"Null":{"sts:ExternalId":"true"}}"# : ""
        var statements = [
            #"{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":\#(root(account))}\#(condition)}"#,
            #"{"Action":"sts:TagSession","Effect":"Allow","Principal":{"AWS":\#(root(account))}}"#,
        ]
        if !trusted.isEmpty {
            let list = "[" + trusted.map(root).joined(separator: ",") + "]"
            statements.append(#"{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":\#(list)}\#(condition)}"#)
            statements.append(#"{"Action":"sts:TagSession","Effect":"Allow","Principal":{"AWS":\#(list)}}"#)
        }
        return #"{"Version":"2012-10-17","Statement":["# + statements.joined(separator: ",") + "]}"
    }

    private func partition(_ region: String) -> String {
        Partitions.of(region: region)
    }
}
