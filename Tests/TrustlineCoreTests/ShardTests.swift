// ShardTests — `audit --shard K/N`: the values accepted, and the assignment of environments to
// shards (stable, complete, disjoint, by account, independent of file order and of the other
// environments).
import Foundation
import Testing

@testable import TrustlineCore

@Suite struct ShardTests {
    /// A topology of `accounts` accounts; every third one has two regions, every fifth a second
    /// environment in the same account.
    static func topology(accounts: Int, reversed: Bool = false, first: Int = 100_000_000_000) throws -> Topology {
        var entries: [String] = []
        for number in 0..<accounts {
            let account = String(first + number * 7919)
            let regions = number % 3 == 0 ? "[us-east-1, eu-west-1]" : "[us-east-1]"
            entries.append(
                """
                  - name: env\(number)
                    account: "\(account)"
                    profile: p\(number)
                    regions: \(regions)
                    trust: [tools]
                """)
            if number % 5 == 0 {
                entries.append(
                    """
                      - name: env\(number)-b
                        account: "\(account)"
                        profile: p\(number)
                        regions: [ap-south-1]
                        trust: [tools]
                    """)
            }
        }
        if reversed { entries.reverse() }
        let text = """
            version: 1
            defaults:
              executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
            pipelines:
              - name: tools
                account: "111111111111"
            environments:
            \(entries.joined(separator: "\n"))
            """
        return try TopologyParser.parse(text, file: "policies/many.yaml")
    }

    static func targets(_ environments: [DeploymentEnvironment]) -> [String] {
        environments.flatMap { environment in environment.regions.map { "\(environment.name)/\(environment.account)/\($0)" } }
    }

    // MARK: - Values

    @Test(arguments: [("1/1", 1, 1), ("2/4", 2, 4), ("4/4", 4, 4), ("1/1000", 1, 1000), ("1000/1000", 1000, 1000), ("07/10", 7, 10)])
    func parsesKOfN(_ text: String, _ index: Int, _ count: Int) throws {
        let shard = try Shard(parsing: text)
        #expect(shard.index == index)
        #expect(shard.count == count)
        let same = try Shard(index: index, count: count)
        #expect(shard == same)
    }

    @Test(arguments: [
        ("", "is not a shard"), ("2", "is not a shard"), ("2/4/8", "is not a shard"), ("a/b", "is not a shard"), ("-1/4", "is not a shard"),
        ("+2/4", "is not a shard"), (" 2/4", "is not a shard"), ("2/ 4", "is not a shard"), ("1/", "is not a shard"), ("/4", "is not a shard"),
        ("1/99999", "is not a shard"), ("0/4", "K must be from 1 to N"), ("5/4", "K must be from 1 to N"), ("1/0", "N must be from 1 to 1000"),
        ("1/1001", "N must be from 1 to 1000"), ("0/0", "N must be from 1 to 1000"),
    ])
    func rejectsOtherValues(_ text: String, _ message: String) {
        let error = #expect(throws: ShardError.self) { try Shard(parsing: text) }
        #expect(error?.text == text)
        #expect(error?.message.contains(message) == true, "\(error?.message ?? "")")
        #expect(error?.errorDescription?.contains("'\(text)'") == true)
    }

    @Test func rejectsOutOfRangeNumbers() throws {
        #expect(throws: ShardError.self) { try Shard(index: 0, count: 1) }
        #expect(throws: ShardError.self) { try Shard(index: 2, count: 1) }
        #expect(throws: ShardError.self) { try Shard(index: 1, count: 1001) }
        let whole = try Shard(index: 1, count: 1)
        #expect(Shard.whole == whole)
        #expect(Shard.whole.description == "1/1")
    }

    @Test func encodesAsIndexAndCountAndRejectsImpossibleOnes() throws {
        let shard = try Shard(index: 2, count: 4)
        let data = try JSONEncoder().encode(shard)
        #expect(String(decoding: data, as: UTF8.self).contains(#""index":2"#))
        #expect(try JSONDecoder().decode(Shard.self, from: data) == shard)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Shard.self, from: Data(#"{"index":5,"count":4}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Shard.self, from: Data(#"{"index":1,"count":0}"#.utf8)) }
    }

    // MARK: - The hash

    @Test func fnv1aMatchesTheReferenceVectors() {
        #expect(Shard.fnv1a64("") == 0xcbf2_9ce4_8422_2325)
        #expect(Shard.fnv1a64("a") == 0xaf63_dc4c_8601_ec8c)
        #expect(Shard.fnv1a64("foobar") == 0x8594_4171_f739_67e8)
    }

