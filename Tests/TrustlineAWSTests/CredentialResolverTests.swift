// CredentialResolverTests — the credential chain in botocore's order, against fakes.
import Foundation
import Testing

@testable import TrustlineAWS

@Suite struct AWSConfigFileTests {
    @Test func sectionsCommentsAndSubsections() throws {
        let file = try AWSConfigFile.parse(
            """
            # comment
            [default]
            region = eu-west-1
            ; another comment
            [profile dev]
            role_arn = arn:aws:iam::222222222222:role/R
            source_profile=base
            services = local
            [services local]
            sts =
              endpoint_url = http://127.0.0.1:1234
            iam =
              endpoint_url = http://127.0.0.1:5678
            """, path: "config")
        #expect(file.sections["default"]?.values["region"] == "eu-west-1")
        #expect(file.sections["profile dev"]?.values["source_profile"] == "base")
        #expect(file.sections["profile dev"]?.lines["role_arn"] == 6)
        #expect(file.sections["services local"]?.subsections["sts"]?["endpoint_url"] == "http://127.0.0.1:1234")
        let profiles = AWSProfiles(config: file, credentials: AWSConfigFile(path: "credentials", sections: [:]))
        #expect(profiles.configuredEndpoints(profile: "dev") == ["sts": "http://127.0.0.1:1234", "iam": "http://127.0.0.1:5678"])
    }

    @Test func valuesKeepInlineHashes() throws {
        let file = try AWSConfigFile.parse("[x]\naws_secret_access_key = abc#def ;ghi\n", path: "credentials")
        #expect(file.sections["x"]?.values["aws_secret_access_key"] == "abc#def ;ghi")
    }

