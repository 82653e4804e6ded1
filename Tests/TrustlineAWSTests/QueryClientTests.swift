// QueryClientTests — every response shape decoded through the client, errors, retries, paging, allowlist.
import Foundation
import Testing

@testable import TrustlineAWS

@Suite struct QueryClientTests {
    func client(
        _ http: FakeHTTPClient, waits: RecordedWaits = RecordedWaits(), quota: RetryQuota = RetryQuota(),
        permitted: Set<String> = QueryClient.readOnlyActions
    ) -> QueryClient {
        QueryClient(
            http: http, credentials: StaticCredentialProvider(testCredentials), region: "us-east-1",
            endpoints: EndpointResolver(environment: [:]), quota: quota, environment: testEnvironment(waits: waits),
            permittedActions: permitted)
    }

    @Test func getCallerIdentity() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.getCallerIdentity))])
        let identity = try await STS(client: client(http)).getCallerIdentity()
        #expect(
            identity
                == CallerIdentity(
                    account: "222222222222", arn: "arn:aws:sts::222222222222:assumed-role/OrganizationAccountAccessRole/trustline-1",
                    userId: "AROAEXAMPLEID:trustline-1"))
        let request = try #require(http.requests.first)
        #expect(request.url.absoluteString == "https://sts.us-east-1.amazonaws.com/")
        #expect(request.method == "POST")
        #expect(request.header("Content-Type") == "application/x-www-form-urlencoded; charset=utf-8")
        #expect(request.formParameters == ["Action": "GetCallerIdentity", "Version": "2011-06-15"])
        #expect(request.header("Authorization")?.contains("/us-east-1/sts/aws4_request") == true)
        #expect(request.header("X-Amz-Security-Token") == "tokenTEST")
    }

    @Test func assumeRoleSendsEveryParameter() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.assumeRole()))])
        let credentials = try await STS(client: client(http)).assumeRole(
            .init(
                roleArn: "arn:aws:iam::222222222222:role/Audit", sessionName: "s", externalId: "ext id+1", durationSeconds: 900,
                mfaSerial: "arn:aws:iam::111111111111:mfa/me", mfaCode: "123456"))
        #expect(credentials.accessKeyId == "ASIAASSUMED")
        #expect(credentials.secretAccessKey == "assumedSecret")
        #expect(credentials.sessionToken == "assumedToken")
        #expect(credentials.expiration == AWSTimestamp.parse("2030-01-01T00:00:00.123456Z"))
        let parameters = try #require(http.requests.first).formParameters
        #expect(parameters["RoleArn"] == "arn:aws:iam::222222222222:role/Audit")
        #expect(parameters["ExternalId"] == "ext id+1")
        #expect(parameters["DurationSeconds"] == "900")
        #expect(parameters["SerialNumber"] == "arn:aws:iam::111111111111:mfa/me")
        #expect(parameters["TokenCode"] == "123456")
        #expect(String(decoding: try #require(http.requests.first).body, as: UTF8.self).contains("ExternalId=ext%20id%2B1"))
    }

    @Test func webIdentityIsUnsigned() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.assumeRoleWithWebIdentity))])
        let credentials = try await STS(client: client(http)).assumeRoleWithWebIdentity(
            roleArn: "arn:aws:iam::111111111111:role/GitHubAudit", sessionName: "x", token: "jwt.token")
        #expect(credentials.accessKeyId == "ASIAWEB")
        let request = try #require(http.requests.first)
        #expect(request.header("Authorization") == nil)
        #expect(request.formParameters["WebIdentityToken"] == "jwt.token")
    }

    @Test func getRoleDecodesTrustAndBoundary() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.getRole))])
        let role = try #require(try await IAM(client: client(http)).getRole(name: "cdk-hnb659fds-deploy-role-222222222222-us-east-1"))
        #expect(role.arn == "arn:aws:iam::222222222222:role/cdk-hnb659fds-deploy-role-222222222222-us-east-1")
        #expect(
            role.assumeRolePolicyDocument
                == #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"sts:AssumeRole"}]}"#)
        #expect(role.permissionsBoundaryArn == "arn:aws:iam::222222222222:policy/boundary")
        #expect(role.tags == ["aws-cdk:bootstrap-role": "deploy"])
        #expect(role.createDate == AWSTimestamp.parse("2026-11-20T17:43:18.123Z"))
        let request = try #require(http.requests.first)
        #expect(request.url.absoluteString == "https://iam.amazonaws.com/")
        #expect(request.header("Authorization")?.contains("/us-east-1/iam/aws4_request") == true)
    }

    @Test func missingRoleIsNil() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.motoError, status: 404))])
        #expect(try await IAM(client: client(http)).getRole(name: "x") == nil)
    }

    @Test func listRolesFollowsMarkers() async throws {
        let http = FakeHTTPClient { request, index in
            switch index {
            case 0:
                #expect(request.formParameters["Marker"] == nil)
                return xmlResponse(Fixture.listRoles(names: ["a", "b"], truncated: true, marker: "m+1/="))
            default:
                #expect(request.formParameters["Marker"] == "m+1/=")
                return xmlResponse(Fixture.listRoles(names: ["c"], truncated: false, marker: nil))
            }
        }
        let roles = try await IAM(client: client(http)).listRoles()
        #expect(roles.map(\.name) == ["a", "b", "c"])
        #expect(http.requests.count == 2)
        #expect(roles.allSatisfy { $0.assumeRolePolicyDocument?.hasPrefix("{") == true })
    }

    @Test func policiesOfARole() async throws {
        let http = FakeHTTPClient { request, _ in
            switch request.formParameters["Action"] {
            case "ListAttachedRolePolicies": return xmlResponse(Fixture.listAttachedRolePolicies)
            case "ListRolePolicies": return xmlResponse(Fixture.listRolePolicies)
            case "GetRolePolicy": return xmlResponse(Fixture.getRolePolicy)
            case "GetPolicy": return xmlResponse(Fixture.getPolicy)
            default: return xmlResponse(Fixture.getPolicyVersion)
            }
        }
        let iam = IAM(client: client(http))
        #expect(
            try await iam.listAttachedRolePolicies(roleName: "r") == [
                AttachedPolicy(name: "AdministratorAccess", arn: "arn:aws:iam::aws:policy/AdministratorAccess")
            ])
        #expect(try await iam.listRolePolicies(roleName: "r") == ["CdkInline", "Other"])
        // Percent-decoding only: `+` stays `+`.
        #expect(
            try await iam.getRolePolicy(roleName: "r", policyName: "CdkInline")
                == #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::a+b"}]}"#)
        let policy = try await iam.getPolicy(arn: "arn:aws:iam::333333333333:policy/CdkDeployPolicy")
        #expect(policy.defaultVersionId == "v3")
        #expect(policy.name == "CdkDeployPolicy")
        #expect(
            try await iam.getPolicyVersion(arn: policy.arn, versionId: "v3")
                == #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#)
    }

    @Test func describeStacksDecodesParametersOutputsAndTimes() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.describeStacks()))])
        let stack = try #require(try await CloudFormation(client: client(http)).describeStack(name: "CDKToolkit"))
        #expect(stack.status == "UPDATE_COMPLETE")
        #expect(stack.parameters["TrustedAccounts"] == "111111111111,444444444444")
        #expect(stack.parameters["TrustedAccountsForLookup"] == "")
        #expect(stack.outputs["BootstrapVersion"] == "30")
        #expect(stack.lastUpdatedTime == AWSTimestamp.parse("2026-11-20T08:30:15.543210Z"))
        #expect(stack.creationTime == AWSTimestamp.parse("2026-11-01T10:00:00Z"))
        #expect(try #require(http.requests.first).url.absoluteString == "https://cloudformation.us-east-1.amazonaws.com/")
    }

    @Test func describeStacksWithoutLastUpdatedTime() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.describeStacks(lastUpdated: false)))])
        let stack = try await CloudFormation(client: client(http)).describeStack(name: "CDKToolkit")
        #expect(stack?.lastUpdatedTime == nil)
    }

    @Test func describeStacksFollowsNextToken() async throws {
        let http = FakeHTTPClient { request, index in
            #expect(request.formParameters["NextToken"] == (index == 0 ? nil : "tok"))
            return xmlResponse(Fixture.describeStacks(nextToken: index == 0 ? "tok" : nil))
        }
        _ = try await CloudFormation(client: client(http)).describeStack(name: "CDKToolkit")
        #expect(http.requests.count == 2)
    }

    @Test func missingStackIsNil() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.stackMissing, status: 400))])
        #expect(try await CloudFormation(client: client(http)).describeStack(name: "CDKToolkit") == nil)
        #expect(http.requests.count == 1)
    }

    @Test func awsErrorKeepsCodeMessageStatusAndRequestId() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Fixture.awsError, status: 403))])
        do {
            _ = try await STS(client: client(http)).getCallerIdentity()
            Issue.record("expected an error")
        } catch let error as AWSServiceError {
            #expect(error.code == "AccessDenied")
            #expect(error.httpStatus == 403)
            #expect(error.requestId == "4a4ff8b7-1c31-11ef-9c56-example")
            #expect(error.type == "Sender")
            #expect(error.message.hasPrefix("User: arn:aws:iam::111111111111:user/x is not authorized"))
            #expect(error.localizedDescription.contains("AccessDenied (HTTP 403)"))
            #expect(!error.isRetryable)
        }
        #expect(http.requests.count == 1)
    }

    @Test func motoErrorShape() {
        let error = AWSServiceError.decode(
            service: "iam", action: "GetRole", status: 404, headers: ["x-amzn-requestid": "hdr-1"], body: Data(Fixture.motoError.utf8))
        #expect(error.code == "NoSuchEntity")
        #expect(error.message == "Role x not found")
        #expect(error.requestId == "hdr-1")
    }

    @Test func htmlErrorPageBecomesATypedError() {
        let error = AWSServiceError.decode(
            service: "sts", action: "GetCallerIdentity", status: 502, headers: ["content-type": "text/html"],
            body: Data("<html><body>Bad Gateway</body></html>".utf8))
        #expect(error.code == "HTTP502")
        #expect(error.isRetryable)
        #expect(error.message.contains("text/html"))
    }

    @Test func retriesTransientFailuresThenSucceeds() async throws {
        let waits = RecordedWaits()
        let quota = RetryQuota()
        let http = FakeHTTPClient(responses: [
            .success(xmlResponse(Fixture.throttling, status: 400)),
            .failure(TransportError(kind: .connectionReset, host: "sts", detail: "")),
            .success(xmlResponse(Fixture.getCallerIdentity)),
        ])
        let identity = try await STS(client: client(http, waits: waits, quota: quota)).getCallerIdentity()
        #expect(identity.account == "222222222222")
        #expect(http.requests.count == 3)
        #expect(waits.all == [0.5, 1.0])  // random 0.5 × 1 s, then × 2 s
        #expect(quota.available == RetryQuota.initialTokens)  // the retries' cost came back on success
    }

    @Test func givesUpAfterThreeAttempts() async throws {
        let waits = RecordedWaits()
        let http = FakeHTTPClient(responses: [
            .success(xmlResponse("<ErrorResponse><Error><Code>ServiceUnavailable</Code><Message>down</Message></Error></ErrorResponse>", status: 503))
        ])
        await #expect(throws: AWSServiceError.self) { try await STS(client: client(http, waits: waits)).getCallerIdentity() }
        #expect(http.requests.count == 3)
        #expect(waits.all.count == 2)
    }

    @Test func doesNotRetryClientErrors() async throws {
        let http = FakeHTTPClient(responses: [
            .success(xmlResponse("<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error></ErrorResponse>", status: 403))
        ])
        do {
            _ = try await STS(client: client(http)).getCallerIdentity()
            Issue.record("expected an error")
        } catch let error as AWSServiceError {
            #expect(error.isCredentialProblem)
        }
        #expect(http.requests.count == 1)
    }

    @Test func malformedSuccessBodyIsATypedError() async throws {
        let http = FakeHTTPClient(responses: [.success(HTTPResponse(status: 200, body: Data("<<<".utf8)))])
        await #expect(throws: MalformedResponseError.self) { try await STS(client: client(http)).getCallerIdentity() }
    }

    @Test func doctypeInASuccessBodyIsRefused() async throws {
        let bomb =
            "<!DOCTYPE a [<!ENTITY b \"c\">]><GetCallerIdentityResponse><GetCallerIdentityResult><Account>&b;</Account></GetCallerIdentityResult></GetCallerIdentityResponse>"
        let http = FakeHTTPClient(responses: [.success(xmlResponse(bomb))])
        await #expect(throws: MalformedResponseError.self) { try await STS(client: client(http)).getCallerIdentity() }
    }

    @Test func refusesActionsOutsideTheAllowlist() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse("<R/>"))])
        for (service, action) in [(AWSService.iam, "UpdateAssumeRolePolicy"), (.cloudformation, "DeleteStack"), (.iam, "CreateRole"), (.sns, "Publish")] {
            await #expect(throws: ActionNotPermittedError.self) { try await client(http).send(QueryRequest(service, action)) }
        }
        #expect(http.requests.isEmpty)
        // A client made for notifications may publish, and only that.
        let notifier = client(http, permitted: QueryClient.readOnlyActions.union(["sns:Publish"]))
        _ = try await notifier.send(QueryRequest(.sns, "Publish", [("TopicArn", "arn:aws:sns:us-east-1:1:t"), ("Message", "m")]))
        #expect(http.requests.count == 1)
    }

    @Test func listParametersAndEncoding() {
        let request = QueryRequest(.iam, "ListRoles", [("PathPrefix", "/a b/"), ("Tags.member.1", "x&y=z")])
        #expect(request.body == "Action=ListRoles&Version=2010-05-08&PathPrefix=%2Fa%20b%2F&Tags.member.1=x%26y%3Dz")
    }
}
