// BootstrapSimulator — what `cdk bootstrap` would set as the bootstrap stack's parameters,
// given the stack as it is: the rules of the CDK CLI's Bootstrapper.modernBootstrap and of its
// CloudFormation parameter handling, without calling anything.
import Foundation

/// The bootstrap stack parameters that decide trust.
public struct BootstrapParameters: Sendable, Equatable, Codable {
    /// `TrustedAccounts`: who may assume the deploy, file- and image-publishing roles (and lookup).
    public var trustedAccounts: [String]
    /// `TrustedAccountsForLookup`: who may also assume the lookup role.
    public var trustedAccountsForLookup: [String]
    /// `CloudFormationExecutionPolicies`: the cfn-exec role's managed policies (empty: none given).
    public var executionPolicies: [String]
    /// `Qualifier`: the `cdk-<qualifier>-…` role names.
    public var qualifier: String
    /// `DenyExternalId`: the roles refuse `sts:AssumeRole` calls that pass an ExternalId.
    public var denyExternalId: Bool

    public init(
        trustedAccounts: [String] = [], trustedAccountsForLookup: [String] = [], executionPolicies: [String] = [],
        qualifier: String = DeploymentEnvironment.defaultQualifier, denyExternalId: Bool = true
    ) {
        self.trustedAccounts = trustedAccounts
        self.trustedAccountsForLookup = trustedAccountsForLookup
        self.executionPolicies = executionPolicies
        self.qualifier = qualifier
        self.denyExternalId = denyExternalId
    }

    /// The parameters of a stack as `DescribeStacks` shows them (absent ones at the template default).
    public init(stack: StackSnapshot) {
        self.init(
            trustedAccounts: BootstrapSimulator.list(stack.parameters["TrustedAccounts"]),
            trustedAccountsForLookup: BootstrapSimulator.list(stack.parameters["TrustedAccountsForLookup"]),
            executionPolicies: BootstrapSimulator.list(stack.parameters["CloudFormationExecutionPolicies"]),
            qualifier: stack.parameters["Qualifier"].flatMap { $0.isEmpty ? nil : $0 } ?? DeploymentEnvironment.defaultQualifier,
            denyExternalId: (stack.parameters["DenyExternalId"] ?? "true") != "false")
    }
}

/// What one `cdk bootstrap` of one environment would do to the bootstrap stack.
public struct BootstrapOutcome: Sendable, Equatable {
    /// The stack's parameters today; `nil` when there is no stack (a first bootstrap).
    public var before: BootstrapParameters?
    /// The parameters after the command (equal to `before` when it changes nothing).
    public var after: BootstrapParameters
    /// Why the CDK CLI would stop before deploying anything, in its own words.
    public var refusal: String?
    /// No trust and no execution policies: the template gives cfn-exec `AdministratorAccess`.
    public var implicitAdministratorAccess: Bool
    /// The command deploys nothing (`--show-template`, or a refusal).
    public var changesNothing: Bool
    /// What else is worth knowing (reset parameters, a failed stack that is replaced…).
    public var notes: [String]
}

/// Computes the parameters a `cdk bootstrap` would give a stack. Pure.
///
/// The rules, as the CDK CLI (aws-cdk 2.1146, `Bootstrapper.modernBootstrap`) applies them:
/// - `TrustedAccounts` = the `--trust` values if any are given, else the stack's current value;
///   then every value equal to an `--untrust` value is removed (whole values: `--untrust A,B`
///   matches nothing). `TrustedAccountsForLookup` likewise with `--trust-for-lookup`.
/// - `CloudFormationExecutionPolicies` = the given ones, else the current ones. Trust without
///   policies is refused ("Please pass '--cloudformation-execution-policies' when using
///   '--trust'…"); neither trust nor policies means `AdministratorAccess`.
/// - These three are always passed explicitly, so `--no-previous-parameters` does not reset
///   them. It resets the parameters the command leaves unset — `Qualifier` above all — to the
///   template defaults; with previous parameters they keep the stack's values.
/// - A stack in `ROLLBACK_COMPLETE` or `ROLLBACK_FAILED` counts as absent: it is deleted and
///   bootstrapped afresh.
public enum BootstrapSimulator {
    /// The stack statuses the CDK CLI treats as "no stack" (`isCreationFailure`).
    public static let creationFailureStatuses: Set<String> = ["ROLLBACK_COMPLETE", "ROLLBACK_FAILED"]

    /// Parameters other than the trust ones that `--no-previous-parameters` resets, with their defaults.
    static let resettable: [(name: String, defaultValue: String)] = [
        ("FileAssetsBucketName", ""), ("FileAssetsBucketKmsKeyId", ""), ("ContainerAssetsRepositoryName", ""),
        ("InputPermissionsBoundary", ""), ("DenyExternalId", "true"),
    ]

