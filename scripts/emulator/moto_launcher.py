#!/usr/bin/env python3
"""Start moto's server on 127.0.0.1, patched so that it answers what real AWS would.

Usage:
    moto_launcher.py [--port N] [--ready-file PATH] [--no-trust-check] [--unpatched]

The server always binds 127.0.0.1 (never any other address). With --port 0 (the
default) the kernel picks a free port. When the server is listening, one line
``READY http://127.0.0.1:PORT`` is printed on stdout and, with --ready-file, the same
endpoint is written to that file (atomically). The process asks the kernel to kill it
when its parent dies (Linux prctl PR_SET_PDEATHSIG), so it never outlives the harness.

moto 5.2.1 gaps fixed here (each by replacing one moto function; see README.md):

  cfn-novalue-in-list  `Fn::If [c, X, Ref AWS::NoValue]` in a list left a null element
                       (trust policies of a bootstrap without --trust had
                       "Statement": [..., null, null]); CloudFormation drops it.
  cfn-list-params      DescribeStacks printed CommaDelimitedList parameters as the
                       Python repr "['a', 'b']"; real AWS answers "a,b".
  cfn-last-updated     Stacks never had a LastUpdatedTime; real AWS sets it on update.
  cfn-changeset-gone   DeleteChangeSet crashed (500) on an unknown change set name, which
                       the CDK CLI sends before every update of an existing stack, and
                       DescribeChangeSet answered ValidationError instead of
                       ChangeSetNotFound (the CLI waits for that code).
  cfn-changeset-outputs  A stack created through a change set (as the CDK CLI does) had
                       no Outputs (BootstrapVersion, BucketName...) and no Description.
  cfn-update-params    After an executed UPDATE change set, the stack kept its old
                       parameters for "has anything changed" comparisons, and
                       UsePreviousValue handed a Python list back into the parser.
  iam-role-inline      Inline policies (Policies) of stack-made roles were stored as a
                       Python dict: GetRolePolicy answered a Python repr and
                       GetAccountAuthorizationDetails a 500. Stored as JSON now.
  iam-role-managed     ManagedPolicyArns of stack-made roles were never attached.
  iam-role-update      A stack update did not re-apply a role's trust policy, inline
                       policies, managed policies or permissions boundary.
  query-raw-body       Query signatures were checked against a re-encoded body (space as
                       "+"), so a correctly signed %20 failed; now against the bytes sent.
  sts-unsigned-web-identity  With auth on, AssumeRoleWithWebIdentity/AssumeRoleWithSAML
                       without a signature answered 500; AWS accepts them unsigned.
  sts-trust            AssumeRole succeeded for any ARN, even for a role that does not
                       exist or whose trust policy does not name the caller. Now the
                       role must exist and its trust policy must let the caller in
                       (disable with --no-trust-check).
"""

from __future__ import annotations

import argparse
import ctypes
import fnmatch
import json
import os
import signal
import sys
import tempfile
from typing import Any

PR_SET_PDEATHSIG = 1
LOOPBACK = "127.0.0.1"
PREWARM_SERVICES = ("moto_api", "sts", "iam", "cloudformation", "s3", "ecr", "ssm", "kms")

APPLIED_PATCHES: list[str] = []


