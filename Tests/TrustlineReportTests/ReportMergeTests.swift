// ReportMergeTests — `trustline merge`: the reports of N shards, built from snapshots with
// AuditReportBuilder, merge into the report of the unsharded audit (but for generatedAt), for
// every N; and every way the inputs cannot make one audit is refused, naming the files.
import Foundation
import Testing
import TrustlineCore

@testable import TrustlineReport

/// An organisation of ten accounts with every kind of environment: healthy, trust lost,
/// unexpected trust, not bootstrapped, unreachable, two regions, two environments in one account.
enum ShardedOrg {
    static let tools = "111111111111"
    static let tools2 = "444444444444"
    static let admin = "arn:aws:iam::aws:policy/AdministratorAccess"

    /// (environment, account, regions)
    static let environments: [(String, String, [String])] = [
        ("dev", "222222222222", ["us-east-1"]),
        ("staging", "333333333333", ["us-east-1"]),
        ("prod", "555555555555", ["us-east-1", "eu-west-1"]),
        ("qa", "666666666666", ["us-east-1"]),
        ("sandbox", "777777777777", ["us-east-1"]),
        ("shared", "888888888888", ["us-east-1"]),
        ("legacy", "121212121212", ["us-east-1"]),
        ("data", "131313131313", ["us-east-1", "eu-central-1"]),
        ("data-lookup", "131313131313", ["ap-south-1"]),
        ("ml", "141414141414", ["us-west-2"]),
    ]

    static var topologyText: String {
        var lines = [
            "version: 1",
            "defaults:",
            "  executionPolicies: [\(admin)]",
            "pipelines:",
            "  - name: tools",
            "    account: \"\(tools)\"",
            "  - name: tools2",
            "    account: \"\(tools2)\"",
            "environments:",
        ]
        for (name, account, regions) in environments {
            lines += [
                "  - name: \(name)", "    account: \"\(account)\"", "    profile: \(name)", "    regions: [\(regions.joined(separator: ", "))]",
                "    trust: [tools]", "    trustForLookup: [tools]",
            ]
        }
        lines += ["rules:", "  minBootstrapVersion: 21", "  allowAdministratorAccess: [\(environments.map(\.0).joined(separator: ", "))]"]
        return lines.joined(separator: "\n") + "\n"
    }

    static func topology() throws -> Topology {
        try TopologyParser.parse(topologyText, file: "policies/org.yaml")
    }

    static func cdkTrust(own: String, trusted: [String]) -> String {
        let principals = ([own] + trusted).map { "\"arn:aws:iam::\($0):root\"" }.joined(separator: ",")
        return #"{"Version":"2012-10-17","Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"AWS":[\#(principals)]}}]}"#
    }

    static func snapshot(_ environment: String, _ account: String, _ region: String, trusted: [String] = [tools]) -> EnvironmentSnapshot {
        let stack = StackSnapshot(
            name: "CDKToolkit", status: "CREATE_COMPLETE",
            parameters: [
                "TrustedAccounts": trusted.joined(separator: ","), "TrustedAccountsForLookup": tools,
                "CloudFormationExecutionPolicies": admin, "Qualifier": "hnb659fds",
            ],
            bootstrapVersion: 30, creationTime: Date(timeIntervalSince1970: 1_790_000_000))
        let roles = RoleKind.allCases.map { kind -> RoleSnapshot in
            let name = kind.roleName(qualifier: "hnb659fds", account: account, region: region)
            let trust =
                kind == .cfnExec
                ? #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudformation.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
                : cdkTrust(own: account, trusted: kind == .lookup ? Array(Set(trusted + [tools])).sorted() : trusted)
            return RoleSnapshot(
                kind: kind, name: name, arn: "arn:aws:iam::\(account):role/\(name)", trustPolicy: trust,
                attachedPolicies: kind == .cfnExec ? [PolicySnapshot(name: "AdministratorAccess", arn: admin)] : [])
        }
        return EnvironmentSnapshot(environment: environment, account: account, region: region, reachedAccount: account, stack: stack, roles: roles)
    }

