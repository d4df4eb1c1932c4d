"""The main job at scale: a 237-router province running IPv4 moved to dual-stack, guarded.

Usage (root)::

    .venv/bin/python benchmarks/migrate_scale.py                 # 1 DC, 10 hubs, 226 communes
    .venv/bin/python benchmarks/migrate_scale.py --communes 40 --hubs 2

The province is the tree of ``render_vs_netlab.py`` (the same SoT as ``lab_scale.py
--tree``), brought up as it runs before netauto (``lab up --legacy``: IPv4 only, configured by
hand). Then, each as the ``netauto`` command a user runs: ``import --target lab --write``,
``plan``, ``render``, ``diff -q`` (IPv4 lines removed or changed must be 0 everywhere),
``push --vms --commit``, ``push --commit --guard`` (every commune probes the data centre
throughout; a wave that loses an IPv4 probe is rolled back), ``verify --wait``. Prints the
time of each phase, the probes sent and lost per family, and the time from the first change
until every commune is dual-stack verified. Target on a 2-core machine: 0 IPv4 probes lost
and the whole migration under 10 minutes. The lab uses its own prefix (``nb-``) and is always
torn down, also on failure, unless ``--keep DIR`` (work in DIR and leave the lab up to inspect).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from netauto.fileio import atomic_write

BIN = Path(sys.executable).parent
PREFIX = "nb-"


def tree_sot(directory: Path, communes: int, hubs: int) -> Path:
    """Write the tree province of ``render_vs_netlab.py`` as a SoT directory."""
    sys.path.insert(0, str(Path(__file__).parent))
    from render_vs_netlab import netauto_sot

    atomic_write(
        directory / "province.yml",
        yaml.safe_dump(netauto_sot(communes, hubs), allow_unicode=True, sort_keys=False),
    )
    return directory


class Phases:
    """Runs ``netauto`` commands and keeps the wall time of each."""

    def __init__(self, inventory: Path, state: Path) -> None:
        self.inventory, self.state = inventory, state
        self.times: list[tuple[str, float]] = []
        self.env = {**os.environ, "NETAUTO_LAB_PREFIX": PREFIX, "NETAUTO_STATE_DIR": str(state)}

    def run(self, name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        start = time.perf_counter()
        done = subprocess.run(
            [str(BIN / "netauto"), "-i", str(self.inventory), *args],
            capture_output=True, text=True, env=self.env, check=False,
        )  # fmt: skip
        elapsed = time.perf_counter() - start
        self.times.append((name, elapsed))
        print(f"{name:<28} {elapsed:7.1f} s  (exit {done.returncode})", flush=True)
        if check and done.returncode != 0:
            sys.exit(f"{name} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=226)
    parser.add_argument("--hubs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--workers", type=int, default=24)
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR and leave the lab up afterwards, to inspect it "
                             "(then: NETAUTO_LAB_PREFIX=nb- netauto lab down)")  # fmt: skip
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("the lab needs root (network namespaces)")
    with tempfile.TemporaryDirectory(prefix="netauto-migrate-") as tmp:
        work = args.keep or Path(tmp)
        inventory = tree_sot(work / "sot", args.communes, args.hubs)
        phases = Phases(inventory, work / "state")
        configs = work / "configs"
        try:
            phases.run("lab up --legacy", "lab", "up", "--legacy")
            phases.run("import --target lab --write", "import", "--target", "lab", "--write",
                       "--workers", str(args.workers))  # fmt: skip
            phases.run("plan", "plan")
            phases.run("render", "render", "-o", str(configs), "-q")
            diff = phases.run("diff -q", "diff", "--configs", str(configs), "-q",
                              "--workers", str(args.workers))  # fmt: skip
            total = next((x for x in diff.stdout.splitlines() if x.startswith("total:")), "")
            print(f"  {total}")
            started = time.perf_counter()
            phases.run("push --vms --commit", "push", "--vms", "--commit")
            pushed = phases.run(
                "push --commit --guard", "push", "--configs", str(configs), "--commit",
                "--guard", "--batch", str(args.batch), "--workers", str(args.workers),
                "-f", "json", check=False,
            )  # fmt: skip
            (work / "push.json").write_text(pushed.stdout)  # the guard's whole report
            verified = phases.run("verify --wait 180", "verify", "--wait", "180",
                                  "--workers", str(args.workers), check=False)  # fmt: skip
            until = time.perf_counter() - started
        finally:
            if args.keep is None:
                subprocess.run([str(BIN / "netauto"), "lab", "down", "--prefix", PREFIX],
                               capture_output=True, check=False)  # fmt: skip
    doc = json.loads(pushed.stdout) if pushed.stdout.strip().startswith("{") else {}
    guard = doc.get("guard") or {}
    waves = guard.get("waves", [])
    sent4 = sum(w["ipv4"]["sent"] for w in waves)
    lost4 = sum(w["ipv4"]["lost"] for w in waves)
    sent6 = sum(w["ipv6"]["sent"] for w in waves)
    lost6 = sum(w["ipv6"]["lost"] for w in waves)
    after = guard.get("after") or {"ipv4": {"sent": 0, "lost": 0}, "ipv6": {"sent": 0, "lost": 0}}
    committed = sum(d["outcome"] == "committed" for d in doc.get("devices", []))
    routers = 1 + args.hubs + args.communes
    print()
    print(f"{routers} routers ({args.hubs} hubs, {args.communes} communes), batch {args.batch}")
    print(f"push exit {pushed.returncode}: {committed} committed in {len(waves)} waves"
          + (f"; stopped: {guard['stopped']}" if guard.get("stopped") else ""))  # fmt: skip
    for device in doc.get("devices", []):
        if device["outcome"] not in ("committed", "unchanged"):
            why = device.get("error") or device.get("post_check") or ""
            print(f"  {device['host']}: {device['outcome']}: {why[:300]}")
    print(f"probes during the rollout: IPv4 {sent4} sent, {lost4} lost; IPv6 {sent6} sent, "
          f"{lost6} lost")  # fmt: skip
    print(f"probes after the rollout: IPv4 {after['ipv4']['sent']} sent, "
          f"{after['ipv4']['lost']} lost; IPv6 {after['ipv6']['sent']} sent, "
          f"{after['ipv6']['lost']} lost")  # fmt: skip
    last = next((x for x in verified.stderr.splitlines() if x.startswith("run ")), "")
    print(f"verify exit {verified.returncode}: {last}")
    bad = [x for x in verified.stdout.splitlines() if x.startswith(("FAIL", "ERROR"))]
    for line in bad[:12]:
        print(f"  {line[:160]}")
    print("  " + " | ".join(x for x in verified.stderr.splitlines() if "converged" in x)[:400])
    print(f"from the first change to every commune dual-stack verified: {until:.1f} s")
    print(
        f"whole migration (all phases): {sum(t for _, t in phases.times):.1f} s "
        "(target: under 600 s, 0 IPv4 probes lost)"
    )


if __name__ == "__main__":
    main()
