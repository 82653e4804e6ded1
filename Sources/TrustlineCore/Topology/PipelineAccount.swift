// PipelineAccount — a CDK Pipelines (tools) account named in the topology.

/// An account that runs a CDK pipeline and must be able to deploy into environments.
public struct PipelineAccount: Sendable, Equatable {
    /// The pipeline's name, used in `trust` lists (for example `tools`).
    public var name: String
    /// The 12-digit AWS account id.
    public var account: String
    /// An optional AWS profile that reaches the pipeline account, so that its own bootstrap
    /// can be checked.
    public var profile: String?
    /// The line of the pipeline's entry in the topology file.
    public var line: Int

    /// Creates a pipeline account.
    public init(name: String, account: String, profile: String? = nil, line: Int) {
        self.name = name
        self.account = account
        self.profile = profile
        self.line = line
    }
}
