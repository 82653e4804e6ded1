// CredentialResolver — the credential chain, resolved as botocore does, with providers cached per profile.
import Foundation

/// Resolves credentials in botocore's order:
///
/// environment keys (skipped when a profile is named explicitly) → assume-role profile
/// (`role_arn` with `source_profile`, chains of several hops, or `credential_source`) → web
/// identity (profile `web_identity_token_file`, or `AWS_WEB_IDENTITY_TOKEN_FILE` +
/// `AWS_ROLE_ARN`) → credentials file → `credential_process` → config-file keys → container
/// credentials → IMDSv2.
///
/// Providers are cached per profile for the whole run, so a role is assumed once and its
/// credentials are refreshed shortly before they expire.
public final class CredentialResolver: @unchecked Sendable {
    /// Asks for an MFA code: (mfa serial, profile) → code.
    public typealias MFACodeReader = @Sendable (_ serial: String, _ profile: String) async throws -> String

    public let environment: [String: String]
    public let http: HTTPClient
    public let profiles: AWSProfiles
    public let clientEnvironment: ClientEnvironment
    public let quota: RetryQuota
    private let readMFACode: MFACodeReader
    private let lock = NSLock()
    private var providers: [String: CredentialProvider] = [:]

    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, http: HTTPClient, profiles: AWSProfiles? = nil,
        clientEnvironment: ClientEnvironment = ClientEnvironment(), quota: RetryQuota = RetryQuota(),
        readMFACode: @escaping MFACodeReader = TerminalPrompt.readMFACode
    ) throws {
        self.environment = environment
        self.http = http
        self.profiles = try profiles ?? AWSProfiles.load(environment: environment)
        self.clientEnvironment = clientEnvironment
        self.quota = quota
        self.readMFACode = readMFACode
    }

    /// The profile in force: the explicit one, else `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`, `default`.
    public func profileName(_ explicit: String?) -> String {
        explicit ?? environment["AWS_PROFILE"] ?? environment["AWS_DEFAULT_PROFILE"] ?? "default"
    }

    /// The region in force: `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1`.
    public func region(profile explicit: String?) -> String {
        environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"]
            ?? profiles.value("region", profile: profileName(explicit)) ?? "us-east-1"
    }

    /// Endpoint resolution with the environment and this profile's configured endpoints.
    public func endpoints(profile explicit: String?) -> EndpointResolver {
        EndpointResolver(environment: environment, configuredEndpoints: profiles.configuredEndpoints(profile: profileName(explicit)))
    }

    /// A Query client for a profile in a region, sharing this resolver's transport and retry quota.
    public func client(profile explicit: String?, region: String? = nil) throws -> QueryClient {
        QueryClient(
            http: http, credentials: try provider(profile: explicit), region: region ?? self.region(profile: explicit),
            endpoints: endpoints(profile: explicit), quota: quota, environment: clientEnvironment)
    }

    /// The (cached) credential provider for a profile. `explicit` is a profile named on the
    /// command line or in a topology: then environment keys do not apply, and the profile must exist.
    public func provider(profile explicit: String?) throws -> CredentialProvider {
        let key = explicit.map { "explicit:\($0)" } ?? "implicit"
        lock.lock()
        if let cached = providers[key] {
            lock.unlock()
            return cached
        }
        lock.unlock()
        let provider = try resolve(profile: profileName(explicit), explicit: explicit != nil, chain: [])
        lock.lock()
        defer { lock.unlock() }
        if let raced = providers[key] { return raced }
        providers[key] = provider
        return provider
    }

    /// A provider that assumes `roleArn` with `source` credentials (hub-role access).
    public func assumedRole(
        roleArn: String, source: CredentialProvider, externalId: String? = nil, sessionName: String? = nil,
        durationSeconds: Int? = nil, region: String, endpoints: EndpointResolver
    ) -> CredentialProvider {
        let sts = STS(client: QueryClient(http: http, credentials: source, region: region, endpoints: endpoints, quota: quota, environment: clientEnvironment))
        let input = STS.AssumeRoleInput(
            roleArn: roleArn, sessionName: sessionName ?? defaultSessionName(), externalId: externalId, durationSeconds: durationSeconds)
        return CachedCredentialProvider(now: clientEnvironment.now) { try await sts.assumeRole(input) }
    }

    // MARK: - The chain

    private func resolve(profile: String, explicit: Bool, chain: [String], isSource: Bool = false) throws -> CredentialProvider {
        if !explicit && !isSource, let keys = environmentKeys() {
            return StaticCredentialProvider(keys)
        }
        let exists = profiles.exists(profile)
        if (explicit || isSource) && !exists {
            throw CredentialError(
                .profileNotFound, profile: profile,
                detail: isSource
                    ? "source_profile names a profile that is in neither \(profiles.config.path) nor \(profiles.credentials.path)"
                    : "no such profile in \(profiles.config.path) or \(profiles.credentials.path)")
        }
        if exists {
            if let provider = try profileProvider(profile, chain: chain) { return provider }
        }
        if !isSource, let roleArn = environment["AWS_ROLE_ARN"], let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"] {
            return webIdentityProvider(roleArn: roleArn, tokenFile: tokenFile, sessionName: environment["AWS_ROLE_SESSION_NAME"], profile: profile)
        }
        if exists, let provider = try fileProvider(profile) { return provider }
        if isSource {
            throw CredentialError(
                .invalidProfile, profile: profile, detail: "the source profile has no credentials (keys, role_arn, web identity or credential_process)")
        }
        if ContainerCredentials.isConfigured(environment) {
            let environment = self.environment
            let http = self.http
            return CachedCredentialProvider(now: clientEnvironment.now) { try await ContainerCredentials.fetch(environment: environment, http: http) }
        }
        if !InstanceMetadataCredentials.isDisabled(environment) {
            let environment = self.environment
            let http = self.http
            return CachedCredentialProvider(now: clientEnvironment.now) { try await InstanceMetadataCredentials.fetch(environment: environment, http: http) }
        }
        throw CredentialError(
            .noCredentials, profile: explicit ? profile : nil,
            detail: "no credentials found: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a profile in \(profiles.config.path)")
    }

    /// role_arn (with source_profile or credential_source), a profile's web identity, SSO.
    private func profileProvider(_ profile: String, chain: [String]) throws -> CredentialProvider? {
        if let roleArn = profiles.value("role_arn", profile: profile) {
            if let tokenFile = profiles.value("web_identity_token_file", profile: profile) {
                return webIdentityProvider(
                    roleArn: roleArn, tokenFile: tokenFile, sessionName: profiles.value("role_session_name", profile: profile), profile: profile)
            }
            return try assumeRoleProvider(profile, roleArn: roleArn, chain: chain)
        }
        if profiles.value("web_identity_token_file", profile: profile) != nil {
            throw configError(profile, "web_identity_token_file", "web_identity_token_file needs role_arn in the same profile")
        }
        if profiles.value("sso_session", profile: profile) != nil || profiles.value("sso_start_url", profile: profile) != nil {
            throw configError(
                profile, profiles.value("sso_session", profile: profile) != nil ? "sso_session" : "sso_start_url",
                "IAM Identity Center (SSO) profiles are not supported yet; use `aws configure export-credentials --profile \(profile) --format process` as a credential_process"
            )
        }
        return nil
    }

    /// Keys in the credentials file, credential_process, keys in the config file.
    private func fileProvider(_ profile: String) throws -> CredentialProvider? {
        if let section = profiles.credentialsSection(profile),
            let keys = keys(in: section.values, source: "credentials file \(profiles.credentials.path) [\(profile)]")
        {
            return StaticCredentialProvider(keys)
        }
        if let command = profiles.value("credential_process", profile: profile) {
            let environment = self.environment
            return CachedCredentialProvider(now: clientEnvironment.now) {
                try await ProcessCredentials.fetch(command: command, profile: profile, environment: environment)
            }
        }
        if let section = profiles.configSection(profile),
            let keys = keys(in: section.values, source: "config file \(profiles.config.path) [profile \(profile)]")
        {
            return StaticCredentialProvider(keys)
        }
        return nil
    }

    private func assumeRoleProvider(_ profile: String, roleArn: String, chain: [String]) throws -> CredentialProvider {
        let chain = chain + [profile]
        let source: CredentialProvider
        let sourceProfile = profiles.value("source_profile", profile: profile)
        let credentialSource = profiles.value("credential_source", profile: profile)
        switch (sourceProfile, credentialSource) {
        case (.some, .some):
            throw configError(profile, "credential_source", "a profile may have source_profile or credential_source, not both")
        case let (name?, nil):
            if name == profile {
                // A profile that is its own source uses its own static keys.
                guard let section = profiles.credentialsSection(profile) ?? profiles.configSection(profile),
                    let keys = keys(in: section.values, source: "profile \(profile)")
                else {
                    throw configError(profile, "source_profile", "source_profile names this profile, which has no aws_access_key_id/aws_secret_access_key")
                }
                source = StaticCredentialProvider(keys)
            } else {
                guard !chain.contains(name) else {
                    throw configError(profile, "source_profile", "source_profile makes a cycle: \((chain + [name]).joined(separator: " → "))")
                }
                source = try resolve(profile: name, explicit: true, chain: chain, isSource: true)
            }
        case let (nil, kind?):
            source = try credentialSourceProvider(kind, profile: profile)
        case (nil, nil):
            throw configError(profile, "role_arn", "role_arn needs source_profile or credential_source")
        }

        let externalId = profiles.value("external_id", profile: profile)
        let sessionName = profiles.value("role_session_name", profile: profile) ?? defaultSessionName()
        var duration: Int?
        if let text = profiles.value("duration_seconds", profile: profile) {
            guard let value = Int(text), (900...43200).contains(value) else {
                throw configError(profile, "duration_seconds", "duration_seconds must be a whole number of seconds from 900 to 43200")
            }
            duration = value
        }
        let durationSeconds = duration
        let mfaSerial = profiles.value("mfa_serial", profile: profile)
        let region = self.region(profile: profile)
        let sts = STS(
            client: QueryClient(
                http: http, credentials: source, region: region, endpoints: endpoints(profile: profile), quota: quota, environment: clientEnvironment))
        let readMFACode = self.readMFACode
        return CachedCredentialProvider(now: clientEnvironment.now) {
            var input = STS.AssumeRoleInput(roleArn: roleArn, sessionName: sessionName, externalId: externalId, durationSeconds: durationSeconds)
            if let mfaSerial {
                input.mfaSerial = mfaSerial
                input.mfaCode = try await readMFACode(mfaSerial, profile)
            }
            var credentials = try await sts.assumeRole(input)
            credentials.source = "role \(roleArn) (profile \(profile))"
            return credentials
        }
    }

    private func credentialSourceProvider(_ kind: String, profile: String) throws -> CredentialProvider {
        let environment = self.environment
        let http = self.http
        switch kind {
        case "Environment":
            guard let keys = environmentKeys() else {
                throw configError(profile, "credential_source", "credential_source = Environment, but AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY are not set")
            }
            return StaticCredentialProvider(keys)
        case "Ec2InstanceMetadata":
            return CachedCredentialProvider(now: clientEnvironment.now) { try await InstanceMetadataCredentials.fetch(environment: environment, http: http) }
        case "EcsContainer":
            return CachedCredentialProvider(now: clientEnvironment.now) { try await ContainerCredentials.fetch(environment: environment, http: http) }
        default:
            throw configError(profile, "credential_source", "credential_source must be Environment, Ec2InstanceMetadata or EcsContainer, not '\(kind)'")
        }
    }

    private func webIdentityProvider(roleArn: String, tokenFile: String, sessionName: String?, profile: String) -> CredentialProvider {
        let sts = STS(
            client: QueryClient(
                http: http, credentials: nil, region: region(profile: profile), endpoints: endpoints(profile: profile), quota: quota,
                environment: clientEnvironment))
        let sessionName = sessionName ?? defaultSessionName()
        return CachedCredentialProvider(now: clientEnvironment.now) {
            // The token file is read at each refresh: its owner (EKS, GitHub Actions) rotates it.
            guard let data = FileManager.default.contents(atPath: tokenFile) else {
                throw CredentialError(.sourceFailed, profile: profile, detail: "cannot read the web identity token file \(tokenFile)")
            }
            let token = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            return try await sts.assumeRoleWithWebIdentity(roleArn: roleArn, sessionName: sessionName, token: token)
        }
    }

    private func environmentKeys() -> AWSCredentials? {
        guard let id = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"], !id.isEmpty, !secret.isEmpty else { return nil }
        let token = environment["AWS_SESSION_TOKEN"] ?? environment["AWS_SECURITY_TOKEN"]
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token?.isEmpty == false ? token : nil, source: "environment variables")
    }

    private func keys(in values: [String: String], source: String) -> AWSCredentials? {
        guard let id = values["aws_access_key_id"], let secret = values["aws_secret_access_key"], !id.isEmpty, !secret.isEmpty else { return nil }
        let token = values["aws_session_token"] ?? values["aws_security_token"]
        return AWSCredentials(accessKeyId: id, secretAccessKey: secret, sessionToken: token?.isEmpty == false ? token : nil, source: source)
    }

    private func configError(_ profile: String, _ key: String, _ detail: String) -> CredentialError {
        let location = profiles.location(key, profile: profile)
        let place = location.line.map { "\(location.file):\($0): " } ?? ""
        return CredentialError(.invalidProfile, profile: profile, detail: place + detail)
    }

    private func defaultSessionName() -> String {
        "trustline-\(Int(clientEnvironment.now().timeIntervalSince1970))"
    }
}
