// Topology — the intended state read from a topology file: pipelines, environments, rules.

/// The intended trust between pipeline accounts and the environments they deploy to,
/// as read from a topology file (`policies/*.yaml`) and validated by ``TopologyParser``.
///
/// Every default has been applied and every pipeline name resolved: a value of this type
/// can be used without looking at the file again.
public struct Topology: Sendable, Equatable {
    /// The file the topology was read from, as given to the parser (used in messages).
    public var file: String
    /// The pipeline (tools) accounts, in file order.
    public var pipelines: [PipelineAccount]
    /// The deployment environments, in file order, with `defaults` applied.
    public var environments: [DeploymentEnvironment]
    /// The audit rules.
    public var rules: TopologyRules

    /// Creates a topology from values that are already valid.
    public init(
        file: String, pipelines: [PipelineAccount], environments: [DeploymentEnvironment],
        rules: TopologyRules
    ) {
        self.file = file
        self.pipelines = pipelines
        self.environments = environments
        self.rules = rules
    }

    /// The pipeline with this name, if the topology has one.
    public func pipeline(named name: String) -> PipelineAccount? {
        pipelines.first { $0.name == name }
    }

    /// The environment with this name, if the topology has one.
    public func environment(named name: String) -> DeploymentEnvironment? {
        environments.first { $0.name == name }
    }

    /// The number of bootstrap targets (one per environment and region: `aws://ACCOUNT/REGION`).
    public var targetCount: Int {
        environments.reduce(0) { $0 + $1.regions.count }
    }

    /// Every account the topology names: pipelines, environments and trusted accounts, sorted.
    ///
    /// A live trust to an account outside this set is `unexpected-trust` unless
    /// ``TopologyRules/allowUnlistedTrust`` is set.
    public var knownAccounts: [String] {
        var accounts = Set(pipelines.map(\.account))
        for environment in environments {
            accounts.insert(environment.account)
            accounts.formUnion(environment.trust)
            accounts.formUnion(environment.trustForLookup)
        }
        return accounts.sorted()
    }
}
