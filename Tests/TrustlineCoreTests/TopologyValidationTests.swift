// TopologyValidationTests — each validation rule, with the line and field path its issue names.
import Foundation
import Testing

@testable import TrustlineCore

/// One invalid file and the issue it must produce.
struct TopologyValidationCase: Sendable, CustomTestStringConvertible {
    var label: String
    var yaml: String
    var line: Int?
    var field: String
    var fragment: String

    var testDescription: String { label }

    /// `base` with lines appended inside the `dev` environment (from line 12).
    static func appending(_ label: String, _ lines: String, line: Int?, field: String, _ fragment: String) -> Self {
        Self(label: label, yaml: TopologyTestSupport.base(appending: lines), line: line, field: field, fragment: fragment)
    }

    /// `base` with one text replaced.
    static func replacing(
        _ label: String, _ old: String, _ new: String, line: Int?, field: String, _ fragment: String
    ) -> Self {
        Self(
            label: label, yaml: TopologyTestSupport.base.replacingOccurrences(of: old, with: new), line: line, field: field,
            fragment: fragment)
    }
}

@Suite("Topology validation rules")
struct TopologyValidationTests {
    static let cases: [TopologyValidationCase] = [
        // Keys and types.
        .appending(
            "unknown key with a suggestion", "    trustFoLookup: [tools]", line: 12, field: "environments[0].trustFoLookup",
            "unknown key 'trustFoLookup'; did you mean 'trustForLookup'?"),
        .appending(
            "unknown key that belongs elsewhere", "    minBootstrapVersion: 21", line: 12,
            field: "environments[0].minBootstrapVersion", "it belongs in rules"),
        .appending(
            "unknown key without a near match", "    colour: blue", line: 12, field: "environments[0].colour",
            "an environment allows: name, account"),
        .replacing(
            "a key differing only in case", "    profile: dev", "    profile: dev\n    Profile: dev", line: 12, field: "environments[0].Profile",
            "did you mean 'profile'?"),
        .appending("a list given a string", "    regions: us-east-1", line: 12, field: "environments[0].regions", "expected a list"),
        .appending(
            "a string given a list", "    qualifier: [a]", line: 12, field: "environments[0].qualifier",
            "expected a single value, found a list"),
        .replacing(
            "a mapping given a list", "defaults:\n  regions: [us-east-1]\n  executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]",
            "defaults: [x]\n\n", line: 2, field: "defaults", "expected a mapping (the keys of defaults), found a list"),
        .replacing("null where a value is needed", "    profile: dev", "    profile:", line: 11, field: "environments[0].profile", "has no value"),
        .replacing(
            "an environment that is not a mapping", "  - name: dev\n    account: \"222222222222\"\n    profile: dev", "  - dev", line: 9,
            field: "environments[0]", "expected a mapping (the keys of an environment), found a string"),
        .replacing(
            "a repeated key", "    profile: dev", "    profile: dev\n    profile: dev2", line: 11, field: "",
            "key 'profile' appears more than once in the same mapping"),
        // Version.
        .replacing("version missing", "version: 1\n", "", line: 1, field: "version", "is missing"),
        .replacing("version 2", "version: 1", "version: 2", line: 1, field: "version", "unsupported version 2"),
        .replacing("version as a string", "version: 1", "version: '1'", line: 1, field: "version", "expected a whole number, found a string"),
        // Accounts and names.
        .replacing(
            "an 11-digit account id", "\"222222222222\"", "\"22222222222\"", line: 10, field: "environments[0].account",
            "'22222222222' is not a 12-digit AWS account id"),
        .replacing(
            "an account id written as a float", "\"222222222222\"", "2.22222222222e11", line: 10, field: "environments[0].account",
            "is not a 12-digit AWS account id"),
        .replacing(
            "a missing account", "    account: \"222222222222\"\n", "", line: 9, field: "environments[0].account", "is missing"),
        .replacing(
            "a pipeline named like an account", "name: tools", "name: \"123456789012\"", line: 6, field: "pipelines[0].name",
            "a name cannot be 12 digits"),
        .replacing("a name with spaces", "name: dev", "name: dev env", line: 9, field: "environments[0].name", "is not a valid name"),
        // Trust.
        .appending(
            "trust naming an unknown pipeline", "    trust: [tools, tool]", line: 12, field: "environments[0].trust[1]",
            "unknown pipeline 'tool'; an entry is a pipeline name (pipelines: tools) or a 12-digit account id"),
        .appending(
            "trust with an 11-digit id", "    trust: [11111111111]", line: 12, field: "environments[0].trust[0]",
            "'11111111111' is not a 12-digit account id, nor a pipeline name (pipelines: tools)"),
        .appending(
            "trustForLookup naming an unknown pipeline", "    trustForLookup:\n      - tools\n      - ci", line: 14,
            field: "environments[0].trustForLookup[1]", "unknown pipeline 'ci'"),
        // Duplicates.
        .appending(
            "two environments with one name", "  - name: dev\n    account: \"333333333333\"\n    profile: qa", line: 12,
            field: "environments[1].name", "environment 'dev' is already defined at line 9"),
        .replacing(
            "two pipelines with one name", "environments:",
            "  - name: tools\n    account: \"999999999999\"\nenvironments:", line: 8, field: "pipelines[1].name",
            "pipeline 'tools' is already defined at line 6"),
        .appending(
            "one account and region in two environments", "  - name: qa\n    account: \"222222222222\"\n    profile: qa", line: 12,
            field: "environments[1].regions", "aws://222222222222/us-east-1 is already the target of environment 'dev' (line 9)"),
        .appending(
            "a region listed twice", "    regions: [us-east-1, eu-west-1, us-east-1]", line: 12, field: "environments[0].regions[2]",
            "'us-east-1' is listed twice (first at line 12)"),
        // Formats.
        .appending("a malformed region", "    regions: [us-east1]", line: 12, field: "environments[0].regions[0]", "is not an AWS region name"),
        .appending(
            "a qualifier too long", "    qualifier: qualifier11", line: 12, field: "environments[0].qualifier",
            "is not a bootstrap qualifier"),
        .appending(
            "a stack name starting with a digit", "    toolkitStackName: 1Toolkit", line: 12, field: "environments[0].toolkitStackName",
            "is not a CloudFormation stack name"),
        .replacing(
            "a profile starting with '-'", "profile: dev", "profile: -dev", line: 11, field: "environments[0].profile", "starts with '-'"),
        .replacing(
            "a profile with a newline", "profile: dev", "profile: \"dev\\nrm -rf /\"", line: 11, field: "environments[0].profile",
            "'dev\\nrm -rf /' contains control characters"),
        .replacing("an empty profile", "profile: dev", "profile: \"\"", line: 11, field: "environments[0].profile", "cannot be empty"),
        .replacing(
            "a role name with a space", "    profile: dev", "    access: {roleName: \"bad role\"}", line: 11,
            field: "environments[0].access.roleName", "is not an IAM role name"),
        .replacing(
            "an external id too short", "    profile: dev", "    access: {roleName: Audit, externalId: x}", line: 11,
            field: "environments[0].access.externalId", "is not an STS external id"),
        .replacing(
            "a source profile with a control character", "    profile: dev", "    access: {roleName: Audit, sourceProfile: \"a\\tb\"}",
            line: 11, field: "environments[0].access.sourceProfile", "contains control characters"),
        .appending(
            "an execution policy that is a role ARN", "    executionPolicies: [arn:aws:iam::aws:role/Admin]", line: 12,
            field: "environments[0].executionPolicies[0]", "is not an IAM managed-policy ARN"),
        .appending(
            "an execution policy of another account", "    executionPolicies: [arn:aws:iam::999999999999:policy/Deploy]", line: 12,
            field: "environments[0].executionPolicies[0]", "belongs to account 999999999999, but environment 'dev' is account 222222222222"),
        .appending(
            "an execution policy of another partition", "    executionPolicies: [arn:aws-cn:iam::aws:policy/AdministratorAccess]",
            line: 12, field: "environments[0].executionPolicies[0]", "is in partition aws-cn, but the regions of environment 'dev' are in partition aws"),
        .appending(
            "regions of two partitions", "    regions: [us-east-1, cn-north-1]", line: 12, field: "environments[0].regions",
            "mixes partitions (aws, aws-cn)"),
        // Access.
        .appending(
            "both profile and access", "    access: {roleName: Audit}", line: 12, field: "environments[0].access",
            "set either 'profile' or 'access' for an environment, not both"),
        .replacing(
            "neither profile nor access", "    profile: dev\n", "", line: 9, field: "environments[0]",
            "has no way in: set 'profile' or 'access' here, or 'access' in defaults"),
        .replacing(
            "access without a role name", "    profile: dev", "    access:\n      sourceProfile: hub", line: 12,
            field: "environments[0].access.roleName", "is missing"),
        // Required values and defaults.
        .replacing(
            "no regions anywhere", "  regions: [us-east-1]\n", "", line: 8, field: "environments[0].regions",
            "is missing; set regions here or in defaults.regions"),
        .replacing(
            "no execution policies anywhere", "  executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]\n", "", line: 8,
            field: "environments[0].executionPolicies", "is missing; set executionPolicies here or in defaults.executionPolicies"),
        .appending(
            "an empty regions list", "    regions: []", line: 12, field: "environments[0].regions",
            "is empty; list at least one region, or leave it out to use defaults.regions"),
        .replacing(
            "an empty defaults list", "regions: [us-east-1]", "regions: []", line: 3, field: "defaults.regions", "is empty"),
        .replacing(
            "no environments", "environments:\n  - name: dev\n    account: \"222222222222\"\n    profile: dev\n", "environments: []\n",
            line: 8, field: "environments", "is empty; list at least one environment"),
        .replacing(
            "no pipelines", "pipelines:\n  - name: tools\n    account: \"111111111111\"\n", "", line: 1, field: "pipelines",
            "is missing; list at least one pipeline account"),
        // Rules.
        .init(
            label: "allowAdministratorAccess naming an unknown environment",
            yaml: TopologyTestSupport.base + "rules:\n  allowAdministratorAccess: [dev, prod]\n", line: 13,
            field: "rules.allowAdministratorAccess[1]", fragment: "'prod' is not an environment of this topology (environments: dev)"),
        .init(
            label: "minBootstrapVersion of zero", yaml: TopologyTestSupport.base + "rules:\n  minBootstrapVersion: 0\n", line: 13,
            field: "rules.minBootstrapVersion", fragment: "must be a positive whole number"),
        .init(
            label: "minBootstrapVersion as a string", yaml: TopologyTestSupport.base + "rules:\n  minBootstrapVersion: latest\n",
            line: 13, field: "rules.minBootstrapVersion", fragment: "expected a whole number, found a string"),
        .init(
            label: "allowUnlistedTrust as yes", yaml: TopologyTestSupport.base + "rules:\n  allowUnlistedTrust: yes\n", line: 13,
            field: "rules.allowUnlistedTrust", fragment: "expected true or false, found 'yes'"),
        // The whole file.
        .init(label: "a list at the root", yaml: "- a\n- b\n", line: 1, field: "", fragment: "a topology file must be a mapping"),
        .init(label: "an empty file", yaml: "# nothing\n", line: nil, field: "", fragment: "the file is empty"),
    ]

