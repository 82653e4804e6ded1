// Topology+Shard — which environments of a topology a shard audits.

extension Topology {
    /// The environments of `shard`, in file order: those whose account hashes to it (every region
    /// of an environment, and every environment of an account, go together).
    public func environments(in shard: Shard) -> [DeploymentEnvironment] {
        environments.filter { shard.contains(account: $0.account) }
    }

    /// The topology with only the environments of `shard`: what discovery reads for it.
    ///
    /// Evaluate the snapshots against the *whole* topology (``AuditReportBuilder``): checks such
    /// as `unexpected-trust` look at every account the topology names, not only this shard's.
    public func restricted(to shard: Shard) -> Topology {
        var part = self
        part.environments = environments(in: shard)
        return part
    }
}
