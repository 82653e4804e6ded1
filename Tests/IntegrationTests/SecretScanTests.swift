// SecretScanTests — no secret reaches any output. Every command (whoami, validate, audit with and
// without --verbose, plan in each format, preflight, diff, audit --from-snapshots) runs against
// the emulated organisation with every way in (static keys, environment session credentials,
// credential_process printing long-term keys or a session, role chains, hub roles) and with
// failures injected (a wrong secret: SignatureDoesNotMatch; a credential_process that prints half
// a document, or a whole one and then fails; a broken credentials file; an unassumable account).
// Then stdout, stderr and every file written (JSON, Markdown, remediation.sh, JUnit, SARIF,
// snapshots, the GitHub step summary) are searched for every secret in play:
// - the secrets the test put there itself (admin, an IAM user's key, two sessions, sentinels in
//   broken configs that were never valid);
// - every secret access key and session token the emulator ever issued, read back from moto's
//   own model dump (`/moto-api/data.json`) after the runs — so the sessions trustline obtained
//   by AssumeRole itself, which the test never sees, are searched for too.
// Each is searched raw, JSON-escaped, percent-encoded, and as a 16-character slice of its middle
// (a truncated echo).
import Foundation
import Testing
import TrustlineReport

@Suite(.serialized) struct SecretScanTests {
    static let dev = "222222222222"
    static let prod = "333333333333"
    static let qa = "666666666666"
    /// Never valid anywhere: if one shows up, trustline echoed a config value.
    static let wrongSecret = "WRONGsecretWRONGsecretWRONGsecret0123456"
    static let brokenProcessSecret = "BROKENprocessSECRETvalue0123456789abcdef"
    static let failingProcessSecret = "FAILINGprocessSECRETvalue0123456789abcde"
    static let brokenFileSecret = "BROKENcredentialsFILEsecret0123456789abc"

    /// Sets up identities with the org's admin keys, and harvests moto's secrets.
    static let helper = #"""
        """Secrets for SecretScanTests (written by SecretScanTests.swift).

            secret_scan_helper.py setup    -> {"user": {...}, "devSession": {...}, "prodSession": {...}}: an IAM user
                                   trustline-scan (management account, may assume roles) with an access key,
                                   and sessions of the dev and prod hub roles, in credential_process form
            secret_scan_helper.py harvest  -> {"secrets": [...], "trustlineSessions": N}: every secret_access_key and
                                   session_token moto ever issued (its model dump), and how many sessions
                                   trustline itself obtained

        Signs with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; talks to AWS_ENDPOINT_URL (127.0.0.1) only."""
        import datetime
        import json
        import os
        import sys
        import urllib.request

        endpoint = os.environ["AWS_ENDPOINT_URL"]
        assert endpoint.startswith("http://127.0.0.1:"), "emulator endpoints only"


        def setup():
            import boto3

