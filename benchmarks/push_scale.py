"""Push the 237-router province to a fresh lab: time the diff, the commit, and a second push.

Usage (root)::

    .venv/bin/python benchmarks/push_scale.py                 # 1 DC + 10 hubs + 226 communes
    .venv/bin/python benchmarks/push_scale.py --communes 20 --hubs 2   # a quick smaller run

The province is the tree of ``render_vs_netlab.py`` (the same SoT as ``lab_scale.py --tree``).
The script brings the lab up (prefix ``nq-``, no LAN clients), renders the configs, then times
three runs of the real ``netauto push`` (each a subprocess, JSON output):

1. ``push`` (dry-run): connect, upload, FRR parser check and diff on every router;
2. ``push --commit``: staged rollout (canary, batches of ``--batch``, hubs, core), each router
   committed with commit-confirm, post-checked (OSPFv2/v3 adjacencies) and confirmed;
3. ``push`` again (dry-run): every router must report ``unchanged``.

For each it prints wall time, devices/s and the outcome counts. Target: the commit under 120 s.
The lab is always torn down, also on failure or Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from netauto.fileio import atomic_write
from netauto.lab import runner
from netauto.lab.topology import build_topology
from netauto.plan import plan_for
from netauto.sot.loader import load_sot

HERE = Path(__file__).resolve().parent
NETAUTO = Path(sys.executable).parent / "netauto"


def tree_sot(directory: Path, communes: int, hubs: int) -> Path:
    """Write the tree province of ``render_vs_netlab.py`` as a SoT directory."""
    sys.path.insert(0, str(HERE))
    from render_vs_netlab import netauto_sot

    atomic_write(
        directory / "province.yml",
        yaml.safe_dump(netauto_sot(communes, hubs), allow_unicode=True, sort_keys=False),
    )
    return directory


def timed_push(base: list[str], extra: list[str]) -> tuple[float, list[dict[str, Any]], int]:
    """Run ``netauto push`` with JSON output; (wall seconds, per-device rows, exit code)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [*base, "push", "-f", "json", *extra], capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    try:
        rows: list[dict[str, Any]] = json.loads(proc.stdout)
    except ValueError:
        sys.exit(f"push failed ({proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return elapsed, rows, proc.returncode


def stage_times(rows: list[dict[str, Any]]) -> str:
    """Per rollout stage: devices, median and slowest device time (where the wall time goes).

    Examples:
        >>> print(stage_times([{"stage": "canary", "duration_s": 1.0},
        ...     {"stage": "batch 1", "duration_s": 2.0}, {"stage": "batch 1", "duration_s": 4.0}]))
          canary       1 devices  median   1.0 s  slowest   1.0 s
          batch 1      2 devices  median   4.0 s  slowest   4.0 s
    """
    stages: dict[str, list[float]] = {}
    for row in rows:
        stages.setdefault(str(row.get("stage", "")), []).append(float(row["duration_s"]))
    return "\n".join(
        f"  {name:10s} {len(times):3d} devices  median {sorted(times)[len(times) // 2]:5.1f} s"
        f"  slowest {max(times):5.1f} s"
        for name, times in stages.items()
    )


def report(label: str, elapsed: float, rows: list[dict[str, Any]], code: int) -> None:
    counts = Counter(str(r["outcome"]) for r in rows)
    devices = sum(counts.values())
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(
        f"{label:22s} {elapsed:7.1f} s  {devices / elapsed:6.2f} devices/s  "
        f"exit {code}  ({summary})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=226)
    parser.add_argument("--hubs", type=int, default=10)
    parser.add_argument("--prefix", default="nq-")
    parser.add_argument("--workers", type=int, default=24, help="push --workers")
    parser.add_argument("--batch", type=int, default=50, help="push --batch")
    parser.add_argument("--settle", type=float, default=90.0, help="push --settle")
    parser.add_argument("--timeout", type=float, default=400.0, help="lab readiness timeout")
    args = parser.parse_args()
    runner.require_root_and_tools()
    if runner.lab_namespaces(args.prefix):
        sys.exit(f"a lab with prefix {args.prefix} exists: netauto lab down --prefix {args.prefix}")

    with tempfile.TemporaryDirectory(prefix="netauto-push-bench-") as tmp:
        work = Path(tmp)
        sot_dir = tree_sot(work / "sot", args.communes, args.hubs)
        configs = work / "configs"
        base = [str(NETAUTO), "-i", str(sot_dir), "--state-dir", str(work / "state")]
        topo = build_topology(
            plan_for(sot_dir).plan, load_sot(sot_dir).sot, prefix=args.prefix, clients=False
        )
        routers = sum(1 for h in topo.hosts if h.kind == "router")
        print(f"{routers} routers ({args.hubs} hubs, {args.communes} communes), "
              f"workers {args.workers}, batch {args.batch}", flush=True)  # fmt: skip
        try:
            started = time.perf_counter()
            runner.up(topo, timeout=args.timeout, rebuild=True)
            print(f"lab up                 {time.perf_counter() - started:7.1f} s", flush=True)
            started = time.perf_counter()
            subprocess.run([*base, "render", "-q", "-o", str(configs)], check=True,
                           capture_output=True)  # fmt: skip
            print(f"render                 {time.perf_counter() - started:7.1f} s", flush=True)
            common = ["--configs", str(configs), "--lab-prefix", args.prefix,
                      "--workers", str(args.workers)]  # fmt: skip
            report("push (dry-run diff)", *timed_push(base, common))
            commit = ["--commit", "--batch", str(args.batch), "--settle", str(args.settle)]
            elapsed, rows, code = timed_push(base, [*common, *commit])
            report("push --commit", elapsed, rows, code)
            print(stage_times(rows), flush=True)
            report("push again (dry-run)", *timed_push(base, common))
        finally:
            started = time.perf_counter()
            down = runner.down(args.prefix)
            print(f"lab down               {time.perf_counter() - started:7.1f} s "
                  f"({len(down.namespaces)} namespaces)", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