    @Test(arguments: [
        ("region = x\n", 1, "outside any [section]"),
        ("[ok]\n[broken\n", 2, "must end with ']'"),
        ("[ok]\njust words\n", 2, "expected 'key = value'"),
        ("[]\n", 1, "empty section name"),
    ])
    func errorsNameFileAndLine(text: String, line: Int, words: String) {
        do {
            _ = try AWSConfigFile.parse(text, path: "/home/me/.aws/config")
            Issue.record("expected an error")
        } catch let error as AWSConfigError {
            #expect(error.line == line)
            #expect(error.localizedDescription.hasPrefix("/home/me/.aws/config:\(line): "))
            #expect(error.localizedDescription.contains(words))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}

@Suite struct CredentialResolverTests {
    /// A fake STS: AssumeRole answers credentials named after the role and the caller's key.
    func fakeSTS(counter: Counter = Counter()) -> FakeHTTPClient {
        FakeHTTPClient { request, _ in
            let parameters = request.formParameters
            switch parameters["Action"] {
            case "AssumeRole":
                counter.increment()
                let role = parameters["RoleArn"]?.split(separator: "/").last.map(String.init) ?? "?"
                let caller = request.header("Authorization")?.split(separator: "=")[1].split(separator: "/")[0] ?? "?"
                return xmlResponse(Fixture.assumeRole(keyId: "ASIA-\(role)-via-\(caller)", secret: "s-\(role)", token: "t-\(role)"))
            case "AssumeRoleWithWebIdentity":
                return xmlResponse(Fixture.assumeRoleWithWebIdentity)
            default:
                return xmlResponse(Fixture.getCallerIdentity)
            }
        }
    }

    func resolver(
        config: String = "", credentials: String = "", environment: [String: String] = [:], http: HTTPClient,
        mfa: @escaping CredentialResolver.MFACodeReader = { _, _ in "000000" }
    ) throws -> CredentialResolver {
        let profiles = AWSProfiles(
            config: try AWSConfigFile.parse(config, path: "/cfg/config"),
            credentials: try AWSConfigFile.parse(credentials, path: "/cfg/credentials"))
        var env = environment
        env["AWS_EC2_METADATA_DISABLED"] = env["AWS_EC2_METADATA_DISABLED"] ?? "true"
        return try CredentialResolver(environment: env, http: http, profiles: profiles, clientEnvironment: testEnvironment(), readMFACode: mfa)
    }

    let baseKeys = "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = baseSecret\n"

    @Test func environmentKeysComeFirst() async throws {
        let r = try resolver(
            credentials: "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n",
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e", "AWS_SESSION_TOKEN": "tok"], http: fakeSTS())
        let credentials = try await r.provider(profile: nil).credentials()
        #expect(credentials.accessKeyId == "AKIDENV")
        #expect(credentials.sessionToken == "tok")
        #expect(credentials.source == "environment variables")
    }

    @Test func anExplicitProfileSkipsEnvironmentKeys() async throws {
        let r = try resolver(credentials: baseKeys, environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"], http: fakeSTS())
        #expect(try await r.provider(profile: "base").credentials().accessKeyId == "AKIDBASE")
    }

    @Test func awsProfileSelectsTheProfile() async throws {
        let r = try resolver(credentials: baseKeys, environment: ["AWS_PROFILE": "base"], http: fakeSTS())
        #expect(try await r.provider(profile: nil).credentials().accessKeyId == "AKIDBASE")
    }

    @Test func configFileKeysAndCredentialsFileWins() async throws {
        let r = try resolver(
            config: "[profile p]\naws_access_key_id = AKIDCFG\naws_secret_access_key = c\n[profile q]\naws_access_key_id = AKIDQ\naws_secret_access_key = q\n",
            credentials: "[q]\naws_access_key_id = AKIDQFILE\naws_secret_access_key = qf\n", http: fakeSTS())
        #expect(try await r.provider(profile: "p").credentials().accessKeyId == "AKIDCFG")
        #expect(try await r.provider(profile: "q").credentials().accessKeyId == "AKIDQFILE")
    }

    @Test func roleWithSourceProfile() async throws {
        let http = fakeSTS()
        let r = try resolver(
            config: """
                [profile dev]
                role_arn = arn:aws:iam::222222222222:role/Hub
                source_profile = base
                external_id = ext-1
                role_session_name = nightly
                duration_seconds = 1800
                region = eu-west-1
                """, credentials: baseKeys, http: http)
        let credentials = try await r.provider(profile: "dev").credentials()
        #expect(credentials.accessKeyId == "ASIA-Hub-via-AKIDBASE")
        #expect(credentials.source == "role arn:aws:iam::222222222222:role/Hub (profile dev)")
        let request = try #require(http.requests.first)
        #expect(request.formParameters["ExternalId"] == "ext-1")
        #expect(request.formParameters["RoleSessionName"] == "nightly")
        #expect(request.formParameters["DurationSeconds"] == "1800")
        #expect(request.url.absoluteString == "https://sts.eu-west-1.amazonaws.com/")
    }

    @Test func twoHopChain() async throws {
        let http = fakeSTS()
        let r = try resolver(
            config: """
                [profile hub]
                role_arn = arn:aws:iam::111111111111:role/Hub
                source_profile = base
                [profile prod]
                role_arn = arn:aws:iam::333333333333:role/Audit
                source_profile = hub
                """, credentials: baseKeys, http: http)
        let credentials = try await r.provider(profile: "prod").credentials()
        #expect(credentials.accessKeyId == "ASIA-Audit-via-ASIA-Hub-via-AKIDBASE")
        #expect(http.requests.map { $0.formParameters["RoleArn"] } == ["arn:aws:iam::111111111111:role/Hub", "arn:aws:iam::333333333333:role/Audit"])
    }

    @Test func credentialsAreReusedWithinARun() async throws {
        let counter = Counter()
        let r = try resolver(
            config: "[profile dev]\nrole_arn = arn:aws:iam::2:role/R\nsource_profile = base\n", credentials: baseKeys, http: fakeSTS(counter: counter))
        for _ in 0..<5 { _ = try await r.provider(profile: "dev").credentials() }
        async let a = r.provider(profile: "dev").credentials()
        async let b = r.provider(profile: "dev").credentials()
        _ = try await (a, b)
        #expect(counter.value == 1)
    }

    @Test func refreshedBeforeExpiry() async throws {
        let clock = MutableClock(Date(timeIntervalSince1970: 1_000_000))
        let counter = Counter()
        let provider = CachedCredentialProvider(now: { clock.now }) {
            counter.increment()
            return AWSCredentials(accessKeyId: "K\(counter.value)", secretAccessKey: "s", expiration: clock.now.addingTimeInterval(3600))
        }
        #expect(try await provider.credentials().accessKeyId == "K1")
        clock.now = clock.now.addingTimeInterval(2000)
        #expect(try await provider.credentials().accessKeyId == "K1")
        clock.now = clock.now.addingTimeInterval(1100)  // 500 s left: inside the 10-minute margin
        #expect(try await provider.credentials().accessKeyId == "K2")
    }

    @Test func credentialSourceEnvironment() async throws {
        let r = try resolver(
            config: "[profile ci]\nrole_arn = arn:aws:iam::2:role/CI\ncredential_source = Environment\n",
            environment: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "e"], http: fakeSTS())
        #expect(try await r.provider(profile: "ci").credentials().accessKeyId == "ASIA-CI-via-AKIDENV")
    }

    @Test func mfaCodeIsAskedAndSent() async throws {
        let http = fakeSTS()
        let r = try resolver(
            config: "[profile admin]\nrole_arn = arn:aws:iam::2:role/Admin\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n",
            credentials: baseKeys, http: http,
            mfa: { serial, profile in
                #expect(serial == "arn:aws:iam::1:mfa/me")
                #expect(profile == "admin")
                return "123456"
            })
        _ = try await r.provider(profile: "admin").credentials()
        #expect(http.requests.first?.formParameters["TokenCode"] == "123456")
        #expect(http.requests.first?.formParameters["SerialNumber"] == "arn:aws:iam::1:mfa/me")
    }

    @Test func mfaWithoutATerminalIsAClearError() async throws {
        let r = try resolver(
            config: "[profile admin]\nrole_arn = arn:aws:iam::2:role/Admin\nsource_profile = base\nmfa_serial = arn:aws:iam::1:mfa/me\n",
            credentials: baseKeys, http: fakeSTS(), mfa: TerminalPrompt.readMFACode)
        do {
            _ = try await r.provider(profile: "admin").credentials()
            Issue.record("expected an error")
        } catch let error as CredentialError {
            // Under `swift test` stdin is not a terminal.
            #expect(error.code == .mfaUnavailable)
            #expect(error.localizedDescription.contains("no terminal"))
        }
    }

    @Test func webIdentityFromEnvironment() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token")
        try Data("header.payload.sig\n".utf8).write(to: tokenFile)
        let http = fakeSTS()
        let r = try resolver(
            environment: [
                "AWS_ROLE_ARN": "arn:aws:iam::111111111111:role/GitHubAudit", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile.path,
                "AWS_ROLE_SESSION_NAME": "gha",
            ], http: http)
        let credentials = try await r.provider(profile: nil).credentials()
        #expect(credentials.accessKeyId == "ASIAWEB")
        let request = try #require(http.requests.first)
        #expect(request.formParameters["WebIdentityToken"] == "header.payload.sig")
        #expect(request.formParameters["RoleSessionName"] == "gha")
        #expect(request.header("Authorization") == nil)
    }

    @Test func webIdentityProfile() async throws {
        let r = try resolver(config: "[profile w]\nrole_arn = arn:aws:iam::1:role/W\nweb_identity_token_file = /nonexistent/token\n", http: fakeSTS())
        await #expect(throws: CredentialError.self) { try await r.provider(profile: "w").credentials() }
    }

    @Test func credentialProcess() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("creds with space.sh")
        try Data(
            "#!/bin/sh\necho \"{\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKIDPROC\\\", \\\"SecretAccessKey\\\": \\\"$1\\\", \\\"SessionToken\\\": \\\"tp\\\", \\\"Expiration\\\": \\\"2031-01-01T00:00:00Z\\\"}\"\n"
                .utf8
        ).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let r = try resolver(config: "[profile p]\ncredential_process = \"\(script.path)\" 'proc secret'\n", http: fakeSTS())
        let credentials = try await r.provider(profile: "p").credentials()
        #expect(credentials.accessKeyId == "AKIDPROC")
        #expect(credentials.secretAccessKey == "proc secret")
        #expect(credentials.expiration == AWSTimestamp.parse("2031-01-01T00:00:00Z"))
    }

    @Test func failingCredentialProcess() async throws {
        let r = try resolver(config: "[profile p]\ncredential_process = sh -c 'echo token expired >&2; exit 7'\n", http: fakeSTS())
        do {
            _ = try await r.provider(profile: "p").credentials()
            Issue.record("expected an error")
        } catch let error as CredentialError {
            #expect(error.localizedDescription.contains("status 7"))
            #expect(error.localizedDescription.contains("token expired"))
        }
    }

    @Test func containerCredentials() async throws {
        let http = FakeHTTPClient { request, _ in
            #expect(request.url.absoluteString == "http://127.0.0.1:9911/creds")
            #expect(request.header("Authorization") == "Bearer abc")
            return HTTPResponse(
                status: 200, body: Data(#"{"AccessKeyId":"ASIACONT","SecretAccessKey":"cs","Token":"ct","Expiration":"2031-01-01T00:00:00Z"}"#.utf8))
        }
        let r = try resolver(
            environment: ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:9911/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer abc"], http: http)
        let credentials = try await r.provider(profile: nil).credentials()
        #expect(credentials.accessKeyId == "ASIACONT")
        #expect(credentials.sessionToken == "ct")
    }

    @Test func containerRelativeURIUsesTheECSHost() throws {
        #expect(
            try ContainerCredentials.endpoint(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"]).absoluteString
                == "http://169.254.170.2/v2/credentials/abc")
        #expect(throws: CredentialError.self) { try ContainerCredentials.endpoint(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://10.0.0.1/creds"]) }
    }

    @Test func instanceMetadataV2() async throws {
        let http = FakeHTTPClient { request, _ in
            switch (request.method, request.url.absoluteString.replacingOccurrences(of: "http://127.0.0.1:9912", with: "")) {
            case ("PUT", "/latest/api/token"):
                #expect(request.header("X-aws-ec2-metadata-token-ttl-seconds") == "21600")
                return HTTPResponse(status: 200, body: Data("imds-token".utf8))
            case ("GET", "/latest/meta-data/iam/security-credentials/"):
                #expect(request.header("X-aws-ec2-metadata-token") == "imds-token")
                return HTTPResponse(status: 200, body: Data("AuditRole\n".utf8))
            default:
                #expect(request.url.absoluteString == "http://127.0.0.1:9912/latest/meta-data/iam/security-credentials/AuditRole")
                return HTTPResponse(
                    status: 200,
                    body: Data(#"{"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"is","Token":"it","Expiration":"2031-01-01T00:00:00Z"}"#.utf8))
            }
        }
        let r = try resolver(environment: ["AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:9912"], http: http)
        let credentials = try await r.provider(profile: nil).credentials()
        #expect(credentials.accessKeyId == "ASIAIMDS")
        #expect(credentials.source == "EC2 instance role AuditRole")
    }

    @Test func nothingFound() throws {
        let r = try resolver(http: fakeSTS())
        #expect(throws: CredentialError.self) { try r.provider(profile: nil) }
    }

    @Test(arguments: [
        ("", "missing", CredentialError.Code.profileNotFound, "no such profile"),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = a\n", "a",
            .invalidProfile, "cycle"
        ),
        ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\n", "a", .invalidProfile, "needs source_profile or credential_source"),
        ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = nope\n", "a", .profileNotFound, "source_profile"),
        ("[profile a]\nrole_arn = arn:aws:iam::1:role/R\ncredential_source = Magic\n", "a", .invalidProfile, "/cfg/config:3:"),
        (
            "[profile a]\nrole_arn = arn:aws:iam::1:role/R\nsource_profile = e\nduration_seconds = 10\n[profile e]\nregion = x\n", "a", .invalidProfile,
            "source profile has no credentials"
        ),
        ("[profile s]\nsso_session = corp\n", "s", .invalidProfile, "not supported yet"),
    ])
    func profileErrors(config: String, profile: String, code: CredentialError.Code, words: String) throws {
        let r = try resolver(config: config, http: fakeSTS())
        do {
            _ = try r.provider(profile: profile)
            Issue.record("expected an error")
        } catch let error as CredentialError {
            #expect(error.code == code)
            #expect(error.localizedDescription.contains(words), "\(error.localizedDescription)")
        }
    }

    @Test func descriptionsNeverShowSecrets() {
        let text = "\(testCredentials) \(String(reflecting: testCredentials))"
        #expect(!text.contains("secretTEST"))
        #expect(!text.contains("tokenTEST"))
    }

    @Test func commandSplitting() throws {
        #expect(
            try ProcessCredentials.splitCommand(#"aws-vault exec "my profile" --json 'a b' c\ d"#, profile: "p") == [
                "aws-vault", "exec", "my profile", "--json", "a b", "c d",
            ])
        #expect(throws: CredentialError.self) { try ProcessCredentials.splitCommand("x 'unterminated", profile: "p") }
    }
}

@Suite struct EndpointResolverTests {
    @Test(arguments: [
        (AWSService.sts, "us-east-1", "https://sts.us-east-1.amazonaws.com/", "us-east-1"),
        (.iam, "eu-west-1", "https://iam.amazonaws.com/", "us-east-1"),
        (.iam, "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
        (.iam, "us-gov-east-1", "https://iam.us-gov.amazonaws.com/", "us-gov-west-1"),
        (.cloudformation, "cn-north-1", "https://cloudformation.cn-north-1.amazonaws.com.cn/", "cn-north-1"),
        (.cloudformation, "us-gov-west-1", "https://cloudformation.us-gov-west-1.amazonaws.com/", "us-gov-west-1"),
        (.sts, "ap-southeast-2", "https://sts.ap-southeast-2.amazonaws.com/", "ap-southeast-2"),
    ])
    func partitions(service: AWSService, region: String, url: String, signingRegion: String) throws {
        let endpoint = try EndpointResolver(environment: [:]).endpoint(for: service, region: region)
        #expect(endpoint.url.absoluteString == url)
        #expect(endpoint.signingRegion == signingRegion)
    }

    @Test func overridesInOrder() throws {
        let environment = ["AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_IAM": "http://127.0.0.1:2"]
        let resolver = EndpointResolver(environment: environment, configuredEndpoints: ["sts": "http://127.0.0.1:3"])
        #expect(
            try resolver.endpoint(for: .iam, region: "eu-west-1") == Endpoint(url: try #require(URL(string: "http://127.0.0.1:2")), signingRegion: "eu-west-1"))
        #expect(try resolver.endpoint(for: .sts, region: "eu-west-1").url.absoluteString == "http://127.0.0.1:1")
        let configOnly = EndpointResolver(environment: [:], configuredEndpoints: ["sts": "http://127.0.0.1:3", "*": "http://127.0.0.1:4"])
        #expect(try configOnly.endpoint(for: .sts, region: "us-east-1").url.absoluteString == "http://127.0.0.1:3")
        #expect(try configOnly.endpoint(for: .iam, region: "us-east-1").url.absoluteString == "http://127.0.0.1:4")
        let ignored = EndpointResolver(environment: environment.merging(["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"]) { $1 })
        #expect(try ignored.endpoint(for: .iam, region: "us-east-1").url.absoluteString == "https://iam.amazonaws.com/")
    }

    @Test func badInputsAreErrors() {
        #expect(throws: EndpointError.self) { try EndpointResolver(environment: [:]).endpoint(for: .sts, region: "us-east-1/../evil") }
        #expect(throws: EndpointError.self) { try EndpointResolver(environment: ["AWS_ENDPOINT_URL": "ftp://x"]).endpoint(for: .sts, region: "us-east-1") }
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
    func increment() {
        lock.lock()
        count += 1
        lock.unlock()
    }
}

final class MutableClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date
    init(_ date: Date) { current = date }
    var now: Date {
        get { lock.lock(); defer { lock.unlock() }; return current }
        set { lock.lock(); current = newValue; lock.unlock() }
    }
}
