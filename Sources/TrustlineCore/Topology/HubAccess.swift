// HubAccess — reaching an environment by assuming a role from a hub (audit) account.

/// Access to an environment through a role assumed as `arn:aws:iam::ACCOUNT:role/ROLE_NAME`,
/// from `sourceProfile` or, when none is named, from the default credential chain.
public struct HubAccess: Sendable, Equatable {
    /// The IAM role name to assume in the environment's account.
    public var roleName: String
    /// The AWS profile whose credentials assume the role; `nil` means the default chain.
    public var sourceProfile: String?
    /// The external id the role's trust policy requires, if any.
    public var externalId: String?

    /// Creates hub access.
    public init(roleName: String, sourceProfile: String? = nil, externalId: String? = nil) {
        self.roleName = roleName
        self.sourceProfile = sourceProfile
        self.externalId = externalId
    }
}
