#!/usr/bin/env python3
"""load_fake — how many requests per second the fake AWS endpoint itself serves.

Starts bench/fake_aws.py (its own instance, --latency-ms as given, default 0), then keeps
--connections keep-alive connections busy for --seconds with the audit's request mix
(ListRoles, DescribeStacks, GetCallerIdentity, ListAttachedRolePolicies for many accounts),
and prints one JSON line: requests, seconds, rps, the server's CPU seconds. (About 2.5 % of
the answers are 400s, as in the audit: DescribeStacks of regions that are not bootstrapped.)

The client is a Python asyncio loop too: on a 2-core machine client and server each get about
one core, so the figure is a lower bound of what the server can do.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def requests(count: int) -> list[bytes]:
    out = []
    for index in range(1, count + 1):
        account = f"{200_000_000_000 + index:012d}"
        key = f"ASIA{account}LOAD"
        for action, service, region, extra in [
            ("ListRoles", "iam", "us-east-1", "&MaxItems=1000"),
            ("DescribeStacks", "cloudformation", "eu-west-1", "&StackName=CDKToolkit"),
            ("GetCallerIdentity", "sts", "us-east-1", ""),
            ("ListAttachedRolePolicies", "iam", "us-east-1", f"&RoleName=cdk-hnb659fds-cfn-exec-role-{account}-us-east-1"),
        ]:
            version = {"iam": "2010-05-08", "cloudformation": "2010-05-15", "sts": "2011-06-15"}[service]
            body = f"Action={action}&Version={version}{extra}".encode()
            head = (
                "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
                "X-Amz-Date: 20260101T000000Z\r\nX-Amz-Security-Token: loadtoken\r\n"
                f"Authorization: AWS4-HMAC-SHA256 Credential={key}/20260101/{region}/{service}/aws4_request, "
                f"SignedHeaders=content-type;host;x-amz-date, Signature={'0' * 64}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n")
            out.append(head.encode() + body)
    return out


async def worker(port: int, batch: list[bytes], offset: int, deadline: float, counts: list[int]):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    index = offset
    while time.monotonic() < deadline:
        writer.write(batch[index % len(batch)])
        index += 1
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            counts[1] += 1
        counts[0] += 1
    writer.close()


async def load(port: int, connections: int, seconds: float) -> tuple[int, int, float]:
    batch = requests(200)
    counts = [0, 0]
    start = time.monotonic()
    deadline = start + seconds
    await asyncio.gather(*(worker(port, batch, i * 7, deadline, counts) for i in range(connections)))
    return counts[0], counts[1], time.monotonic() - start


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure the fake AWS endpoint's own request rate.")
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    server = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_aws.py"), "--accounts", "500", "--regions", "2",
                               "--latency-ms", str(args.latency_ms)], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        done, errors, elapsed = asyncio.run(load(port, args.connections, args.seconds))
    finally:
        server.terminate()
        _, _, usage = os.wait4(server.pid, 0)
    print(json.dumps({
        "latencyMs": args.latency_ms, "connections": args.connections, "requests": done, "non200": errors,
        "seconds": round(elapsed, 3), "rps": round(done / elapsed), "serverCpuSeconds": round(usage.ru_utime + usage.ru_stime, 3),
        "serverRpsPerCpuSecond": round(done / max(1e-9, usage.ru_utime + usage.ru_stime)),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
