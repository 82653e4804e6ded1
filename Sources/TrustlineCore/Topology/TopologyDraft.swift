// TopologyDraft — a topology as read, before defaults and cross-checks: every value with its place.

/// A value with the place it was read from.
struct Located<Value: Sendable>: Sendable {
    var value: Value
    var mark: YAMLMark
    /// The field path, for example `environments[0].regions[1]`.
    var path: String
}

/// A field of a mapping: left out, present but wrong (already reported), or present and well formed.
enum Field<Value: Sendable>: Sendable {
    case absent
    case invalid
    case present(Located<Value>)

    var located: Located<Value>? {
        if case .present(let located) = self { return located }
        return nil
    }

    var value: Value? { located?.value }

    var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }
}

/// `access:` as read.
struct AccessDraft: Sendable {
    var roleName: Field<String> = .absent
    var sourceProfile: Field<String> = .absent
    var externalId: Field<String> = .absent
    var mark: YAMLMark
    var path: String
}

/// `defaults:` as read.
struct DefaultsDraft: Sendable {
    var qualifier: Field<String> = .absent
    var toolkitStackName: Field<String> = .absent
    var regions: Field<[Located<String>]> = .absent
    var executionPolicies: Field<[Located<String>]> = .absent
    var access: Field<AccessDraft> = .absent
}

/// One entry of `pipelines:` as read.
struct PipelineDraft: Sendable {
    var name: Field<String> = .absent
    var account: Field<String> = .absent
    var profile: Field<String> = .absent
    var mark: YAMLMark
    var path: String
}

/// One entry of `environments:` as read.
struct EnvironmentDraft: Sendable {
    var name: Field<String> = .absent
    var account: Field<String> = .absent
    var profile: Field<String> = .absent
    var access: Field<AccessDraft> = .absent
    var regions: Field<[Located<String>]> = .absent
    var trust: Field<[Located<String>]> = .absent
    var trustForLookup: Field<[Located<String>]> = .absent
    var executionPolicies: Field<[Located<String>]> = .absent
    var qualifier: Field<String> = .absent
    var toolkitStackName: Field<String> = .absent
    var mark: YAMLMark
    var path: String
}

/// `rules:` as read.
struct RulesDraft: Sendable {
    var minBootstrapVersion: Field<Int> = .absent
    var allowAdministratorAccess: Field<[Located<String>]> = .absent
    var allowUnlistedTrust: Field<Bool> = .absent
}

/// The whole file as read.
struct TopologyDraft: Sendable {
    var version: Field<Int> = .absent
    var defaults = DefaultsDraft()
    var pipelines: Field<[PipelineDraft]> = .absent
    var environments: Field<[EnvironmentDraft]> = .absent
    var rules = RulesDraft()
    var mark: YAMLMark
}