    /// What discovery would have read, in no particular order.
    static var snapshots: [EnvironmentSnapshot] {
        var out: [EnvironmentSnapshot] = []
        for (name, account, regions) in environments {
            for region in regions {
                switch (name, region) {
                case ("staging", _): out.append(snapshot(name, account, region, trusted: [tools2]))  // re-bootstrapped for tools2 only
                case ("qa", _): out.append(snapshot(name, account, region, trusted: [tools, "999999999999"]))
                case ("prod", "eu-west-1"), ("data", "eu-central-1"):
                    out.append(EnvironmentSnapshot(environment: name, account: account, region: region, reachedAccount: account))
                case ("legacy", _):
                    out.append(EnvironmentSnapshot(environment: name, account: account, region: region, unreachable: "AccessDenied: not authorized"))
                default: out.append(snapshot(name, account, region))
                }
            }
        }
        return out.reversed()
    }

    static let version = "0.1.0"
    static let unshardedAt = Date(timeIntervalSince1970: 1_800_000_000)

    static func unsharded() throws -> AuditReport {
        AuditReportBuilder(topology: try topology(), version: version).build(snapshots: snapshots, generatedAt: unshardedAt)
    }

    /// Shard `index` of `count`, audited as `audit --shard` does: discovery reads the shard's
    /// environments, the builder judges them against the whole topology.
    static func shard(_ index: Int, of count: Int, at date: Date? = nil) throws -> AuditReport {
        let topology = try topology()
        let shard = try Shard(index: index, count: count)
        let part = topology.restricted(to: shard)
        let mine = snapshots.filter { part.environment(named: $0.environment) != nil }
        var report = AuditReportBuilder(topology: topology, version: version)
            .build(snapshots: mine, generatedAt: date ?? unshardedAt.addingTimeInterval(Double(-60 * index)))
        report.shard = shard
        return report
    }

    static func inputs(count: Int) throws -> [ReportMerge.Input] {
        try (1...count).map { ReportMerge.Input(source: "shard-\($0)/trustline-report.json", report: try shard($0, of: count)) }
    }
}

@Suite struct ReportMergeTests {
    func merge(_ inputs: [ReportMerge.Input], failOn: Severity? = nil) throws(ReportMerge.MergeError) -> AuditReport {
        try ReportMerge.merge(inputs, failOn: failOn)
    }

    func failure(_ inputs: [ReportMerge.Input], failOn: Severity? = nil) -> ReportMerge.MergeError? {
        do {
            _ = try merge(inputs, failOn: failOn)
            return nil
        } catch {
            return error
        }
    }

    @Test func theFixtureCoversEveryKindOfEnvironment() throws {
        let report = try ShardedOrg.unsharded()
        #expect(report.environments.count == 12)
        #expect(Set(report.environments.map(\.status)) == [.ok, .findings, .notBootstrapped, .unreachable])
        #expect(report.remediation.count >= 4)
        #expect(report.summary.exitCode == 3)
    }

    @Test("N shards merge into the unsharded report", arguments: [1, 2, 3, 4, 5, 8, 16])
    func roundTrip(_ count: Int) throws {
        let unsharded = try ShardedOrg.unsharded()
        let inputs = try ShardedOrg.inputs(count: count)
        #expect(inputs.reduce(0) { $0 + $1.report.environments.count } == unsharded.environments.count)
        #expect(count == 1 || inputs.filter { !$0.report.environments.isEmpty }.count > 1, "the shards must really split the work")
        let merged = try merge(inputs.shuffled())
        #expect(merged.generatedAt == inputs.map(\.report.generatedAt).max())
        var expected = unsharded
        expected.generatedAt = merged.generatedAt
        #expect(merged.shard == nil)
        #expect(merged.environments == expected.environments)
        #expect(merged.findings == expected.findings)
        #expect(merged.remediation == expected.remediation)
        #expect(merged.summary == expected.summary)
        #expect(merged == expected)
        // Byte for byte: the JSON, the Markdown and the repair script.
        #expect(try ReportJSON.encode(merged) == ReportJSON.encode(expected))
        #expect(MarkdownReport.render(merged) == MarkdownReport.render(expected))
        #expect(RemediationScript.render(merged) == RemediationScript.render(expected))
    }

