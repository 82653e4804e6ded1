#!/usr/bin/env python3
"""fake_aws — a fast local fake of the AWS Query endpoints a trustline audit reads.

One asyncio process on 127.0.0.1, HTTP/1.1 with keep-alive (no pipelining needed, but
requests that arrive back to back on one connection are answered in order). Answers POST
Query requests (form bodies) for

    sts:  AssumeRole, AssumeRoleWithWebIdentity, GetCallerIdentity
    iam:  ListRoles, ListAttachedRolePolicies, ListRolePolicies, GetRolePolicy, GetPolicy,
          GetPolicyVersion
    cloudformation: DescribeStacks

with the organisation of bench/orgmodel.py (N accounts x R regions, some broken). The account
of a request comes from its credentials: AssumeRole returns an access key `ASIA` + account id +
4 random characters, and later requests carry it in `Authorization: AWS4-HMAC-SHA256
Credential=KEYID/DATE/REGION/SERVICE/aws4_request, ...`; any other key id is the hub (pipeline)
account. The region comes from the credential scope. Signatures are not verified, but every
request except AssumeRoleWithWebIdentity must carry a well-formed Authorization header, and
temporary (ASIA) keys an X-Amz-Security-Token.

Every answer is delayed by --latency-ms (default 50) on the event loop's timer (`call_later`,
the mechanism behind asyncio.sleep, without a coroutine per request). Counts requests per
action, the largest number in flight and of open connections.

Control (not counted, no latency): GET /_bench/stats (JSON), POST /_bench/reset.
Prints `PORT` on stdout when ready. --stats-file: the stats as JSON on SIGTERM, SIGINT or exit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import string
import sys
import time
from email.utils import formatdate
from urllib.parse import parse_qsl, quote
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import orgmodel as org  # noqa: E402

STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
IAM_NS = "https://iam.amazonaws.com/doc/2010-05-08/"
CFN_NS = "http://cloudformation.amazonaws.com/doc/2010-05-15/"
ACTION_SERVICE = {
    "AssumeRole": "sts", "AssumeRoleWithWebIdentity": "sts", "GetCallerIdentity": "sts",
    "ListRoles": "iam", "ListAttachedRolePolicies": "iam", "ListRolePolicies": "iam", "GetRolePolicy": "iam",
    "GetPolicy": "iam", "GetPolicyVersion": "iam",
    "DescribeStacks": "cloudformation",
}
NAMESPACE = {"sts": STS_NS, "iam": IAM_NS, "cloudformation": CFN_NS}
REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
           411: "Length Required", 413: "Payload Too Large", 431: "Request Header Fields Too Large"}
MAX_HEADER = 64 * 1024
MAX_BODY = 1024 * 1024
CREATED = "2024-03-04T09:15:27Z"
UPDATED = "2026-05-18T08:30:15.543Z"


class AWSError(Exception):
    def __init__(self, status: int, code: str, message: str, sender: bool = True):
        super().__init__(message)
        self.status, self.code, self.message, self.sender = status, code, message, sender


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.actions: dict[str, int] = {}
        self.errors: dict[str, int] = {}
        self.requests = 0
        self.inflight = 0
        self.max_inflight = 0
        self.connections_opened = 0
        self.max_connections = 0
        self.bytes_in = 0
        self.bytes_out = 0
        self.first = None
        self.last = None

    def as_dict(self, open_connections: int) -> dict:
        return {
            "requests": self.requests, "actions": dict(sorted(self.actions.items())),
            "errors": dict(sorted(self.errors.items())), "maxInFlight": self.max_inflight,
            "connectionsOpened": self.connections_opened, "maxOpenConnections": self.max_connections,
            "openConnections": open_connections, "bytesIn": self.bytes_in, "bytesOut": self.bytes_out,
            "firstRequestAt": self.first, "lastResponseAt": self.last,
        }


class FakeAWS:
    """The organisation's AWS, answering one parsed request at a time (no I/O here)."""

    def __init__(self, accounts: int, regions: int):
        self.accounts = accounts
        self.regions = org.REGIONS[:regions]
        self.region_count = regions
        self.stats = Stats()
        self._request_seq = 0
        self._roles: dict[str, list[dict]] = {}
        self._role_xml: dict[str, list[bytes]] = {}
        self._stacks: dict[tuple[str, str], bytes | None] = {}
        self._rng = random.Random(7)

    # --- the model ---

    def known(self, account: str) -> int | None:
        index = org.account_index(account)
        return index if index is not None and 1 <= index <= self.accounts else None

    def roles(self, account: str) -> list[dict]:
        cached = self._roles.get(account)
        if cached is not None:
            return cached
        roles: list[dict] = []
        index = self.known(account)
        for path, name, trust in org.other_roles(account):
            roles.append({"path": path, "name": name, "trust": trust, "attached": [], "inline": {}})
        if index is not None:
            for region_index, region in enumerate(self.regions):
                state = org.region_state(index, region_index, self.region_count)
                if not state.bootstrapped:
                    continue
                for kind in org.ROLE_KINDS:
                    role = {"path": "/", "name": org.role_name(state.qualifier, kind, account, region),
                            "trust": org.trust_policy(kind, account, state), "attached": [], "inline": {}}
                    if kind == "cfn-exec":
                        role["attached"] = list(state.attached)
                        role["inline"] = dict(state.inline)
                    roles.append(role)
        roles.sort(key=lambda r: r["name"].lower())
        self._roles[account] = roles
        return roles

    def role_xml(self, account: str) -> list[bytes]:
        cached = self._role_xml.get(account)
        if cached is None:
            cached = []
            for number, role in enumerate(self.roles(account)):
                document = quote(org.compact_json(role["trust"]), safe="")
                role_id = f"AROA{int(account) * 31 + number:016X}"[:21]
                cached.append((
                    f"<member><Path>{role['path']}</Path><RoleName>{role['name']}</RoleName><RoleId>{role_id}</RoleId>"
                    f"<Arn>arn:aws:iam::{account}:role{role['path']}{role['name']}</Arn><CreateDate>{CREATED}</CreateDate>"
                    f"<AssumeRolePolicyDocument>{document}</AssumeRolePolicyDocument><MaxSessionDuration>3600</MaxSessionDuration>"
                    f"</member>").encode())
            self._role_xml[account] = cached
        return cached

    def role(self, account: str, name: str) -> dict:
        for role in self.roles(account):
            if role["name"] == name:
                return role
        raise AWSError(404, "NoSuchEntity", f"The role with name {name} cannot be found.")

    def stack_xml(self, account: str, region: str) -> bytes | None:
        key = (account, region)
        if key in self._stacks:
            return self._stacks[key]
        index = self.known(account)
        out = None
        if index is not None and region in self.regions:
            state = org.region_state(index, self.regions.index(region), self.region_count)
            if state.bootstrapped:
                out = self._render_stack(account, region, state).encode()
        self._stacks[key] = out
        return out

    def _render_stack(self, account: str, region: str, state: org.RegionState) -> str:
        q = state.qualifier
        params = [
            ("TrustedAccounts", ",".join(state.trusted)), ("TrustedAccountsForLookup", ",".join(state.trusted_for_lookup)),
            ("CloudFormationExecutionPolicies", ",".join(state.attached)), ("Qualifier", q),
            ("FileAssetsBucketName", ""), ("FileAssetsBucketKmsKeyId", ""), ("ContainerAssetsRepositoryName", ""),
            ("PublicAccessBlockConfiguration", "true"), ("InputPermissionsBoundary", ""),
            ("UseExamplePermissionsBoundary", "false"), ("BootstrapVariant", "AWS CDK: Default Resources"),
        ]
        outputs = [
            ("BucketName", f"cdk-{q}-assets-{account}-{region}"),
            ("BucketDomainName", f"cdk-{q}-assets-{account}-{region}.s3.{region}.amazonaws.com"),
            ("ImageRepositoryName", f"cdk-{q}-container-assets-{account}-{region}"),
            ("BootstrapVersion", str(state.version)),
        ]
        p = "".join(f"<member><ParameterKey>{k}</ParameterKey><ParameterValue>{escape(v)}</ParameterValue></member>" for k, v in params)
        o = "".join(
            f"<member><OutputKey>{k}</OutputKey><OutputValue>{escape(v)}</OutputValue>"
            + ("<Description>The version of the bootstrap resources that are currently mastered in this stack</Description>"
               if k == "BootstrapVersion" else "")
            + "</member>" for k, v in outputs)
        reason = "<StackStatusReason>Resource update cancelled</StackStatusReason>" if "ROLLBACK" in state.status else ""
        return (
            f"<Stacks><member><StackName>{org.STACK_NAME}</StackName>"
            f"<StackId>arn:aws:cloudformation:{region}:{account}:stack/{org.STACK_NAME}/0c4a7e50-da2b-11ee-8f5e-0a1b2c3d4e5f</StackId>"
            f"<Description>This stack includes resources needed to deploy AWS CDK apps into this environment</Description>"
            f"<Parameters>{p}</Parameters><CreationTime>{CREATED}</CreationTime><LastUpdatedTime>{UPDATED}</LastUpdatedTime>"
            f"<RollbackConfiguration/><StackStatus>{state.status}</StackStatus>{reason}<DisableRollback>false</DisableRollback>"
            f"<NotificationARNs/><Capabilities><member>CAPABILITY_NAMED_IAM</member></Capabilities><Outputs>{o}</Outputs>"
            f"<Tags/><EnableTerminationProtection>false</EnableTerminationProtection>"
            f"<DriftInformation><StackDriftStatus>NOT_CHECKED</StackDriftStatus></DriftInformation></member></Stacks>")

    # --- requests ---

    def request_id(self) -> str:
        self._request_seq += 1
        return f"{self._request_seq:08x}-bench-4e5f-8a9b-{os.getpid():012x}"

    def key_id(self) -> str:
        return "".join(self._rng.choices(string.ascii_uppercase + string.digits, k=4))

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, bytes, str]:
        """(status, XML body, action) for one POST."""
        try:
            params = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        except UnicodeDecodeError:
            params = {}
        action = params.get("Action", "")
        service = ACTION_SERVICE.get(action)
        rid = self.request_id()
        try:
            if service is None:
                raise AWSError(400, "InvalidAction", f"Could not find operation {action or '(none)'} for this fake")
            account, region = self.caller(headers, service, action)
            result = getattr(self, "do_" + action)(params, account, region, headers)
            xml = (f'<{action}Response xmlns="{NAMESPACE[service]}"><{action}Result>{result}</{action}Result>'
                   f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata></{action}Response>")
            return 200, xml.encode(), action or "?"
        except AWSError as error:
            self.stats.errors[error.code] = self.stats.errors.get(error.code, 0) + 1
            xml = (f'<ErrorResponse xmlns="{NAMESPACE.get(service or "sts")}"><Error><Type>{"Sender" if error.sender else "Receiver"}</Type>'
                   f"<Code>{error.code}</Code><Message>{escape(error.message)}</Message></Error>"
                   f"<RequestId>{rid}</RequestId></ErrorResponse>")
            return error.status, xml.encode(), action or "?"

    def caller(self, headers: dict[str, str], service: str, action: str) -> tuple[str, str]:
        """The account and region of the credentials that signed the request."""
        if action == "AssumeRoleWithWebIdentity":
            return org.HUB_ACCOUNT, "us-east-1"
        auth = headers.get("authorization")
        if not auth:
            raise AWSError(403, "MissingAuthenticationToken", "Request is missing Authentication Token")
        scheme, _, rest = auth.partition(" ")
        fields = {}
        for part in rest.split(","):
            name, _, value = part.strip().partition("=")
            fields[name] = value
        scope = fields.get("Credential", "").split("/")
        signature = fields.get("Signature", "")
        if (scheme != "AWS4-HMAC-SHA256" or len(scope) != 5 or scope[4] != "aws4_request" or len(scope[1]) != 8
                or not scope[1].isdigit() or not fields.get("SignedHeaders") or len(signature) != 64
                or not scope[0] or "x-amz-date" not in headers):
            raise AWSError(400, "IncompleteSignature", "Authorization header requires 'Credential', 'Signature', 'SignedHeaders' and an X-Amz-Date")
        key_id, _, region, signed_service, _ = scope
        if signed_service != service:
            raise AWSError(403, "SignatureDoesNotMatch", f"Credential should be scoped to correct service: '{service}'.")
        if key_id.startswith("ASIA"):
            if "x-amz-security-token" not in headers:
                raise AWSError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
            account = key_id[4:16]
            if not account.isdigit() or self.known(account) is None:
                raise AWSError(403, "InvalidClientTokenId", "The security token included in the request is invalid.")
            return account, region
        return org.HUB_ACCOUNT, region

    # --- STS ---

    def credentials_xml(self, account: str) -> str:
        expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
        return (f"<Credentials><AccessKeyId>ASIA{account}{self.key_id()}</AccessKeyId>"
                f"<SecretAccessKey>benchSecret{account}</SecretAccessKey>"
                f"<SessionToken>FwoGZXIvYXdzEBench{account}Token</SessionToken><Expiration>{expiration}</Expiration></Credentials>")

    def do_AssumeRole(self, params, account, region, headers) -> str:
        arn = params.get("RoleArn", "")
        session = params.get("RoleSessionName", "")
        parts = arn.split(":")
        if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("role/") or not session:
            raise AWSError(400, "ValidationError", "RoleArn and RoleSessionName are required")
        target, name = parts[4], parts[5].split("/")[-1]
        index = self.known(target)
        denied = index is None or name != org.AUDIT_ROLE or account != org.HUB_ACCOUNT or not org.assumable(index)
        if denied:
            raise AWSError(403, "AccessDenied",
                           f"User: arn:aws:iam::{account}:user/bench is not authorized to perform: sts:AssumeRole on resource: {arn}")
        return (f"<AssumedRoleUser><AssumedRoleId>AROA{target}BENCH:{escape(session)}</AssumedRoleId>"
                f"<Arn>arn:aws:sts::{target}:assumed-role/{name}/{escape(session)}</Arn></AssumedRoleUser>"
                f"{self.credentials_xml(target)}<PackedPolicySize>6</PackedPolicySize>")

    def do_AssumeRoleWithWebIdentity(self, params, account, region, headers) -> str:
        arn = params.get("RoleArn", "")
        parts = arn.split(":")
        if len(parts) != 6 or not params.get("WebIdentityToken"):
            raise AWSError(400, "ValidationError", "RoleArn and WebIdentityToken are required")
        return (f"<SubjectFromWebIdentityToken>bench</SubjectFromWebIdentityToken><Audience>sts.amazonaws.com</Audience>"
                f"<AssumedRoleUser><AssumedRoleId>AROAWEB:bench</AssumedRoleId><Arn>arn:aws:sts::{parts[4]}:assumed-role/web/bench</Arn>"
                f"</AssumedRoleUser>{self.credentials_xml(org.HUB_ACCOUNT)}<Provider>bench</Provider>")

    def do_GetCallerIdentity(self, params, account, region, headers) -> str:
        if account == org.HUB_ACCOUNT:
            return f"<Arn>arn:aws:iam::{account}:user/bench</Arn><UserId>AIDABENCHUSER</UserId><Account>{account}</Account>"
        return (f"<Arn>arn:aws:sts::{account}:assumed-role/{org.AUDIT_ROLE}/audit</Arn>"
                f"<UserId>AROA{account}BENCH:audit</UserId><Account>{account}</Account>")

    # --- IAM ---

    def do_ListRoles(self, params, account, region, headers) -> str:
        members = self.role_xml(account)
        prefix = params.get("PathPrefix")
        if prefix:
            members = [m for m, r in zip(members, self.roles(account)) if r["path"].startswith(prefix)]
        start = int(params["Marker"]) if params.get("Marker", "").isdigit() else 0
        size = max(1, min(1000, int(params["MaxItems"]))) if params.get("MaxItems", "").isdigit() else 100
        page = members[start:start + size]
        truncated = start + size < len(members)
        marker = f"<Marker>{start + size}</Marker>" if truncated else ""
        return f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>{marker}<Roles>{b''.join(page).decode()}</Roles>"

    def do_ListAttachedRolePolicies(self, params, account, region, headers) -> str:
        role = self.role(account, params.get("RoleName", ""))
        members = "".join(f"<member><PolicyName>{arn.split('/')[-1]}</PolicyName><PolicyArn>{arn}</PolicyArn></member>"
                          for arn in role["attached"])
        return f"<AttachedPolicies>{members}</AttachedPolicies><IsTruncated>false</IsTruncated>"

    def do_ListRolePolicies(self, params, account, region, headers) -> str:
        role = self.role(account, params.get("RoleName", ""))
        members = "".join(f"<member>{name}</member>" for name in sorted(role["inline"]))
        return f"<PolicyNames>{members}</PolicyNames><IsTruncated>false</IsTruncated>"

    def do_GetRolePolicy(self, params, account, region, headers) -> str:
        role = self.role(account, params.get("RoleName", ""))
        name = params.get("PolicyName", "")
        if name not in role["inline"]:
            raise AWSError(404, "NoSuchEntity", f"The role policy with name {name} cannot be found.")
        document = quote(org.compact_json(role["inline"][name]), safe="")
        return f"<RoleName>{role['name']}</RoleName><PolicyName>{name}</PolicyName><PolicyDocument>{document}</PolicyDocument>"

    def policy(self, account: str, arn: str) -> tuple[str, dict]:
        if arn == org.ADMIN_ARN:
            return "v1", org.ADMIN_INLINE
        if arn == org.deploy_policy_arn(account):
            return "v2", org.DEPLOY_POLICY_DOCUMENT
        raise AWSError(404, "NoSuchEntity", f"Policy {arn} does not exist or is not attachable.")

    def do_GetPolicy(self, params, account, region, headers) -> str:
        arn = params.get("PolicyArn", "")
        version, _ = self.policy(account, arn)
        name = arn.split("/")[-1]
        return (f"<Policy><PolicyName>{name}</PolicyName><DefaultVersionId>{version}</DefaultVersionId>"
                f"<PolicyId>ANPABENCH{abs(hash(arn)) % 10**12:012d}</PolicyId><Path>/</Path><Arn>{arn}</Arn>"
                f"<AttachmentCount>{len(self.regions)}</AttachmentCount><PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>"
                f"<IsAttachable>true</IsAttachable><CreateDate>{CREATED}</CreateDate><UpdateDate>{CREATED}</UpdateDate></Policy>")

    def do_GetPolicyVersion(self, params, account, region, headers) -> str:
        arn = params.get("PolicyArn", "")
        version, document = self.policy(account, arn)
        if params.get("VersionId") != version:
            raise AWSError(404, "NoSuchEntity", f"Policy {arn} version {params.get('VersionId')} does not exist or is not attachable.")
        return (f"<PolicyVersion><Document>{quote(org.compact_json(document), safe='')}</Document><VersionId>{version}</VersionId>"
                f"<IsDefaultVersion>true</IsDefaultVersion><CreateDate>{CREATED}</CreateDate></PolicyVersion>")

    # --- CloudFormation ---

    def do_DescribeStacks(self, params, account, region, headers) -> str:
        name = params.get("StackName", "")
        stack = self.stack_xml(account, region) if name == org.STACK_NAME else None
        if stack is None:
            if not name:
                raise AWSError(400, "ValidationError", "this fake answers DescribeStacks with a StackName only")
            raise AWSError(400, "ValidationError", f"Stack with id {name} does not exist")
        return stack.decode()


class Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection; one request answered at a time, in order."""

    def __init__(self, server: "Server"):
        self.server = server
        self.buffer = bytearray()
        self.busy = False
        self.closed = False
        self.transport = None

    def connection_made(self, transport):
        self.transport = transport
        stats = self.server.fake.stats
        stats.connections_opened += 1
        self.server.open_connections += 1
        stats.max_connections = max(stats.max_connections, self.server.open_connections)

    def connection_lost(self, exc):
        self.closed = True
        self.server.open_connections -= 1

    def data_received(self, data):
        self.buffer += data
        if not self.busy:
            self.process()

    def process(self):
        while not self.busy and not self.closed:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEADER:
                    self.reply(431, b"", close=True)
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            lines = head.split("\r\n")
            try:
                method, target, version = lines[0].split(" ", 2)
            except ValueError:
                self.reply(400, b"", close=True)
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if "transfer-encoding" in headers:
                self.reply(411, b"", close=True)
                return
            length = int(headers.get("content-length", "0") or "0")
            if length > MAX_BODY:
                self.reply(413, b"", close=True)
                return
            if len(self.buffer) < end + 4 + length:
                return
            body = bytes(self.buffer[end + 4:end + 4 + length])
            del self.buffer[:end + 4 + length]
            close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0"
            self.dispatch(method, target, headers, body, close, end + 4 + length)

    def dispatch(self, method, target, headers, body, close, size):
        server = self.server
        fake = server.fake
        if target.startswith("/_bench/"):
            if target == "/_bench/stats":
                self.reply(200, json.dumps(fake.stats.as_dict(server.open_connections)).encode(), close, "application/json")
            elif target == "/_bench/reset" and method == "POST":
                fake.stats.reset()
                self.reply(200, b"{}", close, "application/json")
            else:
                self.reply(404, b"", close)
            return
        if method != "POST":
            self.reply(405, b"", close)
            return
        stats = fake.stats
        now = time.time()
        if stats.first is None:
            stats.first = now
        stats.requests += 1
        stats.bytes_in += size
        status, payload, action = fake.handle(headers, body)
        stats.actions[action] = stats.actions.get(action, 0) + 1
        stats.inflight += 1
        stats.max_inflight = max(stats.max_inflight, stats.inflight)
        self.busy = True
        if server.latency > 0:
            server.loop.call_later(server.latency, self.respond, status, payload, close)
        else:
            self.respond(status, payload, close)

    def respond(self, status, payload, close):
        stats = self.server.fake.stats
        stats.inflight -= 1
        stats.last = time.time()
        stats.bytes_out += len(payload)
        self.busy = False
        self.reply(status, payload, close, "text/xml")
        if self.buffer and not close:
            self.process()

    def reply(self, status, payload, close, content_type="text/xml"):
        if self.closed:
            return
        head = (f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}\r\nx-amzn-RequestId: bench\r\n"
                f"Content-Type: {content_type}\r\nContent-Length: {len(payload)}\r\nDate: {self.server.date()}\r\n"
                f"{'Connection: close' if close else 'Connection: keep-alive'}\r\n\r\n")
        self.transport.write(head.encode("latin-1") + payload)
        if close:
            self.closed = True
            self.transport.close()


class Server:
    def __init__(self, fake: FakeAWS, latency: float):
        self.fake = fake
        self.latency = latency
        self.open_connections = 0
        self.loop = None
        self._date = ("", 0)

    def date(self) -> str:
        now = int(time.time())
        if self._date[1] != now:
            self._date = (formatdate(now, usegmt=True), now)
        return self._date[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--regions", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--port", type=int, default=0, help="0: any free port (printed on stdout)")
    parser.add_argument("--stats-file", help="write the request counts here (JSON) on SIGTERM, SIGINT or exit")
    args = parser.parse_args()
    if not 1 <= args.regions <= len(org.REGIONS):
        parser.error(f"--regions must be from 1 to {len(org.REGIONS)}")

    fake = FakeAWS(args.accounts, args.regions)
    server = Server(fake, args.latency_ms / 1000.0)

    async def serve():
        loop = asyncio.get_running_loop()
        server.loop = loop
        listener = await loop.create_server(lambda: Connection(server), "127.0.0.1", args.port, backlog=1024, reuse_address=True)
        stop = loop.create_future()
        # A parent that blocks signals (a test runner's worker thread) passes its mask on: unblock
        # the two that stop the fake, or terminate() would never reach it.
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
        print(listener.sockets[0].getsockname()[1], flush=True)
        try:
            await stop
        finally:
            listener.close()

    try:
        asyncio.run(serve())
    finally:
        if args.stats_file:
            with open(args.stats_file + ".tmp", "w") as out:
                json.dump(fake.stats.as_dict(server.open_connections), out, indent=2)
            os.replace(args.stats_file + ".tmp", args.stats_file)
    return 0


if __name__ == "__main__":
    sys.exit(main())
