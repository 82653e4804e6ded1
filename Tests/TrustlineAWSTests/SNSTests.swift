// SNSTests — Publish over the Query client: parameters, the topic's region, MessageId, SNS's
// error answers, the allowlist, and the checks made before anything is sent.
import Foundation
import Testing

@testable import TrustlineAWS

@Suite struct SNSTests {
    static let topic = "arn:aws:sns:eu-west-1:111111111111:trustline-nightly"

    static let publishResponse = """
        <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
          <PublishResult>
            <MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId>
          </PublishResult>
          <ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata>
        </PublishResponse>
        """

    static let authorizationError = """
        <ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
          <Error>
            <Type>Sender</Type>
            <Code>AuthorizationError</Code>
            <Message>User: arn:aws:sts::111111111111:assumed-role/Nightly/x is not authorized to perform: SNS:Publish on resource: arn:aws:sns:eu-west-1:111111111111:trustline-nightly</Message>
          </Error>
          <RequestId>9b0a2c1e-0d5e-5d8f-a1f4-example</RequestId>
        </ErrorResponse>
        """

    func sns(_ http: FakeHTTPClient, permitted: Set<String> = SNS.permittedActions, region: String = "us-east-1") -> SNS {
        SNS(
            client: QueryClient(
                http: http, credentials: StaticCredentialProvider(testCredentials), region: region, endpoints: EndpointResolver(environment: [:]),
                environment: testEnvironment(), permittedActions: permitted))
    }

