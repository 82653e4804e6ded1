// TopologyParserTests — valid topology files: defaults applied, names resolved, values kept as written.
import Foundation
import Testing

@testable import TrustlineCore

@Suite("Topology parsing of valid files")
struct TopologyParserTests {
    @Test("the example in policies/ is valid and reads as documented")
    func exampleFile() throws {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("policies/example.yaml")
        let data = try Data(contentsOf: url)
        let topology = try TopologyParser.parse(data, file: "policies/example.yaml")

        #expect(topology.file == "policies/example.yaml")
        #expect(topology.pipelines == [PipelineAccount(name: "tools", account: "111111111111", profile: "tools", line: 15)])
        #expect(topology.environments.map(\.name) == ["dev", "staging", "prod"])
        #expect(topology.targetCount == 4)
        let prod = try #require(topology.environment(named: "prod"))
        #expect(prod.profile == nil)
        #expect(prod.access == HubAccess(roleName: "TrustlineAudit", sourceProfile: "audit", externalId: "trustline-nightly"))
        #expect(prod.regions == ["eu-west-1", "us-east-1"])
        #expect(prod.trust == ["111111111111"])
        #expect(prod.executionPolicies == ["arn:aws:iam::444444444444:policy/CdkDeployPolicy"])
        let dev = try #require(topology.environment(named: "dev"))
        #expect(dev.executionPolicies == ["arn:aws:iam::aws:policy/AdministratorAccess"])
        #expect(dev.regions == ["eu-west-1"])
        #expect(dev.line == 20)
        #expect(topology.rules == TopologyRules(minBootstrapVersion: 21, allowAdministratorAccess: ["dev"], allowUnlistedTrust: false))
    }

    @Test("defaults fill what an environment leaves out; built-in defaults otherwise")
    func defaultsApplied() throws {
        let topology = try TopologyTestSupport.parse(
            """
            version: 1
            defaults:
              qualifier: custom01
              toolkitStackName: MyToolkit
              regions: [eu-central-1]
              executionPolicies: [arn:aws:iam::aws:policy/PowerUserAccess]
              access: {roleName: OrgAudit}
            pipelines:
              - {name: tools, account: "111111111111"}
            environments:
              - name: dev
                account: "222222222222"
              - name: prod
                account: "333333333333"
                profile: prod
                regions: [us-east-1]
                qualifier: prodq
                toolkitStackName: ProdToolkit
                executionPolicies: [arn:aws:iam::333333333333:policy/Deploy]
            """)
        let dev = try #require(topology.environment(named: "dev"))
        #expect(
            dev
                == DeploymentEnvironment(
                    name: "dev", account: "222222222222", access: HubAccess(roleName: "OrgAudit"), regions: ["eu-central-1"],
                    trust: ["111111111111"], trustForLookup: [], executionPolicies: ["arn:aws:iam::aws:policy/PowerUserAccess"],
                    qualifier: "custom01", toolkitStackName: "MyToolkit", line: 11))
        let prod = try #require(topology.environment(named: "prod"))
        #expect(prod.profile == "prod")
        #expect(prod.access == nil, "a profile wins over defaults.access")
        #expect(prod.regions == ["us-east-1"])
        #expect(prod.qualifier == "prodq")
        #expect(prod.toolkitStackName == "ProdToolkit")
        #expect(prod.executionPolicies == ["arn:aws:iam::333333333333:policy/Deploy"])