    /// `audit` evaluates each account as discovery hands it over, from several threads at once:
    /// whatever the order and the grouping, the report is the one `build` makes, byte for byte.
    @Test("incremental evaluation gives the built report", arguments: [1, 2, 5])
    func incrementalEvaluation(_ groupSize: Int) async throws {
        let expected = try ShardedOrg.unsharded()
        let builder = AuditReportBuilder(topology: try ShardedOrg.topology(), version: ShardedOrg.version)
        for round in 0..<5 {
            let incremental = builder.incremental()
            let arrivals = round == 0 ? ShardedOrg.snapshots : ShardedOrg.snapshots.shuffled()
            await withTaskGroup(of: Void.self) { group in
                for start in stride(from: 0, to: arrivals.count, by: groupSize) {
                    let batch = Array(arrivals[start..<min(start + groupSize, arrivals.count)])
                    group.addTask { incremental.add(batch) }
                }
            }
            let report = incremental.report(generatedAt: ShardedOrg.unshardedAt)
            #expect(report == expected)
            #expect(try ReportJSON.encode(report) == ReportJSON.encode(expected))
        }
        // Snapshots of environments the topology does not name are left out, as build leaves them.
        let incremental = builder.incremental()
        incremental.add([ShardedOrg.snapshot("retired", "999999999999", "us-east-1")] + ShardedOrg.snapshots)
        #expect(incremental.report(generatedAt: ShardedOrg.unshardedAt) == expected)
    }

    @Test func shardsAreMadeOfTheirAccountsOnly() throws {
        for index in 1...4 {
            let report = try ShardedOrg.shard(index, of: 4)
            #expect(report.environments.allSatisfy { Shard.index(ofAccount: $0.account, count: 4) == index })
            #expect(report.findings.allSatisfy { Shard.index(ofAccount: $0.account, count: 4) == index })
        }
    }

    @Test func generatedAtIsTheLatestShards() throws {
        let late = Date(timeIntervalSince1970: 1_900_000_000)
        var inputs = try ShardedOrg.inputs(count: 3)
        inputs[1].report.generatedAt = late
        #expect(try merge(inputs).generatedAt == late)
    }

    @Test func unshardedReportsOfDisjointEnvironmentsMerge() throws {
        // Reports without shard information (e.g. made from two snapshot files) merge when disjoint.
        let whole = try ShardedOrg.unsharded()
        var first = whole
        var second = whole
        first.environments = whole.environments.filter { $0.name < "m" }
        first.findings = whole.findings.filter { $0.environment < "m" }
        first.remediation = whole.remediation.filter { $0.environment < "m" }
        second.environments = whole.environments.filter { $0.name >= "m" }
        second.findings = whole.findings.filter { $0.environment >= "m" }
        second.remediation = whole.remediation.filter { $0.environment >= "m" }
        let merged = try merge([.init(source: "b.json", report: second), .init(source: "a.json", report: first)])
        #expect(merged == whole)
    }

    @Test func failOnRecomputesTheVerdict() throws {
        let inputs = try ShardedOrg.inputs(count: 2).map { input -> ReportMerge.Input in
            var input = input
            // Without legacy (unreachable), the verdict is the findings' alone.
            input.report.environments.removeAll { $0.name == "legacy" }
            input.report.findings.removeAll { $0.environment == "legacy" }
            return input
        }
        #expect(try merge(inputs).summary.exitCode == 1)
        #expect(try merge(inputs, failOn: .critical).summary.failOn == .critical)
        #expect(try merge(inputs, failOn: .critical).summary.exitCode == 1)  // staging's pipeline-trust-missing is critical
        var onlyLow = inputs
        for index in onlyLow.indices {
            onlyLow[index].report.findings.removeAll { $0.severity >= .high }
        }
        let passing = try merge(onlyLow, failOn: .critical)
        #expect(passing.summary.exitCode == 0)
        #expect(passing.summary.passed)
    }

    // MARK: - Refusals

    @Test func noInputIsRefused() {
        #expect(failure([])?.code == .noInput)
    }

    @Test func missingShardsAreNamed() throws {
        let inputs = try ShardedOrg.inputs(count: 4)
        let error = failure([inputs[0], inputs[2]])
        #expect(error?.code == .missingShards)
        #expect(error?.message.contains("shards 2/4, 4/4 are missing (2 of 4 given)") == true, "\(error?.message ?? "")")
        let one = failure(Array(inputs.prefix(3)))
        #expect(one?.message.contains("shard 4/4 is missing (3 of 4 given)") == true, "\(one?.message ?? "")")
    }

    @Test func aShardGivenTwiceIsRefused() throws {
        let inputs = try ShardedOrg.inputs(count: 3)
        let error = failure(inputs + [ReportMerge.Input(source: "again.json", report: inputs[1].report)])
        #expect(error?.code == .duplicateShard)
        #expect(error?.message.contains("shard-2/trustline-report.json and again.json are both shard 2/3") == true, "\(error?.message ?? "")")
    }