            admin = boto3.Session(
                aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
                aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
                region_name="us-east-1",
            )
            iam = admin.client("iam", endpoint_url=endpoint)
            sts = admin.client("sts", endpoint_url=endpoint)
            try:
                iam.create_user(UserName="trustline-scan")
            except iam.exceptions.EntityAlreadyExistsException:
                pass
            iam.put_user_policy(UserName="trustline-scan", PolicyName="assume", PolicyDocument=json.dumps(
                {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
            key = iam.create_access_key(UserName="trustline-scan")["AccessKey"]
            out = {"user": {"Version": 1, "AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}}
            for name, account in (("devSession", "222222222222"), ("prodSession", "333333333333")):
                creds = sts.assume_role(
                    RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole", RoleSessionName="secret-scan")["Credentials"]
                out[name] = {
                    "Version": 1, "AccessKeyId": creds["AccessKeyId"], "SecretAccessKey": creds["SecretAccessKey"],
                    "SessionToken": creds["SessionToken"],
                    "Expiration": (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            print(json.dumps(out))


        def harvest():
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(endpoint + "/moto-api/data.json", timeout=300) as response:
                data = json.load(response)
            found = set()

            def walk(value):
                if isinstance(value, dict):
                    for key, item in value.items():
                        if key in ("secret_access_key", "session_token") and isinstance(item, str) and item:
                            found.add(item)
                        walk(item)
                elif isinstance(value, list):
                    for item in value:
                        walk(item)

            walk(data)
            sessions = [role for role in data.get("sts", {}).get("AssumedRole", []) if str(role.get("session_name", "")).startswith("trustline-")]
            print(json.dumps({"secrets": sorted(found), "trustlineSessions": len(sessions)}))


        {"setup": setup, "harvest": harvest}[sys.argv[1]]()

        """#

    struct Identity: Decodable {
        var AccessKeyId: String
        var SecretAccessKey: String
        var SessionToken: String?
    }

    struct Harvest: Decodable {
        var secrets: [String]
        var trustlineSessions: Int
    }

    struct Identities: Decodable {
        var user: Identity
        var devSession: Identity
        var prodSession: Identity
    }

    func scratch(_ label: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    func helper(_ command: String, org: OrganisationState, in directory: URL) throws -> Data {
        let script = directory.appendingPathComponent("secret_scan_helper.py")
        try Self.helper.write(to: script, atomically: true, encoding: .utf8)
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, command], environment: HardeningOrganisation.adminEnvironment(org))
        #expect(result.status == 0, "secret_scan_helper.py \(command): \(result.stderr.suffix(2000))")
        return Data(result.stdout.utf8)
    }

    /// The AWS config of the scan: the org's profiles plus every way in and every failure.
    func config(_ org: OrganisationState, identities: Identities, in directory: URL) throws -> URL {
        func json(_ identity: Identity) throws -> URL {
            var object: [String: Any] = ["Version": 1, "AccessKeyId": identity.AccessKeyId, "SecretAccessKey": identity.SecretAccessKey]
            if let token = identity.SessionToken {
                object["SessionToken"] = token
                object["Expiration"] = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
            }
            let file = directory.appendingPathComponent("process-\(identity.AccessKeyId).json")
            try JSONSerialization.data(withJSONObject: object).write(to: file)
            return file
        }
        let broken = directory.appendingPathComponent("broken-process.sh")
        try #"printf '{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "\#(Self.brokenProcessSecret)"'"#
            .write(to: broken, atomically: true, encoding: .utf8)
        let failing = directory.appendingPathComponent("failing-process.sh")
        try """
        printf '{"Version": 1, "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "SecretAccessKey": "\(Self.failingProcessSecret)"}'
        echo "vault: permission denied" >&2
        exit 1

        """.write(to: failing, atomically: true, encoding: .utf8)
        var text = try String(contentsOfFile: org.configFile, encoding: .utf8)
        text += """

            [profile scan-user]
            credential_process = /bin/cat \(try json(identities.user).path)
            region = us-east-1

            [profile dev-via-process]
            credential_process = /bin/cat \(try json(identities.devSession).path)
            region = us-east-1

            [profile prod-via-user]
            role_arn = arn:aws:iam::\(Self.prod):role/OrganizationAccountAccessRole
            source_profile = scan-user
            region = us-east-1

            [profile wrong-secret]
            aws_access_key_id = \(org.adminAccessKeyId)
            aws_secret_access_key = \(Self.wrongSecret)
            region = us-east-1

            [profile dev-wrong-secret]
            role_arn = arn:aws:iam::\(Self.dev):role/OrganizationAccountAccessRole
            source_profile = wrong-secret
            region = us-east-1

            [profile broken-process]
            credential_process = /bin/sh \(broken.path)
            region = us-east-1

            [profile failing-process]
            credential_process = /bin/sh \(failing.path)
            region = us-east-1

            """
        let file = directory.appendingPathComponent("aws-config")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    static func topology(failures: Bool) -> String {
        var text = """
            # Every way in: credential_process sessions, a role chain from a credential_process user,
            # and a hub role from the default chain.
            version: 1
            defaults:
              regions: [us-east-1]
            pipelines:
              - name: tools
                account: "111111111111"
            environments:
              - name: dev
                account: "\(dev)"
                profile: dev-via-process
                trust: [tools]
                trustForLookup: [tools]
                executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
              - name: prod
                account: "\(prod)"
                profile: prod-via-user
                trust: [tools]
                trustForLookup: [tools]
                executionPolicies: [arn:aws:iam::\(prod):policy/CdkDeployPolicy]
              - name: qa
                account: "\(qa)"
                access: {roleName: OrganizationAccountAccessRole}
                trust: [tools]
                trustForLookup: [tools]
                executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]

            """
        if failures {
            // Each fails its own way; the accounts are never reached.
            for (name, account, profile) in [
                ("locked", "555555555555", "locked"), ("wrong-secret", "777777777777", "wrong-secret"),
                ("wrong-secret-chain", "788888888888", "dev-wrong-secret"), ("broken-process", "799999999999", "broken-process"),
                ("failing-process", "800000000000", "failing-process"),
            ] {
                text += """
                      - name: \(name)
                        account: "\(account)"
                        profile: \(profile)
                        trust: [tools]
                        executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]

                    """
            }
        }
        return text + "rules:\n  allowAdministratorAccess: [dev, qa]\n"
    }

    /// The forms a leaked secret could take in an output.
    static func forms(of secret: String) -> [String] {
        var forms = [secret, secret.replacingOccurrences(of: "/", with: "\\/")]
        var unreserved = CharacterSet.alphanumerics
        unreserved.insert(charactersIn: "-._~")
        if let encoded = secret.addingPercentEncoding(withAllowedCharacters: unreserved) { forms.append(encoded) }
        if secret.count >= 32 {
            let start = secret.index(secret.startIndex, offsetBy: secret.count / 2 - 8)
            forms.append(String(secret[start..<secret.index(start, offsetBy: 16)]))
        }
        return Array(Set(forms))
    }

    /// Where any form of any secret shows up.
    static func leaks(of secrets: Set<String>, in outputs: [(String, String)]) -> [String] {
        var leaks: [String] = []
        for secret in secrets where secret.count >= 16 {
            for form in forms(of: secret) {
                for (place, text) in outputs where text.contains(form) {
                    leaks.append("\(place) holds \(form == secret ? "a secret" : "a form of a secret") (…\(secret.suffix(4)))")
                }
            }
        }
        return Set(leaks).sorted()
    }

    @Test func noSecretInAnyOutputOfAnyCommand() async throws {
        let org = try await HardeningOrganisation.state()
        let directory = try scratch("secrets")
        defer { try? FileManager.default.removeItem(at: directory) }
        let identities = try JSONDecoder().decode(Identities.self, from: try helper("setup", org: org, in: directory))
        let configFile = try config(org, identities: identities, in: directory)
        let summary = directory.appendingPathComponent("step-summary.md")
        let adminEnvironment = HardeningOrganisation.adminEnvironment(org, ["AWS_CONFIG_FILE": configFile.path, "GITHUB_STEP_SUMMARY": summary.path])
        let sessionEnvironment = org.environment([
            "AWS_CONFIG_FILE": configFile.path, "AWS_ACCESS_KEY_ID": identities.prodSession.AccessKeyId,
            "AWS_SECRET_ACCESS_KEY": identities.prodSession.SecretAccessKey, "AWS_SESSION_TOKEN": identities.prodSession.SessionToken ?? "",
        ])
        let brokenCredentials = directory.appendingPathComponent("broken-credentials")
        try "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key \(Self.brokenFileSecret)\n"
            .write(to: brokenCredentials, atomically: true, encoding: .utf8)

        var topologies: [Bool: URL] = [:]
        for failures in [false, true] {
            let file = directory.appendingPathComponent(failures ? "with-failures.yaml" : "reachable.yaml")
            try Self.topology(failures: failures).write(to: file, atomically: true, encoding: .utf8)
            topologies[failures] = file
        }
        let reachable = try #require(topologies[false])
        let failing = try #require(topologies[true])
        func out(_ name: String) -> URL { directory.appendingPathComponent("out-\(name)") }
        func audit(_ name: String, _ topology: URL, _ extra: [String] = []) -> [String] {
            [
                "audit", "--topology", topology.path, "--out", out(name).path, "--junit", out(name).appendingPathComponent("junit.xml").path,
                "--sarif", out(name).appendingPathComponent("report.sarif").path, "--save-snapshots",
                out(name).appendingPathComponent("snapshots.json").path, "--no-color",
            ] + extra
        }
        let bootstrap = [
            "cdk", "bootstrap", "aws://\(Self.dev)/us-east-1", "--profile", "dev-via-process", "--trust", "111111111111", "--trust-for-lookup",
            "111111111111", "--cloudformation-execution-policies", "arn:aws:iam::aws:policy/AdministratorAccess",
        ]

        // (arguments, environment, exit statuses allowed)
        let runs: [([String], [String: String], Set<Int32>)] = [
            (["whoami"], adminEnvironment, [0]),
            (["whoami", "--json"], sessionEnvironment, [0]),
            (["whoami", "--profile", "dev-via-process", "--json"], adminEnvironment, [0]),
            (["whoami", "--profile", "prod-via-user"], adminEnvironment, [0]),
            (["whoami", "--profile", "scan-user", "--json"], adminEnvironment, [0]),
            (["whoami", "--profile", "wrong-secret"], adminEnvironment, [3]),
            (["whoami", "--profile", "dev-wrong-secret", "--json"], adminEnvironment, [3]),
            (["whoami", "--profile", "broken-process"], adminEnvironment, [2, 3]),
            (["whoami", "--profile", "failing-process"], adminEnvironment, [2, 3]),
            (["whoami", "--profile", "locked"], adminEnvironment, [3]),
            (["whoami"], org.environment(["AWS_SHARED_CREDENTIALS_FILE": brokenCredentials.path]), [2]),
            (["validate", "--topology", reachable.path], adminEnvironment, [0]),
            (["validate", "--topology", failing.path], adminEnvironment, [0]),
            (audit("reachable", reachable), adminEnvironment, [1]),
            (audit("reachable-verbose", reachable, ["--verbose"]), adminEnvironment, [1]),
            (audit("failing", failing), adminEnvironment, [3]),
            (audit("failing-verbose", failing, ["--verbose"]), adminEnvironment, [3]),
            (
                [
                    "audit", "--topology", failing.path, "--from-snapshots", out("failing").appendingPathComponent("snapshots.json").path, "--out",
                    out("offline").path,
                ], adminEnvironment, [3]
            ),
            (["plan", "--topology", reachable.path], adminEnvironment, [0, 1, 3]),
            (["plan", "--topology", failing.path, "--format", "json"], adminEnvironment, [0, 1, 3]),
            (["plan", "--topology", failing.path, "--format", "markdown"], adminEnvironment, [0, 1, 3]),
            (["preflight", "--topology", reachable.path, "--"] + bootstrap, adminEnvironment, [0, 1]),
            (["preflight", "--topology", failing.path, "--json", "--"] + bootstrap, adminEnvironment, [0, 1, 3]),
            (
                [
                    "diff", out("reachable").appendingPathComponent("trustline-report.json").path,
                    out("failing").appendingPathComponent("trustline-report.json").path,
                ],
                adminEnvironment, [0, 1]
            ),
            (
                [
                    "diff", out("reachable").appendingPathComponent("trustline-report.json").path,
                    out("failing").appendingPathComponent("trustline-report.json").path, "--markdown",
                ], adminEnvironment, [0, 1]
            ),
        ]
        var outputs: [(String, String)] = []
        for (arguments, environment, statuses) in runs {
            let result = try run(PackagePaths.trustline, arguments, environment: environment, stdin: nil, directory: directory)
            let label = arguments.prefix(4).joined(separator: " ")
            #expect(statuses.contains(result.status), "\(label): exit \(result.status)\n\(result.stdout.suffix(1500))\(result.stderr.suffix(1500))")
            #expect(!result.stderr.contains("Fatal error"), "\(label)")
            outputs.append(("stdout of \(label)", result.stdout))
            outputs.append(("stderr of \(label)", result.stderr))
        }

        // The failures failed for the right reasons (so their error paths really ran).
        let failingReport = try ReportJSON.decode(try Data(contentsOf: out("failing").appendingPathComponent("trustline-report.json")))
        let reasons = Dictionary(uniqueKeysWithValues: failingReport.environments.map { ($0.name, $0.error ?? "") })
        #expect(reasons["wrong-secret"]?.contains("SignatureDoesNotMatch") == true, "\(reasons)")
        #expect(reasons["wrong-secret-chain"]?.contains("SignatureDoesNotMatch") == true, "\(reasons)")
        #expect(reasons["locked"]?.contains("AccessDenied") == true, "\(reasons)")
        #expect(reasons["broken-process"]?.contains("credential_process") == true, "\(reasons)")
        #expect(reasons["failing-process"]?.contains("credential_process") == true, "\(reasons)")
        for name in ["dev", "prod", "qa"] {
            #expect(failingReport.environments.first { $0.name == name }?.status != .unreachable, "\(name): \(reasons[name] ?? "")")
        }

        // Every file the runs wrote.
        var files: [URL] = [summary]
        for name in ["reachable", "reachable-verbose", "failing", "failing-verbose", "offline"] {
            let directory = out(name)
            for entry in try FileManager.default.contentsOfDirectory(atPath: directory.path) { files.append(directory.appendingPathComponent(entry)) }
        }
        #expect(files.contains { $0.lastPathComponent == "snapshots.json" } && files.contains { $0.lastPathComponent == "report.sarif" })
        for file in files {
            outputs.append((file.path, String(decoding: try Data(contentsOf: file), as: UTF8.self)))
        }
        // Snapshots hold what AWS said (trust policies, stack parameters), never credentials.
        let snapshots = String(decoding: try Data(contentsOf: out("reachable").appendingPathComponent("snapshots.json")), as: UTF8.self)
        #expect(snapshots.contains("AssumeRolePolicyDocument") || snapshots.contains("trustPolicy"))
        for word in ["SecretAccessKey", "secretAccessKey", "SessionToken", "sessionToken", "X-Amz-Security-Token", "Authorization", "Signature="] {
            #expect(!snapshots.contains(word), "\(word) in the snapshots")
        }

        // Every secret in play: the test's own, and every one moto ever issued.
        let harvest = try JSONDecoder().decode(Harvest.self, from: try helper("harvest", org: org, in: directory))
        #expect(harvest.trustlineSessions > 0, "the sessions trustline obtained are among those searched for")
        var secrets = Set(harvest.secrets)
        #expect(
            secrets.isSuperset(of: [identities.user.SecretAccessKey, identities.devSession.SecretAccessKey, org.adminSecretAccessKey]),
            "the harvest holds the secrets the test knows of")
        secrets.formUnion([
            org.adminSecretAccessKey, identities.user.SecretAccessKey, identities.devSession.SecretAccessKey,
            identities.prodSession.SecretAccessKey, Self.wrongSecret, Self.brokenProcessSecret, Self.failingProcessSecret,
            Self.brokenFileSecret,
        ])
        secrets.formUnion([identities.devSession.SessionToken, identities.prodSession.SessionToken].compactMap { $0 })
        #expect(outputs.count > 60)
        // The search finds what it looks for: a session token JSON-escaped, a secret cut short.
        let token = try #require(identities.devSession.SessionToken)
        #expect(!Self.leaks(of: secrets, in: [("probe", "{\"t\": \"\(token.replacingOccurrences(of: "/", with: "\\/"))\"}")]).isEmpty)
        #expect(!Self.leaks(of: secrets, in: [("probe", "key " + identities.user.SecretAccessKey.dropLast(10) + "…")]).isEmpty)
        let leaks = Self.leaks(of: secrets, in: outputs)
        #expect(leaks.isEmpty, "\(leaks.joined(separator: "\n"))")
    }
}

/// Runs an executable in `directory` with exactly the given environment.
private func run(_ executable: URL, _ arguments: [String], environment: [String: String], stdin: Data?, directory: URL) throws -> CommandResult {
    try run(
        URL(fileURLWithPath: "/bin/sh"), ["-c", "cd \"$0\" && exec \"$@\"", directory.path, executable.path] + arguments, environment: environment, stdin: stdin
    )
}
