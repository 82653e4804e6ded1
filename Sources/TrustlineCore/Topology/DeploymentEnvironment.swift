// DeploymentEnvironment — one account a pipeline deploys to, with its regions and intended trust.

/// An account (in one or more regions) that pipelines deploy into, with `defaults` applied.
public struct DeploymentEnvironment: Sendable, Equatable {
    /// The environment's name (for example `prod`).
    public var name: String
    /// The 12-digit AWS account id.
    public var account: String
    /// The AWS profile that reaches the account; exactly one of `profile` and `access` is set.
    public var profile: String?
    /// The hub role that reaches the account (own, or from `defaults.access`).
    public var access: HubAccess?
    /// The regions bootstrapped in this account; never empty.
    public var regions: [String]
    /// The accounts that must be able to deploy (`--trust`): 12-digit ids, sorted, unique.
    public var trust: [String]
    /// The accounts that must be able to look up context (`--trust-for-lookup`): sorted, unique.
    public var trustForLookup: [String]
    /// The intended CloudFormation execution policies (ARNs); never empty.
    public var executionPolicies: [String]
    /// The bootstrap qualifier (default `hnb659fds`).
    public var qualifier: String
    /// The bootstrap stack name (default `CDKToolkit`).
    public var toolkitStackName: String
    /// The line of the environment's entry in the topology file.
    public var line: Int

    /// Creates an environment from values that are already valid.
    public init(
        name: String, account: String, profile: String? = nil, access: HubAccess? = nil,
        regions: [String], trust: [String], trustForLookup: [String] = [],
        executionPolicies: [String], qualifier: String = DeploymentEnvironment.defaultQualifier,
        toolkitStackName: String = DeploymentEnvironment.defaultToolkitStackName, line: Int
    ) {
        self.name = name
        self.account = account
        self.profile = profile
        self.access = access
        self.regions = regions
        self.trust = trust
        self.trustForLookup = trustForLookup
        self.executionPolicies = executionPolicies
        self.qualifier = qualifier
        self.toolkitStackName = toolkitStackName
        self.line = line
    }

    /// The CDK default bootstrap qualifier.
    public static let defaultQualifier = "hnb659fds"
    /// The CDK default bootstrap stack name.
    public static let defaultToolkitStackName = "CDKToolkit"
}
