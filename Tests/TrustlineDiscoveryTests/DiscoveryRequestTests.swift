// DiscoveryRequestTests — what discovery asks AWS, counted on a scripted organisation: once per
// account what IAM holds for the whole account (the caller, the roles, the documents of
// customer-managed policies, read once however many regions attach them), once per region what
// is regional; and a failure of a shared read reaches every region that needed it.
import Foundation
import Testing
import TrustlineAWS
import TrustlineCore

@testable import TrustlineDiscovery

@Suite("Discovery requests")
struct DiscoveryRequestTests {
    static let regions = ["us-east-1", "eu-west-1", "ap-south-1"]
    static let accounts = ["222222222222", "333333333333"]

    static func topology() throws -> Topology {
        var lines = [
            "version: 1", "defaults:", "  regions: [\(regions.joined(separator: ", "))]", "  access:", "    roleName: TrustlineAudit",
            "pipelines:", "  - name: tools", "    account: \"111111111111\"", "environments:",
        ]
        for (index, account) in accounts.enumerated() {
            lines += [
                "  - name: env\(index)", "    account: \"\(account)\"", "    trust: [tools]", "    trustForLookup: [tools]",
                "    executionPolicies: [arn:aws:iam::\(account):policy/Deploy]",
            ]
        }
        return try TopologyParser.parse(lines.joined(separator: "\n") + "\n", file: "org.yaml")
    }

    static func discover(_ aws: ScriptedOrganisation) async throws -> [EnvironmentSnapshot] {
        let resolver = try CredentialResolver(
            environment: ["AWS_ACCESS_KEY_ID": "AKIAHUBTESTKEY000000", "AWS_SECRET_ACCESS_KEY": "hubSecret", "AWS_EC2_METADATA_DISABLED": "true"],
            http: aws, profiles: AWSProfiles(config: try AWSConfigFile.parse("", path: ""), credentials: try AWSConfigFile.parse("", path: "")))
        return await Discovery(topology: try topology(), resolver: resolver, concurrency: 4, iamPacing: nil).run()
    }

    @Test("account-wide reads once per account, regional reads once per region")
    func requestCounts() async throws {
        let aws = ScriptedOrganisation(accounts: Self.accounts, regions: Self.regions)
        let snapshots = try await Self.discover(aws)
        #expect(snapshots.count == 6)
        #expect(snapshots.allSatisfy { $0.unreachable == nil }, "\(snapshots.compactMap(\.unreachable))")
        #expect(snapshots.allSatisfy { $0.reachedAccount == $0.account }, "\(snapshots.map { ($0.account, $0.reachedAccount ?? "-") })")
        let perAccount = Self.accounts.count
        let perRegion = Self.accounts.count * Self.regions.count
        #expect(
            aws.counts == [
                "AssumeRole": perAccount, "GetCallerIdentity": perAccount, "ListRoles": perAccount,
                "DescribeStacks": perRegion, "ListAttachedRolePolicies": perRegion, "ListRolePolicies": perRegion,
                "GetPolicy": perAccount, "GetPolicyVersion": perAccount,
            ])
        // Every region has the document, read once for all of them.
        for snapshot in snapshots {
            let exec = try #require(snapshot.roles.first { $0.kind == .cfnExec })
            #expect(exec.attachedPolicies.map(\.document) == [ScriptedOrganisation.deployPolicy])
            #expect(exec.attachedPolicies.map(\.arn) == ["arn:aws:iam::\(snapshot.account):policy/Deploy"])
        }
    }

    @Test("without keep, snapshots go to received only, and progress still counts them")
    func receivedOnly() async throws {
        let aws = ScriptedOrganisation(accounts: Self.accounts, regions: Self.regions)
        let resolver = try CredentialResolver(
            environment: ["AWS_ACCESS_KEY_ID": "AKIAHUBTESTKEY000000", "AWS_SECRET_ACCESS_KEY": "hubSecret"], http: aws,
            profiles: AWSProfiles(config: try AWSConfigFile.parse("", path: ""), credentials: try AWSConfigFile.parse("", path: "")))
        let seen = Collected()
        let returned = await Discovery(topology: try Self.topology(), resolver: resolver, concurrency: 4, iamPacing: nil)
            .run(progress: { done, total in seen.progress(done, total) }, received: { seen.add($0) }, keep: false)
        #expect(returned.isEmpty)
        #expect(seen.snapshots.count == 6)
        #expect(seen.lastProgress == 6 && seen.total == 6)
    }

    @Test("a failed shared read makes every region that needed it unreachable, naming it")
    func sharedFailure() async throws {
        let aws = ScriptedOrganisation(accounts: Self.accounts, regions: Self.regions, deniedPolicyAccount: "333333333333")
        let snapshots = try await Self.discover(aws)
        for snapshot in snapshots {
            if snapshot.account == "333333333333" {
                #expect(snapshot.unreachable?.contains("iam GetPolicy failed: AccessDenied") == true, "\(snapshot.unreachable ?? "reachable")")
            } else {
                #expect(snapshot.unreachable == nil)
            }
        }
        #expect(aws.counts["GetPolicy"] == 2)
    }
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [EnvironmentSnapshot] = []
    private var done = 0
    private var of = 0
    func add(_ snapshots: [EnvironmentSnapshot]) { lock.withLock { all += snapshots } }
    func progress(_ done: Int, _ total: Int) { lock.withLock { (self.done, of) = (done, total) } }
    var snapshots: [EnvironmentSnapshot] { lock.withLock { all } }
    var lastProgress: Int { lock.withLock { done } }
    var total: Int { lock.withLock { of } }
}

