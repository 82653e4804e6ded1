// RoleKind — the five roles a CDK bootstrap stack creates, and their names.
import Foundation

/// A role of the CDK bootstrap template.
public enum RoleKind: String, Sendable, Codable, CaseIterable, Comparable {
    case deploy
    case filePublishing = "file-publishing"
    case imagePublishing = "image-publishing"
    case lookup
    case cfnExec = "cfn-exec"

    /// `cdk-<qualifier>-<kind>-role-<account>-<region>`.
    public func roleName(qualifier: String, account: String, region: String) -> String {
        "cdk-\(qualifier)-\(rawValue)-role-\(account)-\(region)"
    }

    /// The roles a pipeline account must be able to assume (they trust `TrustedAccounts`).
    public static let pipelineRoles: [RoleKind] = [.deploy, .filePublishing, .imagePublishing]

    /// Reads the qualifier out of a bootstrap role name for this account and region, if it is one.
    public static func qualifier(ofRoleName name: String, account: String, region: String) -> (qualifier: String, kind: RoleKind)? {
        // Every role of the account is looked at for every region: reject on the common tail first.
        let tail = "-role-\(account)-\(region)"
        guard name.hasPrefix("cdk-"), name.hasSuffix(tail) else { return nil }
        let head = name.dropLast(tail.count)
        for kind in RoleKind.allCases where head.hasSuffix("-\(kind.rawValue)") {
            let qualifier = String(head.dropFirst(4).dropLast(kind.rawValue.count + 1))
            if !qualifier.isEmpty { return (qualifier, kind) }
        }
        return nil
    }

    public static func < (lhs: RoleKind, rhs: RoleKind) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }
}
