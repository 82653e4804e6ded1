// PolicyPrincipal.swift — one entry of a trust policy's Principal or NotPrincipal element.

/// One principal named in a `Principal` or `NotPrincipal` element.
public enum PolicyPrincipal: Sendable, Hashable, CustomStringConvertible {
    /// `"*"` or `{"AWS": "*"}` — every AWS principal of every account.
    case anyone
    /// `"123456789012"` (partition nil: the role's own) or `arn:P:iam::123456789012:root`:
    /// the account, delegating to its own IAM policies.
    case account(partition: String?, accountID: String)
    /// A specific role, user, role session or federated-user session.
    case arn(PrincipalARN)
    /// A unique id such as `AROA…` or `AIDA…`: IAM shows these when the named principal was
    /// deleted. It matches nobody and does not grant anything to the account.
    case uniqueID(String)
    /// `{"Service": "cloudformation.amazonaws.com"}`
    case service(String)
    /// `{"Federated": "…"}` — a SAML or OIDC identity provider.
    case federated(String)
    /// `{"CanonicalUser": "…"}`
    case canonicalUser(String)
    /// An `AWS` value that is none of the above (a partial wildcard, a malformed ARN…). Matches nobody.
    case unrecognized(String)

    /// Classifies one value of the `AWS` key.
    public init(awsValue value: String) {
        if value == "*" {
            self = .anyone
        } else if PrincipalARN.isAccountID(value) {
            self = .account(partition: nil, accountID: value)
        } else if let arn = PrincipalARN(value) {
            self = arn.kind == .root ? .account(partition: arn.partition, accountID: arn.accountID) : .arn(arn)
        } else if PolicyPrincipal.isUniqueID(value) {
            self = .uniqueID(value)
        } else {
            self = .unrecognized(value)
        }
    }

    /// The account this principal belongs to, when it names one.
    public var accountID: String? {
        switch self {
        case .account(_, let id): return id
        case .arn(let arn): return arn.accountID
        default: return nil
        }
    }

    public var description: String {
        switch self {
        case .anyone: return "*"
        case .account(let partition, let id):
            if let partition { return "arn:\(partition):iam::\(id):root" }
            return id
        case .arn(let arn): return arn.raw
        case .uniqueID(let id): return id
        case .service(let name): return "Service:\(name)"
        case .federated(let name): return "Federated:\(name)"
        case .canonicalUser(let id): return "CanonicalUser:\(id)"
        case .unrecognized(let value): return value
        }
    }

    /// IAM unique ids: `A` + three letters (AROA, AIDA, AGPA, ANPA…) + at least 12 more upper-case
    /// letters or digits.
    static func isUniqueID(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count >= 16, bytes.count <= 128, bytes[0] == 0x41 else { return false }
        guard bytes[1...3].allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return false }
        return bytes.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
    }
}
