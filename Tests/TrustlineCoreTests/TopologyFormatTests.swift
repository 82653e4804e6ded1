// TopologyFormatTests — the value formats (ids, regions, names, ARNs) and the "did you mean" hints.
import Testing

@testable import TrustlineCore

@Suite("Topology value formats")
struct TopologyFormatTests {
    @Test(arguments: ["us-east-1", "eu-central-2", "us-gov-west-1", "cn-north-1", "ap-southeast-5", "il-central-1"])
    func validRegions(_ region: String) {
        #expect(TopologyFormat.isRegion(region))
    }

    @Test(arguments: ["", "us-east", "us-east-123", "US-EAST-1", "useast-1", "us--1", "u-east-1", "us-east-1 ", "us-ea5t-1"])
    func invalidRegions(_ region: String) {
        #expect(!TopologyFormat.isRegion(region))
    }

    @Test func partitions() {
        #expect(TopologyFormat.partition(ofRegion: "cn-northwest-1") == "aws-cn")
        #expect(TopologyFormat.partition(ofRegion: "us-gov-east-1") == "aws-us-gov")
        #expect(TopologyFormat.partition(ofRegion: "us-east-1") == "aws")
    }

    @Test(arguments: [("012345678901", true), ("12345678901", false), ("1234567890123", false), ("12345678901a", false), ("١٢٣٤٥٦٧٨٩٠١٢", false)])
    func accountIDs(_ text: String, _ valid: Bool) {
        #expect(TopologyFormat.isAccountID(text) == valid)
    }

    @Test(arguments: [("hnb659fds", true), ("a", true), ("my_q-1", true), ("", false), ("abcdefghijk", false), ("q.1", false)])
    func qualifiers(_ text: String, _ valid: Bool) {
        #expect((TopologyFormat.qualifierProblem(text) == nil) == valid)
    }

    @Test(arguments: [
        ("CDKToolkit", true), ("a", true), ("My-Stack-2", true), ("1Stack", false), ("my_stack", false), (String(repeating: "a", count: 129), false),
    ])
    func stackNames(_ text: String, _ valid: Bool) {
        #expect((TopologyFormat.stackNameProblem(text) == nil) == valid)
    }

    @Test(arguments: [("OrgAudit", true), ("a+=,.@-_1", true), ("", false), ("has space", false), (String(repeating: "r", count: 65), false)])
    func roleNames(_ text: String, _ valid: Bool) {
        #expect((TopologyFormat.roleNameProblem(text) == nil) == valid)
    }

    @Test(arguments: [("ab", true), ("urn:x/y=z", true), ("a", false), ("has space", false), ("a*b", false)])
    func externalIDs(_ text: String, _ valid: Bool) {
        #expect((TopologyFormat.externalIDProblem(text) == nil) == valid)
    }

    @Test(arguments: [("dev", true), ("my profile", true), ("", false), ("-dev", false), ("a\nb", false), ("a\u{7}b", false), (" dev", false)])
    func profiles(_ text: String, _ valid: Bool) {
        #expect((TopologyFormat.profileProblem(text) == nil) == valid)
    }

    @Test(arguments: [
        ("arn:aws:iam::aws:policy/AdministratorAccess", true),
        ("arn:aws:iam::123456789012:policy/path/to/Deploy", true),
        ("arn:aws-cn:iam::aws:policy/ReadOnlyAccess", true),
        ("arn:aws-us-gov:iam::123456789012:policy/x", true),
        ("arn:aws:iam::aws:role/Admin", false),
        ("arn:aws:iam:us-east-1:aws:policy/Admin", false),
        ("arn:aws:iam::12345:policy/Admin", false),
        ("arn:aws:iam::aws:policy/", false),
        ("arn:aws:iam::aws:policy/Admin*", false),
        ("arn:aws:s3::aws:policy/Admin", false),
        ("AdministratorAccess", false),
    ])
    func policyARNs(_ text: String, _ valid: Bool) {
        #expect((TopologyFormat.policyARN(text) != nil) == valid)
    }

    @Test func policyARNParts() {
        #expect(
            TopologyFormat.policyARN("arn:aws:iam::123456789012:policy/team/Deploy")
                == .init(partition: "aws", account: "123456789012", name: "Deploy"))
    }

    @Test(arguments: [
        ("trustFoLookup", "trustForLookup"), ("region", "regions"), ("Qualifier", "qualifier"), ("accountId", "account"),
        ("toolkitStack", "toolkitStackName"), ("execPolicies", "executionPolicies"),
    ])
    func suggestions(_ typo: String, _ expected: String) {
        #expect(TopologySchema.closest(to: typo, in: TopologySchema.environment.keys) == expected)
    }

    @Test func noSuggestionForUnrelatedKeys() {
        #expect(TopologySchema.closest(to: "colour", in: TopologySchema.environment.keys) == nil)
        #expect(TopologySchema.closest(to: String(repeating: "x", count: 1000), in: TopologySchema.environment.keys) == nil)
    }

    @Test func names() {
        #expect(TopologyFormat.nameProblem("prod-eu_1.a") == nil)
        #expect(TopologyFormat.nameProblem("-prod") != nil)
        #expect(TopologyFormat.nameProblem("123456789012")?.contains("12 digits") == true)
    }
}
