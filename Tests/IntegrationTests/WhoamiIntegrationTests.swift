// WhoamiIntegrationTests — `trustline whoami` against the emulated organisation, with moto
// checking every signature: each credential source of the chain, end to end.
import Foundation
import Testing

@Suite(.serialized) struct WhoamiIntegrationTests {
    func organisation() async throws -> OrganisationState {
        try await EmulatedOrganisation.shared.state(scenario: "minimal")
    }

    func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-whoami-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func devProfileThroughRoleArnAndSourceProfile() async throws {
        let org = try await organisation()
        let dev = try #require(org.accounts["dev"])
        let result = try trustline(["whoami", "--profile", try #require(org.profiles["dev"])], environment: org.environment())
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("account  \(dev)"))
        #expect(result.stdout.contains("arn:aws:sts::\(dev):assumed-role/"))
        #expect(result.stdout.contains("source   role arn:aws:iam::\(dev):role/"))
        expectClean(result, secrets: [org.adminSecretAccessKey])
    }

    @Test func jsonOutput() async throws {
        let org = try await organisation()
        let result = try trustline(["whoami", "--profile", try #require(org.profiles["tools"]), "--json"], environment: org.environment())
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
        #expect(object["account"] == org.accounts["tools"])
    }

    @Test func wrongSecretIsAClearSignatureError() async throws {
        let org = try await organisation()
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let credentials = directory.appendingPathComponent("credentials")
        let wrong = "wrong" + org.adminSecretAccessKey.dropFirst(5)
        let original = try String(contentsOfFile: org.credentialsFile, encoding: .utf8)
        try original.replacingOccurrences(of: org.adminSecretAccessKey, with: wrong).write(to: credentials, atomically: true, encoding: .utf8)
        let result = try trustline(
            ["whoami", "--profile", try #require(org.profiles["dev"])],
            environment: org.environment(["AWS_SHARED_CREDENTIALS_FILE": credentials.path]))
        #expect(result.status == 3)
        #expect(result.stderr.contains("SignatureDoesNotMatch"), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("trustline: error: "))
        #expect(result.stdout.isEmpty)
        expectClean(result, secrets: [org.adminSecretAccessKey, wrong])
    }

    @Test func environmentKeys() async throws {
        let org = try await organisation()
        let result = try trustline(
            ["whoami"],
            environment: org.environment([
                "AWS_ACCESS_KEY_ID": org.adminAccessKeyId, "AWS_SECRET_ACCESS_KEY": org.adminSecretAccessKey,
                "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
            ]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("source   environment variables"))
        expectClean(result, secrets: [org.adminSecretAccessKey])
    }

    @Test func twoHopChain() async throws {
        let org = try await organisation()
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let dev = try #require(org.accounts["dev"])
        let tools = try #require(org.profiles["tools"])
        // hop 1: org-admin → the tools account's hub role (the emulator's profile); hop 2: tools →
        // dev's CDK deploy role, which trusts tools: the very path the pipeline takes.
        let config =
            try String(contentsOfFile: org.configFile, encoding: .utf8) + """

                [profile two-hop]
                role_arn = arn:aws:iam::\(dev):role/cdk-hnb659fds-deploy-role-\(dev)-us-east-1
                source_profile = \(tools)
                role_session_name = two-hop-test
                """
        let configFile = directory.appendingPathComponent("config")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        let result = try trustline(["whoami", "--profile", "two-hop"], environment: org.environment(["AWS_CONFIG_FILE": configFile.path]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("account  \(dev)"))
        #expect(result.stdout.contains("two-hop-test"))
    }

    @Test func credentialProcess() async throws {
        let org = try await organisation()
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let script = directory.appendingPathComponent("creds.sh")
        try """
        #!/bin/sh
        printf '{"Version": 1, "AccessKeyId": "%s", "SecretAccessKey": "%s"}' "\(org.adminAccessKeyId)" "\(org.adminSecretAccessKey)"
        """.write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        let configFile = directory.appendingPathComponent("config")
        try "[profile proc]\ncredential_process = \(script.path)\nregion = us-east-1\n".write(to: configFile, atomically: true, encoding: .utf8)
        let result = try trustline(["whoami", "--profile", "proc"], environment: org.environment(["AWS_CONFIG_FILE": configFile.path]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("arn:aws:iam::123456789012:user/"))
        #expect(result.stdout.contains("credential_process of profile proc"))
        expectClean(result, secrets: [org.adminSecretAccessKey])
    }

    @Test func webIdentity() async throws {
        let org = try await organisation()
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = directory.appendingPathComponent("token")
        // An OIDC token as GitHub Actions writes it (moto does not check its signature).
        try "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9hcHA6cmVmOnJlZnMvaGVhZHMvbWFpbiIsImF1ZCI6InN0cy5hbWF6b25hd3MuY29tIn0.c2ln".write(
            to: token, atomically: true, encoding: .utf8)
        // A role that trusts GitHub's OIDC provider, as an organisation-wide audit job would use.
        let create = try run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", PackagePaths.support.appendingPathComponent("create_oidc_role.py").path],
            environment: org.environment([
                "AWS_ACCESS_KEY_ID": org.adminAccessKeyId, "AWS_SECRET_ACCESS_KEY": org.adminSecretAccessKey,
                "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
            ]))
        #expect(create.status == 0, "\(create.stderr)")
        let result = try trustline(
            ["whoami"],
            environment: org.environment([
                "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/GitHubAudit",
                "AWS_WEB_IDENTITY_TOKEN_FILE": token.path, "AWS_ROLE_SESSION_NAME": "gha-audit",
                "AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
            ]))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("account  123456789012"))
        #expect(result.stdout.contains("assumed-role/GitHubAudit/gha-audit"))
        #expect(result.stdout.contains("web identity role"))
    }

    @Test func containerAndInstanceCredentialsFromALocalEndpoint() async throws {
        let org = try await organisation()
        let directory = try scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let endpoint = try FakeCredentialsEndpoint(
            accessKeyId: org.adminAccessKeyId, secretAccessKey: org.adminSecretAccessKey, token: "Bearer ci-token", in: directory)
        defer { endpoint.stop() }
        let port = endpoint.port
        let noFiles = ["AWS_CONFIG_FILE": "/nonexistent/config", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials"]

        let container = try trustline(
            ["whoami"],
            environment: org.environment(
                noFiles.merging([
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer ci-token",
                ]) { $1 }))
        #expect(container.status == 0, "\(container.stderr)")
        #expect(container.stdout.contains("arn:aws:iam::123456789012:user/"))
        #expect(container.stdout.contains("container credentials endpoint"))

        let unauthorised = try trustline(
            ["whoami"],
            environment: org.environment(
                noFiles.merging([
                    "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:\(port)/creds", "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Bearer wrong",
                ]) { $1 }))
        #expect(unauthorised.status == 3)
        #expect(unauthorised.stderr.contains("HTTP 401"))

        let instance = try trustline(
            ["whoami"],
            environment: org.environment(
                noFiles.merging([
                    "AWS_EC2_METADATA_DISABLED": "false", "AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:\(port)",
                ]) { $1 }))
        #expect(instance.status == 0, "\(instance.stderr)")
        #expect(instance.stdout.contains("EC2 instance role AuditRole"))
        expectClean(instance, secrets: [org.adminSecretAccessKey])
    }

    @Test func unknownProfileIsAnInputError() async throws {
        let org = try await organisation()
        let result = try trustline(["whoami", "--profile", "no-such-profile"], environment: org.environment())
        #expect(result.status == 2)
        #expect(result.stderr.contains("profile 'no-such-profile': no such profile in"))
    }

    @Test func usageErrorIsExitTwo() async throws {
        let result = try trustline(["whoami", "--no-such-flag"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 2)
    }
}
