// TrustPolicyBuildingBlockTests.swift — principal ARNs, principal classification, wildcard patterns,
// IP ranges and policy dates.

import Testing

@testable import TrustlineCore

@Suite("Trust policy building blocks")
struct TrustPolicyBuildingBlockTests {
    static let validARNs: [(String, PrincipalARN.Kind, String?, String, String?)] = [
        ("arn:aws:iam::111111111111:root", .root, nil, "/", nil),
        ("arn:aws:iam::111111111111:role/Deploy", .role, "Deploy", "/", nil),
        ("arn:aws:iam::111111111111:role/cdk/team/Deploy", .role, "Deploy", "/cdk/team/", nil),
        ("arn:aws-cn:iam::111111111111:user/ci", .user, "ci", "/", nil),
        ("arn:aws-us-gov:sts::111111111111:assumed-role/Deploy/session@x", .assumedRole, "Deploy", "/", "session@x"),
        ("arn:aws:sts::111111111111:federated-user/bob", .federatedUser, "bob", "/", nil),
    ]

    @Test("principal ARNs parse", arguments: validARNs)
    func validARN(_ text: String, _ kind: PrincipalARN.Kind, _ name: String?, _ path: String, _ session: String?) throws {
        let arn = try #require(PrincipalARN(text))
        #expect(arn.kind == kind)
        #expect(arn.name == name)
        #expect(arn.path == path)
        #expect(arn.sessionName == session)
        #expect(arn.accountID == "111111111111")
        #expect(arn.description == text)
    }

    static let invalidARNs: [String] = [
        "", "arn", "arn:aws:iam::111111111111", "arn:aws:iam::11111111111:root", "arn:aws:iam::1111111111111:root",
        "arn:aws:iam:us-east-1:111111111111:root", "arn:gcp:iam::111111111111:root", "arn:aws:iam::111111111111:role/*",
        "arn:aws:iam::*:root", "arn:aws:iam::111111111111:role/", "arn:aws:iam::111111111111:role//x",
        "arn:aws:iam::111111111111:group/admins", "arn:aws:iam::111111111111:root/x",
        "arn:aws:sts::111111111111:assumed-role/R", "arn:aws:sts::111111111111:assumed-role/R/s/t",
        "arn:aws:s3:::bucket", "arn:aws:iam::１１１１１１１１１１１１:root", "arn:aws:iam::111111111111:role/Dé",
        "arn:aws:iam::111111111111:role/a b", " arn:aws:iam::111111111111:root",
    ]

    @Test("malformed or wildcard ARNs are rejected", arguments: invalidARNs)
    func invalidARN(_ text: String) {
        #expect(PrincipalARN(text) == nil)
    }

    @Test("coverage: root covers all, role covers its sessions, names ignore case")
    func covers() throws {
        let root = try #require(PrincipalARN("arn:aws:iam::111111111111:root"))
        let role = try #require(PrincipalARN("arn:aws:iam::111111111111:role/path/Deploy"))
        let session = try #require(PrincipalARN("arn:aws:sts::111111111111:assumed-role/deploy/s1"))
        let otherAccount = try #require(PrincipalARN("arn:aws:iam::333333333333:role/Deploy"))
        let cn = try #require(PrincipalARN("arn:aws-cn:iam::111111111111:role/Deploy"))
        #expect(root.covers(role) && root.covers(session))
        #expect(role.covers(session))
        #expect(!session.covers(role))
        #expect(!role.covers(otherAccount))
        #expect(!role.covers(cn))
    }

    static let awsValues: [(String, String)] = [
        ("*", "anyone"), ("111111111111", "account"), ("arn:aws:iam::111111111111:root", "account"),
        ("arn:aws:iam::111111111111:role/R", "arn"), ("AROAEXAMPLEUNIQUEID12", "uniqueID"),
        ("AIDAJQABLZS4A3QDU576Q", "uniqueID"), ("AROA123", "unrecognized"), ("aroaexampleuniqueid12", "unrecognized"),
        ("arn:aws:iam::111111111111:role/*", "unrecognized"), ("**", "unrecognized"), ("", "unrecognized"),
    ]

    @Test("AWS principal values are classified", arguments: awsValues)
    func classify(_ value: String, _ kind: String) {
        let principal = PolicyPrincipal(awsValue: value)
        let found: String
        switch principal {
        case .anyone: found = "anyone"
        case .account: found = "account"
        case .arn: found = "arn"
        case .uniqueID: found = "uniqueID"
        case .unrecognized: found = "unrecognized"
        case .service, .federated, .canonicalUser: found = "other"
        }
        #expect(found == kind)
    }

