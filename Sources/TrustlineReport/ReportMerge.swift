// ReportMerge — `trustline merge`: joins the reports of a sharded audit (`audit --shard K/N`) into
// the report one unsharded audit would have written. Pure: reports in, report out; every way the
// inputs cannot make one whole audit is an error naming the files.
import Foundation
import TrustlineCore

/// Merges audit reports of disjoint parts of one topology.
///
/// Rules:
/// - every input was made against the same topology file, by the same trustline version;
/// - no environment (name and region) is in two inputs;
/// - when the inputs carry shard information, all of them do, with the same shard count, each
///   shard once, every shard present, and each environment in the shard its account hashes to;
/// - environments, findings and remediation are concatenated and sorted as ``AuditReportBuilder``
///   sorts them; the summary is recomputed (``AuditReportBuilder/summary(findings:environments:failOn:)``)
///   with `failOn`, or the inputs' common one; `generatedAt` is the latest input's.
public enum ReportMerge {
    /// One report to merge and the file it came from (named in errors).
    public struct Input: Sendable {
        public var source: String
        public var report: AuditReport

        public init(source: String, report: AuditReport) {
            self.source = source
            self.report = report
        }
    }

    /// Why the inputs do not make one audit.
    public struct MergeError: Error, LocalizedError, Sendable, Equatable {
        public enum Code: String, Sendable, Equatable {
            /// No report was given.
            case noInput
            /// Reports of different topology files.
            case differentTopology
            /// Reports written by different trustline versions.
            case differentVersions
            /// Reports with different `failOn`, and none given.
            case differentFailOn
            /// Some reports are shards, some are not.
            case mixedSharding
            /// Shards of different shard counts.
            case differentShardCounts
            /// The same shard twice.
            case duplicateShard
            /// An environment in a shard its account does not hash to.
            case environmentInWrongShard
            /// The same environment and region in two reports.
            case duplicateEnvironment
            /// Not every shard was given.
            case missingShards
        }

        public let code: Code
        /// One sentence naming the files and values concerned.
        public let message: String

        init(_ code: Code, _ message: String) {
            self.code = code
            self.message = message
        }

        public var errorDescription: String? { message }
    }

    /// The merged report: shard information dropped (it covers every shard).
    ///
    /// - Parameter failOn: the threshold of the merged verdict; `nil` keeps the inputs' common one.
    /// - Throws: ``MergeError`` when the inputs are not disjoint parts of one audit.
    public static func merge(_ inputs: [Input], failOn: Severity? = nil) throws(MergeError) -> AuditReport {
        guard let first = inputs.first else { throw MergeError(.noInput, "no report to merge") }
        for input in inputs.dropFirst() {
            if input.report.topology != first.report.topology {
                throw MergeError(
                    .differentTopology,
                    "\(name(input.source)) was made against the topology \(quoted(input.report.topology)), "
                        + "\(name(first.source)) against \(quoted(first.report.topology)): only shards of one topology merge")
            }
            if input.report.tool != first.report.tool {
                throw MergeError(
                    .differentVersions,
                    "\(name(input.source)) was written by trustline \(quoted(input.report.tool.version)), "
                        + "\(name(first.source)) by \(quoted(first.report.tool.version)): run every shard with the same trustline")
            }
        }
        let threshold: Severity
        if let failOn { threshold = failOn } else { threshold = try commonFailOn(inputs) }
        try checkShards(inputs)

        var seen: [String: String] = [:]
        var environments: [EnvironmentResult] = []
        var findings: [Finding] = []
        var remediation: [RemediationCommand] = []
        for input in inputs {
            for environment in input.report.environments {
                let key = "\(environment.name)\u{0}\(environment.region)"
                if let other = seen[key] {
                    let target = "aws://\(SafeText.singleLine(environment.account))/\(SafeText.singleLine(environment.region))"
                    throw MergeError(
                        .duplicateEnvironment,
                        "environment \(quoted(environment.name)) (\(target)) is in both \(name(other)) and \(name(input.source)): "
                            + "each environment must be audited once")
                }
                seen[key] = input.source
            }
            environments += input.report.environments
            findings += input.report.findings
            remediation += input.report.remediation
        }
        // The order of AuditReportBuilder.build, so that a merge equals the unsharded report.
        environments.sort { ($0.name, $0.region) < ($1.name, $1.region) }
        findings.sort()
        remediation.sort { ($0.environment, $0.region) < ($1.environment, $1.region) }
        let generatedAt = inputs.map(\.report.generatedAt).max() ?? first.report.generatedAt
        return AuditReport(
            tool: first.report.tool, generatedAt: generatedAt, topology: first.report.topology,
            summary: AuditReportBuilder.summary(findings: findings, environments: environments, failOn: threshold),
            environments: environments, findings: findings, remediation: remediation)
    }

    private static func commonFailOn(_ inputs: [Input]) throws(MergeError) -> Severity {
        let first = inputs[0]
        for input in inputs.dropFirst() where input.report.summary.failOn != first.report.summary.failOn {
            throw MergeError(
                .differentFailOn,
                "\(name(input.source)) fails on \(input.report.summary.failOn.rawValue), \(name(first.source)) on "
                    + "\(first.report.summary.failOn.rawValue): give --fail-on for the merged verdict")
        }
        return first.report.summary.failOn
    }

    /// Shards: all or none, one count, each index once, every index present, environments where
    /// their account hashes.
    private static func checkShards(_ inputs: [Input]) throws(MergeError) {
        let sharded = inputs.filter { $0.report.shard != nil }
        guard !sharded.isEmpty else { return }
        if let whole = inputs.first(where: { $0.report.shard == nil }) {
            throw MergeError(
                .mixedSharding,
                "\(name(whole.source)) is not a shard report but \(name(sharded[0].source)) is: merge the reports of one sharded audit")
        }
        var byIndex: [Int: String] = [:]
        var count: Int?
        var countSource = ""
        for input in sharded {
            guard let shard = input.report.shard else { continue }
            if let count, shard.count != count {
                throw MergeError(
                    .differentShardCounts,
                    "\(name(input.source)) is shard \(shard) but \(name(countSource)) is one of \(count) shards: every shard must be of the same count")
            }
            count = shard.count
            countSource = input.source
            if let other = byIndex[shard.index] {
                throw MergeError(.duplicateShard, "\(name(other)) and \(name(input.source)) are both shard \(shard)")
            }
            byIndex[shard.index] = input.source
            for environment in input.report.environments where !shard.contains(account: environment.account) {
                let home = Shard.index(ofAccount: environment.account, count: shard.count)
                throw MergeError(
                    .environmentInWrongShard,
                    "\(name(input.source)) says it is shard \(shard) but holds environment \(quoted(environment.name)) "
                        + "(account \(SafeText.singleLine(environment.account))), which belongs to shard \(home)/\(shard.count)")
            }
        }
        guard let count else { return }
        let missing = (1...count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let list = missing.map { "\($0)/\(count)" }
            throw MergeError(
                .missingShards,
                "incomplete: shard\(missing.count == 1 ? "" : "s") \(list.joined(separator: ", ")) "
                    + "\(missing.count == 1 ? "is" : "are") missing (\(byIndex.count) of \(count) given): "
                    + "a merge without every shard would hide environments that were never audited")
        }
    }

    private static func name(_ source: String) -> String {
        SafeText.singleLine(source)
    }

    private static func quoted(_ value: String) -> String {
        "'" + SafeText.singleLine(String(value.prefix(200))) + "'"
    }
}
