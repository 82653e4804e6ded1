// LeastPrivilegeTests — policies/auditor-policy.json is exactly what an audit needs: a real audit
// through a `TrustlineAudit` role that holds only that policy passes on a healthy organisation,
// and every action the audit sent is in the policy while every action in the policy was sent; the
// same role without any one of its actions (or with a narrower resource) makes the environment
// `environment-unreachable` with AccessDenied, exit 3. The docs' StackSet template carries the
// same policy. moto checks identity policies with auth on; the test patch below makes it check
// them against the resource each call is about, as AWS does.
import Foundation
import Testing
import TrustlineAWS
import TrustlineCore
import TrustlineReport

/// The private organisation of the hardening suites (least privilege, secrets, hostile values):
/// `scenarios/least-privilege.yaml`, started once for all three with the moto patch below.
enum HardeningOrganisation {
    /// A directory of support files written once per test process.
    static let support: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("trustline-hardening-\(getpid())")
        let python = directory.appendingPathComponent("python")
        try? FileManager.default.createDirectory(at: python, withIntermediateDirectories: true)
        try? motoPatch.write(to: python.appendingPathComponent("sitecustomize.py"), atomically: true, encoding: .utf8)
        try? roleHelper.write(to: directory.appendingPathComponent("roles.py"), atomically: true, encoding: .utf8)
        _ = FileManager.default.createFile(atPath: directory.appendingPathComponent("auth.log").path, contents: nil)
        return directory
    }()

    /// Every authorisation decision moto took for a session of a `TrustlineAudit*` role.
    static var authLog: URL { support.appendingPathComponent("auth.log") }

    static func state() async throws -> OrganisationState {
        let directory = support
        return try await EmulatedOrganisation.shared.state(
            scenarioFile: PackagePaths.root.appendingPathComponent("scenarios/least-privilege.yaml"), key: "hardening",
            environment: [
                "PYTHONPATH": directory.appendingPathComponent("python").path,
                "TRUSTLINE_AUTH_LOG": authLog.path,
            ])
    }

    /// The org's environment with its admin keys (helpers sign their own requests).
    static func adminEnvironment(_ org: OrganisationState, _ extra: [String: String] = [:]) -> [String: String] {
        org.environment(["AWS_ACCESS_KEY_ID": org.adminAccessKeyId, "AWS_SECRET_ACCESS_KEY": org.adminSecretAccessKey].merging(extra) { $1 })
    }

    /// Puts inline policies on roles (creating the roles, trusting the management account, when
    /// asked): `operations` as `roles.py` reads them.
    static func putRolePolicies(_ operations: [[String: Any]], org: OrganisationState) throws {
        let spec = try JSONSerialization.data(withJSONObject: ["hubRole": "OrganizationAccountAccessRole", "operations": operations])
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", support.appendingPathComponent("roles.py").path], environment: adminEnvironment(org),
            stdin: spec)
        #expect(result.status == 0, "roles.py: \(result.stderr.suffix(2000))")
    }

    /// Test-only moto patch, loaded by the launcher through PYTHONPATH (sitecustomize).
    static let motoPatch = #"""
        """Test-only moto patch of trustline's hardening tests (written by LeastPrivilegeTests.swift).

        With auth on, moto checks identity policies against the resource "*" for most calls, where AWS
        checks the resource the call is about. Give DescribeStacks the stack's ARN and GetPolicy /
        GetPolicyVersion the policy's ARN (IAM role calls already get the role's ARN), so that
        resource-scoped statements are judged as AWS judges them; and log every decision taken for a
        session of a TrustlineAudit* role to $TRUSTLINE_AUTH_LOG, one JSON object per line.
        Only the moto launcher process is patched."""
        import json
        import os
        import threading


        def _in_launcher():
            try:
                with open("/proc/self/cmdline", "rb") as handle:
                    return b"moto_launcher.py" in handle.read()
            except OSError:
                return False


        if _in_launcher():
            from moto.core.authorization import ActionAuthenticatorMixin

            _original = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
            _lock = threading.Lock()

            def _resource(self, resource):
                if resource != "*":
                    return resource
                service, action = getattr(self, "service_name", ""), self._get_action()
                if service == "cloudformation" and action == "DescribeStacks":
                    name = self._get_param("StackName")
                    if name:
                        if name.startswith("arn:"):
                            return name
                        return f"arn:aws:cloudformation:{self.region}:{self.current_account}:stack/{name}/*"
                if service == "iam" and action in ("GetPolicy", "GetPolicyVersion"):
                    return self._get_param("PolicyArn") or resource
                return resource

            def _role_of(self):
                authorization = self.headers.get("Authorization") or ""
                if "Credential=" not in authorization:
                    return None
                key = authorization.split("Credential=", 1)[1].split("/", 1)[0]
                from moto.sts.models import sts_backends

                for role in sts_backends[self.current_account]["aws"].assumed_roles:
                    if role.access_key_id == key:
                        return role.role_arn
                return None

            def _record(self, resource, allowed):
                path = os.environ.get("TRUSTLINE_AUTH_LOG")
                if not path:
                    return
                try:
                    role = _role_of(self)
                except Exception:  # noqa: BLE001 - the log never changes an answer
                    return
                if not role or not role.split("/")[-1].startswith("TrustlineAudit"):
                    return
                action = f"{self.service_name}:{self._get_action()}"
                line = json.dumps({"role": role, "action": action, "resource": resource, "allowed": allowed})
                with _lock, open(path, "a") as handle:
                    handle.write(line + "\n")

            def _authorize(self, resource="*"):
                resource = _resource(self, resource)
                try:
                    _original(self, resource)
                except BaseException:
                    _record(self, resource, False)
                    raise
                _record(self, resource, True)

            ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = _authorize

        """#

    /// Puts inline policies on roles of the organisation's accounts, through their hub roles.
    static let roleHelper = #"""
        """Gives roles of the emulated organisation inline policies, creating the roles when asked.

            roles.py < SPEC   SPEC: {"hubRole": NAME, "operations": [{"account": ID, "role": NAME,
                              "policyName": NAME, "policy": {...}, "create": true|false}, ...]}

        Signs with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (the org's admin user) and acts in each
        account through its hub role; talks to AWS_ENDPOINT_URL (127.0.0.1) only. A role made here
        trusts the management account (123456789012), as the hub roles do."""
        import json
        import os
        import sys

        import boto3

        endpoint = os.environ["AWS_ENDPOINT_URL"]
        assert endpoint.startswith("http://127.0.0.1:"), "emulator endpoints only"
        spec = json.load(sys.stdin)
        admin = boto3.Session(
            aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],
            region_name=os.environ.get("AWS_REGION", "us-east-1"),
        )
        sts = admin.client("sts", endpoint_url=endpoint)
        trust = json.dumps({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})
        clients = {}
        for op in spec["operations"]:
            account = op["account"]
            if account not in clients:
                role_arn = f"arn:aws:iam::{account}:role/{spec['hubRole']}"
                creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="trustline-tests")["Credentials"]
                clients[account] = boto3.Session(
                    aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                    aws_session_token=creds["SessionToken"], region_name=admin.region_name,
                ).client("iam", endpoint_url=endpoint)
            iam = clients[account]
            if op.get("create"):
                try:
                    iam.create_role(RoleName=op["role"], AssumeRolePolicyDocument=trust)
                except iam.exceptions.EntityAlreadyExistsException:
                    pass
            iam.put_role_policy(RoleName=op["role"], PolicyName=op["policyName"], PolicyDocument=json.dumps(op["policy"]))
        print("ok")

        """#
}

@Suite(.serialized) struct LeastPrivilegeTests {
    static let dev = "222222222222"
    static let prod = "333333333333"
    static let policyFile = PackagePaths.root.appendingPathComponent("policies/auditor-policy.json")

    /// The healthy part of the organisation, read through `access.roleName` from the default
    /// chain (the admin keys in the environment): the nightly job's usual set-up.
    static func topology(roleName: String) -> String {
        """
        # The healthy environments of scenarios/least-privilege.yaml, read through \(roleName).
        version: 1
        defaults:
          regions: [us-east-1]
          access: {roleName: \(roleName)}
        pipelines:
          - name: tools
            account: "111111111111"
        environments:
          - name: dev
            account: "\(dev)"
            trust: [tools]
            trustForLookup: [tools]
            executionPolicies: [arn:aws:iam::aws:policy/AdministratorAccess]
          - name: prod
            account: "\(prod)"
            trust: [tools]
            trustForLookup: [tools]
            executionPolicies: [arn:aws:iam::\(prod):policy/CdkDeployPolicy]
        rules:
          allowAdministratorAccess: [dev]

        """
    }

    func policy() throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.policyFile)) as? [String: Any])
    }

    static func statements(_ policy: [String: Any]) -> [[String: Any]] {
        policy["Statement"] as? [[String: Any]] ?? []
    }

    static func list(_ value: Any?) -> [String] {
        (value as? [String]) ?? (value as? String).map { [$0] } ?? []
    }

    static func actions(_ policy: [String: Any]) -> Set<String> {
        Set(statements(policy).flatMap { list($0["Action"]) })
    }

    func scratch(_ label: String) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// A role named `roleName` in dev and prod with exactly `policy` (inline, as the StackSet makes it).
    func giveAuditRole(_ roleName: String, policy: [String: Any], org: OrganisationState) throws {
        try HardeningOrganisation.putRolePolicies(
            [Self.dev, Self.prod].map { ["account": $0, "role": roleName, "policyName": "trustline-audit", "policy": policy, "create": true] }, org: org)
    }

    /// prod's cfn-exec role also gets a harmless inline policy, so the audit reads one (iam:GetRolePolicy).
    func giveExecutionRoleAnInlinePolicy(org: OrganisationState) throws {
        let document: [String: Any] = [
            "Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:*:\(Self.prod):deploy-*"]],
        ]
        try HardeningOrganisation.putRolePolicies(
            [["account": Self.prod, "role": "cdk-hnb659fds-cfn-exec-role-\(Self.prod)-us-east-1", "policyName": "queue-access", "policy": document]], org: org)
    }

    func audit(roleName: String, org: OrganisationState, in directory: URL) throws -> (CommandResult, AuditReport) {
        let topology = directory.appendingPathComponent("org.yaml")
        try Self.topology(roleName: roleName).write(to: topology, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("reports")
        let result = try trustline(
            ["audit", "--topology", topology.path, "--out", out.path, "--no-color"], environment: HardeningOrganisation.adminEnvironment(org))
        let data = try #require(FileManager.default.contents(atPath: out.appendingPathComponent("trustline-report.json").path), "\(result.stderr)")
        return (result, try ReportJSON.decode(data))
    }

    struct Decision: Decodable, Hashable {
        var role: String
        var action: String
        var resource: String
        var allowed: Bool
    }

    /// moto's decisions for sessions of `roleName` (any account).
    func decisions(for roleName: String) throws -> [Decision] {
        let text = try String(contentsOf: HardeningOrganisation.authLog, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Decision.self, from: Data($0.utf8)) }
            .filter { $0.role.hasSuffix(":role/\(roleName)") }
    }

    @Test func theAuditorPolicyIsEnoughAndEveryActionInItIsUsed() async throws {
        let org = try await HardeningOrganisation.state()
        let directory = try scratch("least")
        defer { try? FileManager.default.removeItem(at: directory) }
        let policy = try policy()
        try giveAuditRole("TrustlineAudit", policy: policy, org: org)
        try giveExecutionRoleAnInlinePolicy(org: org)

        let (result, report) = try audit(roleName: "TrustlineAudit", org: org, in: directory)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(report.findings.isEmpty, "\(report.findings.map(\.message))")
        #expect(report.environments.map(\.status) == [.ok, .ok])
        let prod = try #require(report.environments.first { $0.name == "prod" })
        #expect(prod.executionPolicies == ["arn:aws:iam::\(Self.prod):policy/CdkDeployPolicy"])

        // What moto saw: every call of the audit role allowed, each action of the policy sent, no other.
        let decisions = try decisions(for: "TrustlineAudit")
        #expect(!decisions.isEmpty, "no decision logged: is the test moto patch loaded?")
        #expect(decisions.filter { !$0.allowed }.isEmpty, "\(decisions.filter { !$0.allowed })")
        let sent = Set(decisions.map(\.action))
        #expect(
            sent == Self.actions(policy),
            "sent but not in the policy: \(sent.subtracting(Self.actions(policy))); in the policy but never sent: \(Self.actions(policy).subtracting(sent))")
        #expect(sent.isSubset(of: QueryClient.readOnlyActions))
        // The resources really were checked: stacks, roles and policies by ARN.
        #expect(
            decisions.contains {
                $0.action == "cloudformation:DescribeStacks" && $0.resource.hasPrefix("arn:aws:cloudformation:us-east-1:\(Self.dev):stack/CDKToolkit/")
            })
        #expect(decisions.contains { $0.action == "iam:GetRolePolicy" && $0.resource.hasSuffix(":role/cdk-hnb659fds-cfn-exec-role-\(Self.prod)-us-east-1") })
        #expect(decisions.contains { $0.action == "iam:GetPolicyVersion" && $0.resource == "arn:aws:iam::\(Self.prod):policy/CdkDeployPolicy" })
        expectClean(result, secrets: [org.adminSecretAccessKey])
    }

    /// The policy without one of its actions, or with a narrower resource than the audit needs.
    struct Weakening: CustomTestStringConvertible, Sendable {
        var label: String
        var roleName: String
        /// The action whose AccessDenied makes the audit incomplete.
        var deniedAction: String
        var remove: String?
        var resource: (from: String, to: String)?
        var testDescription: String { label }

        func apply(to policy: [String: Any]) -> [String: Any] {
            var out = policy
            out["Statement"] = LeastPrivilegeTests.statements(policy).compactMap { statement -> [String: Any]? in
                var statement = statement
                let actions = LeastPrivilegeTests.list(statement["Action"]).filter { $0 != remove }
                if actions.isEmpty { return nil }
                statement["Action"] = actions
                if let resource, let value = statement["Resource"] as? String, value == resource.from { statement["Resource"] = resource.to }
                return statement
            }
            return out
        }
    }

    // sts:GetCallerIdentity is not among them: no policy can deny it (AWS answers it for any
    // signed request), so it is in the policy only to say what trustline sends.
    static let weakenings: [Weakening] =
        [
            "iam:ListRoles", "iam:ListAttachedRolePolicies", "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:GetPolicy", "iam:GetPolicyVersion",
            "cloudformation:DescribeStacks",
        ].map { action in
            Weakening(
                label: "without \(action)", roleName: "TrustlineAuditNo" + (action.split(separator: ":").last.map(String.init) ?? action),
                deniedAction: action, remove: action)
        } + [
            Weakening(
                label: "DescribeStacks of another stack name only", roleName: "TrustlineAuditOtherStack", deniedAction: "cloudformation:DescribeStacks",
                resource: ("arn:aws:cloudformation:*:*:stack/CDKToolkit/*", "arn:aws:cloudformation:*:*:stack/OpsToolkit/*")),
            Weakening(
                label: "role reads of the deploy roles only", roleName: "TrustlineAuditDeployRoles", deniedAction: "iam:ListAttachedRolePolicies",
                resource: ("arn:aws:iam::*:role/cdk-*-cfn-exec-role-*", "arn:aws:iam::*:role/cdk-*-deploy-role-*")),
        ]

    @Test(arguments: weakenings)
    func aWeakerPolicyLeavesTheAuditIncomplete(_ weakening: Weakening) async throws {
        let org = try await HardeningOrganisation.state()
        let directory = try scratch("weaker")
        defer { try? FileManager.default.removeItem(at: directory) }
        let weaker = weakening.apply(to: try policy())
        if let removed = weakening.remove { #expect(!Self.actions(weaker).contains(removed)) }
        try giveAuditRole(weakening.roleName, policy: weaker, org: org)
        try giveExecutionRoleAnInlinePolicy(org: org)

        let (result, report) = try audit(roleName: weakening.roleName, org: org, in: directory)
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(report.summary.exitCode == 3)
        let unreachable = report.findings.filter { $0.check == .environmentUnreachable }
        #expect(!unreachable.isEmpty, "\(report.findings.map(\.message))")
        for finding in unreachable {
            #expect(finding.message.contains("AccessDenied"), "\(finding.message)")
            #expect(finding.message.contains("not authorized to perform: \(weakening.deniedAction)"), "\(finding.message)")
        }
        #expect(try decisions(for: weakening.roleName).contains { $0.action == weakening.deniedAction && !$0.allowed })
    }

    /// The StackSet template in docs/security.md gives the role exactly policies/auditor-policy.json.
    @Test func theStackSetTemplateInTheDocsCarriesThePolicy() throws {
        let docs = try String(contentsOf: PackagePaths.root.appendingPathComponent("docs/security.md"), encoding: .utf8)
        let marker = "# trustline-audit-role.yaml"
        let start = try #require(docs.range(of: "```yaml\n" + marker), "docs/security.md has the template")
        let body = docs[start.upperBound...]
        let end = try #require(body.range(of: "\n```"))
        let template = marker + String(body[..<end.lowerBound])
        let directory = try scratch("stackset")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("template.yaml")
        try template.write(to: file, atomically: true, encoding: .utf8)
        // CloudFormation's short forms (!Sub …) read as plain values; ${AWS::Partition} as aws.
        let script = """
            import json, sys, yaml
            class Loader(yaml.SafeLoader): pass
            Loader.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node))
            template = yaml.load(open(sys.argv[1]), Loader=Loader)
            role = template["Resources"]["TrustlineAuditRole"]["Properties"]
            document = role["Policies"][0]["PolicyDocument"]
            text = json.dumps(document).replace("${AWS::Partition}", "aws")
            print(json.dumps({"roleName": role["RoleName"], "policy": json.loads(text)}))
            """
        let result = try run(URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", script, file.path], environment: ["PATH": "/usr/bin:/bin"])
        #expect(result.status == 0, "\(result.stderr)")
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(parsed["roleName"] as? String == "TrustlineAudit")
        let fromDocs = try #require(parsed["policy"] as? [String: Any])
        let normalise = { (policy: [String: Any]) -> String in
            let statements = Self.statements(policy).map { statement -> [String: Any] in
                var statement = statement
                statement["Action"] = Self.list(statement["Action"]).sorted()
                statement["Resource"] = Self.list(statement["Resource"]).sorted()
                return statement
            }
            let data =
                (try? JSONSerialization.data(withJSONObject: ["Version": policy["Version"] ?? "", "Statement": statements], options: [.sortedKeys])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
        #expect(normalise(fromDocs) == normalise(try policy()))
    }
}
