"""Bring up a whole province as a lab, print time to all-sshd-ready, memory, processes.

Usage (root)::

    .venv/bin/python benchmarks/lab_scale.py              # the example province (inventory/)
    .venv/bin/python benchmarks/lab_scale.py --tree       # 237 routers: DC + 10 hubs + 226 communes
    .venv/bin/python benchmarks/lab_scale.py --sot DIR    # any SoT directory

Prints: hosts, wall time until every sshd answers and every FRR answers vtysh, the peak
memory the lab used (system-wide ``MemTotal - MemAvailable`` minus the figure before, so
kernel memory of namespaces and veths counts too), the lab's summed PSS, its process count
and the tear-down time. Target for 237 routers on 2 cores: ready < 120 s, memory < 6 GB.
The lab uses its own prefix (``nb-``) and is always torn down, also on failure.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

from netauto.fileio import atomic_write
from netauto.lab import naming, runner
from netauto.lab.topology import build_topology
from netauto.plan import plan_for
from netauto.sot.loader import load_sot

ROOT = Path(__file__).resolve().parent.parent


def used_memory() -> int:
    """Bytes in use on the machine (MemTotal - MemAvailable)."""
    fields = {}
    for line in Path("/proc/meminfo").read_text().splitlines():
        key, _, value = line.partition(":")
        fields[key] = int(value.split()[0]) * 1024
    return fields["MemTotal"] - fields["MemAvailable"]


def pss(pids: set[int]) -> int:
    """Summed proportional set size of ``pids`` in bytes (shared pages counted once)."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1]) * 1024
    return total


def tree_sot(directory: Path, communes: int, hubs: int) -> Path:
    """Write the 237-router tree of ``render_vs_netlab.py`` as a SoT directory."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from render_vs_netlab import netauto_sot  # the same province as the render benchmark

    atomic_write(directory / "province.yml", yaml.safe_dump(netauto_sot(communes, hubs)))
    return directory


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sot", type=Path, default=ROOT / "inventory")
    parser.add_argument("--tree", action="store_true", help="the 237-router tree instead")
    parser.add_argument("--communes", type=int, default=226)
    parser.add_argument("--hubs", type=int, default=10)
    parser.add_argument("--prefix", default="nb-")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument("--workers", type=int, default=16)
    args = parser.parse_args()
    runner.require_root_and_tools()

    with tempfile.TemporaryDirectory(prefix="netauto-lab-bench-") as tmp:
        sot_dir = tree_sot(Path(tmp), args.communes, args.hubs) if args.tree else args.sot
        topo = build_topology(plan_for(sot_dir).plan, load_sot(sot_dir).sot, prefix=args.prefix)
    kinds = [h.kind for h in topo.hosts]
    print(
        f"lab {args.prefix}: {kinds.count('router')} routers, {kinds.count('vm')} VMs, "
        f"{kinds.count('client')} LAN clients, {len(topo.veths)} veth pairs",
        flush=True,
    )
    runner.down(args.prefix)
    baseline = used_memory()
    peak = [0]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], used_memory() - baseline)
            time.sleep(0.25)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    try:
        runner.up(topo, timeout=args.timeout, workers=args.workers, rebuild=True)
        ready = time.monotonic() - started
        time.sleep(2)  # let the daemons settle before measuring
        pids = runner.lab_processes(args.prefix, naming.runtime_dir(args.prefix), topo.namespaces)
        lab_pss = pss(pids)
        stop.set()
        sampler.join()
        peak[0] = max(peak[0], used_memory() - baseline)
        print(f"ready (every sshd + FRR answers): {ready:.1f} s", flush=True)
        print(f"peak memory used by the lab:      {peak[0] / 2**30:.2f} GiB", flush=True)
        print(f"summed PSS of lab processes:      {lab_pss / 2**30:.2f} GiB", flush=True)
        print(f"lab processes:                    {len(pids)}", flush=True)
    finally:
        stop.set()
        t0 = time.monotonic()
        report = runner.down(args.prefix)
        print(
            f"tear-down: {time.monotonic() - t0:.1f} s ({len(report.namespaces)} namespaces, "
            f"{report.processes} processes)",
            flush=True,
        )


if __name__ == "__main__":
    main()
