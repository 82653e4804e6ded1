// EnvironmentSnapshot — what AWS said about one environment: a plain value that can be saved
// and evaluated again offline; tests build them by hand.
import Foundation

/// Everything discovery read for one `aws://account/region` of the topology.
public struct EnvironmentSnapshot: Sendable, Codable, Equatable {
    /// The topology environment's name.
    public var environment: String
    public var account: String
    public var region: String
    /// The account the credentials actually reached (`GetCallerIdentity`).
    public var reachedAccount: String?
    /// Why the environment could not be read (credentials, network, AWS errors); `nil` when it was.
    public var unreachable: String?
    /// The toolkit stack; `nil` when there is none with the expected name.
    public var stack: StackSnapshot?
    /// The bootstrap roles of the intended qualifier that exist.
    public var roles: [RoleSnapshot]
    /// Other qualifiers with bootstrap roles for this account and region.
    public var otherQualifiers: [String]

    public init(
        environment: String, account: String, region: String, reachedAccount: String? = nil, unreachable: String? = nil,
        stack: StackSnapshot? = nil, roles: [RoleSnapshot] = [], otherQualifiers: [String] = []
    ) {
        self.environment = environment
        self.account = account
        self.region = region
        self.reachedAccount = reachedAccount
        self.unreachable = unreachable
        self.stack = stack
        self.roles = roles
        self.otherQualifiers = otherQualifiers
    }

    public func role(_ kind: RoleKind) -> RoleSnapshot? {
        roles.first { $0.kind == kind }
    }
}

/// The bootstrap stack as `DescribeStacks` showed it.
public struct StackSnapshot: Sendable, Codable, Equatable {
    public var name: String
    public var status: String
    public var statusReason: String?
    public var parameters: [String: String]
    public var bootstrapVersion: Int?
    public var creationTime: Date?
    public var lastUpdatedTime: Date?

    public init(
        name: String, status: String, statusReason: String? = nil, parameters: [String: String] = [:], bootstrapVersion: Int? = nil,
        creationTime: Date? = nil, lastUpdatedTime: Date? = nil
    ) {
        self.name = name
        self.status = status
        self.statusReason = statusReason
        self.parameters = parameters
        self.bootstrapVersion = bootstrapVersion
        self.creationTime = creationTime
        self.lastUpdatedTime = lastUpdatedTime
    }

    /// A comma-separated list parameter (`TrustedAccounts`…) as a sorted set of values.
    public func listParameter(_ name: String) -> [String] {
        Set((parameters[name] ?? "").split(separator: ",").map(Self.trimmed).filter { !$0.isEmpty }).sorted()
    }

    /// Without white space around (Foundation's trimming bridges to NSString; this runs for
    /// every check that reads a parameter).
    private static func trimmed(_ text: Substring) -> String {
        var start = text.startIndex
        var end = text.endIndex
        while start < end, text[start].isWhitespace { start = text.index(after: start) }
        while end > start, text[text.index(before: end)].isWhitespace { end = text.index(before: end) }
        return String(text[start..<end])
    }

    /// Whether the stack is in a settled, successful state.
    public var isHealthy: Bool {
        ["CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"].contains(status)
    }
}

/// A bootstrap role: its trust policy and, for cfn-exec, its permissions.
public struct RoleSnapshot: Sendable, Codable, Equatable {
    public var kind: RoleKind
    public var name: String
    public var arn: String
    /// The trust policy JSON (percent-decoded).
    public var trustPolicy: String?
    public var attachedPolicies: [PolicySnapshot]
    public var inlinePolicies: [PolicySnapshot]
    public var permissionsBoundary: String?

    public init(
        kind: RoleKind, name: String, arn: String, trustPolicy: String?, attachedPolicies: [PolicySnapshot] = [],
        inlinePolicies: [PolicySnapshot] = [], permissionsBoundary: String? = nil
    ) {
        self.kind = kind
        self.name = name
        self.arn = arn
        self.trustPolicy = trustPolicy
        self.attachedPolicies = attachedPolicies
        self.inlinePolicies = inlinePolicies
        self.permissionsBoundary = permissionsBoundary
    }
}

/// A permissions policy of a role: managed (with an ARN) or inline; the document when it was read.
public struct PolicySnapshot: Sendable, Codable, Equatable {
    public var name: String
    public var arn: String?
    public var document: String?

    public init(name: String, arn: String? = nil, document: String? = nil) {
        self.name = name
        self.arn = arn
        self.document = document
    }
}
