// AuditReport — the result of an audit as reports carry it (`schemaVersion: 1`).
import Foundation

/// A whole audit: summary, per-environment state, findings and remediation.
/// Encoded as `trustline-report.json`; `schemas/trustline-report.schema.json` describes it.
public struct AuditReport: Sendable, Codable, Equatable {
    public var schemaVersion: Int = 1
    public var tool: Tool
    public var generatedAt: Date
    /// The topology file the audit was made against.
    public var topology: String
    public var summary: Summary
    public var environments: [EnvironmentResult]
    public var findings: [Finding]
    public var remediation: [RemediationCommand]
    /// The shard this report covers (`audit --shard K/N`); absent for a whole audit, and for the
    /// report `trustline merge` makes of every shard's.
    public var shard: Shard?

    public struct Tool: Sendable, Codable, Equatable {
        public var name: String = "trustline"
        public var version: String
        public init(version: String) { self.version = version }
    }

    public struct Summary: Sendable, Codable, Equatable {
        /// No finding at or above `failOn`, and every environment was read.
        public var passed: Bool
        public var exitCode: Int
        public var failOn: Severity
        public var environments: Int
        public var unreachable: Int
        /// Findings per severity; every severity is present.
        public var counts: [String: Int]

        public init(passed: Bool, exitCode: Int, failOn: Severity, environments: Int, unreachable: Int, counts: [String: Int]) {
            self.passed = passed
            self.exitCode = exitCode
            self.failOn = failOn
            self.environments = environments
            self.unreachable = unreachable
            self.counts = counts
        }
    }

    public init(
        tool: Tool, generatedAt: Date, topology: String, summary: Summary, environments: [EnvironmentResult], findings: [Finding],
        remediation: [RemediationCommand], shard: Shard? = nil
    ) {
        self.tool = tool
        self.generatedAt = generatedAt
        self.topology = topology
        self.summary = summary
        self.environments = environments
        self.findings = findings
        self.remediation = remediation
        self.shard = shard
    }
}

/// One environment (`aws://account/region`) in a report.
public struct EnvironmentResult: Sendable, Codable, Equatable {
    /// `ok`, `findings`, `not-bootstrapped` or `unreachable`.
    public enum Status: String, Sendable, Codable {
        case ok
        case findings
        case notBootstrapped = "not-bootstrapped"
        case unreachable
    }

    public var name: String
    public var account: String
    public var region: String
    public var status: Status
    public var qualifier: String
    /// The account the credentials reached, when it was read.
    public var reachedAccount: String?
    /// Why it could not be read.
    public var error: String?
    public var stack: StackSummary?
    public var roles: [RoleTrust]
    /// The cfn-exec role's attached policy ARNs.
    public var executionPolicies: [String]

    public init(
        name: String, account: String, region: String, status: Status, qualifier: String, reachedAccount: String?, error: String?,
        stack: StackSummary?, roles: [RoleTrust], executionPolicies: [String]
    ) {
        self.name = name
        self.account = account
        self.region = region
        self.status = status
        self.qualifier = qualifier
        self.reachedAccount = reachedAccount
        self.error = error
        self.stack = stack
        self.roles = roles
        self.executionPolicies = executionPolicies
    }
}

/// The bootstrap stack in a report.
public struct StackSummary: Sendable, Codable, Equatable {
    public var name: String
    public var status: String
    public var bootstrapVersion: Int?
    public var lastUpdatedTime: Date?
    public var creationTime: Date?
    public var parameters: [String: String]

    public init(name: String, status: String, bootstrapVersion: Int?, lastUpdatedTime: Date?, creationTime: Date?, parameters: [String: String]) {
        self.name = name
        self.status = status
        self.bootstrapVersion = bootstrapVersion
        self.lastUpdatedTime = lastUpdatedTime
        self.creationTime = creationTime
        self.parameters = parameters
    }
}

/// Whom a role trusts, as evaluated from its live trust policy.
public struct RoleTrust: Sendable, Codable, Equatable {
    public var kind: RoleKind
    public var arn: String
    /// Accounts trusted account-wide (any principal of the account).
    public var trustedAccounts: [String]
    /// Accounts trusted only through specific principals (role or user ARNs).
    public var principalTrust: [String]
    /// Accounts trusted only under conditions the audit cannot decide.
    public var conditionalAccounts: [String]
    /// Whether any account can assume it.
    public var wildcard: Bool
    /// Service principals (`cloudformation.amazonaws.com`…).
    public var services: [String]

    public init(
        kind: RoleKind, arn: String, trustedAccounts: [String], principalTrust: [String], conditionalAccounts: [String], wildcard: Bool, services: [String]
    ) {
        self.kind = kind
        self.arn = arn
        self.trustedAccounts = trustedAccounts
        self.principalTrust = principalTrust
        self.conditionalAccounts = conditionalAccounts
        self.wildcard = wildcard
        self.services = services
    }
}

/// The one `cdk bootstrap` command that repairs an environment.
public struct RemediationCommand: Sendable, Codable, Equatable {
    public var environment: String
    public var account: String
    public var region: String
    /// The command as one shell-safe line.
    public var command: String
    /// The same command as an argument vector.
    public var argv: [String]
    /// The checks it repairs.
    public var fixes: [Check]
    /// Accounts trusted today that the topology does not name: kept in `--trust` (nobody is
    /// dropped silently) and offered for removal, after review, by `untrustCommand`.
    public var untrust: [String]
    /// A separate command that removes them; printed commented out.
    public var untrustCommand: String?
    /// Anything the user must know before running it (e.g. which credentials to use).
    public var notes: [String]
    /// Commands to run after it: CloudFormation does not see hand edits of a role, so a
    /// `cdk bootstrap` that leaves a role's parameters unchanged cannot undo them.
    public var followUp: [FollowUpCommand]

    public init(
        environment: String, account: String, region: String, command: String, argv: [String], fixes: [Check], untrust: [String],
        untrustCommand: String?, notes: [String], followUp: [FollowUpCommand] = []
    ) {
        self.environment = environment
        self.account = account
        self.region = region
        self.command = command
        self.argv = argv
        self.fixes = fixes
        self.untrust = untrust
        self.untrustCommand = untrustCommand
        self.notes = notes
        self.followUp = followUp
    }
}

/// A command to run after the `cdk bootstrap` of a remediation.
public struct FollowUpCommand: Sendable, Codable, Equatable {
    /// What it does, in a sentence.
    public var purpose: String
    /// The command as one shell-safe line.
    public var command: String
    public var argv: [String]

    public init(purpose: String, argv: [String]) {
        self.purpose = purpose
        self.argv = argv
        self.command = ShellQuoting.line(argv)
    }
}
