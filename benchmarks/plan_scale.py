"""Plan the whole country and measure churn: ``python benchmarks/plan_scale.py [--sot DIR]``.

Plans every province SoT written by ``netauto init --all --out DIR`` (34 provinces,
3,321 communes; generated into a temporary directory when ``--sot`` is not given) and
prints wall time, peak memory and prefix counts; targets: under 2 s and 500 MB.

Then the churn figure (docs/ADDRESSING.md, "Stability, measured": netlab changed 960 of
1,418 addresses when one commune was inserted in the middle): on the largest province,
with its ledger,

* insert one commune in the middle of the site list (and its link in the middle of the
  link list), re-plan, count previously planned addresses that changed;
* merge two communes (the second becomes an annex of the first's commune code and moves
  to the first one's hub), re-plan, count again.

Targets: 0 and 0. For contrast it also prints how many addresses a fresh plan (no ledger)
would change for the insertion.

The process is set up as the ``netauto`` console script sets up a command's
(:func:`netauto.cli.tune_collector`: the cycle collector runs less often), since that is
where the planner runs; with Python's default collector settings a process that keeps 34
plans alive spends about half its planning time re-scanning them.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from netauto.cli import tune_collector
from netauto.plan import PlanResult, build_plan
from netauto.plan.models import Plan
from netauto.sot.loader import load_sot
from netauto.sot.models import Link, LinkEnd, MergeRecord, Site, SoT


def addresses(plan: Plan) -> dict[tuple[str, ...], str]:
    """Every configured address of a plan, keyed by identity (not by interface name)."""
    found: dict[tuple[str, ...], str] = {}
    for dev in plan.devices:
        found[("loopback4", dev.hostname)] = str(dev.loopback4)
        found[("loopback6", dev.hostname)] = str(dev.loopback6)
    for site in plan.sites:
        for lan in site.lans:
            found[("lan4", str(site.site_id), lan.key)] = f"{lan.ipv4} gw {lan.gateway4}"
            found[("lan6", str(site.site_id), lan.key)] = f"{lan.ipv6} gw {lan.gateway6}"
    for link in plan.links:
        for side, end in (("a", link.a), ("b", link.b)):
            found[("p2p4", link.id, side)] = str(end.ipv4)
            found[("p2p6", link.id, side)] = str(end.ipv6)
    for vm in plan.vms:
        found[("vm4", vm.name)] = str(vm.ipv4)
        found[("vm6", vm.name)] = str(vm.ipv6)
    return found


def churn(before: Plan, after: Plan) -> tuple[int, int]:
    """(addresses of ``before`` that changed or vanished in ``after``, total in ``before``)."""
    old, new = addresses(before), addresses(after)
    return sum(1 for key, value in old.items() if new.get(key) != value), len(old)


def communes(sot: SoT) -> list[Site]:
    return [s for s in sot.sites if s.kind == "commune"]


def insert_commune(sot: SoT) -> SoT:
    """One new commune (new site_id) inserted in the middle of the sites and links lists."""
    middle = communes(sot)[len(communes(sot)) // 2]
    used = {s.site_id for s in sot.sites}
    new_id = middle.site_id + 1
    while new_id in used:
        new_id += 1
    host = f"cm-new{new_id}-r1"
    site = middle.model_copy(
        update={
            "site_id": new_id,
            "slug": f"xa-moi-{new_id}",
            "name": "Xã Mới",
            "commune_code": None,
            "merged_from": [],
            "devices": [middle.devices[0].model_copy(update={"hostname": host})],
        }
    )
    hub_router = next(d.hostname for s in sot.sites if s.slug == middle.hub for d in s.devices)
    link = Link(id=f"l-{new_id}", a=LinkEnd(device=hub_router), b=LinkEnd(device=host))
    sites = list(sot.sites)
    sites.insert(sites.index(middle), site)
    links = list(sot.links)
    links.insert(len(links) // 2, link)
    return sot.model_copy(update={"sites": sites, "links": links})


def merge_communes(sot: SoT) -> SoT:
    """The last commune merges into the first: same commune code, annex, first one's hub."""
    first, last = communes(sot)[0], communes(sot)[-1]
    merged = last.model_copy(
        update={
            "commune_code": first.commune_code,
            "commune_role": "annex",
            "hub": first.hub,
            "merged_from": [MergeRecord(name=last.name, commune_code=last.commune_code)],
        }
    )
    hub_router = next(d.hostname for s in sot.sites if s.slug == first.hub for d in s.devices)
    last_hosts = {d.hostname for d in last.devices}
    links = [
        lk.model_copy(update={"a": LinkEnd(device=hub_router)}) if lk.b.device in last_hosts else lk
        for lk in sot.links
    ]
    sites = [merged if s.site_id == last.site_id else s for s in sot.sites]
    return sot.model_copy(update={"sites": sites, "links": links})


