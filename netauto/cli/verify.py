"""`netauto verify`: prove commune-level connectivity against the SoT (thin CLI)."""

from __future__ import annotations

import concurrent.futures
import hashlib
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from netauto.cli.options import (
    credentials_option,
    lab_prefix_option,
    open_target,
    settings,
    target_option,
)
from netauto.cli.output import err, out
from netauto.errors import CheckFailed, InputError, Problem

VERIFY_HELP = """Check the running network against the source of truth, and record the run.

The checks are derived from the SoT's reachability policy and the address plan:

  reachability  every commune reaches every service it must, over IPv4 and IPv6 separately:
                ping each VM hosting the service, and a TCP connect to each TCP port
  isolation     every path the policy closes (e.g. commune LAN to another commune LAN) is
                refused; a probe that shows nothing either way is an error, not a pass
  routing       the OSPFv2 and OSPFv3 adjacency of every point-to-point link is Full;
                on an eBGP link (routing: ebgp) its IPv4 and IPv6 BGP sessions are Established
  drift         every interface carries exactly the addresses the plan gives it

Probes leave from each commune's LAN gateway address on its router and, in the lab, also
from a real host on that LAN (the LAN's client namespace). Each run is stored in
<state-dir>/history.sqlite; `netauto report` turns it into the auditor's report. Exit 0 only
when every check passes, 1 otherwise.

The drift check asks each router for its addresses and stores what it read as
<state-dir>/snapshots/<time>-<target>-verify.json; with --snapshot it reads them from a
stored snapshot instead (`netauto inventory --live` takes a full one: latest.json).

[bold]Examples[/]

  netauto verify                          # the whole lab
  netauto verify --site phuong-an-xuyen   # one commune
  netauto verify --junit build/verify.xml --format json > build/verify.json
  netauto verify --snapshot latest        # drift against the last live inventory
"""


