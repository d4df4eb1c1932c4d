"""netauto plan + render versus ``netlab create`` on the same 237-router province.

The topology: 1 data centre (1 router, a server LAN, 5 VMs), 10 hubs, 226 communes
spread over the hubs (each commune: 1 router, an office LAN and a Wi-Fi LAN, one uplink
to its hub), every router FRR, OSPF, dual-stack. netauto gets it as a SoT directory,
netlab as a topology file (PyPI ``networklab``, the ``bench`` extra; it needs a larger
``MAX_NODE_ID`` and management pool at this size). Both tools run as subprocesses, in the
same run, on the same machine; the script prints both wall times and the ratio. netauto
runs ``--repeat`` times (default 6), half before and half after the netlab run (a shared
machine's speed drifts over a minute), each from a cold start (fresh SoT copy, no ledger,
empty state directory, so no plan is cached), and its median is compared with the netlab
run. As for any installed Python tool, byte-compiled modules are used (netauto is compiled
first, as pip compiles a package it installs) and netauto's compiled templates stay in
``~/.cache/netauto/templates`` (Jinja's bytecode cache, checked against the sources).
The wall time is from ``plan``'s start to ``render``'s end, and the CPU time counts every
process either command started. This script makes itself the reaper of any process a
command leaves behind and reports how many there were: there must be none.

Usage: ``make bench-render`` (installs netlab, then runs this with its defaults), or
``.venv/bin/python benchmarks/render_vs_netlab.py [--communes 226] [--hubs 10]`` once
``.venv/bin/pip install -e '.[bench]'`` has installed netlab.
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

import netauto as netauto_package
from netauto.fileio import atomic_write

BIN = Path(sys.executable).parent
PR_SET_CHILD_SUBREAPER = 36  # prctl(2)


def commune_names(communes: int, hubs: int) -> list[tuple[int, str, int]]:
    """(site_id, slug, hub index) of every commune, spread round-robin over the hubs.

    Examples:
        >>> commune_names(3, 2)
        [(1001, 'cm-0001', 1), (1002, 'cm-0002', 2), (1003, 'cm-0003', 1)]
    """
    return [(1000 + n, f"cm-{n:04d}", (n - 1) % hubs + 1) for n in range(1, communes + 1)]


def netauto_sot(communes: int, hubs: int) -> dict[str, Any]:
    """The province as one netauto SoT document."""
    sites: list[dict[str, Any]] = [
        {
            "site_id": 1,
            "slug": "dc",
            "kind": "data-centre",
            "name": "Trung tâm dữ liệu tỉnh",
            "devices": [{"hostname": "dc-r1"}],
            "lans": [{"function": "server", "name": "services", "vlan": 100}],
        }
    ]
    links: list[dict[str, Any]] = []
    for h in range(1, hubs + 1):
        sites.append(
            {
                "site_id": 10 + h,
                "slug": f"hub-{h:02d}",
                "kind": "hub",
                "name": f"Điểm tập trung {h:02d}",
                "devices": [{"hostname": f"hub-{h:02d}-r1"}],
            }
        )
        links.append({"id": f"l-dc-hub-{h:02d}", "a": "dc-r1", "b": f"hub-{h:02d}-r1"})
    for site_id, slug, hub in commune_names(communes, hubs):
        sites.append(
            {
                "site_id": site_id,
                "slug": slug,
                "kind": "commune",
                "name": f"Xã {site_id}",
                "commune_code": f"{30000 + site_id:05d}",
                "hub": f"hub-{hub:02d}",
                "devices": [{"hostname": f"{slug}-r1"}],
                "lans": [{"function": "office", "vlan": 10}, {"function": "wifi", "vlan": 20}],
            }
        )
        links.append({"id": f"l-{site_id}", "a": f"hub-{hub:02d}-r1", "b": f"{slug}-r1"})
    services = ["lgsp", "portal", "one-stop", "mail", "video"]
    return {
        "province": {"name": "Bench", "code": 96},
        "addressing": {
            "ipv6": {"allocation": "2001:db8:9600::/40"},
            "ipv4": {"supernets": ["10.96.0.0/14"]},
        },
        "management": {
            "ntp": ["2001:db8:9600::123"],
            "syslog": ["2001:db8:9600::514"],
            "networks": ["10.99.255.0/24", "2001:db8:96ff::/48"],
        },
        "services": {s: {"ports": [{"proto": "tcp", "port": 443}]} for s in services},
        "policy": [
            {"from": "communes", "to": services},
            {"from": "communes", "to": "communes", "deny": True},
        ],
        "sites": sites,
        "links": links,
        "vms": [{"name": f"dc-{s}-01", "network": "services", "services": [s]} for s in services],
    }


def netlab_topology(communes: int, hubs: int) -> dict[str, Any]:
    """The same routers, links and LANs as a netlab topology (FRR, OSPF, dual-stack)."""
    nodes: dict[str, Any] = {"dc": {}}
    links: list[Any] = ["dc"]  # a one-node link is a stub LAN: the DC server LAN
    for h in range(1, hubs + 1):
        nodes[f"h{h:02d}"] = {}
        links.append(f"dc-h{h:02d}")
    for _site_id, slug, hub in commune_names(communes, hubs):
        name = slug.replace("cm-", "c")
        nodes[name] = {}
        links += [f"h{hub:02d}-{name}", name, name]
    return {
        "provider": "clab",
        "defaults": {"device": "frr", "const": {"MAX_NODE_ID": 1000}},
        "module": ["ospf"],
        "addressing": {
            "mgmt": {"ipv4": "192.168.0.0/20"},
            "loopback": {"ipv6": "2001:db8:1::/48"},
            "p2p": {"ipv6": "2001:db8:2::/48"},
            "lan": {"ipv4": "172.16.0.0/14", "ipv6": "2001:db8:3::/48"},
        },
        "nodes": nodes,
        "links": links,
    }


def _cpu() -> float:
    """CPU seconds (user + system) of every child process waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _adopt_orphans() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux), so that a process
    a netauto command left running is waited for here, counted, and its CPU time counted
    too; False where that is not possible."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _reap() -> int:
    """Wait for every descendant left running; how many there were."""
    count = 0
    while True:
        try:
            os.waitpid(-1, 0)
            count += 1
        except ChildProcessError:
            return count