    static let patterns: [(String, String, Bool)] = [
        ("*", "", true), ("*", "anything", true), ("a*", "a", true), ("*a", "ba", true), ("a*b*c", "aXbYc", true),
        ("a*b*c", "aXbY", false), ("?", "", false), ("??", "ab", true), ("a?c", "aßc", true), ("a**", "a", true),
        ("abc", "abcd", false), ("*x*y*z*", String(repeating: "x", count: 2000), false), ("🚀?", "🚀!", true),
    ]

    @Test("wildcard patterns", arguments: patterns)
    func wildcard(_ pattern: String, _ text: String, _ expected: Bool) {
        #expect(WildcardPattern(glob: pattern).matches(text) == expected)
        #expect(WildcardPattern(literal: pattern).matches(pattern))
    }

    @Test("a long pathological pattern finishes")
    func pathologicalPattern() {
        let pattern = WildcardPattern(glob: String(repeating: "*a", count: 200) + "b")
        #expect(!pattern.matches(String(repeating: "a", count: 3000)))
    }

    static let ranges: [(String, String, Bool)] = [
        ("10.0.0.0/8", "10.255.255.255", true), ("10.0.0.0/8", "9.255.255.255", false),
        ("192.168.1.0/25", "192.168.1.127", true), ("192.168.1.0/25", "192.168.1.128", false),
        ("203.0.113.5", "203.0.113.5", true), ("::1", "::1", true), ("2001:db8::/48", "2001:db8:0:ffff::1", true),
        ("2001:db8::/48", "2001:db8:1::1", false), ("::ffff:192.0.2.0/120", "::ffff:192.0.2.77", true),
        ("fe80::/10", "febf::1", true), ("0.0.0.0/0", "1.2.3.4", true),
    ]

    @Test("IP ranges", arguments: ranges)
    func ipRange(_ cidr: String, _ address: String, _ expected: Bool) throws {
        let range = try #require(IPAddressRange(cidr: cidr))
        let bytes = try #require(IPAddressRange.parseAddress(address))
        #expect(range.contains(bytes) == expected)
    }

    static let badAddresses = [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-1", "1..2.3", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::",
        "g::1", "::1/129", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/8/8", "１.２.３.４",
    ]

    @Test("malformed addresses and ranges are rejected", arguments: badAddresses)
    func badAddress(_ text: String) {
        #expect(IPAddressRange(cidr: text) == nil)
    }

    static let dates: [(String, Double?)] = [
        ("2025-01-01", 1_735_689_600), ("2025-01-01T00:00:00Z", 1_735_689_600), ("2025-01-01T00:00Z", 1_735_689_600),
        ("2025-01-01T02:00:00+02:00", 1_735_689_600), ("2024-12-31T19:00:00-0500", 1_735_689_600),
        ("2025-01-01T00:00:00.5Z", 1_735_689_600.5), ("1735689600", 1_735_689_600), ("1970-01-01", 0),
        ("2024-02-29", 1_709_164_800), ("2023-02-29", nil), ("2025-13-01", nil), ("2025-01-01T24:00:00Z", nil),
        ("2025-01-01T00:00:00ZZ", nil), ("yesterday", nil), ("", nil), ("2025-01-01T00:00:00.Z", nil),
    ]

    @Test("policy dates", arguments: dates)
    func date(_ text: String, _ expected: Double?) {
        #expect(PolicyDate.parse(text) == expected)
    }

    @Test("ISO 8601 formatting round-trips")
    func dateFormatting() {
        #expect(PolicyDate.iso8601(1_735_689_600) == "2025-01-01T00:00:00Z")
        #expect(PolicyDate.iso8601(1_709_164_800 + 3661) == "2024-02-29T01:01:01Z")
        #expect(PolicyDate.iso8601(-86_400) == "1969-12-31T00:00:00Z")
        #expect(PolicyDate.iso8601(.nan) == "")
        #expect(PolicyDate.parse(PolicyDate.iso8601(4_102_444_800)) == 4_102_444_800)
    }

    @Test("action matching is case-insensitive and needs a service prefix")
    func actions() {
        let element = ActionElement(isNegated: false, patterns: ["STS:assume*", "iam:*"])
        #expect(element.covers("sts:AssumeRole"))
        #expect(element.covers("sts:AssumeRoleWithSAML"))
        #expect(!element.covers("sts:TagSession"))
        #expect(ActionElement(isNegated: true, patterns: ["iam:*"]).covers("sts:AssumeRole"))
        #expect(!ActionElement(isNegated: false, patterns: []).covers("sts:AssumeRole"))
        #expect(!ActionElement(isNegated: false, patterns: ["assume*"]).covers("sts:AssumeRole"))
    }
}