def prefix_counts(results: list[PlanResult]) -> dict[str, int]:
    counts = {"site /56": 0, "LAN /64": 0, "link /64+/127": 0, "loopback /128": 0}
    counts |= {"LAN IPv4": 0, "link /31": 0, "loopback /32": 0, "VM": 0}
    for result in results:
        plan = result.plan
        counts["site /56"] += len(plan.sites)
        lans = sum(len(s.lans) for s in plan.sites)
        counts["LAN /64"] += lans
        counts["LAN IPv4"] += lans
        counts["link /64+/127"] += len(plan.links)
        counts["link /31"] += len(plan.links)
        counts["loopback /128"] += len(plan.devices)
        counts["loopback /32"] += len(plan.devices)
        counts["VM"] += len(plan.vms)
    return counts


def generate(out: Path) -> None:
    print(f"generating the country with `netauto init --all --out {out}` ...", flush=True)
    cmd = [sys.executable, "-m", "netauto.cli", "init", "--all", "--out", str(out)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sot", type=Path, help="output of `netauto init --all --out DIR`")
    args = parser.parse_args()
    tune_collector()
    with tempfile.TemporaryDirectory() as tmp:
        root: Path = args.sot or Path(tmp) / "country"
        if args.sot is None:
            generate(root)
        dirs = sorted(p for p in root.iterdir() if p.is_dir())
        start = time.perf_counter()
        sots = [load_sot(d).sot for d in dirs]
        load_s = time.perf_counter() - start
    total_communes = sum(len(communes(s)) for s in sots)
    print(
        f"provinces: {len(sots)}, communes: {total_communes}, load (YAML + validate): "
        f"{load_s:.2f} s"
    )

    start, cpu = time.perf_counter(), time.process_time()
    results = [build_plan(sot) for sot in sots]
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    tracemalloc.start()  # a second, traced run: tracing slows Python down several times
    traced = [build_plan(sot) for sot in sots]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [r.ledger for r in traced] == [r.ledger for r in results], "not deterministic"
    del traced
    start, recpu = time.perf_counter(), time.process_time()
    again = [build_plan(sot, r.ledger) for sot, r in zip(sots, results, strict=True)]
    replan, recpu = time.perf_counter() - start, time.process_time() - recpu
    assert all(not r.changes for r in again), "re-plan with the ledger changed something"
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load = os.getloadavg()[0]
    print(
        f"plan, fresh ledger:   {wall:.2f} s wall, {cpu:.2f} s CPU (target < 2 s; "
        f"load average {load:.1f} on {os.cpu_count()} CPUs)"
    )
    print(f"plan, with ledger:    {replan:.2f} s wall, {recpu:.2f} s CPU, 0 changes")
    print(
        f"peak memory:          {peak / 2**20:.1f} MB traced by the planner, "
        f"{rss_mb:.0f} MB process RSS (target < 500 MB)"
    )
    for name, count in prefix_counts(results).items():
        print(f"  {name:<15} {count:>7}")

    index = max(range(len(sots)), key=lambda i: len(communes(sots[i])))
    sot, base = sots[index], results[index]
    name = sot.province.name
    inserted = insert_commune(sot)
    changed, total = churn(base.plan, build_plan(inserted, base.ledger).plan)
    fresh_changed, _ = churn(base.plan, build_plan(inserted).plan)
    print(f"churn in {name} ({len(communes(sot))} communes, {total} addresses):")
    print(
        f"  insert 1 commune in the middle: {changed} of {total} addresses changed "
        f"(target 0; a fresh plan without the ledger would change {fresh_changed})"
    )
    merged = merge_communes(sot)
    changed, total = churn(base.plan, build_plan(merged, base.ledger).plan)
    print(
        f"  merge 2 communes (annex + re-parent): {changed} of {total} addresses changed (target 0)"
    )


if __name__ == "__main__":
    main()
