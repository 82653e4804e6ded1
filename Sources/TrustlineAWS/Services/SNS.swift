// SNS — the one write trustline makes: publishing an audit notification to an SNS topic.
// Only a client created with `SNS.permittedActions` may send it; the audit's clients stay read-only.
import Foundation

/// An SNS topic ARN, `arn:PARTITION:sns:REGION:ACCOUNT:NAME`, checked part by part.
public struct SNSTopicARN: Sendable, Equatable, CustomStringConvertible {
    public let partition: String
    public let region: String
    public let account: String
    public let name: String

    /// Reads and checks an ARN.
    /// - Throws: ``SNSError`` (`invalidTopicArn`) saying which part is wrong.
    public init(_ text: String) throws {
        func bad(_ detail: String) -> SNSError { SNSError(.invalidTopicArn, detail: "'\(Self.shown(text))' is not an SNS topic ARN: \(detail)") }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "sns" else {
            throw bad("expected arn:aws:sns:REGION:ACCOUNT:NAME")
        }
        let (partition, region, account, name) = (parts[1], parts[3], parts[4], parts[5])
        guard EndpointResolver.isValidRegion(region) else { throw bad("'\(Self.shown(region))' is not a region") }
        guard partition == Partition.of(region: region).name else {
            throw bad("the partition '\(Self.shown(partition))' does not hold region \(region) (expected \(Partition.of(region: region).name))")
        }
        guard account.count == 12, account.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw bad("the account '\(Self.shown(account))' is not 12 digits")
        }
        let base = name.hasSuffix(".fifo") ? String(name.dropLast(5)) : name
        guard (1...256).contains(name.count), !base.isEmpty,
            base.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        else {
            throw bad("the topic name must be 1 to 256 letters, digits, - or _ (with .fifo for a FIFO topic)")
        }
        self.partition = partition
        self.region = region
        self.account = account
        self.name = name
    }

    /// A FIFO topic (`.fifo`): its messages need a group id.
    public var isFIFO: Bool { name.hasSuffix(".fifo") }

    public var description: String { "arn:\(partition):sns:\(region):\(account):\(name)" }

    private static func shown(_ text: String) -> String {
        String(String(text.unicodeScalars.map { $0.value >= 0x20 && $0.value < 0x7F ? Character($0) : "?" }).prefix(300))
    }
}

/// A publish request SNS would refuse, caught before sending it.
public struct SNSError: Error, LocalizedError, Sendable, Equatable {
    public enum Code: String, Sendable, Equatable {
        case invalidTopicArn
        case invalidSubject
        case invalidMessage
    }

    public let code: Code
    public let detail: String

    public init(_ code: Code, detail: String) {
        self.code = code
        self.detail = detail
    }

    public var errorDescription: String? { detail }
}

/// SNS calls over a ``QueryClient``.
public struct SNS: Sendable {
    /// The action `Publish` needs on a client's allowlist.
    public static let publishAction = "sns:Publish"

    /// The allowlist of a notifier's client: the read-only actions (for credentials) plus `Publish`.
    public static let permittedActions: Set<String> = QueryClient.readOnlyActions.union([publishAction])

    /// SNS's limit on a message, in bytes (UTF-8).
    public static let maximumMessageBytes = 262_144

    /// SNS's limit on a subject, in characters.
    public static let maximumSubjectLength = 100

    /// How the message is to be read.
    public enum MessageStructure: Sendable, Equatable {
        /// The same text for every subscriber.
        case plain
        /// A JSON object of one message per protocol (`default` required; `email`, `sqs`, `https`…).
        case json
    }

    public let client: QueryClient

    /// - Parameter client: any client; requests go to the topic's region whatever its own.
    public init(client: QueryClient) {
        self.client = client
    }

    /// Publishes a message to a topic in the topic's own region and returns SNS's `MessageId`.
    ///
    /// - Parameters:
    ///   - subject: at most 100 ASCII printable characters, no line break (e-mail subscribers
    ///     see it); `nil` or empty for none.
    ///   - message: at most 256 KB; for `.json`, an object with a `default` string.
    /// - Throws: ``SNSError`` for a request SNS would refuse (nothing is sent),
    ///   ``ActionNotPermittedError`` when the client may not publish, ``AWSServiceError`` for
    ///   SNS's own refusals (`NotFound`, `AuthorizationError`…).
    public func publish(topicArn: String, subject: String?, message: String, structure: MessageStructure = .plain) async throws -> String {
        let topic = try SNSTopicARN(topicArn)
        var parameters: [(String, String)] = [("TopicArn", topic.description), ("Message", try Self.checkedMessage(message, structure: structure))]
        if let subject, !subject.isEmpty {
            parameters.append(("Subject", try Self.checkedSubject(subject)))
        }
        if structure == .json { parameters.append(("MessageStructure", "json")) }
        if topic.isFIFO {
            parameters.append(("MessageGroupId", "trustline"))
            parameters.append(("MessageDeduplicationId", UUID().uuidString))
        }
        let result = try await client.with(region: topic.region).send(QueryRequest(.sns, "Publish", parameters))
        guard let id = result.string("MessageId"), !id.isEmpty else {
            throw MalformedResponseError(service: "sns", action: "Publish", detail: "no MessageId in the answer")
        }
        return id
    }

    /// The subject, if SNS accepts it.
    public static func checkedSubject(_ subject: String) throws -> String {
        guard subject.unicodeScalars.count <= maximumSubjectLength else {
            throw SNSError(
                .invalidSubject, detail: "an SNS subject has at most \(maximumSubjectLength) characters (this one has \(subject.unicodeScalars.count))")
        }
        guard subject.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E }) else {
            throw SNSError(.invalidSubject, detail: "an SNS subject holds ASCII printable characters only, on one line")
        }
        guard let first = subject.unicodeScalars.first, first != " " else {
            throw SNSError(.invalidSubject, detail: "an SNS subject must start with a letter, a digit or punctuation")
        }
        return subject
    }

    /// The message, if SNS accepts it.
    public static func checkedMessage(_ message: String, structure: MessageStructure) throws -> String {
        guard !message.isEmpty else { throw SNSError(.invalidMessage, detail: "the message is empty") }
        let bytes = message.utf8.count
        guard bytes <= maximumMessageBytes else {
            throw SNSError(.invalidMessage, detail: "the message has \(bytes) bytes; SNS takes at most \(maximumMessageBytes)")
        }
        if structure == .json {
            let object = try? JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any]
            guard let object, object["default"] is String, object.values.allSatisfy({ $0 is String }) else {
                throw SNSError(.invalidMessage, detail: "a JSON-structured message must be an object of strings with a \"default\" one")
            }
        }
        return message
    }
}
