"""Time `netauto verify` (the full check matrix) on a lab of the whole example province.

Usage (root)::

    .venv/bin/python benchmarks/verify_scale.py             # the example province (inventory/)
    .venv/bin/python benchmarks/verify_scale.py --sot DIR   # any SoT directory

Brings the lab up (own prefix ``nw-``, own state directory), renders, pushes with
``--commit``, then times ``netauto verify --format json`` and prints: checks run (by kind and
status), wall time and checks per second, and how long the hosts' probe runs took (in the
lab one local prober serves every LAN client, so they share one figure). Target: the whole
example province under 60 s. ``--prober shell`` times the ping/nc shell scripts instead.
The lab is always torn down, also on failure. Every step goes through the real CLI.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from netauto.lab import runner, state
from netauto.plan import plan_for

ROOT = Path(__file__).resolve().parent.parent


def netauto(env: dict[str, str], sot: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``netauto -i SOT ARGS...`` as a subprocess (the real console entry point)."""
    return subprocess.run(
        [sys.executable, "-m", "netauto.cli", "-i", str(sot), *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip


def step(
    name: str, proc: subprocess.CompletedProcess[str], took: float, ok: tuple[int, ...]
) -> None:
    print(f"{name:<8} {took:7.1f} s  (exit {proc.returncode})", flush=True)
    if proc.returncode not in ok:
        print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"{name} failed")


def wait_converged(prefix: str, sot: Path, timeout: float = 180) -> float:
    """Seconds until every commune router has a route to every VM (both families).

    ``push`` returns when adjacencies are Full; routes follow. The timed verify should see
    the converged network, not the transient.
    """
    plan = plan_for(sot).plan
    info = state.info(prefix)
    addresses = [str(a) for vm in plan.vms for a in (vm.ipv4.ip, vm.ipv6.ip)]
    routers = [s.lans[0].device for s in plan.sites if s.kind == "commune" and s.lans]
    start = time.monotonic()
    for router in routers:
        for address in addresses:
            while subprocess.run(info.exec_argv(router, ["ip", "route", "get", address]),
                                 capture_output=True, check=False).returncode:  # fmt: skip
                if time.monotonic() - start > timeout:
                    print(f"not converged: {router} has no route to {address}")
                    return time.monotonic() - start
                time.sleep(0.5)
    return time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sot", type=Path, default=ROOT / "inventory")
    parser.add_argument("--prefix", default="nw-")
    parser.add_argument("--workers", type=int, default=20, help="verify --workers")
    parser.add_argument("--prober", default="auto", help="verify --prober (auto or shell)")
    args = parser.parse_args()
    runner.require_root_and_tools()
    if runner.lab_namespaces(args.prefix):
        raise SystemExit(f"a {args.prefix} lab is already running")

    with tempfile.TemporaryDirectory(prefix="netauto-verify-bench-") as tmp:
        env = {**os.environ, "NETAUTO_LAB_PREFIX": args.prefix,
               "NETAUTO_STATE_DIR": f"{tmp}/state"}  # fmt: skip
        try:
            for name, argv, ok in (
                ("lab up", ["lab", "up", "--timeout", "300"], (0,)),
                ("render", ["render", "-o", f"{tmp}/configs"], (0,)),
                ("push", ["push", "--configs", f"{tmp}/configs", "--commit", "--batch", "20",
                          "--continue-on-error"],
                 (0, 1)),  # a router that fails its push shows up as verify errors
            ):  # fmt: skip
                start = time.monotonic()
                proc = netauto(env, args.sot, *argv)
                step(name, proc, time.monotonic() - start, ok)
            print(f"{'settle':<8} {wait_converged(args.prefix, args.sot):7.1f} s", flush=True)
            start = time.monotonic()
            proc = netauto(env, args.sot, "verify", "--format", "json", "--workers",
                           str(args.workers), "--prober", args.prober)  # fmt: skip
            wall = time.monotonic() - start
            step("verify", proc, wall, (0, 1))
        finally:
            down = time.monotonic()
            runner.down(args.prefix)
            print(f"{'lab down':<8} {time.monotonic() - down:7.1f} s", flush=True)

    run = json.loads(proc.stdout)
    checks = run["checks"]
    by_kind = collections.Counter((c["kind"], c["status"]) for c in checks)
    print()
    print(f"province: {run['info']['province']} ({run['info']['province_code']}), "
          f"{sum(1 for s in run['sites'] if s['kind'] == 'commune')} communes")  # fmt: skip
    for kind in ("reachability", "isolation", "routing", "drift"):
        counts = {s: by_kind[(kind, s)] for s in ("pass", "fail", "error", "skip")}
        print(f"  {kind:<13} " + "  ".join(f"{s} {n}" for s, n in counts.items()))
    print(f"checks run: {len(checks)}")
    print(f"wall time:  {wall:.1f} s (verify process, start to exit)")
    print(f"checks/s:   {len(checks) / wall:.0f}")
    print(f"target < 60 s: {'met' if wall < 60 else 'MISSED'}")
    on_clients = [c for c in checks if c["host"].startswith("c-")]
    on_routers = [c for c in checks if not c["host"].startswith("c-")]
    for side, chosen in (("routers", on_routers), ("clients", on_clients)):
        scripts = {c["host"]: c["duration_s"] for c in chosen if c["duration_s"]}
        if scripts:
            ordered = sorted(scripts.values())
            print(f"  probe runs on {side}: {len(scripts)} hosts, median "
                  f"{ordered[len(ordered) // 2]:.1f} s, max {ordered[-1]:.1f} s")  # fmt: skip
    bad = [c for c in checks if c["status"] in ("fail", "error")]
    for check in bad[:10]:
        print(f"  {check['status']}: {check['id']}: {check['evidence'][:120]}")


if __name__ == "__main__":
    main()
