// AuditReport+Shard — the part of a report a shard covers, e.g. a whole baseline report cut down
// to what `audit --shard K/N` audits, so that comparing them does not see the other shards'
// environments as removed.

extension AuditReport {
    /// The environments, findings and remediation of `shard`'s accounts, with the summary
    /// recomputed and ``shard`` set.
    public func restricted(to shard: Shard) -> AuditReport {
        var part = self
        part.environments = environments.filter { shard.contains(account: $0.account) }
        part.findings = findings.filter { shard.contains(account: $0.account) }
        part.remediation = remediation.filter { shard.contains(account: $0.account) }
        part.summary = AuditReportBuilder.summary(findings: part.findings, environments: part.environments, failOn: summary.failOn)
        part.shard = shard
        return part
    }
}
