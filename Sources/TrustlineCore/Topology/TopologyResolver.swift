// TopologyResolver — turns a TopologyDraft into a Topology: required fields, defaults, names, duplicates.

/// Applies `defaults`, resolves pipeline names in `trust` lists and checks the rules that span
/// fields: required values, duplicates, access, partitions and policy accounts.
struct TopologyResolver {
    let file: String
    private(set) var issues: [TopologyIssue] = []

    init(file: String) {
        self.file = file
    }

    /// The topology, or `nil` when anything was reported (by this resolver).
    mutating func resolve(_ draft: TopologyDraft) -> Topology? {
        checkVersion(draft)
        let pipelines = resolvePipelines(draft)
        let defaults = resolveDefaults(draft.defaults)
        let environments = resolveEnvironments(draft, pipelines: pipelines, defaults: defaults)
        let rules = resolveRules(draft.rules, environments: environments)
        guard issues.isEmpty else { return nil }
        return Topology(file: file, pipelines: pipelines.accounts, environments: environments.values, rules: rules)
    }

    // MARK: Version

    private mutating func checkVersion(_ draft: TopologyDraft) {
        switch draft.version {
        case .absent:
            report(draft.mark, "version", "is missing; a topology file starts with 'version: 1'")
        case .present(let version) where version.value != 1:
            report(version.mark, version.path, "unsupported version \(version.value); this trustline reads version 1")
        case .present, .invalid:
            break
        }
    }

    // MARK: Pipelines

    private struct Pipelines {
        var accounts: [PipelineAccount] = []
        var accountByName: [String: String] = [:]
        /// `false` when some pipeline's name could not be read: unknown names are then not reported.
        var namesComplete = true
        /// Pipelines whose name is fine but whose account is not: naming them is no further error.
        var namesWithoutAccount: Set<String> = []

        var knownNames: String {
            let names = accounts.map(\.name) + namesWithoutAccount.sorted()
            return names.isEmpty ? "none" : names.joined(separator: ", ")
        }
    }

    private mutating func resolvePipelines(_ draft: TopologyDraft) -> Pipelines {
        var result = Pipelines()
        switch draft.pipelines {
        case .absent:
            report(draft.mark, "pipelines", "is missing; list at least one pipeline account (name and account)")
            return result
        case .invalid:
            result.namesComplete = false
            return result
        case .present(let list) where list.value.isEmpty:
            report(list.mark, list.path, "is empty; list at least one pipeline account (name and account)")
            return result
        case .present:
            break
        }
        var lineByName: [String: Int] = [:]
        for pipeline in draft.pipelines.value ?? [] {
            let name = required(pipeline.name, at: pipeline.mark, path: "\(pipeline.path).name")
            let account = required(pipeline.account, at: pipeline.mark, path: "\(pipeline.path).account")
            guard let name else {
                result.namesComplete = false
                continue
            }
            if let line = lineByName[name.value] {
                report(name.mark, name.path, "pipeline '\(name.value)' is already defined at line \(line)")
                continue
            }
            lineByName[name.value] = pipeline.mark.line
            guard let account else {
                result.namesWithoutAccount.insert(name.value)
                continue
            }
            result.accountByName[name.value] = account.value
            result.accounts.append(
                PipelineAccount(name: name.value, account: account.value, profile: pipeline.profile.value, line: pipeline.mark.line))
        }
        return result
    }

    // MARK: Defaults

    private struct Defaults {
        var regions: Field<[Located<String>]>
        var executionPolicies: Field<[Located<String>]>
        var access: HubAccess?
        var accessInvalid: Bool
        var qualifier: String?
        var toolkitStackName: String?
    }

    private mutating func resolveDefaults(_ draft: DefaultsDraft) -> Defaults {
        var defaults = Defaults(
            regions: draft.regions, executionPolicies: draft.executionPolicies, access: nil, accessInvalid: false,
            qualifier: draft.qualifier.value, toolkitStackName: draft.toolkitStackName.value)
        for list in [draft.regions.located, draft.executionPolicies.located].compactMap({ $0 }) {
            if list.value.isEmpty {
                report(list.mark, list.path, "is empty; leave it out, or list at least one value")
            }
            reportRepeats(in: list.value)
        }
        switch draft.access {
        case .absent: break
        case .invalid: defaults.accessInvalid = true
        case .present(let access):
            defaults.access = hubAccess(access.value)
            defaults.accessInvalid = defaults.access == nil
        }
        return defaults
    }

    /// Hub access from its draft; `nil` (reported when missing) without a valid role name.
    private mutating func hubAccess(_ draft: AccessDraft) -> HubAccess? {
        guard let roleName = required(draft.roleName, at: draft.mark, path: "\(draft.path).roleName") else { return nil }
        return HubAccess(roleName: roleName.value, sourceProfile: draft.sourceProfile.value, externalId: draft.externalId.value)
    }

    // MARK: Environments

    private struct Environments {
        var values: [DeploymentEnvironment] = []
        var names: [String] = []
        /// `false` when some environment's name could not be read.
        var namesComplete = true
    }

