// PermissionsPolicy — the one question asked of a permissions policy: does it allow everything?
import Foundation

/// Reads identity policies (the cfn-exec role's) for `Allow` of `*` on `*`.
public enum PermissionsPolicy {
    /// AWS's managed `AdministratorAccess`, in any partition.
    public static func isAdministratorAccess(_ arn: String) -> Bool {
        arn.hasPrefix("arn:aws") && arn.hasSuffix(":iam::aws:policy/AdministratorAccess")
    }

    /// Whether some unconditional `Allow` statement grants every action on every resource
    /// (`"Action": "*"` or `NotAction: []`-style breadth is not guessed at).
    public static func allowsEverything(_ document: String) -> Bool {
        guard let data = document.data(using: .utf8), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        let statements: [[String: Any]]
        if let list = object["Statement"] as? [[String: Any]] {
            statements = list
        } else if let single = object["Statement"] as? [String: Any] {
            statements = [single]
        } else {
            return false
        }
        func values(_ any: Any?) -> [String] {
            if let text = any as? String { return [text] }
            return (any as? [Any])?.compactMap { $0 as? String } ?? []
        }
        return statements.contains { statement in
            (statement["Effect"] as? String) == "Allow" && statement["Condition"] == nil
                && values(statement["Action"]).contains { $0 == "*" || $0 == "*:*" }
                && values(statement["Resource"]).contains("*")
        }
    }
}