/// Answers the Query calls of an audit for an organisation of CDK-bootstrapped accounts: every
/// account bootstrapped in every region, its cfn-exec roles with one customer-managed policy.
/// Callers are told apart by their access key (`ASIA` + account for assumed roles).
final class ScriptedOrganisation: HTTPClient, @unchecked Sendable {
    static let deployPolicy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
    let accounts: [String]
    let regions: [String]
    let deniedPolicyAccount: String?
    private let lock = NSLock()
    private var seen: [String: Int] = [:]

    init(accounts: [String], regions: [String], deniedPolicyAccount: String? = nil) {
        self.accounts = accounts
        self.regions = regions
        self.deniedPolicyAccount = deniedPolicyAccount
    }

    var counts: [String: Int] { lock.withLock { seen } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        var form: [String: String] = [:]
        for pair in String(decoding: request.body, as: UTF8.self).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            form[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        let action = form["Action"] ?? ""
        lock.withLock { seen[action, default: 0] += 1 }
        let authorization = request.headers.first { $0.name.lowercased() == "authorization" }?.value ?? ""
        let keyID = authorization.components(separatedBy: "Credential=").last?.split(separator: "/").first.map(String.init) ?? ""
        let caller = keyID.hasPrefix("ASIA") ? String(keyID.dropFirst(4).prefix(12)) : "111111111111"
        let region = authorization.components(separatedBy: "Credential=").last?.split(separator: "/").dropFirst(2).first.map(String.init) ?? ""

        switch action {
        case "AssumeRole":
            let target = (form["RoleArn"] ?? "").split(separator: ":", omittingEmptySubsequences: false).dropFirst(4).first.map(String.init) ?? ""
            return ok(
                action,
                "<AssumedRoleUser><Arn>arn:aws:sts::\(target):assumed-role/TrustlineAudit/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>"
                    + "<Credentials><AccessKeyId>ASIA\(target)TEST</AccessKeyId><SecretAccessKey>secret\(target)</SecretAccessKey>"
                    + "<SessionToken>token\(target)</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>")
        case "GetCallerIdentity":
            return ok(action, "<Arn>arn:aws:sts::\(caller):assumed-role/TrustlineAudit/s</Arn><UserId>AROA:s</UserId><Account>\(caller)</Account>")
        case "ListRoles":
            let members = regions.flatMap { region in
                RoleKind.allCases.map { kind in
                    let name = kind.roleName(qualifier: "hnb659fds", account: caller, region: region)
                    let principal =
                        kind == .cfnExec
                        ? #"{"Service":"cloudformation.amazonaws.com"}"# : #"{"AWS":["arn:aws:iam::\#(caller):root","arn:aws:iam::111111111111:root"]}"#
                    let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":\#(principal),"Action":"sts:AssumeRole"}]}"#
                    return "<member><RoleName>\(name)</RoleName><Arn>arn:aws:iam::\(caller):role/\(name)</Arn><RoleId>AROA\(name.count)</RoleId>"
                        + "<Path>/</Path><AssumeRolePolicyDocument>\(SigV4Signer.percentEncode(trust))</AssumeRolePolicyDocument></member>"
                }
            }
            return ok(action, "<IsTruncated>false</IsTruncated><Roles>\(members.joined())</Roles>")
        case "DescribeStacks":
            return ok(
                action,
                "<Stacks><member><StackName>CDKToolkit</StackName><StackId>arn:aws:cloudformation:\(region):\(caller):stack/CDKToolkit/1</StackId>"
                    + "<StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-01-01T00:00:00Z</CreationTime>"
                    + "<Parameters><member><ParameterKey>TrustedAccounts</ParameterKey><ParameterValue>111111111111</ParameterValue></member>"
                    + "<member><ParameterKey>TrustedAccountsForLookup</ParameterKey><ParameterValue>111111111111</ParameterValue></member>"
                    + "<member><ParameterKey>CloudFormationExecutionPolicies</ParameterKey>"
                    + "<ParameterValue>arn:aws:iam::\(caller):policy/Deploy</ParameterValue></member></Parameters>"
                    + "<Outputs><member><OutputKey>BootstrapVersion</OutputKey><OutputValue>21</OutputValue></member></Outputs></member></Stacks>")
        case "ListAttachedRolePolicies":
            return ok(
                action,
                "<AttachedPolicies><member><PolicyName>Deploy</PolicyName><PolicyArn>arn:aws:iam::\(caller):policy/Deploy</PolicyArn></member>"
                    + "</AttachedPolicies><IsTruncated>false</IsTruncated>")
        case "ListRolePolicies":
            return ok(action, "<PolicyNames></PolicyNames><IsTruncated>false</IsTruncated>")
        case "GetPolicy":
            if caller == deniedPolicyAccount {
                return HTTPResponse(
                    status: 403, headers: ["content-type": "text/xml"],
                    body: Data(
                        "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>"
                            .utf8))
            }
            return ok(action, "<Policy><PolicyName>Deploy</PolicyName><DefaultVersionId>v3</DefaultVersionId><Arn>\(form["PolicyArn"] ?? "")</Arn></Policy>")
        case "GetPolicyVersion":
            return ok(
                action,
                "<PolicyVersion><Document>\(SigV4Signer.percentEncode(Self.deployPolicy))</Document><VersionId>\(form["VersionId"] ?? "")</VersionId>"
                    + "<IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>")
        default:
            return HTTPResponse(status: 400, headers: [:], body: Data("unexpected \(action)".utf8))
        }
    }

    private func ok(_ action: String, _ result: String) -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: ["content-type": "text/xml"],
            body: Data(
                "<\(action)Response><\(action)Result>\(result)</\(action)Result><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></\(action)Response>"
                    .utf8))
    }
}