    @Test func aDuplicateEnvironmentIsRefused() throws {
        let whole = try ShardedOrg.unsharded()
        let error = failure([.init(source: "a.json", report: whole), .init(source: "b.json", report: whole)])
        #expect(error?.code == .duplicateEnvironment)
        #expect(error?.message.contains("environment 'data' (aws://131313131313/eu-central-1) is in both a.json and b.json") == true, "\(error?.message ?? "")")
    }

    @Test func differentTopologiesAreRefused() throws {
        var inputs = try ShardedOrg.inputs(count: 2)
        inputs[1].report.topology = "policies/other.yaml"
        let error = failure(inputs)
        #expect(error?.code == .differentTopology)
        #expect(error?.message.contains("'policies/other.yaml'") == true)
        #expect(error?.message.contains("shard-2/trustline-report.json") == true)
    }

    @Test func differentVersionsAreRefused() throws {
        var inputs = try ShardedOrg.inputs(count: 2)
        inputs[0].report.tool.version = "0.0.9"
        #expect(failure(inputs)?.code == .differentVersions)
    }

    @Test func differentFailOnNeedsFailOn() throws {
        var inputs = try ShardedOrg.inputs(count: 2)
        inputs[1].report.summary.failOn = .critical
        let error = failure(inputs)
        #expect(error?.code == .differentFailOn)
        #expect(error?.message.contains("give --fail-on") == true)
        #expect(try merge(inputs, failOn: .high).summary.failOn == .high)
    }

    @Test func shardsAndWholeReportsDoNotMix() throws {
        var inputs = try ShardedOrg.inputs(count: 2)
        inputs[1].report.shard = nil
        #expect(failure(inputs)?.code == .mixedSharding)
    }

    @Test func shardsOfDifferentCountsDoNotMix() throws {
        let twos = try ShardedOrg.inputs(count: 2)
        let threes = try ShardedOrg.inputs(count: 3)
        #expect(failure([twos[0], threes[1]])?.code == .differentShardCounts)
    }

    @Test func anEnvironmentInAnotherShardIsRefused() throws {
        var inputs = try ShardedOrg.inputs(count: 2)
        // Relabelled files: shard 1's report claims to be shard 2 and the other way round.
        inputs[0].report.shard = try Shard(index: 2, count: 2)
        inputs[1].report.shard = try Shard(index: 1, count: 2)
        let error = failure(inputs)
        #expect(error?.code == .environmentInWrongShard)
        #expect(error?.message.contains("which belongs to shard") == true)
    }

    @Test func hostileSourcesAndTopologiesStayOnOneLine() throws {
        var inputs = try ShardedOrg.inputs(count: 2)
        inputs[1].report.topology = "x\n\u{1B}[31mred"
        inputs[1].source = "evil\nname.json"
        let message = failure(inputs)?.message ?? ""
        #expect(!message.contains("\n"))
        #expect(!message.contains("\u{1B}"))
    }

    // MARK: - The report field

    @Test func theShardFieldIsOmittedWhenAbsentAndValidatesWhenPresent() throws {
        let whole = try ShardedOrg.unsharded()
        let wholeJSON = String(decoding: try ReportJSON.encode(whole), as: UTF8.self)
        #expect(!wholeJSON.contains("\"shard\""))
        let part = try ShardedOrg.shard(2, of: 4)
        let data = try ReportJSON.encode(part)
        #expect(String(decoding: data, as: UTF8.self).contains("\"shard\" : {\n    \"count\" : 4,\n    \"index\" : 2\n  }"))
        #expect(try ReportJSON.decode(data) == part)
        let errors = try SchemaTests.validate(data)
        #expect(errors.isEmpty, "\(errors)")
        #expect(try SchemaTests.validate(ReportJSON.encode(whole)).isEmpty)
    }

    @Test func anImpossibleShardInAReportIsAnInputError() throws {
        let text = String(decoding: try ReportJSON.encode(try ShardedOrg.shard(1, of: 2)), as: UTF8.self)
            .replacingOccurrences(of: "\"index\" : 1", with: "\"index\" : 3")
        #expect(throws: ReportDecodingError.self) { try ReportJSON.decode(Data(text.utf8), source: "bad.json") }
    }
}
