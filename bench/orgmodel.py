"""orgmodel — the benchmark organisation: N accounts x R regions, deterministic breakage.

Shared by the fake AWS endpoint (what AWS says), the topology generator (what the topology
intends) and the benchmark runner (which findings to expect). Pure functions, no I/O.

Account i (1-based) is `200000000000 + i`. Odd accounts are `dev-NNNN` (AdministratorAccess
as execution policy, allowed by the rules), even ones `prod-NNNN` (a customer-managed
`CdkDeployPolicy`, so the audit also reads GetPolicy + GetPolicyVersion there).

Breakage, by account index (first region = index 0, last region = index R-1):

| i % …   | where        | what                                                     | expected check            |
|---------|--------------|----------------------------------------------------------|---------------------------|
| 97 == 0 | account      | the audit role cannot be assumed (AccessDenied)         | environment-unreachable   |
| 10 == 0 | last region  | not bootstrapped (no stack, no roles)                    | not-bootstrapped          |
| 29 == 0 | last region  | bootstrapped under qualifier `custom1`                   | qualifier-mismatch        |
|  7 == 0 | first region | re-bootstrapped without --trust (trust dropped)          | pipeline-trust-missing, lookup-trust-missing |
| 13 == 0 | first region | deploy role hand-edited to trust `*`                     | wildcard-trust (+ trust-drift) |
| 17 == 0 | first region | file-publishing role hand-edited to trust 999999999999   | unexpected-trust (+ trust-drift) |
| 11 == 0 | first region | bootstrap version 14 (rule: at least 21)                 | bootstrap-outdated        |
| 23 == 0 | first region | stack UPDATE_ROLLBACK_COMPLETE                           | bootstrap-stack-unhealthy |
| 19 == 0 | first region | cfn-exec carries an inline `*:*` policy (finding in prod)| execution-policy-admin    |
|  4 == 0 | every region | cfn-exec carries a harmless inline policy (one more read)| —                         |

The later rows of the table do not apply to a region an earlier "where: region" row already
broke (a region not bootstrapped has nothing else to break).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

PIPELINE_ACCOUNT = "111111111111"
# The default-chain credentials (dummy env keys) belong to the pipeline account, as in an
# organisation-wide nightly job that runs there and assumes an audit role everywhere.
HUB_ACCOUNT = PIPELINE_ACCOUNT
UNKNOWN_ACCOUNT = "999999999999"
AUDIT_ROLE = "TrustlineAudit"
QUALIFIER = "hnb659fds"
OTHER_QUALIFIER = "custom1"
STACK_NAME = "CDKToolkit"
BOOTSTRAP_VERSION = 27
OLD_BOOTSTRAP_VERSION = 14
MIN_BOOTSTRAP_VERSION = 21
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
REGIONS = [
    "us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2", "us-west-2", "ap-northeast-1",
    "sa-east-1", "ca-central-1", "eu-north-1", "ap-south-1",
]
ROLE_KINDS = ["deploy", "file-publishing", "image-publishing", "lookup", "cfn-exec"]
ACCOUNT_BASE = 200_000_000_000


def account_id(index: int) -> str:
    return f"{ACCOUNT_BASE + index:012d}"


def account_index(account: str) -> int | None:
    """The index of an organisation account, or None (the caller checks the range)."""
    if len(account) != 12 or not account.isdigit():
        return None
    index = int(account) - ACCOUNT_BASE
    return index if index > 0 else None


def environment_name(index: int) -> str:
    return f"{'prod' if index % 2 == 0 else 'dev'}-{index:04d}"


def is_prod(index: int) -> bool:
    return index % 2 == 0


def deploy_policy_arn(account: str) -> str:
    return f"arn:aws:iam::{account}:policy/CdkDeployPolicy"


def intended_execution_policies(index: int) -> list[str]:
    return [deploy_policy_arn(account_id(index))] if is_prod(index) else [ADMIN_ARN]


def role_name(qualifier: str, kind: str, account: str, region: str) -> str:
    return f"cdk-{qualifier}-{kind}-role-{account}-{region}"


@dataclass
class RegionState:
    """What is deployed in one account/region."""

    bootstrapped: bool = True
    qualifier: str = QUALIFIER
    trusted: list[str] = field(default_factory=lambda: [PIPELINE_ACCOUNT])
    trusted_for_lookup: list[str] = field(default_factory=lambda: [PIPELINE_ACCOUNT])
    version: int = BOOTSTRAP_VERSION
    status: str = "UPDATE_COMPLETE"
    wildcard_deploy: bool = False
    extra_publishing_account: str | None = None
    attached: list[str] = field(default_factory=list)
    inline: dict[str, dict] = field(default_factory=dict)
    expected_checks: list[str] = field(default_factory=list)


HARMLESS_INLINE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::cdk-assets-*/*"}],
}
ADMIN_INLINE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DEPLOY_POLICY_DOCUMENT = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["cloudformation:*", "lambda:*", "s3:*", "dynamodb:*", "sqs:*", "sns:*", "logs:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": ["iam:PassRole", "iam:*Role*", "iam:*Policy*"], "Resource": "arn:aws:iam::*:role/app-*"},
        {"Effect": "Deny", "Action": ["iam:CreateUser", "iam:CreateAccessKey"], "Resource": "*"},
    ],
}


def assumable(index: int) -> bool:
    return index % 97 != 0


def region_state(index: int, region_index: int, region_count: int) -> RegionState:
    first = region_index == 0
    last = region_index == region_count - 1
    state = RegionState(attached=list(intended_execution_policies(index)))
    if not assumable(index):
        state.expected_checks = ["environment-unreachable"]
        return state
    if index % 10 == 0 and last:
        state.bootstrapped = False
        state.expected_checks = ["not-bootstrapped"]
        return state
    if index % 29 == 0 and last:
        state.qualifier = OTHER_QUALIFIER
        state.expected_checks = ["qualifier-mismatch"]
        return state
    if index % 4 == 0:
        state.inline["CdkAssetsAccess"] = HARMLESS_INLINE
    if first:
        if index % 7 == 0:
            state.trusted = []
            state.trusted_for_lookup = []
            state.expected_checks += ["pipeline-trust-missing", "lookup-trust-missing"]
        if index % 13 == 0:
            state.wildcard_deploy = True
            state.expected_checks += ["wildcard-trust"]
        if index % 17 == 0:
            state.extra_publishing_account = UNKNOWN_ACCOUNT
            state.expected_checks += ["unexpected-trust"]
        if index % 11 == 0:
            state.version = OLD_BOOTSTRAP_VERSION
            state.expected_checks += ["bootstrap-outdated"]
        if index % 23 == 0:
            state.status = "UPDATE_ROLLBACK_COMPLETE"
            state.expected_checks += ["bootstrap-stack-unhealthy"]
        if index % 19 == 0:
            state.inline["BreakGlass"] = ADMIN_INLINE
            if is_prod(index):
                state.expected_checks += ["execution-policy-admin"]
    return state


# --- trust policies, as CloudFormation resolves the CDK bootstrap template and IAM returns them ---


def _principal(accounts: list[str]):
    roots = [f"arn:aws:iam::{a}:root" for a in accounts]
    return roots[0] if len(roots) == 1 else roots


def _pair(accounts: list[str], list_action: bool) -> list[dict]:
    principal = {"AWS": _principal(accounts)}
    return [
        {"Action": ["sts:AssumeRole"] if list_action else "sts:AssumeRole", "Effect": "Allow", "Principal": principal,
         "Condition": {"Null": {"sts:ExternalId": "true"}}},
        {"Action": ["sts:TagSession"] if list_action else "sts:TagSession", "Effect": "Allow", "Principal": principal},
    ]


def trust_policy(kind: str, account: str, state: RegionState) -> dict:
    if kind == "cfn-exec":
        return {"Version": "2012-10-17", "Statement": [
            {"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"Service": "cloudformation.amazonaws.com"}}]}
    statements = _pair([account], False)
    if kind == "lookup" and state.trusted_for_lookup:
        statements += _pair(state.trusted_for_lookup, True)
    if state.trusted:
        statements += _pair(state.trusted, True)
    if kind == "deploy" and state.wildcard_deploy:
        statements.append({"Action": "sts:AssumeRole", "Effect": "Allow", "Principal": {"AWS": "*"}})
    if kind == "file-publishing" and state.extra_publishing_account:
        statements.append({"Action": "sts:AssumeRole", "Effect": "Allow",
                           "Principal": {"AWS": f"arn:aws:iam::{state.extra_publishing_account}:root"}})
    return {"Version": "2008-10-17", "Statement": statements}


def other_roles(account: str) -> list[tuple[str, str, dict]]:
    """(path, name, trust policy) of the roles that are not CDK's."""
    hub = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{HUB_ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]}
    org = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::100000000001:root"}, "Action": "sts:AssumeRole"}]}

    def service(name: str) -> dict:
        return {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"Service": name}, "Action": "sts:AssumeRole"}]}

    return [
        ("/", AUDIT_ROLE, hub),
        ("/", "OrganizationAccountAccessRole", org),
        ("/aws-service-role/support.amazonaws.com/", "AWSServiceRoleForSupport", service("support.amazonaws.com")),
        ("/aws-service-role/trustedadvisor.amazonaws.com/", "AWSServiceRoleForTrustedAdvisor", service("trustedadvisor.amazonaws.com")),
        ("/service-role/", "app-orders-lambda-exec", service("lambda.amazonaws.com")),
    ]


def expected_findings(accounts: int, regions: int) -> dict[str, int]:
    """How many findings of each check the audit should report (the main checks only; a
    wildcard or hand edit also gives trust-drift, which is not counted here)."""
    out: dict[str, int] = {}
    for index in range(1, accounts + 1):
        for region_index in range(regions):
            for check in region_state(index, region_index, regions).expected_checks:
                out[check] = out.get(check, 0) + 1
    return dict(sorted(out.items()))


def compact_json(document: dict) -> str:
    return json.dumps(document, separators=(",", ":"))
