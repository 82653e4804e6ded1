// PrincipalARN.swift — the ARN of an IAM or STS principal (account root, role, user, session).

/// The ARN of an IAM identity as it can appear in a trust policy's `Principal` or as a caller.
///
/// Accepted forms (any partition such as `aws`, `aws-cn`, `aws-us-gov`):
/// `arn:P:iam::A:root`, `arn:P:iam::A:role/path/name`, `arn:P:iam::A:user/path/name`,
/// `arn:P:sts::A:assumed-role/role-name/session`, `arn:P:sts::A:federated-user/name`.
/// IAM does not allow wildcards inside a principal ARN, so an ARN containing `*` or `?`
/// (or anything that is not printable ASCII) is rejected.
public struct PrincipalARN: Sendable, Hashable, CustomStringConvertible {
    /// What the ARN names.
    public enum Kind: String, Sendable, Hashable {
        /// `arn:P:iam::A:root` — the account itself (delegates to the account's own IAM policies).
        case root
        /// `arn:P:iam::A:role/…`
        case role
        /// `arn:P:iam::A:user/…`
        case user
        /// `arn:P:sts::A:assumed-role/R/S` — one session of a role.
        case assumedRole = "assumed-role"
        /// `arn:P:sts::A:federated-user/N`
        case federatedUser = "federated-user"
    }

    /// The ARN exactly as written.
    public let raw: String
    /// The partition (`aws`, `aws-cn`, `aws-us-gov`, …).
    public let partition: String
    /// The 12-digit account id.
    public let accountID: String
    /// What the ARN names.
    public let kind: Kind
    /// The role or user name (for a session, its role's name); nil for the account root.
    public let name: String?
    /// The IAM path of a role or user (`/` when none); `/` for other kinds.
    public let path: String
    /// The session name of an assumed-role ARN.
    public let sessionName: String?

    public var description: String { raw }

    /// Parses a principal ARN; nil when the text is not one of the accepted forms.
    public init?(_ text: String) {
        guard text.utf8.count <= 2048,
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && $0 != "*" && $0 != "?" })
        else { return nil }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 6, parts[0] == "arn", PrincipalARN.isPartition(parts[1]), parts[3].isEmpty,
            PrincipalARN.isAccountID(parts[4])
        else { return nil }
        let service = parts[2]
        let resource = parts[5]
        let segments = resource.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let head = segments.first else { return nil }

        var kind: Kind
        var name: String?
        var path = "/"
        var sessionName: String?
        switch (service, head) {
        case ("iam", "root") where segments.count == 1:
            kind = .root
        case ("iam", "role"), ("iam", "user"):
            // role/name or role/path/…/name; path components must not be empty.
            guard segments.count >= 2, segments.dropFirst().allSatisfy({ !$0.isEmpty }), let last = segments.last
            else { return nil }
            kind = head == "role" ? .role : .user
            name = last
            let middle = segments.dropFirst().dropLast()
            path = middle.isEmpty ? "/" : "/" + middle.joined(separator: "/") + "/"
        case ("sts", "assumed-role") where segments.count == 3:
            guard !segments[1].isEmpty, !segments[2].isEmpty else { return nil }
            kind = .assumedRole
            name = segments[1]
            sessionName = segments[2]
        case ("sts", "federated-user") where segments.count == 2:
            guard !segments[1].isEmpty else { return nil }
            kind = .federatedUser
            name = segments[1]
        default:
            return nil
        }
        self.raw = text
        self.partition = parts[1]
        self.accountID = parts[4]
        self.kind = kind
        self.name = name
        self.path = path
        self.sessionName = sessionName
    }

    /// True when `text` is exactly 12 ASCII digits.
    public static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// True when `text` looks like an AWS partition name (`aws`, `aws-cn`, `aws-us-gov`, `aws-iso-b`, …).
    public static func isPartition(_ text: String) -> Bool {
        text.hasPrefix("aws") && text.utf8.count <= 32
            && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }

    /// Whether a principal named by this ARN in a policy covers the identity `other`:
    /// the root covers everything in its account, a role covers its sessions, an ARN covers itself.
    /// Role and user names compare case-insensitively (IAM names are unique regardless of case).
    func covers(_ other: PrincipalARN) -> Bool {
        guard partition == other.partition, accountID == other.accountID else { return false }
        switch kind {
        case .root:
            return true
        case .role:
            return (other.kind == .role || other.kind == .assumedRole) && PrincipalARN.sameName(name, other.name)
        case .user:
            return other.kind == .user && PrincipalARN.sameName(name, other.name)
        case .assumedRole:
            return other.kind == .assumedRole && PrincipalARN.sameName(name, other.name)
                && sessionName == other.sessionName
        case .federatedUser:
            return other.kind == .federatedUser && PrincipalARN.sameName(name, other.name)
        }
    }

    private static func sameName(_ lhs: String?, _ rhs: String?) -> Bool {
        guard let lhs, let rhs else { return false }
        return lhs.lowercased() == rhs.lowercased()
    }
}