def _run(argv: list[str], cwd: Path) -> tuple[float, float]:
    """Run ``argv``; (wall seconds, CPU seconds of it and its children)."""
    start, cpu = time.perf_counter(), _cpu()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return elapsed, _cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=226)
    parser.add_argument("--hubs", type=int, default=10)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument(
        "--repeat", type=int, default=6, help="netauto runs, each cold (the median is used)"
    )
    args = parser.parse_args()
    if not (BIN / "netlab").exists():
        sys.exit(
            f"netlab is not installed in {BIN.parent}: run `make bench-render`, or "
            f"`{BIN / 'pip'} install -e '.[bench]'` and this again"
        )
    routers = 1 + args.hubs + args.communes
    work = Path(tempfile.mkdtemp(prefix="netauto-bench-"))
    sot_dir, lab_dir = work / "sot", work / "netlab"
    atomic_write(
        sot_dir / "province.yml",
        yaml.safe_dump(netauto_sot(args.communes, args.hubs), allow_unicode=True, sort_keys=False),
    )
    atomic_write(
        lab_dir / "topology.yml",
        yaml.safe_dump(netlab_topology(args.communes, args.hubs), sort_keys=False),
    )
    netauto = str(BIN / "netauto")
    if not _adopt_orphans():
        print("note: processes left behind cannot be adopted here: they are not counted")
    # as installed: pip byte-compiles a package (netlab's too) at install time; an editable
    # netauto is compiled on first import, unless PYTHONDONTWRITEBYTECODE is set
    compileall.compile_dir(str(Path(netauto_package.__file__).parent), quiet=1)
    print(f"{routers} routers ({args.hubs} hubs, {args.communes} communes); work dir {work}")
    runs: list[tuple[float, float, float, float]] = []  # plan, render, both (wall), CPU
    leftover = 0
    netlab = str(BIN / "netlab")
    t_netlab = c_netlab = 0.0
    for number in range(args.repeat):
        if number == (args.repeat + 1) // 2:
            t_netlab, c_netlab = _run([netlab, "create", "topology.yml"], lab_dir)
            print(f"netlab create: {t_netlab:.2f} s (CPU {c_netlab:.2f} s)")
        # every run starts cold: a fresh copy of the SoT, no ledger, an empty state directory
        run_dir = work / f"run-{number}"
        shutil.copytree(sot_dir, run_dir / "sot")
        state = ["--state-dir", str(run_dir / "state")]
        cpu, start = _cpu(), time.perf_counter()
        t_plan, _ = _run([netauto, "-i", str(run_dir / "sot"), *state, "plan"], work)
        t_render, _ = _run(
            [netauto, "-i", str(run_dir / "sot"), *state, "render", "-q", "-o",
             str(run_dir / "configs")],
            work,
        )  # fmt: skip
        t_both = time.perf_counter() - start  # the gap between the two commands included
        left = _reap()  # processes a command left running (there must be none)
        c_both = _cpu() - cpu
        runs.append((t_plan, t_render, t_both, c_both))
        leftover += left
        print(
            f"netauto run {number + 1}: plan {t_plan:5.2f} s + render {t_render:5.2f} s = "
            f"{t_both:5.2f} s from plan's start to render's end (CPU {c_both:5.2f} s; "
            f"processes left after render: {left})"
        )
    if args.repeat < 2:
        t_netlab, c_netlab = _run([netlab, "create", "topology.yml"], lab_dir)
    files = len(list((work / "run-0" / "configs").iterdir()))
    totals = sorted(t for _, _, t, _ in runs)
    t_netauto = statistics.median(totals)
    c_netauto = statistics.median(c for _, _, _, c in runs)
    t_plan = statistics.median(p for p, _, _, _ in runs)
    print(f"netauto plan      {t_plan:8.2f} s  (median of {len(runs)})")
    print(
        f"netauto render    {statistics.median(r for _, r, _, _ in runs):8.2f} s  "
        f"({files} files, offline checks and FRR's parser included; median of {len(runs)})"
    )
    print(
        f"netauto total     {t_netauto:8.2f} s  (plan's start to render's end; median; "
        f"best {totals[0]:.2f} s)"
    )
    print(
        f"netauto CPU       {c_netauto:8.2f} s  (user + system of both commands and of every "
        "process they started)"
    )
    print(f"netlab create     {t_netlab:8.2f} s  (CPU {c_netlab:.2f} s)")
    print(f"ratio netlab / netauto (plan + render): {t_netlab / t_netauto:.1f}x (target >= 30x)")
    print(
        f"CPU ratio (less sensitive to a shared machine): {c_netlab / c_netauto:.1f}x "
        "(target >= 25x)"
    )
    print(f"processes left running after render returned, all runs: {leftover} (must be 0)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
