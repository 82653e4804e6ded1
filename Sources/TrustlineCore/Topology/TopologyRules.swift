// TopologyRules — the audit rules a topology sets for itself.

/// Rules that tune which findings an audit reports.
public struct TopologyRules: Sendable, Equatable {
    /// The lowest acceptable bootstrap version (`bootstrap-outdated` below it); `nil`: no minimum.
    public var minBootstrapVersion: Int?
    /// Environments where `AdministratorAccess` is an accepted execution policy.
    public var allowAdministratorAccess: [String]
    /// When `false` (the default), a live trust to an account the topology does not name is a finding.
    public var allowUnlistedTrust: Bool

    /// Creates rules; the defaults are those of a file without a `rules` section.
    public init(
        minBootstrapVersion: Int? = nil, allowAdministratorAccess: [String] = [],
        allowUnlistedTrust: Bool = false
    ) {
        self.minBootstrapVersion = minBootstrapVersion
        self.allowAdministratorAccess = allowAdministratorAccess
        self.allowUnlistedTrust = allowUnlistedTrust
    }
}
