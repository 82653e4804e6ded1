#!/usr/bin/env python3
"""run_bench — trustline against the boto3 reference scanner, on the fake AWS endpoint.

Called by scripts/bench (which builds trustline first); can be run alone with --trustline BIN.

1. writes the organisation's topology (bench/make_org.py) and checks it with `trustline validate`;
2. measures the fake endpoint's own capacity (bench/load_fake.py, latency 0);
3. starts bench/fake_aws.py with --latency-ms;
4. runs `trustline audit --concurrency C --quiet`, then bench/boto3_reference.py with C threads,
   each as a child process: wall time (start to exit), CPU (user+sys) and peak RSS from wait4(),
   requests from the fake's counters (reset between the runs);
5. prints one side-by-side table, the targets of the benchmark, and a sanity check of the
   trustline report (environments, findings by check against what bench/orgmodel.py broke).

Nothing but 127.0.0.1 is contacted: the children get AWS_ENDPOINT_URL, dummy keys, a fresh
HOME, AWS_EC2_METADATA_DISABLED=true and no proxy.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_org  # noqa: E402
import orgmodel as org  # noqa: E402

ACCOUNT_ACTIONS = ["AssumeRole", "GetCallerIdentity", "ListRoles"]
REGION_ACTIONS = ["DescribeStacks", "ListAttachedRolePolicies", "GetPolicy", "GetPolicyVersion", "ListRolePolicies", "GetRolePolicy"]
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def control(port: int, path: str, method: str = "GET") -> dict:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method, data=b"" if method == "POST" else None)
    with OPENER.open(request, timeout=10) as response:
        return json.load(response)


def process_cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def busy_cpu() -> float:
    """CPU seconds the whole machine has been busy (all processes), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLOCK_TICKS


def child_env(port: int, home: str) -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
        "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}", "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": "AKIABENCHDUMMYKEY000", "AWS_SECRET_ACCESS_KEY": "benchDummySecretKey",
        "AWS_CONFIG_FILE": os.path.join(home, "aws-config"), "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "aws-credentials"),
        "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
    }
    for name in ["PYTHONPATH", "PYENV_ROOT", "PYENV_VERSION", "LD_LIBRARY_PATH"]:
        if name in os.environ:
            env[name] = os.environ[name]
    return env


def measure(label: str, argv: list[str], env: dict, port: int, fake_pid: int, log: str) -> dict:
    """Runs one child; wall, CPU and peak RSS from wait4, requests from the fake's counters."""
    control(port, "/_bench/reset", "POST")
    fake_cpu = process_cpu(fake_pid)
    machine_cpu = busy_cpu()
    with open(log, "w") as out:
        started_at = time.time()
        start = time.monotonic()
        child = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.monotonic() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    machine_cpu = busy_cpu() - machine_cpu
    stats = control(port, "/_bench/stats")
    fake_cpu = process_cpu(fake_pid) - fake_cpu
    return {
        "label": label, "argv": argv, "exit": child.returncode, "wall": wall, "startedAt": started_at,
        "cpu": usage.ru_utime + usage.ru_stime, "user": usage.ru_utime, "sys": usage.ru_stime,
        "rssMiB": usage.ru_maxrss / 1024.0, "stats": stats, "fakeCpu": fake_cpu, "log": log,
        "otherCpu": max(0.0, machine_cpu - fake_cpu - (usage.ru_utime + usage.ru_stime)),
    }


def derive(run: dict, accounts: int, environments: int, latency: float, concurrency: int) -> dict:
    stats = run["stats"]
    actions = stats["actions"]
    requests = stats["requests"]
    per_account = sum(actions.get(a, 0) for a in ACCOUNT_ACTIONS) / accounts
    per_region = sum(actions.get(a, 0) for a in REGION_ACTIONS) / environments
    ideal = requests * latency / concurrency
    first, last = stats["firstRequestAt"], stats["lastResponseAt"]
    span = (last - first) if first else 0.0
    before = (first - run["startedAt"]) if first else 0.0
    after = run["wall"] - before - span
    return dict(
        run, requests=requests, perEnv=requests / environments, perAccount=per_account, perRegion=per_region,
        rps=requests / run["wall"], cpuMsPerEnv=run["cpu"] * 1000 / environments, ideal=ideal,
        wallOverIdeal=run["wall"] / ideal if ideal else float("nan"), span=span, beforeFirst=before, afterLast=after,
        spanOverIdeal=span / ideal if ideal else float("nan"))


