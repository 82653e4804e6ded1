// ParsedRoles — each bootstrap role's trust policy parsed and enumerated once per environment,
// shared by the checks, the report entry and the remediation planner.
import Foundation

/// The parsed trust policies of an environment's roles, and whom each trusts.
struct ParsedRoles: Sendable {
    private let policies: [RoleKind: Result<TrustPolicy, TrustPolicyError>]
    private let enumerations: [RoleKind: TrustEnumeration]

    init(_ snapshot: EnvironmentSnapshot) {
        let partition = Partitions.of(region: snapshot.region)
        var policies: [RoleKind: Result<TrustPolicy, TrustPolicyError>] = [:]
        var enumerations: [RoleKind: TrustEnumeration] = [:]
        for role in snapshot.roles {
            let parsed: Result<TrustPolicy, TrustPolicyError>
            if let document = role.trustPolicy {
                do {
                    parsed = .success(try TrustPolicy(json: document))
                } catch let error as TrustPolicyError {
                    parsed = .failure(error)
                } catch {
                    parsed = .failure(TrustPolicyError(.invalidJSON, path: "", error.localizedDescription))
                }
            } else {
                parsed = .failure(TrustPolicyError(.invalidJSON, path: "", "the role has no trust policy"))
            }
            policies[role.kind] = parsed
            if case .success(let policy) = parsed {
                enumerations[role.kind] = policy.enumerateTrust(template: AssumeRoleContext(callerAccount: "000000000000", partition: partition))
            }
        }
        self.policies = policies
        self.enumerations = enumerations
    }

    /// The parsed policy of a role of this environment, or why it could not be read.
    func policy(_ kind: RoleKind) -> Result<TrustPolicy, TrustPolicyError>? { policies[kind] }

    /// Whom the role trusts; `nil` when its policy could not be read.
    func trust(_ kind: RoleKind) -> TrustEnumeration? { enumerations[kind] }
}

/// The partition a region belongs to, by its name.
enum Partitions {
    static func of(region: String) -> String {
        region.hasPrefix("cn-") ? "aws-cn" : region.hasPrefix("us-gov-") ? "aws-us-gov" : "aws"
    }
}