    private mutating func resolveEnvironments(_ draft: TopologyDraft, pipelines: Pipelines, defaults: Defaults) -> Environments {
        var result = Environments()
        switch draft.environments {
        case .absent:
            report(draft.mark, "environments", "is missing; list at least one environment (name, account, profile or access)")
            return result
        case .invalid:
            result.namesComplete = false
            return result
        case .present(let list) where list.value.isEmpty:
            report(list.mark, list.path, "is empty; list at least one environment (name, account, profile or access)")
            return result
        case .present:
            break
        }
        var lineByName: [String: Int] = [:]
        var targets: [String: (environment: String, line: Int)] = [:]
        for environment in draft.environments.value ?? [] {
            let name = required(environment.name, at: environment.mark, path: "\(environment.path).name")
            let account = required(environment.account, at: environment.mark, path: "\(environment.path).account")
            if let name {
                if let line = lineByName[name.value] {
                    report(name.mark, name.path, "environment '\(name.value)' is already defined at line \(line)")
                } else {
                    lineByName[name.value] = environment.mark.line
                    result.names.append(name.value)
                }
            } else {
                result.namesComplete = false
            }
            let label = name.map { "environment '\($0.value)'" } ?? "this environment"
            let access = resolveAccess(environment, defaults: defaults)
            let regions = effective(
                environment.regions, defaults.regions, environment: environment, field: "regions", what: "region")
            let policies = effective(
                environment.executionPolicies, defaults.executionPolicies, environment: environment,
                field: "executionPolicies", what: "execution policy")
            if let account, let regions {
                for region in uniqueValues(regions) {
                    let key = "\(account.value)/\(region.value)"
                    if let other = targets[key] {
                        let place =
                            region.path.hasPrefix(environment.path)
                            ? region : Located(value: region.value, mark: environment.mark, path: "\(environment.path).regions")
                        report(place.mark, place.path, "aws://\(key) is already the target of environment '\(other.environment)' (line \(other.line))")
                    } else {
                        targets[key] = (name?.value ?? "?", environment.mark.line)
                    }
                }
            }
            checkPartitions(regions: regions, policies: policies, account: account, environment: environment, label: label)
            let trust = resolveTrust(environment.trust, pipelines: pipelines, defaultAll: true)
            let trustForLookup = resolveTrust(environment.trustForLookup, pipelines: pipelines, defaultAll: false)
            guard let name, let account, let access, let regions, let policies, let trust, let trustForLookup else { continue }
            result.values.append(
                DeploymentEnvironment(
                    name: name.value, account: account.value, profile: access.profile, access: access.hub,
                    regions: uniqueValues(regions).map(\.value), trust: trust, trustForLookup: trustForLookup,
                    executionPolicies: uniqueValues(policies).map(\.value),
                    qualifier: environment.qualifier.value ?? defaults.qualifier ?? DeploymentEnvironment.defaultQualifier,
                    toolkitStackName: environment.toolkitStackName.value ?? defaults.toolkitStackName
                        ?? DeploymentEnvironment.defaultToolkitStackName,
                    line: environment.mark.line))
        }
        return result
    }

    /// How the audit reaches an environment: its profile, its own access, or `defaults.access`.
    private mutating func resolveAccess(_ environment: EnvironmentDraft, defaults: Defaults) -> (profile: String?, hub: HubAccess?)? {
        switch (environment.profile, environment.access) {
        case (.absent, .absent):
            if let hub = defaults.access { return (nil, hub) }
            if !defaults.accessInvalid {
                report(
                    environment.mark, environment.path,
                    "has no way in: set 'profile' or 'access' here, or 'access' in defaults")
            }
            return nil
        case (.absent, .present(let access)):
            return hubAccess(access.value).map { (nil, $0) }
        case (.present(let profile), .absent):
            return (profile.value, nil)
        case (_, .present(let access)) where !environment.profile.isAbsent:
            report(access.mark, access.path, "set either 'profile' or 'access' for an environment, not both")
            return nil
        default:
            return nil
        }
    }

    /// The environment's own list, else the default one; `nil` when neither is usable (reported).
    private mutating func effective(
        _ own: Field<[Located<String>]>, _ fallback: Field<[Located<String>]>, environment: EnvironmentDraft,
        field: String, what: String
    ) -> [Located<String>]? {
        switch own {
        case .present(let list):
            if list.value.isEmpty {
                report(list.mark, list.path, "is empty; list at least one \(what), or leave it out to use defaults.\(field)")
                return nil
            }
            reportRepeats(in: list.value)
            return list.value
        case .invalid:
            return nil
        case .absent:
            switch fallback {
            case .present(let list) where !list.value.isEmpty:
                return list.value
            case .present, .invalid:
                return nil  // already reported on defaults
            case .absent:
                report(environment.mark, "\(environment.path).\(field)", "is missing; set \(field) here or in defaults.\(field)")
                return nil
            }
        }
    }

