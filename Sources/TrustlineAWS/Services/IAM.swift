// IAM — the read-only IAM calls of an audit: roles, their trust and their policies.
import Foundation

/// An IAM role as `GetRole` / `ListRoles` describe it.
public struct IAMRole: Sendable, Equatable, Codable {
    public var name: String
    public var arn: String
    public var roleId: String
    public var path: String
    /// The trust policy, percent-decoded JSON.
    public var assumeRolePolicyDocument: String?
    public var createDate: Date?
    public var permissionsBoundaryArn: String?
    public var tags: [String: String]
}

/// A managed policy attached to a role.
public struct AttachedPolicy: Sendable, Equatable, Codable {
    public var name: String
    public var arn: String
}

/// A managed policy's metadata (`GetPolicy`).
public struct ManagedPolicy: Sendable, Equatable, Codable {
    public var name: String
    public var arn: String
    public var defaultVersionId: String
}

/// IAM calls over a ``QueryClient``.
public struct IAM: Sendable {
    public let client: QueryClient

    public init(client: QueryClient) {
        self.client = client
    }

    /// `GetRole`; `nil` when the role does not exist (`NoSuchEntity`).
    public func getRole(name: String) async throws -> IAMRole? {
        do {
            let result = try await client.send(QueryRequest(.iam, "GetRole", [("RoleName", name)]))
            guard let role = result.child("Role") else {
                throw MalformedResponseError(service: "iam", action: "GetRole", detail: "no Role in the answer")
            }
            return try Self.decodeRole(role, action: "GetRole")
        } catch let error as AWSServiceError where error.code == "NoSuchEntity" {
            return nil
        }
    }

    /// Every role (all pages), optionally under a path prefix.
    public func listRoles(pathPrefix: String? = nil) async throws -> [IAMRole] {
        let parameters = [("MaxItems", "1000")] + (pathPrefix.map { [("PathPrefix", $0)] } ?? [])
        let pages = try await client.sendPaged(QueryRequest(.iam, "ListRoles", parameters), tokenName: "Marker")
        return try pages.flatMap { try $0.members("Roles").map { try Self.decodeRole($0, action: "ListRoles") } }
    }

    public func listAttachedRolePolicies(roleName: String) async throws -> [AttachedPolicy] {
        let pages = try await client.sendPaged(QueryRequest(.iam, "ListAttachedRolePolicies", [("RoleName", roleName)]), tokenName: "Marker")
        return pages.flatMap {
            $0.members("AttachedPolicies").map { AttachedPolicy(name: $0.string("PolicyName") ?? "", arn: $0.string("PolicyArn") ?? "") }
        }
    }

    public func listRolePolicies(roleName: String) async throws -> [String] {
        let pages = try await client.sendPaged(QueryRequest(.iam, "ListRolePolicies", [("RoleName", roleName)]), tokenName: "Marker")
        return pages.flatMap { $0.members("PolicyNames").map(\.text) }
    }

    /// The inline policy's document, percent-decoded JSON.
    public func getRolePolicy(roleName: String, policyName: String) async throws -> String {
        let result = try await client.send(QueryRequest(.iam, "GetRolePolicy", [("RoleName", roleName), ("PolicyName", policyName)]))
        return try Self.decodeDocument(result.string("PolicyDocument"), action: "GetRolePolicy")
    }

    public func getPolicy(arn: String) async throws -> ManagedPolicy {
        let result = try await client.send(QueryRequest(.iam, "GetPolicy", [("PolicyArn", arn)]))
        guard let policy = result.child("Policy") else {
            throw MalformedResponseError(service: "iam", action: "GetPolicy", detail: "no Policy in the answer")
        }
        return ManagedPolicy(
            name: policy.string("PolicyName") ?? "", arn: policy.string("Arn") ?? arn,
            defaultVersionId: policy.string("DefaultVersionId") ?? "")
    }

    /// A managed policy version's document, percent-decoded JSON.
    public func getPolicyVersion(arn: String, versionId: String) async throws -> String {
        let result = try await client.send(QueryRequest(.iam, "GetPolicyVersion", [("PolicyArn", arn), ("VersionId", versionId)]))
        return try Self.decodeDocument(result.string("PolicyVersion", "Document"), action: "GetPolicyVersion")
    }

    static func decodeRole(_ role: XMLElement, action: String) throws -> IAMRole {
        guard let name = role.string("RoleName"), let arn = role.string("Arn") else {
            throw MalformedResponseError(service: "iam", action: action, detail: "a role without RoleName or Arn")
        }
        var tags: [String: String] = [:]
        for tag in role.members("Tags") {
            if let key = tag.string("Key") { tags[key] = tag.string("Value") ?? "" }
        }
        return IAMRole(
            name: name, arn: arn, roleId: role.string("RoleId") ?? "", path: role.string("Path") ?? "/",
            assumeRolePolicyDocument: try role.string("AssumeRolePolicyDocument").map { try decodeDocument($0, action: action) },
            createDate: role.string("CreateDate").flatMap(AWSTimestamp.parse),
            permissionsBoundaryArn: role.string("PermissionsBoundary", "PermissionsBoundaryArn"), tags: tags)
    }

    /// Policy documents come percent-encoded; decode `%XX` only (`+` stays `+`).
    static func decodeDocument(_ raw: String?, action: String) throws -> String {
        guard let raw else { throw MalformedResponseError(service: "iam", action: action, detail: "no policy document") }
        guard let decoded = raw.percentDecoded else {
            throw MalformedResponseError(service: "iam", action: action, detail: "the policy document is not valid percent-encoding")
        }
        return decoded
    }
}