def table(rows: list[tuple], headers: tuple) -> str:
    widths = [max(len(str(r[i])) for r in rows + [headers]) for i in range(len(headers))]

    def line(cells):
        return "| " + " | ".join(str(c).ljust(widths[i]) if i == 0 else str(c).rjust(widths[i]) for i, c in enumerate(cells)) + " |"

    sep = "|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|"
    return "\n".join([line(headers), sep] + [line(r) for r in rows])


def main() -> int:
    # Children inherit the signal mask: run from a parent that blocks SIGTERM (a test runner's
    # worker thread), the fake could not be stopped and the run would hang.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    parser = argparse.ArgumentParser(description="Benchmark trustline against a boto3 reference scanner on a fake AWS endpoint.")
    parser.add_argument("--trustline", required=True, help="the trustline binary (release build)")
    parser.add_argument("--accounts", type=int, default=500)
    parser.add_argument("--regions", type=int, default=2)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workdir", help="keep topology, reports, logs and results.json here (default: a temp dir, removed)")
    parser.add_argument("--skip-boto3", action="store_true", help="run trustline only")
    parser.add_argument("--tuned-boto3", action="store_true",
                        help="also run the boto3 reference with --shared-session (service models loaded once)")
    parser.add_argument("--capacity-seconds", type=float, default=2.0, help="length of the fake's capacity test (0: skip)")
    parser.add_argument("--trustline-runs", type=int, default=3,
                        help="audits to run (the table shows the median one by CPU; the targets use the medians, and the "
                             "worst peak RSS): CPU time on a shared machine moves from run to run")
    args = parser.parse_args()

    environments = args.accounts * args.regions
    latency = args.latency_ms / 1000.0
    keep = args.workdir is not None
    workdir = args.workdir or tempfile.mkdtemp(prefix="trustline-bench-")
    os.makedirs(workdir, exist_ok=True)
    home = os.path.join(workdir, "home")
    os.makedirs(home, exist_ok=True)
    topology = os.path.join(workdir, "org.yaml")
    with open(topology, "w") as f:
        f.write(make_org.topology(args.accounts, args.regions))

    print(f"==> organisation: {args.accounts} accounts x {args.regions} regions = {environments} environments", flush=True)
    validate = subprocess.run([args.trustline, "validate", "--topology", topology], capture_output=True, text=True,
                              env=child_env(9, home))
    print(f"    trustline validate: {(validate.stdout + validate.stderr).strip().replace(topology, 'org.yaml')}", flush=True)
    if validate.returncode != 0:
        return 2

    capacity = None
    if args.capacity_seconds > 0:
        out = subprocess.run([sys.executable, os.path.join(HERE, "load_fake.py"), "--seconds", str(args.capacity_seconds),
                              "--connections", str(args.concurrency)], capture_output=True, text=True, check=True)
        capacity = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"==> fake endpoint capacity at 0 ms latency, {capacity['connections']} connections: {capacity['rps']} requests/s "
              f"({capacity['serverRpsPerCpuSecond']} per server CPU-second; Python client on the same cores)", flush=True)

    stats_file = os.path.join(workdir, "fake-stats.json")
    fake = subprocess.Popen([sys.executable, os.path.join(HERE, "fake_aws.py"), "--accounts", str(args.accounts),
                             "--regions", str(args.regions), "--latency-ms", str(args.latency_ms), "--stats-file", stats_file],
                            stdout=subprocess.PIPE, text=True)
    runs = []
    trustline_runs = []
    try:
        port = int(fake.stdout.readline())
        env = child_env(port, home)
        print(f"==> fake AWS on 127.0.0.1:{port}, {args.latency_ms:g} ms per request", flush=True)
        out_dir = os.path.join(workdir, "trustline-out")
        count = max(1, args.trustline_runs)
        print(f"==> trustline audit --concurrency {args.concurrency}" + (f", {count} runs" if count > 1 else ""), flush=True)
        for index in range(count):
            trustline_runs.append(measure("trustline", [args.trustline, "audit", "--topology", topology, "--out", out_dir,
                                                        "--concurrency", str(args.concurrency), "--quiet"],
                                          env, port, fake.pid, os.path.join(workdir, f"trustline-{index + 1}.log")))
        runs.append(sorted(trustline_runs, key=lambda r: r["cpu"])[len(trustline_runs) // 2])
        references = [] if args.skip_boto3 else [("boto3 reference", [], "boto3")]
        if args.tuned_boto3:
            references.append(("boto3 shared session", ["--shared-session"], "boto3-shared"))
        for label, extra, name in references:
            print(f"==> {label}, {args.concurrency} threads", flush=True)
            runs.append(measure(label, [sys.executable, os.path.join(HERE, "boto3_reference.py"), "--topology", topology,
                                        "--concurrency", str(args.concurrency), "--out", os.path.join(workdir, f"{name}-out.json")]
                                + extra, env, port, fake.pid, os.path.join(workdir, f"{name}.log")))
            runs[-1]["output"] = os.path.join(workdir, f"{name}-out.json")
    finally:
        fake.terminate()
        fake.wait(timeout=30)

    runs = [derive(r, args.accounts, environments, latency, args.concurrency) for r in runs]
    trustline_runs = [derive(r, args.accounts, environments, latency, args.concurrency) for r in trustline_runs]
    t = runs[0]
    cores = os.cpu_count()
    print()
    print(f"Machine: {cores} cores, {platform.machine()}, {platform.system()} {platform.release()}; "
          f"{args.accounts} accounts x {args.regions} regions, {args.latency_ms:g} ms latency, concurrency {args.concurrency}")
    print()

    def fmt(value, digits=2):
        return f"{value:,.{digits}f}"

    rows = [
        ("environments (accounts x regions)",) + tuple(f"{environments} ({args.accounts} x {args.regions})" for _ in runs),
        ("requests",) + tuple(f"{r['requests']:,}" for r in runs),
        ("requests / environment",) + tuple(fmt(r["perEnv"]) for r in runs),
        ("  per account (AssumeRole, GetCallerIdentity, ListRoles)",) + tuple(fmt(r["perAccount"]) for r in runs),
        ("  per region (DescribeStacks, cfn-exec policies)",) + tuple(fmt(r["perRegion"]) for r in runs),
        ("max requests in flight (at the fake)",) + tuple(str(r["stats"]["maxInFlight"]) for r in runs),
        ("TCP connections opened",) + tuple(f"{r['stats']['connectionsOpened']:,}" for r in runs),
        ("wall s",) + tuple(fmt(r["wall"]) for r in runs),
        ("requests / s",) + tuple(f"{r['rps']:,.0f}" for r in runs),
        ("CPU s (user + sys)",) + tuple(f"{fmt(r['cpu'])} ({fmt(r['user'])} + {fmt(r['sys'])})" for r in runs),
        ("CPU ms / environment",) + tuple(fmt(r["cpuMsPerEnv"]) for r in runs),
        ("peak RSS MiB",) + tuple(fmt(r["rssMiB"], 1) for r in runs),
        ("ideal wall s (requests x latency / concurrency)",) + tuple(fmt(r["ideal"]) for r in runs),
        ("wall / ideal",) + tuple(fmt(r["wallOverIdeal"]) for r in runs),
        ("  start to first request s",) + tuple(fmt(r["beforeFirst"]) for r in runs),
        ("  first request to last response s (network phase)",) + tuple(fmt(r["span"]) for r in runs),
        ("  network phase / ideal",) + tuple(fmt(r["spanOverIdeal"]) for r in runs),
        ("  last response to exit s (evaluation, reports)",) + tuple(fmt(r["afterLast"]) for r in runs),
        ("exit code",) + tuple(str(r["exit"]) for r in runs),
        ("fake endpoint CPU s during the run",) + tuple(fmt(r["fakeCpu"]) for r in runs),
        ("other processes' CPU s during the run (noise)",) + tuple(fmt(r["otherCpu"]) for r in runs),
    ]
    print(table(rows, ("",) + tuple(r["label"] for r in runs)))
    median = {key: statistics.median(r[key] for r in trustline_runs) for key in ("wall", "wallOverIdeal", "cpuMsPerEnv")}
    worst_rss = max(r["rssMiB"] for r in trustline_runs)
    if len(trustline_runs) > 1:
        def spread(key, digits=2):
            values = sorted(r[key] for r in trustline_runs)
            return f"{values[0]:.{digits}f}–{values[-1]:.{digits}f} (median {statistics.median(values):.{digits}f})"
        print(f"\ntrustline over {len(trustline_runs)} runs (the table shows the median by CPU): wall s {spread('wall')}, "
              f"wall / ideal {spread('wallOverIdeal')}, CPU ms / environment {spread('cpuMsPerEnv')}, "
              f"peak RSS MiB {spread('rssMiB', 1)}")
    ratio = None
    if len(runs) > 1:
        ratio = t["rps"] / runs[1]["rps"]
        print()
        for other in runs[1:]:
            print(f"throughput trustline / {other['label']}: {t['rps'] / other['rps']:.1f}x (wall {other['wall'] / t['wall']:.1f}x shorter)")

    print("\nRequests by action:")
    actions = sorted({a for r in runs for a in r["stats"]["actions"]}, key=lambda a: (ACCOUNT_ACTIONS + REGION_ACTIONS + [a]).index(a))
    print(table([(a,) + tuple(f"{r['stats']['actions'].get(a, 0):,}" for r in runs) for a in actions],
                ("action",) + tuple(r["label"] for r in runs)))

    # Targets.
    checks = [
        ("trustline wall <= 1.3 x ideal (median)", median["wallOverIdeal"] <= 1.3, f"{median['wallOverIdeal']:.2f}"),
        ("<= 7 requests per environment", t["perEnv"] <= 7, f"{t['perEnv']:.2f}"),
        ("peak RSS <= 100 MB (worst run)", worst_rss * 1.048576 <= 100, f"{worst_rss * 1.048576:.1f} MB"),
        ("CPU <= 2 ms per environment (median)", median["cpuMsPerEnv"] <= 2, f"{median['cpuMsPerEnv']:.2f} ms"),
    ]
    if ratio is not None:
        checks.insert(0, ("throughput >= 5 x boto3 reference", ratio >= 5, f"{ratio:.1f}x"))
    print("\nTargets:")
    for name, ok, value in checks:
        print(f"  {'met   ' if ok else 'MISSED'}  {name}: {value}")

    # Sanity: the trustline report.
    sane = True
    print("\nSanity check of the trustline report:")
    try:
        with open(os.path.join(workdir, "trustline-out", "trustline-report.json")) as f:
            report = json.load(f)
        found = collections.Counter(finding["check"] for finding in report["findings"])
        statuses = collections.Counter(e["status"] for e in report["environments"])
        expected = org.expected_findings(args.accounts, args.regions)
        print(f"  environments in the report: {len(report['environments'])} (expected {environments}); by status: "
              + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())))
        sane = len(report["environments"]) == environments and t["exit"] in (0, 1, 3)
        rows = []
        for check in sorted(set(found) | set(expected)):
            want = expected.get(check)
            ok = want is None or found.get(check, 0) == want
            sane = sane and ok
            rows.append((check, f"{found.get(check, 0)}", "-" if want is None else str(want), "ok" if ok else "DIFFERS"))
        print("\n".join("  " + line for line in table(rows, ("check", "findings", "expected", "")).splitlines()))
    except (OSError, ValueError, KeyError) as error:
        print(f"  cannot read the report: {error}")
        sane = False
    for other in runs[1:]:
        try:
            with open(other["output"]) as f:
                collected = json.load(f)["summary"]
            unreachable = sum(args.regions for i in range(1, args.accounts + 1) if not org.assumable(i))
            print(f"  {other['label']}: {collected['environments']} environments read, {collected['errors']} with errors "
                  f"(expected {unreachable}: accounts whose audit role cannot be assumed), {collected['stacks']} stacks")
            sane = sane and collected["environments"] == environments and collected["errors"] == unreachable
        except (OSError, ValueError, KeyError) as error:
            print(f"  cannot read the output of {other['label']}: {error}")
            sane = False
        if runs[0]["stats"]["actions"] != other["stats"]["actions"]:
            print(f"  note: trustline and {other['label']} did not make the same requests (see 'Requests by action')")
    print(f"  sanity: {'ok' if sane else 'FAILED'}")

    results = {
        "machine": {"cores": cores, "arch": platform.machine(), "kernel": platform.release()},
        "parameters": vars(args), "capacity": capacity, "runs": runs, "trustlineRuns": trustline_runs, "throughputRatio": ratio,
        "targets": [{"target": n, "met": ok, "value": v} for n, ok, v in checks], "sane": sane,
    }
    with open(os.path.join(workdir, "results.json"), "w") as f:
        json.dump(results, f, indent=2)
    if keep:
        print(f"\nTopology, reports, logs and results.json are in {workdir}")
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0 if sane else 1


if __name__ == "__main__":
    sys.exit(main())
