#!/usr/bin/env python3
"""boto3_reference — the scanner a user would otherwise write: the same reads as a trustline
audit, with boto3 and a thread pool of the same size.

    python3 bench/boto3_reference.py --topology org.yaml --concurrency 64 --out result.json

Reads the topology (environments, regions, hub role in `defaults.access`), and for each account
in a ThreadPoolExecutor(max_workers=CONCURRENCY) task:

    sts.assume_role (hub role, from the default credential chain)
    sts.get_caller_identity, iam.list_roles (paginator)           once per account
    per region: cloudformation.describe_stacks(StackName=CDKToolkit),
                iam list_attached_role_policies (+ get_policy, get_policy_version of
                customer-managed policies, once per account), list_role_policies
                (+ get_role_policy) for the cfn-exec role

It only collects what it reads (no trust evaluation). boto3 sessions: one shared client for the
hub's AssumeRole, then a boto3.Session per account with the assumed credentials and its own
clients — the documented pattern (sessions are not thread-safe; clients are). botocore's
default configuration, with standard retries and max_pool_connections=CONCURRENCY.
The endpoint comes from AWS_ENDPOINT_URL (or --endpoint-url).

--shared-session is a tuned variant: every client is made from the one hub session (under a
lock, as Session.client is not thread-safe) with the assumed keys passed explicitly, so the
service models are loaded once instead of once per account.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import boto3
import yaml
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError


def load_topology(path: str) -> list[dict]:
    """Environments as {name, account, regions, qualifier, stack, role}."""
    with open(path) as f:
        doc = yaml.safe_load(f)
    defaults = doc.get("defaults") or {}
    out = []
    for env in doc["environments"]:
        access = env.get("access") or defaults.get("access") or {}
        out.append({
            "name": env["name"], "account": str(env["account"]),
            "regions": env.get("regions") or defaults.get("regions"),
            "qualifier": env.get("qualifier") or defaults.get("qualifier") or "hnb659fds",
            "stack": env.get("toolkitStackName") or defaults.get("toolkitStackName") or "CDKToolkit",
            "role": access.get("roleName"), "externalId": access.get("externalId"),
        })
    return out


class SharedSession:
    """Makes every account's clients from one session: models loaded once."""

    def __init__(self, session: boto3.Session, creds: dict, region: str):
        self.session, self.creds, self.region = session, creds, region

    def client(self, service: str, region_name: str | None = None, **kwargs):
        with CLIENT_LOCK:
            return self.session.client(
                service, region_name=region_name or self.region, aws_access_key_id=self.creds["AccessKeyId"],
                aws_secret_access_key=self.creds["SecretAccessKey"], aws_session_token=self.creds["SessionToken"], **kwargs)


CLIENT_LOCK = threading.Lock()


def scan_account(env: dict, hub_sts, config: Config, endpoint_url: str | None, shared: boto3.Session | None = None) -> list[dict]:
    account = env["account"]
    results = []
    try:
        params = {"RoleArn": f"arn:aws:iam::{account}:role/{env['role']}", "RoleSessionName": "audit"}
        if env.get("externalId"):
            params["ExternalId"] = env["externalId"]
        creds = hub_sts.assume_role(**params)["Credentials"]
        if shared is not None:
            session = SharedSession(shared, creds, env["regions"][0])
        else:
            session = boto3.Session(
                aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                aws_session_token=creds["SessionToken"], region_name=env["regions"][0])
        identity = session.client("sts", config=config, endpoint_url=endpoint_url).get_caller_identity()
        iam = session.client("iam", config=config, endpoint_url=endpoint_url)
        roles = [role for page in iam.get_paginator("list_roles").paginate() for role in page["Roles"]]
    except (ClientError, BotoCoreError) as error:
        return [{"environment": env["name"], "account": account, "region": r, "error": str(error)} for r in env["regions"]]
    by_name = {role["RoleName"]: role for role in roles}
    documents: dict[str, object] = {}
    for region in env["regions"]:
        result = {"environment": env["name"], "account": account, "region": region, "reached": identity["Account"]}
        try:
            cfn = session.client("cloudformation", region_name=region, config=config, endpoint_url=endpoint_url)
            try:
                result["stack"] = cfn.describe_stacks(StackName=env["stack"])["Stacks"][0]
            except ClientError as error:
                if error.response["Error"]["Code"] != "ValidationError":
                    raise
                result["stack"] = None
            result["roles"] = {}
            for kind in ["deploy", "file-publishing", "image-publishing", "lookup", "cfn-exec"]:
                name = f"cdk-{env['qualifier']}-{kind}-role-{account}-{region}"
                if name not in by_name:
                    continue
                role = {"trust": by_name[name].get("AssumeRolePolicyDocument")}
                if kind == "cfn-exec":
                    role["attached"] = []
                    pages = iam.get_paginator("list_attached_role_policies").paginate(RoleName=name)
                    for policy in (p for page in pages for p in page["AttachedPolicies"]):
                        entry = {"arn": policy["PolicyArn"]}
                        arn = policy["PolicyArn"]
                        if ":iam::aws:policy/" not in arn:
                            if arn not in documents:  # IAM is global: once per account, as trustline
                                version = iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"]
                                documents[arn] = iam.get_policy_version(PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
                            entry["document"] = documents[arn]
                        role["attached"].append(entry)
                    role["inline"] = {}
                    pages = iam.get_paginator("list_role_policies").paginate(RoleName=name)
                    for policy_name in (n for page in pages for n in page["PolicyNames"]):
                        role["inline"][policy_name] = iam.get_role_policy(RoleName=name, PolicyName=policy_name)["PolicyDocument"]
                result["roles"][kind] = role
        except (ClientError, BotoCoreError) as error:
            result["error"] = str(error)
        results.append(result)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description="The boto3 scanner a user would write: the reads of a trustline audit.")
    parser.add_argument("--topology", required=True)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--out", help="write the collected results here (JSON)")
    parser.add_argument("--endpoint-url", help="default: AWS_ENDPOINT_URL, as botocore reads it")
    parser.add_argument("--shared-session", action="store_true", help="tuned variant: all clients from one session")
    args = parser.parse_args()

    envs = load_topology(args.topology)
    # Environments that share an account are read together (one AssumeRole per account).
    accounts: dict[str, dict] = {}
    for env in envs:
        if env["account"] in accounts:
            accounts[env["account"]]["regions"] += env["regions"]
        else:
            accounts[env["account"]] = dict(env, regions=list(env["regions"]))
    config = Config(retries={"mode": "standard"}, max_pool_connections=args.concurrency)
    hub = boto3.Session()
    hub_sts = hub.client("sts", region_name=envs[0]["regions"][0], config=config, endpoint_url=args.endpoint_url)

    start = time.monotonic()
    results: list[dict] = []
    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        for account_results in pool.map(
                lambda env: scan_account(env, hub_sts, config, args.endpoint_url, hub if args.shared_session else None),
                accounts.values()):
            results += account_results
    elapsed = time.monotonic() - start

    summary = {
        "environments": len(results), "accounts": len(accounts),
        "errors": sum(1 for r in results if "error" in r),
        "stacks": sum(1 for r in results if r.get("stack")),
        "seconds": round(elapsed, 3),
    }
    if args.out:
        with open(args.out, "w") as f:
            json.dump({"summary": summary, "environments": results}, f, default=str)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