    /// Regions of one partition only, and execution policies of that partition and of the
    /// environment's own account (or AWS managed).
    private mutating func checkPartitions(
        regions: [Located<String>]?, policies: [Located<String>]?, account: Located<String>?, environment: EnvironmentDraft,
        label: String
    ) {
        var partition: String?
        if let regions, let first = regions.first {
            let partitions = Set(regions.map { TopologyFormat.partition(ofRegion: $0.value) })
            if partitions.count > 1 {
                let place = first.path.hasPrefix(environment.path) ? first.mark : environment.mark
                report(
                    place, "\(environment.path).regions", "mixes partitions (\(partitions.sorted().joined(separator: ", "))); an account lives in one partition"
                )
            } else {
                partition = partitions.first
            }
        }
        for policy in policies ?? [] {
            guard let arn = TopologyFormat.policyARN(policy.value) else { continue }
            let shown = TopologyFormat.display(policy.value)
            if let partition, arn.partition != partition {
                report(policy.mark, policy.path, "'\(shown)' is in partition \(arn.partition), but the regions of \(label) are in partition \(partition)")
            }
            if let account, arn.account != "aws", arn.account != account.value {
                report(
                    policy.mark, policy.path,
                    "'\(shown)' belongs to account \(arn.account), but \(label) is account \(account.value); CloudFormation can only use managed policies of its own account or AWS managed ones"
                )
            }
        }
    }

    /// Trusted account ids, sorted and unique: each entry a pipeline name or a 12-digit id.
    /// Absent: every pipeline when `defaultAll`, else none.
    private mutating func resolveTrust(_ field: Field<[Located<String>]>, pipelines: Pipelines, defaultAll: Bool) -> [String]? {
        switch field {
        case .absent:
            return defaultAll ? Array(Set(pipelines.accounts.map(\.account))).sorted() : []
        case .invalid:
            return nil
        case .present(let list):
            var accounts = Set<String>()
            var valid = true
            for entry in list.value {
                if TopologyFormat.isAccountID(entry.value) {
                    accounts.insert(entry.value)
                } else if let account = pipelines.accountByName[entry.value] {
                    accounts.insert(account)
                } else {
                    valid = false
                    guard pipelines.namesComplete, !pipelines.namesWithoutAccount.contains(entry.value) else { continue }
                    let shown = TopologyFormat.display(entry.value)
                    let digits = !entry.value.isEmpty && entry.value.allSatisfy(\.isNumber)
                    let message =
                        digits
                        ? "'\(shown)' is not a 12-digit account id, nor a pipeline name (pipelines: \(pipelines.knownNames))"
                        : "unknown pipeline '\(shown)'; an entry is a pipeline name (pipelines: \(pipelines.knownNames)) or a 12-digit account id"
                    report(entry.mark, entry.path, message)
                }
            }
            return valid ? accounts.sorted() : nil
        }
    }

    // MARK: Rules

    private mutating func resolveRules(_ draft: RulesDraft, environments: Environments) -> TopologyRules {
        var rules = TopologyRules()
        if let version = draft.minBootstrapVersion.located {
            if version.value < 1 {
                report(version.mark, version.path, "must be a positive whole number (a CDK bootstrap version, like 21)")
            }
            rules.minBootstrapVersion = version.value
        }
        if let allowed = draft.allowAdministratorAccess.located {
            for entry in allowed.value where !environments.names.contains(entry.value) && environments.namesComplete {
                let known = environments.names.isEmpty ? "none" : environments.names.joined(separator: ", ")
                report(entry.mark, entry.path, "'\(TopologyFormat.display(entry.value))' is not an environment of this topology (environments: \(known))")
            }
            rules.allowAdministratorAccess = uniqueValues(allowed.value).map(\.value)
        }
        rules.allowUnlistedTrust = draft.allowUnlistedTrust.value ?? false
        return rules
    }

    // MARK: Helpers

    /// A required field's value; reports it missing (at the entry) when absent.
    private mutating func required<Value>(_ field: Field<Value>, at mark: YAMLMark, path: String) -> Located<Value>? {
        if field.isAbsent {
            report(mark, path, "is missing")
        }
        return field.located
    }

    /// Reports every repeat of a value in a list.
    private mutating func reportRepeats(in list: [Located<String>]) {
        var lines: [String: Int] = [:]
        for item in list {
            if let line = lines[item.value] {
                report(item.mark, item.path, "'\(TopologyFormat.display(item.value))' is listed twice (first at line \(line))")
            } else {
                lines[item.value] = item.mark.line
            }
        }
    }

    /// The list without repeats, first occurrences kept in order.
    private func uniqueValues(_ list: [Located<String>]) -> [Located<String>] {
        var seen = Set<String>()
        return list.filter { seen.insert($0.value).inserted }
    }

    private mutating func report(_ mark: YAMLMark?, _ field: String, _ message: String) {
        issues.append(TopologyIssue(file: file, line: mark?.line, column: mark?.column, field: field, message: message))
    }
}