    @Test func publishSendsTheTopicSubjectAndMessageToTheTopicsRegion() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Self.publishResponse))])
        let id = try await sns(http).publish(topicArn: Self.topic, subject: "trustline FAILED - trust lost in dev (exit 1)", message: "line 1\nline 2 & more")
        #expect(id == "567910cd-659e-55d4-8ccb-5aaf14679dc0")
        let request = try #require(http.requests.first)
        #expect(request.url.absoluteString == "https://sns.eu-west-1.amazonaws.com/")
        #expect(request.header("Authorization")?.contains("/eu-west-1/sns/aws4_request") == true)
        #expect(
            request.formParameters == [
                "Action": "Publish", "Version": "2010-03-31", "TopicArn": Self.topic, "Subject": "trustline FAILED - trust lost in dev (exit 1)",
                "Message": "line 1\nline 2 & more",
            ])
        #expect(String(decoding: request.body, as: UTF8.self).contains("Message=line%201%0Aline%202%20%26%20more"))
    }

    @Test func jsonStructureAndNoSubject() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Self.publishResponse))])
        let message = #"{"default":"{\"version\":\"1.0\"}","email":"text"}"#
        _ = try await sns(http).publish(topicArn: Self.topic, subject: nil, message: message, structure: .json)
        let parameters = try #require(http.requests.first).formParameters
        #expect(parameters["MessageStructure"] == "json")
        #expect(parameters["Message"] == message)
        #expect(parameters["Subject"] == nil)
    }

    @Test func fifoTopicsGetAGroupAndADeduplicationId() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Self.publishResponse))])
        _ = try await sns(http).publish(topicArn: "arn:aws:sns:us-east-1:111111111111:audits.fifo", subject: "s", message: "m")
        let parameters = try #require(http.requests.first).formParameters
        #expect(parameters["MessageGroupId"] == "trustline")
        #expect(parameters["MessageDeduplicationId"]?.isEmpty == false)
    }

    @Test func snsRefusalIsATypedErrorNotRetried() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Self.authorizationError, status: 403))])
        do {
            _ = try await sns(http).publish(topicArn: Self.topic, subject: "s", message: "m")
            Issue.record("expected an error")
        } catch let error as AWSServiceError {
            #expect(error.service == "sns")
            #expect(error.action == "Publish")
            #expect(error.code == "AuthorizationError")
            #expect(error.httpStatus == 403)
            #expect(error.requestId == "9b0a2c1e-0d5e-5d8f-a1f4-example")
            #expect(error.localizedDescription.contains("AuthorizationError (HTTP 403)"))
        }
        #expect(http.requests.count == 1)
    }

    @Test func missingTopicIsNotFound() async throws {
        let body = """
            <ErrorResponse><Error><Type>Sender</Type><Code>NotFound</Code><Message>Topic does not exist</Message></Error><RequestId>r-1</RequestId></ErrorResponse>
            """
        let http = FakeHTTPClient(responses: [.success(xmlResponse(body, status: 404))])
        await #expect(throws: AWSServiceError.self) { try await sns(http).publish(topicArn: Self.topic, subject: "s", message: "m") }
    }

    @Test func answerWithoutMessageIdIsMalformed() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse("<PublishResponse><PublishResult/></PublishResponse>"))])
        await #expect(throws: MalformedResponseError.self) { try await sns(http).publish(topicArn: Self.topic, subject: "s", message: "m") }
    }

    @Test func aReadOnlyClientCannotPublish() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Self.publishResponse))])
        await #expect(throws: ActionNotPermittedError.self) {
            try await sns(http, permitted: QueryClient.readOnlyActions).publish(topicArn: Self.topic, subject: "s", message: "m")
        }
        #expect(http.requests.isEmpty)
        #expect(!QueryClient.readOnlyActions.contains(SNS.publishAction))
        #expect(SNS.permittedActions == QueryClient.readOnlyActions.union(["sns:Publish"]))
    }

    @Test(arguments: [
        ("arn:aws:sns:us-east-1:111111111111", "expected arn:aws:sns:REGION:ACCOUNT:NAME"),
        ("arn:aws:sqs:us-east-1:111111111111:q", "expected arn:aws:sns:REGION:ACCOUNT:NAME"),
        ("sns:arn:aws:sns:us-east-1:111111111111:t", "expected arn:aws:sns:REGION:ACCOUNT:NAME"),
        ("arn:aws:sns:US-EAST-1:111111111111:t", "is not a region"),
        ("arn:aws:sns::111111111111:t", "is not a region"),
        ("arn:aws-cn:sns:us-east-1:111111111111:t", "does not hold region us-east-1"),
        ("arn:aws:sns:us-east-1:11111111111:t", "is not 12 digits"),
        ("arn:aws:sns:us-east-1:111111111111:", "topic name"),
        ("arn:aws:sns:us-east-1:111111111111:a b", "topic name"),
        ("arn:aws:sns:us-east-1:111111111111:t:extra", "topic name"),
        ("arn:aws:sns:us-east-1:111111111111:\u{1B}[31m", "topic name"),
    ])
    func badTopicArnsAreRefusedBeforeSending(arn: String, reason: String) async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Self.publishResponse))])
        do {
            _ = try await sns(http).publish(topicArn: arn, subject: "s", message: "m")
            Issue.record("\(arn) was accepted")
        } catch let error as SNSError {
            #expect(error.code == .invalidTopicArn)
            #expect(error.detail.contains(reason), "\(error.detail)")
            #expect(!error.detail.contains("\u{1B}"))
        }
        #expect(http.requests.isEmpty)
    }

    @Test func topicArnParts() throws {
        let arn = try SNSTopicARN("arn:aws-us-gov:sns:us-gov-west-1:123456789012:ops_alerts-1")
        #expect(arn.partition == "aws-us-gov")
        #expect(arn.region == "us-gov-west-1")
        #expect(arn.account == "123456789012")
        #expect(arn.name == "ops_alerts-1")
        #expect(!arn.isFIFO)
        #expect(arn.description == "arn:aws-us-gov:sns:us-gov-west-1:123456789012:ops_alerts-1")
    }

    @Test(arguments: [
        String(repeating: "s", count: 101), "two\nlines", "tab\there", "caf\u{E9}", " leading space", "esc \u{1B}[2J",
    ])
    func subjectsSNSWouldRefuse(subject: String) async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Self.publishResponse))])
        await #expect(throws: SNSError.self) { try await sns(http).publish(topicArn: Self.topic, subject: subject, message: "m") }
        #expect(http.requests.isEmpty)
    }

    @Test func subjectOfExactlyOneHundredCharacters() throws {
        let subject = String(repeating: "x", count: 100)
        #expect(try SNS.checkedSubject(subject) == subject)
    }

    @Test func messagesSNSWouldRefuse() async throws {
        let http = FakeHTTPClient(responses: [.success(xmlResponse(Self.publishResponse))])
        let client = sns(http)
        await #expect(throws: SNSError.self) { try await client.publish(topicArn: Self.topic, subject: nil, message: "") }
        // 256 KB counts bytes: 87,382 three-byte characters are 262,146 bytes.
        let large = String(repeating: "€", count: 87_382)
        await #expect(throws: SNSError.self) { try await client.publish(topicArn: Self.topic, subject: nil, message: large) }
        for bad in [#"not json"#, #"{"email":"x"}"#, #"{"default":1}"#, #"["default"]"#, #"{"default":"x","email":{"a":1}}"#] {
            await #expect(throws: SNSError.self) { try await client.publish(topicArn: Self.topic, subject: nil, message: bad, structure: .json) }
        }
        #expect(http.requests.isEmpty)
        #expect(try SNS.checkedMessage(String(repeating: "a", count: SNS.maximumMessageBytes), structure: .plain).utf8.count == 262_144)
    }
}