def sot_digest(files: list[Path]) -> str:
    """SHA-256 over the SoT files (name and bytes, in load order)."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def _summary_table(run_checks: list[object]) -> Table:
    from netauto.verify.models import CheckResult

    checks = [c for c in run_checks if isinstance(c, CheckResult)]
    table = Table(box=box.SIMPLE, title="verify")
    for column in ("kind", "pass", "fail", "error", "skip"):
        table.add_column(column, justify="left" if column == "kind" else "right")
    for kind in ("reachability", "isolation", "routing", "drift"):
        counts = Counter(c.status for c in checks if c.kind == kind)
        if counts:
            table.add_row(kind, str(counts["pass"]), f"[red]{counts['fail']}[/]" if counts["fail"]
                          else "0", f"[red]{counts['error']}[/]" if counts["error"] else "0",
                          str(counts["skip"]))  # fmt: skip
    return table


def _vm_drift(
    nr: Any, plan: Any, held: dict[str, str] | None, sites: list[str], stored: Any
) -> list[Any]:
    """Drift of the data-centre VMs (addresses from a stored snapshot, or collected now)."""
    from netauto.verify import live
    from netauto.verify.run import vm_drift_results

    names = [vm.name for vm in plan.vms if not sites or vm.site in sites]
    if held is not None:
        names = [n for n in names if held.get(n) == "vm"]
    if not names:
        return []
    errors: dict[str, str] = {}
    if stored is not None:
        tables = {n: t for n, t in live.snapshot_addresses(stored).items() if n in names}
    else:
        facts = live.collect(nr, dict.fromkeys(names, "vm"))
        tables = {f.name: f.interfaces_ip for f in facts if f.reachable}
        errors = {f.name: f"unreachable: {f.error}" for f in facts if not f.reachable}
    return vm_drift_results(plan, names, tables, errors)


def _wait_for_routing(
    nr: Any,
    plan: Any,
    sot: Any,
    reachable: list[str],
    held: dict[str, str] | None,
    ebgp_site: list[str],
    wait: float,
) -> None:
    """Wait up to ``wait`` seconds for routing to converge on the routers the target holds;
    say what is still missing when the time is up (the probes then show its effect)."""
    from netauto.plan.routing import ebgp_sites, link_is_ebgp
    from netauto.verify.converge import expectations, wait_converged

    routers = set(reachable) if held is None else {n for n, k in held.items() if k == "router"}
    sites = ebgp_sites(sot, ebgp_site)
    site_of = plan.device_sites()
    ebgp = frozenset(link.id for link in plan.links if link_is_ebgp(link, site_of, sites))
    expected = expectations(plan, routers & set(reachable), ebgp)
    with err.status("waiting for routing to converge...") as status:

        def news(done: int, total: int, seconds: float) -> None:
            status.update(
                f"waiting for routing to converge: {done}/{total} routers ({seconds:.0f} s)"
            )

        gaps = wait_converged(nr, expected, wait, news=news)
    if gaps:
        first = "; ".join(
            f"{name}: {', '.join(items[:3])}" for name, items in sorted(gaps.items())[:3]
        )
        err.print(f"routing not converged after {wait:.0f} s on {len(gaps)} routers ({first})",
                  markup=False, highlight=False)  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add `verify`."""

    @app.command("verify", help=VERIFY_HELP)
    def verify(
        ctx: typer.Context,
        target: str = target_option(),
        site: list[str] = typer.Option([], "--site", help="Only this site (repeatable)."),
        ebgp_site: list[str] = typer.Option(
            [],
            "--ebgp-site",
            help="Also treat this site's WAN link as eBGP (as render --ebgp-site); repeatable.",
        ),
        clients: bool = typer.Option(
            True, "--clients/--no-clients", help="Lab: also probe from the LAN client hosts."
        ),
        fmt: str = typer.Option("table", "--format", "-f", help="table or json"),
        junit: Path | None = typer.Option(None, "--junit", help="Also write JUnit XML here."),
        lab_prefix: str | None = lab_prefix_option(),
        credentials: Path | None = credentials_option(),
        workers: int = typer.Option(20, "--workers", min=1, help="Routers checked at once."),
        prober: str = typer.Option(
            "auto",
            "--prober",
            help="auto: one Python prober per host where it has python3, else the shell "
            "script; shell: always the shell script (one ping/nc per probe).",
        ),
        snapshot: str | None = typer.Option(
            None,
            "--snapshot",
            help="Drift: read addresses from a stored snapshot ('latest', "
            "a file under <state-dir>/snapshots/, or a path) instead of the devices.",
        ),
        wait: float = typer.Option(
            0.0,
            "--wait",
            min=0,
            help="Seconds to wait, before probing, for routing to converge: every planned "
            "OSPF adjacency up and a route to every planned prefix on every router, in both "
            "families (default 0: probe at once). A converged network costs one poll.",
        ),
    ) -> None:
        from netauto import __version__
        from netauto.fileio import atomic_write
        from netauto.plan import sot_and_plan
        from netauto.push.audit import now, who
        from netauto.verify import history, live
        from netauto.verify.derive import derive_checks
        from netauto.verify.junit import junit_xml
        from netauto.verify.models import RunInfo, SiteInfo, VerifyRun
        from netauto.verify.run import out_of_reach, run_on_clients, run_on_routers, skipped

        opts = settings(ctx)
        if fmt not in ("table", "json"):
            raise InputError(Problem(None, None, "--format", f"expected table or json: {fmt!r}"))
        if prober not in ("auto", "shell"):
            raise InputError(Problem(None, None, "--prober", f"expected auto or shell: {prober!r}"))
        python = prober == "auto"
        where = open_target(target, lab_prefix, credentials)
        loaded, plan = sot_and_plan(opts.inventory, opts.state_dir / "cache")
        sot = loaded.sot
        unknown = [s for s in site if s not in {x.slug for x in sot.sites}]
        if unknown:
            raise InputError([Problem(None, None, "--site", f"unknown site {s!r}")
                              for s in unknown])  # fmt: skip
        stored = None
        if snapshot is not None:
            stored = live.load_snapshot(opts.state_dir, snapshot)
            if stored.target != target:
                raise InputError(Problem(None, None, "--snapshot", f"snapshot of {stored.target}"
                                         f", not {target}", "take one on this target"))  # fmt: skip
        started = now()
        nr, reachable = where.open_nornir(sot, workers)
        held = where.hosts()
        held_sites = where.sites()
        if held_sites is not None:
            site = site or sorted(held_sites)
        if wait > 0:
            _wait_for_routing(nr, plan, sot, reachable, held, ebgp_site, wait)
        specs = derive_checks(sot, plan, site or None, ebgp=ebgp_site)
        if held is not None and held_sites is not None:
            specs = [
                s
                for s in specs
                if held.get(s.device) == "router"
                and (s.kind != "isolation" or s.target in held_sites)
            ]
        skips: list[Any] = []
        if held is not None:
            held_routers = {n for n, k in held.items() if k == "router"}
            far = out_of_reach(plan, specs, held_routers)
            skips = [skipped(s, far[s.id]) for s in specs if s.id in far]
            specs = [s for s in specs if s.id not in far]
        lan_clients = where.clients() if clients else []
        client_specs = [s for s in specs if s.probe in ("ping", "tcp")] if lan_clients else []
        total = len(specs) + len(client_specs)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=True,
        ) as progress:  # fmt: skip
            bar = progress.add_task(f"verify ({target})", total=total)
            lock = threading.Lock()

            def done(count: int) -> None:
                with lock:
                    progress.advance(bar, count)

            seen: dict[str, dict[str, Any]] = {}
            # LAN clients probe locally (no SSH) and the VMs are read: both while the
            # routers are checked.
            with concurrent.futures.ThreadPoolExecutor(max_workers=2) as side:
                from_clients = (
                    side.submit(run_on_clients, lan_clients, client_specs, done, python=python)
                    if client_specs
                    else None
                )
                from_vms = side.submit(_vm_drift, nr, plan, held, site, stored)
                results = run_on_routers(
                    nr, plan, specs, reachable, done,
                    snapshot=live.snapshot_addresses(stored) if stored is not None else None,
                    seen=seen, python=python,
                )  # fmt: skip
                if from_clients is not None:
                    results += from_clients.result()
                results += from_vms.result() + skips
        chosen = {s.site for s in specs}
        run = VerifyRun(
            info=RunInfo(
                started=started, finished=now(), target=target, province=sot.province.name,
                province_code=sot.province.code, inventory=str(opts.inventory),
                sot_sha256=sot_digest(loaded.files), netauto_version=__version__,
                operator=who(),
            ),
            sites=[
                SiteInfo(slug=s.slug, site_id=s.site_id, name=s.name, kind=s.kind, hub=s.hub,
                         commune_code=s.commune_code)
                for s in sot.sites if s.slug in chosen or s.kind != "commune"
            ],
            services=sorted(sot.services),
            checks=sorted(results, key=lambda c: c.id),
        )  # fmt: skip
        run_id = history.save_run(opts.state_dir, run)
        if stored is None and seen:
            used = live.save_snapshot(
                opts.state_dir,
                live.addresses_snapshot(
                    started, target, sot.province.name, str(opts.inventory), seen
                ),
                "verify",
            )
            err.print(f"addresses read: {used}", markup=False, highlight=False)
        elif snapshot is not None:
            err.print(f"addresses from snapshot {snapshot} ({stored.taken if stored else ''})",
                      markup=False, highlight=False)  # fmt: skip
        if junit is not None:
            atomic_write(junit, junit_xml(run))
        if fmt == "json":
            typer.echo(run.model_copy(update={"info": run.info.model_copy(
                update={"run_id": run_id})}).model_dump_json(indent=1))  # fmt: skip
        else:
            out.print(_summary_table(list(run.checks)))
            bad = [c for c in run.checks if c.status in ("fail", "error")]
            for check in bad[:40]:
                out.print(f"[red]{check.status.upper()}[/] {check.id}: {check.evidence}",
                          markup=True, highlight=False)  # fmt: skip
            if len(bad) > 40:
                out.print(f"... and {len(bad) - 40} more (netauto report --run {run_id})")
        counts = Counter(c.status for c in run.checks)
        err.print(f"run {run_id}: {len(run.checks)} checks, {counts['pass']} passed, "
                  f"{counts['fail']} failed, {counts['error']} errors; "
                  f"report: netauto report --run {run_id}")  # fmt: skip
        if not run.passed:
            raise CheckFailed(f"verification failed ({counts['fail']} failed, "
                              f"{counts['error']} errors)")  # fmt: skip
