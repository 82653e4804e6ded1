// TopologySchema — the keys each mapping of a topology file allows, and "did you mean" hints.

/// The keys of topology file version 1, section by section.
enum TopologySchema {
    /// A mapping of the file and the keys it allows.
    struct Section: Sendable {
        /// How messages name the section (`defaults`, `an environment`…).
        var name: String
        var keys: [String]
    }

    static let topLevel = Section(name: "the top level", keys: ["version", "defaults", "pipelines", "environments", "rules"])
    static let defaults = Section(
        name: "defaults", keys: ["qualifier", "toolkitStackName", "regions", "executionPolicies", "access"])
    static let pipeline = Section(name: "a pipeline", keys: ["name", "account", "profile"])
    static let environment = Section(
        name: "an environment",
        keys: [
            "name", "account", "profile", "access", "regions", "trust", "trustForLookup", "executionPolicies",
            "qualifier", "toolkitStackName",
        ])
    static let access = Section(name: "access", keys: ["roleName", "sourceProfile", "externalId"])
    static let rules = Section(name: "rules", keys: ["minBootstrapVersion", "allowAdministratorAccess", "allowUnlistedTrust"])

    static let all = [topLevel, defaults, pipeline, environment, access, rules]

    /// The message for `key`, which `section` does not allow.
    static func unknownKeyMessage(_ key: String, in section: Section) -> String {
        let shown = TopologyFormat.display(key)
        if let suggestion = closest(to: key, in: section.keys) {
            return "unknown key '\(shown)'; did you mean '\(suggestion)'?"
        }
        let elsewhere = all.filter { $0.name != section.name && $0.keys.contains(key) }.map(\.name)
        if let place = elsewhere.first {
            return "'\(shown)' is not allowed in \(section.name); it belongs in \(place)"
        }
        return "unknown key '\(shown)' (\(section.name) allows: \(section.keys.joined(separator: ", ")))"
    }

    /// The candidate nearest to `key` (ignoring case), if near enough to be a typo.
    static func closest(to key: String, in candidates: [String]) -> String? {
        guard key.count <= 64 else { return nil }
        let lowered = Array(key.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(lowered, Array(candidate.lowercased()))
            guard distance <= max(2, candidate.count / 3) else { continue }
            if best.map({ distance < $0.distance }) ?? true {
                best = (candidate, distance)
            }
        }
        return best?.candidate
    }

    /// The Levenshtein distance between two short strings.
    static func editDistance(_ lhs: [Character], _ rhs: [Character]) -> Int {
        if lhs.isEmpty { return rhs.count }
        if rhs.isEmpty { return lhs.count }
        var previous = Array(0...rhs.count)
        var current = previous
        for (i, left) in lhs.enumerated() {
            current[0] = i + 1
            for (j, right) in rhs.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (left == right ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[rhs.count]
    }
}
