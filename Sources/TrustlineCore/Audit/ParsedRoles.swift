// ParsedRoles — each bootstrap role's trust policy parsed and enumerated once per environment,
// shared by the checks, the report entry and the remediation planner.
import Foundation

/// The parsed trust policies of an environment's roles, and whom each trusts.
struct ParsedRoles: Sendable {
    private let policies: [RoleKind: Result<TrustPolicy, TrustPolicyError>]
    private let enumerations: [RoleKind: TrustEnumeration]

    /// - Parameter cache: shares the work between environments whose roles carry the same
    ///   document (an account's roles in every region, usually).
    init(_ snapshot: EnvironmentSnapshot, cache: TrustPolicyCache? = nil) {
        let partition = Partitions.of(region: snapshot.region)
        var policies: [RoleKind: Result<TrustPolicy, TrustPolicyError>] = [:]
        var enumerations: [RoleKind: TrustEnumeration] = [:]
        for role in snapshot.roles {
            let entry: TrustPolicyCache.Entry
            if let document = role.trustPolicy {
                entry = cache?.entry(document: document, partition: partition) ?? TrustPolicyCache.Entry(document: document, partition: partition)
            } else {
                entry = TrustPolicyCache.Entry(policy: .failure(TrustPolicyError(.invalidJSON, path: "", "the role has no trust policy")), trust: nil)
            }
            policies[role.kind] = entry.policy
            enumerations[role.kind] = entry.trust
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

/// Parsed and enumerated trust policies by document text and partition, shared by the
/// evaluations of one audit (from several threads). Parsing and enumerating are pure, so a hit
/// gives what a fresh parse would. Bounded: past `capacity` documents it starts over.
final class TrustPolicyCache: @unchecked Sendable {
    struct Entry: Sendable {
        let policy: Result<TrustPolicy, TrustPolicyError>
        let trust: TrustEnumeration?

        init(policy: Result<TrustPolicy, TrustPolicyError>, trust: TrustEnumeration?) {
            self.policy = policy
            self.trust = trust
        }

        /// Parses and enumerates.
        init(document: String, partition: String) {
            do {
                let parsed = try TrustPolicy(json: document)
                policy = .success(parsed)
                trust = parsed.enumerateTrust(template: AssumeRoleContext(callerAccount: "000000000000", partition: partition))
            } catch let error as TrustPolicyError {
                policy = .failure(error)
                trust = nil
            } catch {
                policy = .failure(TrustPolicyError(.invalidJSON, path: "", error.localizedDescription))
                trust = nil
            }
        }
    }

    private struct Key: Hashable {
        let document: String
        let partition: String
    }

    private let lock = NSLock()
    private var entries: [Key: Entry] = [:]
    let capacity: Int

    init(capacity: Int = 2_048) {
        self.capacity = capacity
    }

    func entry(document: String, partition: String) -> Entry {
        let key = Key(document: document, partition: partition)
        lock.lock()
        let cached = entries[key]
        lock.unlock()
        if let cached { return cached }
        // Parsed outside the lock: two threads may parse the same document once each, never wait.
        let entry = Entry(document: document, partition: partition)
        lock.lock()
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = entry
        lock.unlock()
        return entry
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return entries.count
    }
}