    @Test("each rule reports its line and field", arguments: cases)
    func rule(_ testCase: TopologyValidationCase) {
        let issues = TopologyTestSupport.issues(testCase.yaml)
        let match = issues.first { $0.field == testCase.field && $0.message.contains(testCase.fragment) }
        #expect(match != nil, "no issue \(testCase.field): …\(testCase.fragment)… among:\n\(issues.map(\.description).joined(separator: "\n"))")
        #expect(match?.line == testCase.line)
        #expect(match?.file == "test.yaml")
        #expect(issues.count == 1, "expected exactly one issue, got:\n\(issues.map(\.description).joined(separator: "\n"))")
    }

    @Test("all problems of a file are reported, ordered by line")
    func manyIssues() {
        let text = """
            version: 3
            defaults:
              regions: [us-east-1]
              executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
              trust: [tools]
            pipelines:
              - name: tools
                account: 11111111111
            environments:
              - name: dev
                account: "222222222222"
                profile: dev
                trustFoLookup: [tools]
              - name: dev
                account: "22222222222"
                regions: [moon-1]
            rules:
              allowAdministratorAccess: [staging]
            """
        let issues = TopologyTestSupport.issues(text)
        #expect(
            issues.map { "\($0.line ?? 0) \($0.field)" } == [
                "1 version",
                "5 defaults.trust",
                "8 pipelines[0].account",
                "13 environments[0].trustFoLookup",
                "14 environments[1]",
                "14 environments[1].name",
                "15 environments[1].account",
                "16 environments[1].regions[0]",
                "18 rules.allowAdministratorAccess[0]",
            ])
    }

    @Test("the error reads one issue per line as FILE:LINE:COLUMN: FIELD: MESSAGE")
    func errorDescription() throws {
        let text = TopologyTestSupport.base.replacingOccurrences(of: "\"222222222222\"", with: "\"22222222222\"")
        do {
            _ = try TopologyParser.parse(text, file: "policies/org.yaml")
            Issue.record("expected an error")
        } catch let error as TopologyError {
            #expect(
                error.errorDescription
                    == "policies/org.yaml:10:14: environments[0].account: '22222222222' is not a 12-digit AWS account id")
            #expect(error.localizedDescription == error.errorDescription)
        }
        let lineless = TopologyIssue(file: "a.yaml", field: "", message: "cannot read")
        #expect(lineless.description == "a.yaml: cannot read")
    }

    @Test("unknown pipelines are not reported when a pipeline's own name is broken")
    func noCascade() {
        let text = TopologyTestSupport.base(appending: "    trust: [tools]").replacingOccurrences(of: "name: tools", with: "name: [tools]")
        let issues = TopologyTestSupport.issues(text)
        #expect(issues.map(\.field) == ["pipelines[0].name"])
    }
}