def die_with_parent() -> None:
    """Ask Linux to send SIGTERM to this process when its parent exits."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, "prctl(PR_SET_PDEATHSIG) failed")
    # The parent may already be gone before prctl took effect.
    if os.getppid() == 1:
        sys.exit(1)


# --------------------------------------------------------------------------------------
# CloudFormation
# --------------------------------------------------------------------------------------


def _flat(value: Any) -> Any:
    """A parameter value as CloudFormation shows it: lists joined by commas."""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def patch_cloudformation() -> None:
    from moto.cloudformation import models as cfm
    from moto.cloudformation.exceptions import CloudFormationError
    from moto.core.utils import utcnow

    # --- cfn-novalue-in-list ------------------------------------------------------------
    # `Fn::If [cond, X, Ref AWS::NoValue]` inside a list must remove the element; moto
    # left a null behind (e.g. "Statement": [..., null] in the trust policy of every
    # bootstrap role of an account bootstrapped without --trust).
    from moto.cloudformation import parsing

    original_clean_json = parsing.clean_json

    def clean_json(resource_json: Any, resources_map: Any) -> Any:
        if isinstance(resource_json, list):
            out = []
            for item in resource_json:
                value = clean_json(item, resources_map)
                if value is None and isinstance(item, dict):
                    continue  # an intrinsic function that resolved to AWS::NoValue
                out.append(value)
            return out
        return original_clean_json(resource_json, resources_map)

    parsing.clean_json = clean_json
    APPLIED_PATCHES.append("cfn-novalue-in-list")

    # --- cfn-list-params -------------------------------------------------------------
    def parameter_list(self: Any) -> list[dict[str, Any]]:
        rm = self.resource_map
        return [
            {
                "ParameterKey": key,
                "ParameterValue": "****" if key in rm.no_echo_parameter_keys else _flat(value),
            }
            for key, value in rm.resolved_parameters.items()
        ]

    def stack_parameters(self: Any) -> dict[str, Any]:
        # Used for UsePreviousValue and for "did anything change": string values, as
        # the API carries them.
        return {k: _flat(v) for k, v in self.resource_map.resolved_parameters.items()}

    cfm.Stack.parameter_list = property(parameter_list)
    cfm.Stack.stack_parameters = property(stack_parameters)
    APPLIED_PATCHES.append("cfn-list-params")

    # --- cfn-last-updated ------------------------------------------------------------
    cfm.Stack.last_updated_time = None  # class default: omitted from the response
    original_update = cfm.Stack.update

    def stack_update(self: Any, *args: Any, **kwargs: Any) -> None:
        original_update(self, *args, **kwargs)
        self.last_updated_time = utcnow()

    cfm.Stack.update = stack_update

    def _find_change_set(backend: Any, name: str) -> Any:
        if name in backend.change_sets:
            return backend.change_sets[name]
        for cs in backend.change_sets.values():
            if cs.change_set_name == name:
                return cs
        return None

    original_execute = cfm.CloudFormationBackend.execute_change_set

    def execute_change_set(self: Any, change_set_name: str, stack_name: str | None = None) -> None:
        change_set = _find_change_set(self, change_set_name)
        if change_set is None:
            raise CloudFormationError(
                "ChangeSetNotFoundException", f"ChangeSet [{change_set_name}] does not exist"
            )
        original_execute(self, change_set_name, stack_name)
        stack = self.stacks[change_set.stack_id]
        # cfn-changeset-outputs: moto kept the outputs (and description) of the empty
        # template the stack had while in REVIEW_IN_PROGRESS.
        stack._parse_template()
        stack.description = stack.template_dict.get("Description")
        stack.output_map = stack._create_output_map()
        for export in stack.exports:
            self.exports[export.name] = export
        if change_set.change_set_type == "UPDATE":
            stack.last_updated_time = utcnow()
            # cfn-update-params: the stack now holds the change set's parameters.
            stack.parameters = dict(change_set.parameters)
        if change_set.tags is not None and change_set.change_set_type == "UPDATE":
            stack.tags = change_set.tags

    cfm.CloudFormationBackend.execute_change_set = execute_change_set
    APPLIED_PATCHES.extend(["cfn-last-updated", "cfn-update-params", "cfn-changeset-outputs"])

    # --- cfn-changeset-gone ------------------------------------------------------------
    def delete_change_set(self: Any, change_set_name: str) -> None:
        change_set = _find_change_set(self, change_set_name)
        if change_set is None:
            return  # real AWS: deleting an absent change set of a live stack is a no-op
        del self.change_sets[change_set.change_set_id]

    def describe_change_set(self: Any, change_set_name: str) -> Any:
        change_set = _find_change_set(self, change_set_name)
        if change_set is None:
            raise CloudFormationError(
                "ChangeSetNotFoundException", f"ChangeSet [{change_set_name}] does not exist"
            )
        return change_set

    cfm.CloudFormationBackend.delete_change_set = delete_change_set
    cfm.CloudFormationBackend.describe_change_set = describe_change_set
    APPLIED_PATCHES.append("cfn-changeset-gone")


# --------------------------------------------------------------------------------------
# IAM roles made by CloudFormation
# --------------------------------------------------------------------------------------


def patch_iam_roles() -> None:
    from moto.iam import models as iam_models
    from moto.iam.models import Role, iam_backends
    from moto.utilities.utils import get_partition

    dumps_default = getattr(iam_models, "_serialize_version_datetime", str)

    def as_json(document: Any) -> str:
        if isinstance(document, str):
            return document
        # YAML templates may turn "2012-10-17" into a date: dump it back as text.
        return json.dumps(document, default=dumps_default)

    def desired_inline(props: dict[str, Any]) -> dict[str, str]:
        return {p["PolicyName"]: as_json(p["PolicyDocument"]) for p in props.get("Policies") or []}

    def desired_managed(props: dict[str, Any]) -> list[str]:
        arns = props.get("ManagedPolicyArns") or []
        if isinstance(arns, str):
            arns = [arns]
        return [a for a in arns if a]

    def boundary(props: dict[str, Any]) -> str | None:
        value = props.get("PermissionsBoundary")
        return value or None

    def create_from_cloudformation_json(
        cls: Any,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> Any:
        props = cloudformation_json["Properties"]
        backend = iam_backends[account_id][get_partition(region_name)]
        role_name = props.get("RoleName", resource_name)
        role = backend.create_role(
            role_name=role_name,
            assume_role_policy_document=as_json(props["AssumeRolePolicyDocument"]),
            path=props.get("Path", "/"),
            permissions_boundary=boundary(props),
            description=props.get("Description", ""),
            tags=props.get("Tags") or [],
            max_session_duration=props.get("MaxSessionDuration", 3600),
        )
        inline = desired_inline(props)
        for name, document in inline.items():
            role.put_policy(name, document)
        managed = desired_managed(props)
        try:
            for arn in managed:
                backend.attach_role_policy(arn, role_name)
        except Exception:
            # Like CloudFormation: a failed resource does not stay behind.
            for arn in list(role.managed_policies):
                backend.detach_role_policy(arn, role_name)
            role.policies.clear()
            backend.delete_role(role_name)
            raise
        role._cfn_inline_names = set(inline)
        role._cfn_managed_arns = set(managed)
        return role

    def update_from_cloudformation_json(
        cls: Any,
        original_resource: Any,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> Any:
        props = cloudformation_json["Properties"]
        backend = iam_backends[account_id][get_partition(region_name)]
        role_name = props.get("RoleName", original_resource.name)
        if role_name != original_resource.name or props.get("Path", "/") != original_resource.path:
            # A new name or path means replacement: create the new role, delete the old.
            new_role = cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name
            )
            cls.delete_from_cloudformation_json(
                original_resource.name, cloudformation_json, account_id, region_name
            )
            return new_role

        role = backend.get_role(role_name)
        role.assume_role_policy_document = as_json(props["AssumeRolePolicyDocument"])
        role.description = props.get("Description", "")
        role.max_session_duration = props.get("MaxSessionDuration", 3600)
        role.permissions_boundary_arn = boundary(props)

        inline = desired_inline(props)
        for name in getattr(role, "_cfn_inline_names", set()) - set(inline):
            role.policies.pop(name, None)
        for name, document in inline.items():
            role.put_policy(name, document)
        role._cfn_inline_names = set(inline)

        managed = set(desired_managed(props))
        # Attach first: if a new policy does not exist, the role keeps its old ones.
        for arn in sorted(managed):
            if arn not in role.managed_policies:
                backend.attach_role_policy(arn, role_name)
        for arn in getattr(role, "_cfn_managed_arns", set()) - managed:
            if arn in role.managed_policies:
                backend.detach_role_policy(arn, role_name)
        role._cfn_managed_arns = managed
        return role

    def delete_from_cloudformation_json(
        cls: Any,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> None:
        backend = iam_backends[account_id][get_partition(region_name)]
        role = next((r for r in backend.roles.values() if r.name == resource_name), None)
        if role is not None:
            # Real CloudFormation detaches what it attached before deleting the role.
            for arn in list(role.managed_policies):
                backend.detach_role_policy(arn, resource_name)
        original_delete(resource_name, cloudformation_json, account_id, region_name)

    original_delete = Role.delete_from_cloudformation_json
    Role.create_from_cloudformation_json = classmethod(create_from_cloudformation_json)
    Role.update_from_cloudformation_json = classmethod(update_from_cloudformation_json)
    Role.delete_from_cloudformation_json = classmethod(delete_from_cloudformation_json)
    APPLIED_PATCHES.extend(["iam-role-inline", "iam-role-managed", "iam-role-update"])


# --------------------------------------------------------------------------------------
# STS: AssumeRole honours the role's existence and trust policy
# --------------------------------------------------------------------------------------

ARN_ACCOUNT_ROOT = "arn:aws:iam::{}:root"


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _action_matches(statement: dict[str, Any], action: str) -> bool:
    if "Action" in statement:
        return any(fnmatch.fnmatchcase(action.lower(), str(p).lower()) for p in _as_list(statement["Action"]))
    if "NotAction" in statement:
        return not any(
            fnmatch.fnmatchcase(action.lower(), str(p).lower()) for p in _as_list(statement["NotAction"])
        )
    return False


def _principal_names(principal: Any) -> list[str] | None:
    """The AWS principals of a Principal element; None means everyone ("*")."""
    if principal == "*":
        return None
    if isinstance(principal, dict):
        values = _as_list(principal.get("AWS"))
        if "*" in values:
            return None
        return [str(v) for v in values]
    return []


def _principal_matches(names: list[str] | None, caller_account: str, caller_arns: set[str]) -> bool:
    if names is None:
        return True
    for name in names:
        if name == caller_account or name == ARN_ACCOUNT_ROOT.format(caller_account):
            return True
        if name in caller_arns:
            return True
    return False


def _condition_holds(condition: dict[str, Any] | None, context: dict[str, str | None]) -> bool:
    """Evaluate the few condition operators a trust policy of this harness uses.

    Anything not understood is "not met" (an Allow that cannot be proven does not grant).
    """
    if not condition:
        return True
    for operator, block in condition.items():
        op = operator
        if_exists = op.endswith("IfExists")
        if if_exists:
            op = op[: -len("IfExists")]
        for key, expected in block.items():
            actual = context.get(key.lower())
            wanted = [str(v) for v in _as_list(expected)]
            if op == "Null":
                is_null = actual is None
                if not any((w.lower() == "true") == is_null for w in wanted):
                    return False
                continue
            if actual is None:
                if if_exists:
                    continue
                return False
            if op in ("StringEquals", "ArnEquals"):
                ok = actual in wanted
            elif op == "StringEqualsIgnoreCase":
                ok = actual.lower() in [w.lower() for w in wanted]
            elif op in ("StringLike", "ArnLike"):
                ok = any(fnmatch.fnmatchcase(actual, w) for w in wanted)
            elif op in ("StringNotEquals", "ArnNotEquals"):
                ok = actual not in wanted
            elif op in ("StringNotLike", "ArnNotLike"):
                ok = not any(fnmatch.fnmatchcase(actual, w) for w in wanted)
            else:
                return False
            if not ok:
                return False
    return True


def trust_allows(
    document: str, caller_account: str, caller_arns: set[str], context: dict[str, str | None]
) -> bool:
    try:
        policy = json.loads(document)
    except (TypeError, ValueError):
        return False
    allowed = False
    for statement in _as_list(policy.get("Statement")):
        if not isinstance(statement, dict) or not _action_matches(statement, "sts:AssumeRole"):
            continue
        if "Principal" in statement:
            who = _principal_matches(_principal_names(statement["Principal"]), caller_account, caller_arns)
        elif "NotPrincipal" in statement:
            who = not _principal_matches(
                _principal_names(statement["NotPrincipal"]), caller_account, caller_arns
            )
        else:
            who = False
        if not who or not _condition_holds(statement.get("Condition"), context):
            continue
        if statement.get("Effect") == "Deny":
            return False
        if statement.get("Effect") == "Allow":
            allowed = True
    return allowed


def patch_sts_trust() -> None:
    import re

    from moto.core.exceptions import AccessDeniedError
    from moto.iam.models import iam_backends
    from moto.sts.responses import TokenResponse

    original_assume_role = TokenResponse.assume_role
    role_arn_re = re.compile(r"^arn:(aws[a-z-]*):iam::(\d{12}):role/(?:.*/)?([^/]+)$")
    assumed_re = re.compile(r"^arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/")

    def assume_role(self: Any) -> Any:
        role_arn = self._get_param("RoleArn") or ""
        _, caller_arn, caller_account = self.backend.get_caller_identity(self.get_access_key(), self.region)
        caller_arns = {caller_arn}
        m = assumed_re.match(caller_arn)
        if m:
            # A role session is named in trust policies by its role's ARN.
            caller_arns.add(f"arn:{m.group(1)}:iam::{m.group(2)}:role/{m.group(3)}")
            backend = iam_backends[m.group(2)]["aws"]
            for role in backend.roles.values():
                if role.name == m.group(3):
                    caller_arns.add(role.arn)
        denied = AccessDeniedError(caller_arn, f"sts:AssumeRole on resource: {role_arn}")
        m = role_arn_re.match(role_arn)
        if not m:
            raise denied
        target = next(
            (r for r in iam_backends[m.group(2)][m.group(1)].roles.values() if r.arn == role_arn),
            None,
        )
        if target is None:
            raise denied
        principal_arn = next((a for a in caller_arns if ":role/" in a), caller_arn)
        context = {
            "sts:externalid": self._get_param("ExternalId"),
            "aws:principalaccount": caller_account,
            "aws:principalarn": principal_arn,
        }
        if not trust_allows(target.assume_role_policy_document, caller_account, caller_arns, context):
            raise denied
        return original_assume_role(self)

    TokenResponse.assume_role = assume_role
    APPLIED_PATCHES.append("sts-trust")


# --------------------------------------------------------------------------------------


def patch_query_raw_body() -> None:
    """moto checks the SigV4 signature of a form-encoded Query request against a body it
    re-encodes from the parsed form (a space becomes "+"), not against the bytes that were sent:
    a body encoding a space as %20 -- valid, and what SigV4 clients send -- gets
    SignatureDoesNotMatch, where AWS (hashing the bytes it received) accepts it. Keep the raw
    body: have werkzeug cache it before the form is parsed, so moto's raw_body is what was signed."""
    from moto.core import responses

    original_setup_class = responses.BaseResponse.setup_class

    def setup_class(self: Any, request: Any, full_url: Any, headers: Any, use_raw_body: bool = False) -> Any:
        if hasattr(request, "get_data") and not hasattr(request, "body"):
            request.get_data(cache=True, parse_form_data=False)
        return original_setup_class(self, request, full_url, headers, use_raw_body)

    responses.BaseResponse.setup_class = setup_class
    APPLIED_PATCHES.append("query-raw-body")


