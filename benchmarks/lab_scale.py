"""Bring up a whole province as a lab, print time to all-sshd-ready, memory, processes.

Usage (root)::

    .venv/bin/python benchmarks/lab_scale.py              # the example province (inventory/)
    .venv/bin/python benchmarks/lab_scale.py --tree       # 237 routers: DC + 10 hubs + 226 communes
    .venv/bin/python benchmarks/lab_scale.py --sot DIR    # any SoT directory
    .venv/bin/python benchmarks/lab_scale.py --tree --ebgp-site cm-0001  # + bgpd

Prints: hosts, wall time until every sshd answers and every FRR answers vtysh, the peak
memory the lab used (system-wide ``MemTotal - MemAvailable`` minus the figure before, so
kernel memory of namespaces, veths, page tables and sockets counts too; sampled every
0.25 s during bring-up), the same figure once ready, the lab's summed PSS (user-space
only) with its split by program (GiB, process count), its process count and the tear-down
time. Routers run bgpd only with an eBGP link (``routing: ebgp`` in the SoT or
``--ebgp-site``, as ``netauto lab up``); the tree is all OSPF. The target
for 237 routers on 2 cores (ready < 120 s, memory < 6 GB) is judged on the peak. The
machine-wide figures are only meaningful on a quiet machine: run it under ``/tmp/bench``.
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


def settled_memory(timeout: float = 240.0, window: int = 5, spread: int = 8 * 2**20) -> int:
    """``used_memory()`` once it is flat: ``window`` samples a second apart within ``spread``.

    The kernel frees a torn-down lab's namespaces lazily, ~20 MB/s for half a minute (the
    example province) to minutes (the tree); a baseline taken meanwhile would credit that
    freeing to the new lab and report too little.
    """
    samples = [used_memory()]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        time.sleep(1.0)
        samples = [*samples[-(window - 1) :], used_memory()]
        if len(samples) == window and max(samples) - min(samples) < spread:
            break
    return samples[-1]


def pss_by_program(pids: set[int]) -> dict[str, tuple[int, int]]:
    """Per program name: (processes, summed proportional set size in bytes) of ``pids``.

    PSS counts a page shared by N processes as 1/N in each, so the sum is what the
    processes occupy together.
    """
    found: dict[str, tuple[int, int]] = {}
    for pid in pids:
        try:
            name = Path(f"/proc/{pid}/comm").read_text().strip()
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        size = sum(int(line.split()[1]) * 1024 for line in text.splitlines()
                   if line.startswith("Pss:"))  # fmt: skip
        count, total = found.get(name, (0, 0))
        found[name] = (count + 1, total + size)
    return found


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
    parser.add_argument(
        "--ebgp-site", action="append", default=[], help="a site that talks eBGP (repeatable)"
    )
    args = parser.parse_args()
    runner.require_root_and_tools()

    with tempfile.TemporaryDirectory(prefix="netauto-lab-bench-") as tmp:
        sot_dir = tree_sot(Path(tmp), args.communes, args.hubs) if args.tree else args.sot
        topo = build_topology(
            plan_for(sot_dir).plan,
            load_sot(sot_dir).sot,
            prefix=args.prefix,
            ebgp_sites=args.ebgp_site,
        )
    kinds = [h.kind for h in topo.hosts]
    bgp = sum(1 for h in topo.hosts if "bgpd" in h.daemons)
    print(
        f"lab {args.prefix}: {kinds.count('router')} routers ({bgp} with bgpd), "
        f"{kinds.count('vm')} VMs, {kinds.count('client')} LAN clients, "
        f"{len(topo.veths)} veth pairs",
        flush=True,
    )
    runner.down(args.prefix)
    started = time.monotonic()
    baseline = settled_memory()
    print(f"baseline memory settled after {time.monotonic() - started:.0f} s", flush=True)
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
        settled = used_memory() - baseline
        pids = runner.lab_processes(args.prefix, naming.runtime_dir(args.prefix), topo.namespaces)
        programs = pss_by_program(pids)
        lab_pss = sum(total for _, total in programs.values())
        stop.set()
        sampler.join()
        peak[0] = max(peak[0], settled)
        gib = 2**30
        print(f"ready (every sshd + FRR answers): {ready:.1f} s", flush=True)
        print(
            f"peak memory used by the lab:      {peak[0] / gib:.2f} GiB "
            f"({peak[0] / 1e9:.2f} GB; machine-wide, kernel included)",
            flush=True,
        )
        print(f"memory used once ready:           {settled / gib:.2f} GiB", flush=True)
        print(f"summed PSS of lab processes:      {lab_pss / gib:.2f} GiB", flush=True)
        split = sorted(programs.items(), key=lambda item: -item[1][1])
        print(
            "  "
            + ", ".join(f"{name} {total / gib:.2f} ({count})" for name, (count, total) in split),
            flush=True,
        )
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