    /// A CloudFormation `CommaDelimitedList` value as its elements (trimmed, empty ones dropped).
    public static func list(_ value: String?) -> [String] {
        (value ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The CDK CLI's `splitCfnArray`: `""` and absent are `[]`, otherwise split on commas.
    static func splitCfnArray(_ value: String?) -> [String] {
        guard let value, !value.isEmpty else { return [] }
        return value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    }

    /// The outcome of `command` on the stack `stack` (`nil`: none) of one environment.
    public static func simulate(
        _ command: BootstrapCommand, stack: StackSnapshot?, project: CDKProjectSettings = CDKProjectSettings(), partition: String = "aws"
    ) -> BootstrapOutcome {
        var notes: [String] = []
        var stack = stack
        if let failed = stack, creationFailureStatuses.contains(failed.status) {
            notes.append(
                "The stack \(failed.name) is \(failed.status): cdk deletes it and bootstraps afresh, so none of its parameters are kept.")
            stack = nil
        }
        let before = stack.map(BootstrapParameters.init(stack:))
        if command.showTemplate {
            return BootstrapOutcome(
                before: before, after: before ?? BootstrapParameters(), refusal: nil, implicitAdministratorAccess: false, changesNothing: true,
                notes: notes)
        }
        let current = stack?.parameters ?? [:]
        let untrusted = command.untrust ?? []
        func removeUntrusted(_ values: [String]) -> [String] { values.filter { !untrusted.contains($0) } }
        let trusted = removeUntrusted(command.trust ?? splitCfnArray(current["TrustedAccounts"]))
        let lookup = removeUntrusted(command.trustForLookup ?? splitCfnArray(current["TrustedAccountsForLookup"]))
        let policies = command.executionPolicies ?? splitCfnArray(current["CloudFormationExecutionPolicies"])

        // Qualifier: given (command line, else the project's context); else the previous value, or the default.
        let keepPrevious = command.previousParameters && stack != nil
        let givenQualifier = command.qualifier ?? project.qualifier
        if command.qualifier == nil, let contextQualifier = project.qualifier {
            notes.append("No --qualifier: cdk takes \(contextQualifier) from @aws-cdk/core:bootstrapQualifier in \(project.source ?? "cdk.json").")
        }
        let qualifier =
            givenQualifier ?? (keepPrevious ? (before?.qualifier ?? DeploymentEnvironment.defaultQualifier) : DeploymentEnvironment.defaultQualifier)
        let denyExternalId = command.denyExternalId ?? (keepPrevious ? (before?.denyExternalId ?? true) : true)

        if !command.previousParameters, let stack {
            var reset: [String] = []
            if givenQualifier == nil, let old = before?.qualifier, old != DeploymentEnvironment.defaultQualifier {
                reset.append("Qualifier \(old) → \(DeploymentEnvironment.defaultQualifier)")
            }
            for (name, defaultValue) in resettable where !command.explicitParameters.contains(name) {
                if let old = stack.parameters[name], !old.isEmpty, old != defaultValue {
                    reset.append("\(name) \(old) → \(defaultValue.isEmpty ? "(empty)" : defaultValue)")
                }
            }
            if !reset.isEmpty {
                notes.append(
                    "--no-previous-parameters returns the parameters the command does not set to the template defaults: \(reset.joined(separator: "; ")).")
            }
        }

        let after = BootstrapParameters(
            trustedAccounts: list(trusted.joined(separator: ",")), trustedAccountsForLookup: list(lookup.joined(separator: ",")),
            executionPolicies: list(policies.joined(separator: ",")), qualifier: qualifier, denyExternalId: denyExternalId)
        if !trusted.isEmpty && policies.isEmpty {
            return BootstrapOutcome(
                before: before, after: before ?? BootstrapParameters(),
                refusal:
                    "Please pass '--cloudformation-execution-policies' when using '--trust' to specify deployment permissions. Try a managed policy of the form 'arn:\(partition):iam::aws:policy/<PolicyName>'.",
                implicitAdministratorAccess: false, changesNothing: true, notes: notes)
        }
        let implicitAdministratorAccess = trusted.isEmpty && policies.isEmpty
        if implicitAdministratorAccess {
            notes.append(
                "Using default execution policy of 'arn:\(partition):iam::aws:policy/AdministratorAccess' (no trust and no --cloudformation-execution-policies)."
            )
        }
        return BootstrapOutcome(
            before: before, after: after, refusal: nil, implicitAdministratorAccess: implicitAdministratorAccess, changesNothing: false, notes: notes)
    }
}