def patch_unsigned_sts() -> None:
    """AWS accepts AssumeRoleWithWebIdentity and AssumeRoleWithSAML unsigned (the token is the
    credential); moto with auth on demands an Authorization header and answers 500 without one."""
    from moto.core.authorization import ActionAuthenticatorMixin

    original = ActionAuthenticatorMixin._authenticate_and_authorize_normal_action
    unsigned = {"AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"}

    def authenticate(self: Any, resource: str = "*") -> None:
        if self._get_action() in unsigned and "Authorization" not in self.headers:
            return
        original(self, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_normal_action = authenticate
    APPLIED_PATCHES.append("sts-unsigned-web-identity")


def write_atomically(path: str, text: str) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=directory)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)
    os.replace(tmp, path)


def apply_patches(trust_check: bool = True, unpatched: bool = False) -> list[str]:
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    if unpatched:
        return []
    patch_cloudformation()
    patch_iam_roles()
    patch_query_raw_body()
    patch_unsigned_sts()
    if trust_check:
        patch_sts_trust()
    return list(APPLIED_PATCHES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1 (0: pick a free one)")
    parser.add_argument("--ready-file", help="write the endpoint URL here once listening")
    parser.add_argument("--no-trust-check", action="store_true", help="let AssumeRole ignore trust policies")
    parser.add_argument("--unpatched", action="store_true",
                        help="plain moto (for the self-test that shows each gap is real)")
    args = parser.parse_args(argv)

    die_with_parent()
    # MOTO_ACCOUNT_ID would pin every request to one account: multi-account needs it unset.
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    patches = apply_patches(trust_check=not args.no_trust_check, unpatched=args.unpatched)

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    app = DomainDispatcherApplication(create_backend_app)
    # Build the services a CDK bootstrap touches now, once, instead of inside the first
    # (concurrent) requests.
    for service in PREWARM_SERVICES:
        app.app_instances[service] = create_backend_app(service)  # type: ignore[arg-type]
    server = make_server(LOOPBACK, args.port, app, threaded=True)
    host, port = server.server_address[:2]
    assert host == LOOPBACK, host
    os.environ["MOTO_PORT"] = str(port)
    endpoint = f"http://{LOOPBACK}:{port}"

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    if args.ready_file:
        write_atomically(args.ready_file, endpoint + "\n")
    print(f"READY {endpoint} patches={','.join(patches) or 'none'}", flush=True)
    try:
        server.serve_forever()
    except SystemExit:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