    /// Pinned: a trustline that assigned accounts differently would split one audit's shards
    /// inconsistently with an older merge, and every CI set-up's expectations with it.
    @Test func assignmentIsPinned() {
        #expect(Shard.hash(account: "222222222222") == 0x7cd6_ee7c_b64e_8b89)
        let accounts = ["222222222222", "333333333333", "555555555555", "666666666666", "777777777777", "888888888888", "121212121212"]
        #expect(accounts.map { Shard.index(ofAccount: $0, count: 4) } == [2, 2, 3, 3, 2, 1, 4])
        #expect(accounts.map { Shard.index(ofAccount: $0, count: 2) } == [2, 2, 1, 1, 2, 1, 2])
        #expect(Shard.index(ofAccount: "123456789012", count: 1000) == 628)
    }

    @Test func accountsSpreadEvenly() {
        var sizes = [Int](repeating: 0, count: 8)
        for number in 0..<8000 { sizes[Shard.index(ofAccount: String(100_000_000_000 + number), count: 8) - 1] += 1 }
        // Sequential ids (an organisation's accounts often are) must not pile up: ±10 % of 1000.
        #expect(sizes.allSatisfy { $0 > 900 && $0 < 1100 }, "\(sizes)")
    }

    // MARK: - Environments

    @Test(arguments: [1, 2, 3, 4, 7, 16, 1000])
    func shardsAreCompleteAndDisjoint(_ count: Int) throws {
        let topology = try Self.topology(accounts: 60)
        var seen: [String: Int] = [:]
        for index in 1...count {
            for target in Self.targets(topology.environments(in: try Shard(index: index, count: count))) {
                #expect(seen[target] == nil, "\(target) is in shards \(seen[target] ?? 0) and \(index)")
                seen[target] = index
            }
        }
        #expect(Set(seen.keys) == Set(Self.targets(topology.environments)))
        #expect(seen.count == topology.targetCount)
    }

    @Test func shardOneOfOneIsEverything() throws {
        let topology = try Self.topology(accounts: 25)
        #expect(topology.environments(in: .whole) == topology.environments)
        #expect(topology.restricted(to: .whole) == topology)
    }

    @Test func everyRegionAndEnvironmentOfAnAccountGoTogether() throws {
        let topology = try Self.topology(accounts: 40)
        for count in [2, 3, 4, 9] {
            var shardOf: [String: Int] = [:]
            for index in 1...count {
                for environment in topology.environments(in: try Shard(index: index, count: count)) {
                    #expect(shardOf[environment.account, default: index] == index, "\(environment.account) split across shards")
                    shardOf[environment.account] = index
                }
            }
        }
        // A multi-region environment keeps all its regions.
        let shard = try Shard(index: Shard.index(ofAccount: "100000000000", count: 4), count: 4)
        let env0 = try #require(topology.restricted(to: shard).environment(named: "env0"))
        #expect(env0.regions == ["us-east-1", "eu-west-1"])
        #expect(topology.restricted(to: shard).environment(named: "env0-b") != nil)
    }

    @Test func assignmentIgnoresFileOrderAndTheOtherEnvironments() throws {
        let topology = try Self.topology(accounts: 30)
        let reversed = try Self.topology(accounts: 30, reversed: true)
        let larger = try Self.topology(accounts: 90)
        for index in 1...4 {
            let shard = try Shard(index: index, count: 4)
            #expect(Set(Self.targets(topology.environments(in: shard))) == Set(Self.targets(reversed.environments(in: shard))))
            let common = Set(topology.environments.map(\.name))
            #expect(
                Set(Self.targets(topology.environments(in: shard)))
                    == Set(Self.targets(larger.environments(in: shard).filter { common.contains($0.name) })))
        }
    }

    @Test func restrictedTopologyKeepsPipelinesRulesAndFileOrder() throws {
        let topology = try Self.topology(accounts: 20)
        let shard = try Shard(index: 3, count: 4)
        let part = topology.restricted(to: shard)
        #expect(part.file == topology.file)
        #expect(part.pipelines == topology.pipelines)
        #expect(part.rules == topology.rules)
        #expect(part.environments == topology.environments.filter { shard.contains(account: $0.account) })
        #expect(!part.environments.isEmpty)
    }

    @Test func reportRestrictedToAShardRecountsItsSummary() throws {
        let topology = try Self.topology(accounts: 12)
        let snapshots = topology.environments.flatMap { environment in
            environment.regions.map { EnvironmentSnapshot(environment: environment.name, account: environment.account, region: $0, unreachable: "no") }
        }
        let whole = AuditReportBuilder(topology: topology, version: "test").build(snapshots: snapshots, generatedAt: Date(timeIntervalSince1970: 0))
        let shard = try Shard(index: 1, count: 3)
        let part = whole.restricted(to: shard)
        #expect(part.shard == shard)
        #expect(part.environments.allSatisfy { shard.contains(account: $0.account) })
        #expect(part.environments.count == Self.targets(topology.environments(in: shard)).count)
        #expect(part.findings.count == part.environments.count)  // one environment-unreachable each
        #expect(part.summary.environments == part.environments.count)
        #expect(part.summary.unreachable == part.environments.count)
        #expect(part.remediation.allSatisfy { shard.contains(account: $0.account) })
    }
}
