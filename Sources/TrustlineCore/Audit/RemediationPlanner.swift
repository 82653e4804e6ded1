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
        let fixes = Set(findings.map(\.check)).intersection(Self.repairable).sorted()
        let unexpected = findings.contains { $0.check == .unexpectedTrust }
        guard !fixes.isEmpty || unexpected else { return nil }
        let account = snapshot.account
        let stack = snapshot.stack?.parameters["Qualifier"].map { $0 == environment.qualifier } ?? true ? snapshot.stack : nil

        // Who is trusted today: the live deploy/publishing roles (account-wide) and the stack parameter.
        var current = Set(stack?.listParameter("TrustedAccounts") ?? [])
        var currentLookup = Set(stack?.listParameter("TrustedAccountsForLookup") ?? [])
        for role in snapshot.roles {
            guard let document = role.trustPolicy, let policy = try? TrustPolicy(json: document) else { continue }
            let trusted = policy.enumerateTrust().accounts.filter { $0.isAccountWide && !$0.isConditional }.map(\.accountID)
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
            notes.append("Run with credentials for account \(account), e.g. a profile that assumes arn:\(partition(snapshot.region)):iam::\(account):role/\(access.roleName).")
        }
        for id in trust { argv += ["--trust", id] }
        for id in lookup { argv += ["--trust-for-lookup", id] }
        if !environment.executionPolicies.isEmpty {
            argv += ["--cloudformation-execution-policies", environment.executionPolicies.joined(separator: ",")]
        }
        var options: [String] = []
        if environment.qualifier != AuditEvaluator.defaultQualifier { options += ["--qualifier", environment.qualifier] }
        if environment.toolkitStackName != AuditEvaluator.defaultToolkitStackName { options += ["--toolkit-stack-name", environment.toolkitStackName] }
        argv += options

        if let status = snapshot.stack?.status, status == "ROLLBACK_COMPLETE" || status.hasSuffix("_FAILED") {
            notes.append("The stack \(environment.toolkitStackName) is \(status) and cannot be updated: delete it first (aws cloudformation delete-stack --stack-name \(environment.toolkitStackName) --region \(snapshot.region)); its S3 bucket and ECR repository are retained.")
        }
        if findings.contains(where: { $0.check == .qualifierMismatch }) {
            notes.append("This bootstraps qualifier \(environment.qualifier); apps synthesized with another qualifier keep using the old roles until they are changed.")
        }
        if findings.contains(where: { $0.check == .wildcardTrust || $0.check == .trustDrift }) {
            notes.append("Re-bootstrapping resets the roles' trust policies to the template, removing hand edits.")
        }

        var untrustCommand: String?
        if !untrust.isEmpty {
            var untrustArgv = ["cdk", "bootstrap", "aws://\(account)/\(snapshot.region)"]
            if let profile = environment.profile { untrustArgv += ["--profile", profile] }
            for id in untrust { untrustArgv += ["--untrust", id] }
            untrustArgv += options
            untrustCommand = ShellQuoting.line(untrustArgv)
        }
        if fixes.isEmpty && untrustCommand == nil { return nil }
        return RemediationCommand(
            environment: environment.name, account: account, region: snapshot.region,
            command: ShellQuoting.line(argv), argv: argv, fixes: fixes, untrust: untrust,
            untrustCommand: untrustCommand, notes: notes)
    }

    private func partition(_ region: String) -> String {
        region.hasPrefix("cn-") ? "aws-cn" : region.hasPrefix("us-gov-") ? "aws-us-gov" : "aws"
    }
}