        let plain = try TopologyTestSupport.parse(TopologyTestSupport.base)
        #expect(plain.environments[0].qualifier == "hnb659fds")
        #expect(plain.environments[0].toolkitStackName == "CDKToolkit")
        #expect(plain.rules == TopologyRules(minBootstrapVersion: nil, allowAdministratorAccess: [], allowUnlistedTrust: false))
    }

    @Test("trust entries resolve pipeline names; the result is sorted and unique")
    func trustResolution() throws {
        let topology = try TopologyTestSupport.parse(
            """
            version: 1
            defaults:
              regions: [us-east-1]
              executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
            pipelines:
              - name: tools
                account: "999999999999"
              - name: shared
                account: "111111111111"
            environments:
              - name: dev
                account: "222222222222"
                profile: dev
                trust: [tools, "555555555555", shared, tools, 999999999999]
                trustForLookup: [shared, shared]
              - name: prod
                account: "333333333333"
                profile: prod
                trustForLookup:
            """)
        let dev = try #require(topology.environment(named: "dev"))
        #expect(dev.trust == ["111111111111", "555555555555", "999999999999"])
        #expect(dev.trustForLookup == ["111111111111"])
        let prod = try #require(topology.environment(named: "prod"))
        #expect(prod.trust == ["111111111111", "999999999999"], "no trust list: every pipeline must be able to deploy")
        #expect(prod.trustForLookup == [], "an empty value is an empty list")
        #expect(topology.pipeline(named: "shared")?.account == "111111111111")
        #expect(topology.pipeline(named: "nope") == nil)
        #expect(topology.knownAccounts == ["111111111111", "222222222222", "333333333333", "555555555555", "999999999999"])
    }

    @Test("an explicit empty trust list means no pipeline deploys there")
    func emptyTrust() throws {
        let topology = try TopologyTestSupport.parse(TopologyTestSupport.base(appending: "    trust: []"))
        #expect(topology.environments[0].trust == [])
    }

    @Test(
        "account ids keep their leading zeros, written plain, quoted or as a tagged string",
        arguments: [
            "012345678901", "\"012345678901\"", "'012345678901'", "!!str 012345678901",
        ])
    func leadingZeroAccount(_ written: String) throws {
        let text = TopologyTestSupport.base.replacingOccurrences(of: "\"222222222222\"", with: written)
        let topology = try TopologyTestSupport.parse(text)
        #expect(topology.environments[0].account == "012345678901")
    }

    @Test("a plain YAML integer of 12 digits is an account id")
    func integerAccount() throws {
        let text = TopologyTestSupport.base.replacingOccurrences(of: "\"111111111111\"", with: "111111111111")
        #expect(try TopologyTestSupport.parse(text).pipelines[0].account == "111111111111")
    }

    @Test("lines point at each entry")
    func lines() throws {
        let topology = try TopologyTestSupport.parse(TopologyTestSupport.base)
        #expect(topology.pipelines[0].line == 6)
        #expect(topology.environments[0].line == 9)
    }

    @Test("anchors and aliases may share values")
    func aliases() throws {
        let topology = try TopologyTestSupport.parse(
            """
            version: 1
            defaults:
              regions: &regions [us-east-1, eu-west-1]
              executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
            pipelines:
              - {name: tools, account: &tools "111111111111"}
            environments:
              - {name: dev, account: "222222222222", profile: &p dev, trust: [*tools], regions: *regions}
              - {name: qa, account: "333333333333", profile: *p, trust: [*tools, tools]}
            """)
        #expect(topology.environments[0].regions == ["us-east-1", "eu-west-1"])
        #expect(topology.environments[1].profile == "dev")
        #expect(topology.environments[1].trust == ["111111111111"])
    }

    @Test("a '*' inside values is kept as written")
    func starsInValues() throws {
        let text = TopologyTestSupport.base(appending: "    trust: ['*x']").replacingOccurrences(
            of: "profile: dev", with: "profile: 'dev*team'")
        let issues = TopologyTestSupport.issues(text)
        #expect(issues.count == 1)
        #expect(issues.first?.message.contains("'*x'") == true)
        let topology = try TopologyTestSupport.parse(text.replacingOccurrences(of: "    trust: ['*x']\n", with: ""))
        #expect(topology.environments[0].profile == "dev*team")
    }

    @Test("parse(data:) reads UTF-8 bytes")
    func dataInput() throws {
        let topology = try TopologyParser.parse(Data(TopologyTestSupport.base.utf8), file: "x.yaml")
        #expect(topology.environments.count == 1)
    }
}
