// CloudFormation — reads a bootstrap stack: status, parameters, outputs, times.
import Foundation

/// A CloudFormation stack as `DescribeStacks` describes it.
public struct CloudFormationStack: Sendable, Equatable, Codable {
    public var name: String
    public var stackId: String
    public var status: String
    public var statusReason: String?
    public var creationTime: Date?
    public var lastUpdatedTime: Date?
    public var parameters: [String: String]
    public var outputs: [String: String]
    public var tags: [String: String]
}

/// CloudFormation calls over a ``QueryClient``.
public struct CloudFormation: Sendable {
    public let client: QueryClient

    public init(client: QueryClient) {
        self.client = client
    }

    /// The stack with this name; `nil` when it does not exist.
    public func describeStack(name: String) async throws -> CloudFormationStack? {
        do {
            let pages = try await client.sendPaged(QueryRequest(.cloudformation, "DescribeStacks", [("StackName", name)]), tokenName: "NextToken")
            return try pages.flatMap { try $0.members("Stacks").map(Self.decodeStack) }.first
        } catch let error as AWSServiceError where error.code == "ValidationError" && error.message.contains("does not exist") {
            return nil
        }
    }

    static func decodeStack(_ stack: XMLElement) throws -> CloudFormationStack {
        guard let name = stack.string("StackName"), let status = stack.string("StackStatus") else {
            throw MalformedResponseError(service: "cloudformation", action: "DescribeStacks", detail: "a stack without StackName or StackStatus")
        }
        func pairs(_ list: String, _ key: String, _ value: String) -> [String: String] {
            var out: [String: String] = [:]
            for member in stack.members(list) {
                if let k = member.string(key) { out[k] = member.string(value) ?? "" }
            }
            return out
        }
        return CloudFormationStack(
            name: name, stackId: stack.string("StackId") ?? "", status: status, statusReason: stack.string("StackStatusReason"),
            creationTime: stack.string("CreationTime").flatMap(AWSTimestamp.parse),
            lastUpdatedTime: stack.string("LastUpdatedTime").flatMap(AWSTimestamp.parse),
            parameters: pairs("Parameters", "ParameterKey", "ParameterValue"),
            outputs: pairs("Outputs", "OutputKey", "OutputValue"),
            tags: pairs("Tags", "Key", "Value"))
    }
}
