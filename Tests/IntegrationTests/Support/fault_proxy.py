#!/usr/bin/env python3
"""A fault-injecting HTTP proxy for trustline's tests: loopback only, standard library only.

    fault_proxy.py --upstream http://127.0.0.1:PORT --rules RULES.json \
                   --ready READY_FILE --stats STATS.json [--until-stdin-eof]

trustline's AWS_ENDPOINT_URL points here; every request is forwarded byte for byte (the Host
header included, so SigV4 signatures still verify upstream) to the emulator, except those a
rule picks, which get a fault instead. The proxy writes its port to READY_FILE once listening
and rewrites STATS.json after every request.

RULES.json:

    {"rules": [{"name": "throttle-qa",        # key in the stats (default: the fault)
                "fault": "throttle",          # see FAULTS below
                "action": "ListRoles",        # the form's Action (optional)
                "service": "iam",             # the SigV4 scope's service (optional)
                "account": "333333333333",    # optional, see below
                "contains": "cfn-exec",       # a substring of some form value (optional)
                "first": 2,                   # fault only the first N matching calls (optional)
                "seconds": 600,               # stall: how long to hold at most
                "size": 20971520,             # oversize: body bytes
                "url": "http://…"}]}          # xxe-http: the external entity's URL

The account of a call: for sts:AssumeRole, the account of its RoleArn; otherwise the account
whose AssumeRole answer handed out the access key named in the Authorization header (learnt
as answers pass by). Rules are tried in order; the first match wins.

STATS.json: {"requests": [{"service", "action", "account", "rule", "fault"}…],
"rules": {NAME: {"matched": N, "faulted": N}}, "probes": N, "stalls": [{"rule",
"closedByClientAfter": SECONDS or null}]}. `probes` counts requests to /__proxy/probe, the URL
an external entity would fetch if a parser ever followed it.

Nothing here listens or connects anywhere but 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import re
import select
import socket
import struct
import sys
import tempfile
import threading
import time
import urllib.parse

LOOPBACK = "127.0.0.1"
PROBE_PATH = "/__proxy/probe"
HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade"}
FAULTS = (
    "throttle",  # 400 AWS XML error, code Throttling
    "throttle-429",  # 429, plain text body
    "error-500",  # 500 AWS XML error, code InternalFailure
    "error-503",  # 503 AWS XML error, code ServiceUnavailable
    "reset",  # the request is read, then the socket is closed with a TCP RST
    "stall",  # the request is read, then nothing is ever sent
    "truncated",  # the real answer, cut in half, Content-Length promising all of it
    "malformed",  # 200 with a body that is not XML
    "entity-bomb",  # 200 with a DOCTYPE defining nested entities (billion laughs)
    "xxe-file",  # 200 with an external entity reading file:///etc/passwd
    "xxe-http",  # 200 with an external entity fetching a URL (default: this proxy's probe)
    "oversize",  # 200 with a body over the cap (Content-Length)
    "oversize-chunked",  # the same, chunked (no Content-Length)
    "html-502",  # 502 text/html, as a load balancer answers
)


def aws_error(code: str, message: str, request_id: str) -> bytes:
    return (
        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()


class State:
    def __init__(self, upstream: str, rules: list[dict], stats_path: str) -> None:
        parts = urllib.parse.urlsplit(upstream)
        if parts.hostname != LOOPBACK or parts.scheme != "http":
            raise SystemExit(f"fault_proxy: upstream must be http://{LOOPBACK}:PORT, got {upstream}")
        self.upstream = (parts.hostname, parts.port or 80)
        self.rules = rules
        for index, rule in enumerate(rules):
            if rule.get("fault") not in FAULTS:
                raise SystemExit(f"fault_proxy: rule {index}: unknown fault {rule.get('fault')!r}")
            rule.setdefault("name", rule["fault"])
        self.stats_path = stats_path
        self.lock = threading.Lock()
        self.key_accounts: dict[str, str] = {}
        self.requests: list[dict] = []
        self.counts = {rule["name"]: {"matched": 0, "faulted": 0} for rule in rules}
        self.probes = 0
        self.stalls: list[dict] = []
        self.port = 0
        self.write_stats()

    def write_stats(self) -> None:
        with self.lock:
            text = json.dumps(
                {"requests": self.requests, "rules": self.counts, "probes": self.probes, "stalls": self.stalls}, indent=1
            )
        directory = os.path.dirname(os.path.abspath(self.stats_path))
        fd, tmp = tempfile.mkstemp(prefix=".stats-", dir=directory)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, self.stats_path)

    def choose(self, service: str, action: str, account: str | None, form: dict[str, str]) -> dict | None:
        """The rule that faults this call, if any, counting matches (under the lock)."""
        with self.lock:
            chosen = None
            for rule in self.rules:
                if "action" in rule and rule["action"] != action:
                    continue
                if "service" in rule and rule["service"] != service:
                    continue
                if "account" in rule and rule["account"] != account:
                    continue
                if "contains" in rule and not any(rule["contains"] in value for value in form.values()):
                    continue
                count = self.counts[rule["name"]]
                count["matched"] += 1
                if "first" in rule and count["matched"] > int(rule["first"]):
                    break  # matched, but past its first N: passes through
                count["faulted"] += 1
                chosen = rule
                break
            self.requests.append(
                {
                    "service": service,
                    "action": action,
                    "account": account,
                    "rule": chosen["name"] if chosen else None,
                    "fault": chosen["fault"] if chosen else None,
                }
            )
            return chosen


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault-proxy"
    state: State  # set on the class before serving

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass

    # ---- plumbing

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def send_bytes(self, status: int, content_type: str, body: bytes, extra: list[tuple[str, str]] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)
        self.close_connection = True

    def forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        connection = http.client.HTTPConnection(*self.state.upstream, timeout=120)
        try:
            connection.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.endheaders(body if body else None)
            response = connection.getresponse()
            data = response.read()
            headers = [
                (name, value)
                for name, value in response.getheaders()
                if name.lower() not in HOP_BY_HOP and name.lower() != "content-length"
            ]
            return response.status, headers, data
        finally:
            connection.close()

    def relay(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        # One request per connection: libcurl would silently resend a request whose reused
        # connection was reset, which would make the attempt counts depend on connection reuse.
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)
        self.close_connection = True

    # ---- requests

    def do_GET(self) -> None:
        if self.path.startswith(PROBE_PATH):
            with self.state.lock:
                self.state.probes += 1
            self.state.write_stats()
            self.send_bytes(404, "text/plain", b"probe recorded\n")
            return
        self.do_POST()

    def do_POST(self) -> None:
        body = self.read_body()
        form = {key: values[0] for key, values in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
        action = form.get("Action", "")
        match = re.search(r"Credential=([^/,\s]+)/[^/]+/[^/]+/([^/]+)/", self.headers.get("Authorization", ""))
        key, service = (match.group(1), match.group(2)) if match else (None, "")
        if action == "AssumeRole":
            account_match = re.match(r"arn:[^:]+:iam::(\d{12}):", form.get("RoleArn", ""))
            account = account_match.group(1) if account_match else None
        else:
            with self.state.lock:
                account = self.state.key_accounts.get(key or "")
        rule = self.state.choose(service, action, account, form)
        try:
            if rule is None:
                status, headers, data = self.forward(body)
                if action == "AssumeRole" and account and status == 200:
                    issued = re.search(rb"<AccessKeyId>([^<]+)</AccessKeyId>", data)
                    if issued:
                        with self.state.lock:
                            self.state.key_accounts[issued.group(1).decode()] = account
                self.relay(status, headers, data)
            else:
                self.inject(rule, action, body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (as it should on an oversized body)
        finally:
            self.state.write_stats()

    def inject(self, rule: dict, action: str, body: bytes) -> None:
        fault = rule["fault"]
        request_id = f"fault-proxy-{fault}"
        response = f"{action}Response"
        result = f"{action}Result"
        if fault == "throttle":
            self.send_bytes(400, "text/xml", aws_error("Throttling", "Rate exceeded", request_id))
        elif fault == "throttle-429":
            self.send_bytes(429, "text/plain", b"Too Many Requests\n")
        elif fault == "error-500":
            self.send_bytes(500, "text/xml", aws_error("InternalFailure", "We encountered an internal error.", request_id))
        elif fault == "error-503":
            self.send_bytes(503, "text/xml", aws_error("ServiceUnavailable", "Service is unavailable.", request_id))
        elif fault == "reset":
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            self.close_connection = True
        elif fault == "stall":
            self.stall(rule)
        elif fault == "truncated":
            status, headers, data = self.forward(body)
            self.send_response(status)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True
        elif fault == "malformed":
            garbage = f"<{response}><{result}><Roles><member><RoleName>cut</Role\x00\xff&&& not xml".encode("utf-8", "replace")
            self.send_bytes(200, "text/xml", garbage)
        elif fault == "entity-bomb":
            levels = ['<!ENTITY lol0 "lol">'] + [
                f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
            ]
            document = (
                f'<?xml version="1.0"?><!DOCTYPE {response} [{"".join(levels)}]>'
                f"<{response}><{result}><Account>&lol9;</Account></{result}></{response}>"
            )
            self.send_bytes(200, "text/xml", document.encode())
        elif fault in ("xxe-file", "xxe-http"):
            url = (
                "file:///etc/passwd"
                if fault == "xxe-file"
                else rule.get("url", f"http://{LOOPBACK}:{self.state.port}{PROBE_PATH}")
            )
            document = (
                f'<?xml version="1.0"?><!DOCTYPE {response} [<!ENTITY leak SYSTEM "{url}">]>'
                f"<{response}><{result}><Account>&leak;</Account><StackName>&leak;</StackName></{result}></{response}>"
            )
            self.send_bytes(200, "text/xml", document.encode())
        elif fault in ("oversize", "oversize-chunked"):
            self.oversize(rule, response, chunked=fault == "oversize-chunked")
        elif fault == "html-502":
            page = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"
            self.send_bytes(502, "text/html; charset=utf-8", page)

    def stall(self, rule: dict) -> None:
        """Holds the request without a byte of answer, recording when the client hangs up."""
        started = time.monotonic()
        record = {"rule": rule["name"], "closedByClientAfter": None}
        with self.state.lock:
            self.state.stalls.append(record)
        self.state.write_stats()
        limit = float(rule.get("seconds", 600))
        while time.monotonic() - started < limit:
            readable, _, _ = select.select([self.connection], [], [], 0.2)
            if readable:
                try:
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        break
                except OSError:
                    break
        else:
            self.close_connection = True
            return
        with self.state.lock:
            record["closedByClientAfter"] = round(time.monotonic() - started, 2)
        self.close_connection = True

    def oversize(self, rule: dict, response: str, chunked: bool) -> None:
        size = int(rule.get("size", 20 << 20))
        head = f"<{response}><!-- ".encode()
        tail = f" --></{response}>".encode()
        filler = b"x" * 65536
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(size))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True

        def send(piece: bytes) -> None:
            if chunked:
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            else:
                self.wfile.write(piece)

        send(head)
        remaining = size - len(head) - len(tail)
        while remaining > 0:
            piece = filler[: min(remaining, len(filler))]
            send(piece)
            remaining -= len(piece)
        send(tail)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--rules", required=True)
    parser.add_argument("--ready", required=True)
    parser.add_argument("--stats", required=True)
    parser.add_argument("--until-stdin-eof", action="store_true")
    args = parser.parse_args()

    with open(args.rules) as handle:
        rules = json.load(handle).get("rules", [])
    Handler.state = State(args.upstream, rules, args.stats)
    server = Server((LOOPBACK, 0), Handler)
    Handler.state.port = server.server_address[1]
    with open(args.ready + ".tmp", "w") as handle:
        handle.write(str(Handler.state.port))
    os.replace(args.ready + ".tmp", args.ready)

    if args.until_stdin_eof:

        def watch_stdin() -> None:
            sys.stdin.buffer.read()
            server.shutdown()

        threading.Thread(target=watch_stdin, daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
