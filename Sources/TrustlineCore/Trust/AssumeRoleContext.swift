// AssumeRoleContext.swift — how the pipeline calls sts:AssumeRole: the request context for evaluation.

import Foundation

/// Describes one `sts:AssumeRole` call as the audit expects the pipeline to make it: who calls,
/// and which condition keys the request will carry. Keys the audit cannot know are `.unknown`;
/// a condition on them makes trust *conditional*, never silently granted.
///
/// Defaults model the CDK CLI / CDK Pipelines: no ExternalId, no source identity, no session tags,
/// over HTTPS; the caller's organization, MFA state, source IP, session name and the time are unknown.
public struct AssumeRoleContext: Sendable, Hashable {
    /// The action being evaluated (`sts:AssumeRole`).
    public var action: String = "sts:AssumeRole"
    /// The partition of the caller and of the role (`aws`).
    public var partition: String
    /// The caller's 12-digit account id (`aws:PrincipalAccount`).
    public var callerAccount: String
    /// The caller's ARN, when known: a role ARN (`arn:aws:iam::A:role/path/Name`, preferred — it gives
    /// `aws:PrincipalArn` exactly), a session ARN (`arn:aws:sts::A:assumed-role/Name/session`) or a
    /// user ARN. Nil means "some principal of `callerAccount`": principal-specific trust is then
    /// reported as such. An ARN that does not parse or lies in another account is ignored.
    public var callerARN: String?
    /// `sts:ExternalId`.
    public var externalID: ContextValue = .absent
    /// `sts:SourceIdentity`. When present, `sts:SetSourceIdentity` is also required.
    public var sourceIdentity: ContextValue = .absent
    /// `sts:RoleSessionName`.
    public var roleSessionName: ContextValue = .unknown
    /// Session tags passed with the call (`aws:RequestTag/…`, `aws:TagKeys`); nil = unknown.
    /// Passing any requires `sts:TagSession` too.
    public var sessionTags: [String: String]? = [:]
    /// `sts:TransitiveTagKeys`; nil = unknown.
    public var transitiveTagKeys: [String]? = []
    /// Tags on the calling principal (`aws:PrincipalTag/…`); nil = unknown.
    public var principalTags: [String: String]?
    /// `aws:PrincipalOrgID`.
    public var principalOrgID: ContextValue = .unknown
    /// `aws:PrincipalOrgPaths`.
    public var principalOrgPaths: ContextValue = .unknown
    /// `aws:MultiFactorAuthPresent`.
    public var multiFactorAuthPresent: ContextValue = .unknown
    /// `aws:SourceIp`.
    public var sourceIP: ContextValue = .unknown
    /// `aws:SecureTransport` (the CLI and SDKs call STS over HTTPS).
    public var secureTransport: ContextValue = .bool(true)
    /// `aws:CurrentTime` / `aws:EpochTime`; nil = unknown.
    public var currentTime: Date?
    /// Any other key, or an override of one above; names compare case-insensitively.
    public var additionalKeys: [String: ContextValue] = [:]

    /// A context for a caller in `callerAccount` (optionally a known principal `callerARN`).
    public init(callerAccount: String, callerARN: String? = nil, partition: String = "aws") {
        self.callerAccount = callerAccount
        self.callerARN = callerARN
        self.partition = partition
    }

    /// The actions the call needs the trust policy to allow: `action`, plus `sts:TagSession` when
    /// session tags are passed and `sts:SetSourceIdentity` when a source identity is passed.
    public var requiredActions: [String] {
        var actions = [action]
        let tagsPassed = !(sessionTags?.isEmpty ?? true) || !(transitiveTagKeys?.isEmpty ?? true)
        if tagsPassed { actions.append("sts:TagSession") }
        if case .values(let values) = sourceIdentity, !values.isEmpty { actions.append("sts:SetSourceIdentity") }
        return actions
    }

    /// The same call with every key the *caller* chooses (ExternalId, source identity, session name,
    /// session tags) made unknown: used to tell "trusted if called differently" from "not trusted".
    public func withCallerControlledKeysUnknown() -> AssumeRoleContext {
        var copy = self
        copy.externalID = .unknown
        copy.sourceIdentity = .unknown
        copy.roleSessionName = .unknown
        copy.sessionTags = nil
        copy.transitiveTagKeys = nil
        return copy
    }

    /// What the audit knows about condition key `key`.
    public func value(forKey key: String) -> ContextValue {
        switch resolve(key) {
        case .absent: return .absent
        case .values(let values): return values.isEmpty ? .absent : .values(values)
        case .unknown, .principalInAccount: return .unknown
        }
    }

