// ContextValue.swift — what the audit knows about one condition key of an AssumeRole request.

/// The value of one request-context key, as far as the audit knows it.
public enum ContextValue: Sendable, Hashable {
    /// The key is not in the request (e.g. `sts:ExternalId` when no ExternalId is passed).
    case absent
    /// The key's value(s); single-valued keys hold one. An empty list counts as absent.
    case values([String])
    /// The audit cannot know the value (e.g. `aws:SourceIp` of a future pipeline run).
    case unknown

    /// A single value.
    public static func value(_ text: String) -> ContextValue { .values([text]) }

    /// A boolean value, written `true` / `false` as IAM does.
    public static func bool(_ flag: Bool) -> ContextValue { .values([flag ? "true" : "false"]) }
}
