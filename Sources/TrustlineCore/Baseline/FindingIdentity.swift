// FindingIdentity — what makes two findings of two reports "the same problem", so that a diff
// can say which are new and which were resolved, whatever their wording or evidence became.
import Foundation

/// A finding's identity across reports: check, environment (name, account, region) and a key
/// for the checks that can occur several times in one environment (the account concerned).
public struct FindingIdentity: Sendable, Hashable, Codable, Comparable {
    public var check: Check
    public var environment: String
    public var account: String
    public var region: String
    /// The account the finding is about (`unexpected-trust`, `trust-lost`, `pipeline-trust-missing`,
    /// `lookup-trust-missing`); empty for the checks that occur at most once per environment.
    public var key: String

    public init(check: Check, environment: String, account: String, region: String, key: String) {
        self.check = check
        self.environment = environment
        self.account = account
        self.region = region
        self.key = key
    }

    /// The identity of a finding. Messages are not part of it: a stack status or an error text
    /// that changes from one night to the next does not make the problem new.
    public init(_ finding: Finding) {
        self.init(
            check: finding.check, environment: finding.environment, account: finding.account, region: finding.region, key: Self.key(of: finding))
    }

    /// The evidence's `account` when there is one; for the trust-missing checks (one finding per
    /// required account, whose evidence names roles only) the account ids the message names
    /// other than the environment's own; otherwise empty.
    static func key(of finding: Finding) -> String {
        if let account = finding.evidence["account"], !account.isEmpty { return account }
        switch finding.check {
        case .pipelineTrustMissing, .lookupTrustMissing:
            return accountIDs(in: finding.message).subtracting([finding.account]).sorted().joined(separator: ",")
        default:
            return ""
        }
    }

    /// The 12-digit runs of a text (account ids), digits next to them excluded.
    public static func accountIDs(in text: String) -> Set<String> {
        var out: Set<String> = []
        var run = ""
        for character in text + " " {
            if character.isASCII && character.isNumber {
                run.append(character)
            } else {
                if run.count == 12 { out.insert(run) }
                run = ""
            }
        }
        return out
    }

    public static func < (lhs: FindingIdentity, rhs: FindingIdentity) -> Bool {
        (lhs.environment, lhs.region, lhs.account, lhs.key) < (rhs.environment, rhs.region, rhs.account, rhs.key)
            || ((lhs.environment, lhs.region, lhs.account, lhs.key) == (rhs.environment, rhs.region, rhs.account, rhs.key) && lhs.check < rhs.check)
    }
}