    // MARK: - Internal resolution

    /// A key's value including partial knowledge: for `aws:PrincipalArn` of an unknown caller the
    /// partition and account are still known, which settles ARN conditions naming other accounts.
    enum Resolved: Sendable, Hashable {
        case absent
        case values([String])
        case unknown
        case principalInAccount(partition: String, accountID: String)
    }

    /// The caller's parsed ARN when it is usable (parses, same partition and account).
    var callerIdentity: PrincipalARN? {
        guard let callerARN, let arn = PrincipalARN(callerARN), arn.partition == partition,
            arn.accountID == callerAccount
        else { return nil }
        return arn
    }

    func resolve(_ key: String) -> Resolved {
        let lowered = key.lowercased()
        if let override = additionalKeys.first(where: { $0.key.lowercased() == lowered })?.value {
            return Resolved(override)
        }
        let caller = callerIdentity
        switch lowered {
        case "aws:principalaccount":
            return .values([callerAccount])
        case "aws:principalarn":
            guard let caller else { return .principalInAccount(partition: partition, accountID: callerAccount) }
            switch caller.kind {
            case .assumedRole:
                // aws:PrincipalArn of a session is its role's ARN, whose path the session ARN omits.
                return .principalInAccount(partition: partition, accountID: callerAccount)
            case .root, .role, .user, .federatedUser:
                return .values([caller.raw])
            }
        case "aws:principaltype":
            guard let caller else { return .unknown }
            switch caller.kind {
            case .root: return .values(["Account"])
            case .role, .assumedRole: return .values(["AssumedRole"])
            case .user: return .values(["User"])
            case .federatedUser: return .values(["FederatedUser"])
            }
        case "aws:username":
            guard let caller else { return .unknown }
            if caller.kind == .user, let name = caller.name { return .values([name]) }
            return .absent
        case "aws:principalorgid": return Resolved(principalOrgID)
        case "aws:principalorgpaths": return Resolved(principalOrgPaths)
        case "aws:principalisawsservice", "aws:viaawsservice": return .values(["false"])
        case "aws:principalservicename", "aws:principalservicenameslist", "aws:calledvia", "aws:calledviafirst",
            "aws:calledvialast", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths":
            return .absent
        case "sts:externalid": return Resolved(externalID)
        case "sts:sourceidentity": return Resolved(sourceIdentity)
        case "sts:rolesessionname": return Resolved(roleSessionName)
        case "aws:tagkeys":
            guard let sessionTags else { return .unknown }
            return sessionTags.isEmpty ? .absent : .values(sessionTags.keys.sorted())
        case "sts:transitivetagkeys":
            guard let transitiveTagKeys else { return .unknown }
            return transitiveTagKeys.isEmpty ? .absent : .values(transitiveTagKeys)
        case "aws:multifactorauthpresent": return Resolved(multiFactorAuthPresent)
        case "aws:sourceip": return Resolved(sourceIP)
        case "aws:securetransport": return Resolved(secureTransport)
        case "aws:currenttime":
            guard let currentTime else { return .unknown }
            let text = PolicyDate.iso8601(currentTime.timeIntervalSince1970)
            return text.isEmpty ? .unknown : .values([text])
        case "aws:epochtime":
            guard let seconds = currentTime?.timeIntervalSince1970, seconds.isFinite, abs(seconds) < 1e15 else {
                return .unknown
            }
            return .values([String(Int64(seconds.rounded(.down)))])
        default:
            break
        }
        if lowered.hasPrefix("aws:requesttag/") {
            return AssumeRoleContext.tag(named: String(key.dropFirst("aws:requesttag/".count)), in: sessionTags)
        }
        if lowered.hasPrefix("aws:principaltag/") {
            return AssumeRoleContext.tag(named: String(key.dropFirst("aws:principaltag/".count)), in: principalTags)
        }
        return .unknown
    }

    /// Tag keys compare case-insensitively.
    private static func tag(named name: String, in tags: [String: String]?) -> Resolved {
        guard let tags else { return .unknown }
        let lowered = name.lowercased()
        guard let value = tags.first(where: { $0.key.lowercased() == lowered })?.value else { return .absent }
        return .values([value])
    }
}

extension AssumeRoleContext.Resolved {
    init(_ value: ContextValue) {
        switch value {
        case .absent: self = .absent
        case .values(let values): self = values.isEmpty ? .absent : .values(values)
        case .unknown: self = .unknown
        }
    }
}
