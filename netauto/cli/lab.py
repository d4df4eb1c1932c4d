"""`netauto lab` verbs: up, status, exec, down, vagrant."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from netauto.cli.options import settings
from netauto.cli.output import err, out
from netauto.errors import CheckFailed, InputError, Problem
from netauto.fileio import atomic_write
from netauto.lab import naming, runner
from netauto.lab.state import PREFIX_ENV, info
from netauto.lab.topology import LabTopology, build_topology
from netauto.lab.vagrant import vagrantfile

if TYPE_CHECKING:
    from netauto.lab.legacy import AsBuilt

PREFIX_HELP = "Prefix of every name the lab creates (namespaces, runtime dir)."


def _split(values: list[str]) -> list[str]:
    """Accept ``--sites a,b --sites c``.

    Examples:
        >>> _split(["a,b", "c", ""])
        ['a', 'b', 'c']
    """
    return [v for item in values for v in item.split(",") if v]


def _topology(
    inventory: Path,
    prefix: str,
    sites: list[str],
    hubs: int | None,
    clients: bool = True,
    ebgp_sites: list[str] | None = None,
) -> LabTopology:
    from netauto.plan import plan_for
    from netauto.sot.loader import load_sot

    plan = plan_for(inventory).plan
    sot = load_sot(inventory).sot
    return build_topology(plan, sot, prefix=prefix, sites=_split(sites), hubs=hubs,
                          clients=clients, ebgp_sites=_split(ebgp_sites or []))  # fmt: skip


def _legacy_topology(
    inventory: Path,
    prefix: str,
    sites: list[str],
    hubs: int | None,
    clients: bool,
    ebgp_sites: list[str],
) -> tuple[LabTopology, AsBuilt]:
    """The legacy lab (``lab up --legacy``): the lab's wiring, the as-built network's config."""
    from netauto.lab.legacy import as_built, legacy_topology
    from netauto.plan import plan_for
    from netauto.sot.loader import load_sot

    plan = plan_for(inventory).plan
    sot = load_sot(inventory).sot
    topo = build_topology(plan, sot, prefix=prefix, sites=_split(sites), hubs=hubs,
                          clients=clients, ebgp_sites=_split(ebgp_sites))  # fmt: skip
    built = as_built(sot, plan)
    return legacy_topology(topo, built), built


def register(app: typer.Typer) -> None:
    """Add the ``lab`` verbs."""
    lab = typer.Typer(
        help=(
            "A virtual copy of the province on this machine (needs root): one network "
            "namespace per router, VM and LAN client, FRR + sshd per router, reachable with "
            "`ssh -F /run/netauto/<prefix>/ssh_config HOST`. Push and verify use it with "
            "`--target lab`."
        ),
        no_args_is_help=True,
    )
    app.add_typer(lab, name="lab")

    prefix_opt = typer.Option(naming.DEFAULT_PREFIX, "--prefix", envvar=PREFIX_ENV,
                              help=PREFIX_HELP)  # fmt: skip

    @lab.command("up")
    def up(
        ctx: typer.Context,
        sites: list[str] = typer.Option(
            [],
            "--sites",
            help="Only these sites (slugs or router hostnames, comma-separated), "
            "plus their hub and the data centre.",
        ),
        hubs: int | None = typer.Option(
            None, "--hubs", help="Only the data centre and the first N hubs with their sites."
        ),
        prefix: str = prefix_opt,
        timeout: float = typer.Option(180.0, "--timeout", help="Seconds to wait for readiness."),
        rebuild: bool = typer.Option(
            False, "--rebuild", help="Rebuild even if the same lab is already up."
        ),
        clients: bool = typer.Option(
            True, "--clients/--no-clients", help="A client namespace on every LAN."
        ),
        ebgp_site: list[str] = typer.Option(
            [],
            "--ebgp-site",
            help="Site (slug) that talks eBGP to its hub, on top of `routing: ebgp` in the "
            "SoT: the same meaning as `netauto render --ebgp-site`, so the routers you "
            "render BGP for run bgpd (repeatable or comma-separated).",
        ),
        legacy: bool = typer.Option(
            False,
            "--legacy",
            help="The province as it ran before netauto: routers boot configured (IPv4 "
            "only, OSPFv2, an as-built addressing derived from the SoT, with its quirks), "
            "run lldpd; VMs and LAN clients are IPv4 only. See README, 'The legacy lab'.",
        ),
    ) -> None:
        """Build the lab from the SoT and plan; routers start factory-fresh (config: push).

        Every router runs zebra, staticd, ospfd and ospf6d; bgpd only if it has an eBGP
        link (its site or the site at the other end has `routing: ebgp` in the SoT or is
        given with --ebgp-site). Render with the same --ebgp-site values you give here.
        Safe to re-run: the same lab already up is kept, anything else is rebuilt cleanly.
        """
        opts = settings(ctx)
        runner.require_root_and_tools()
        built = None
        if legacy:
            topo, built = _legacy_topology(opts.inventory, prefix, sites, hubs, clients,
                                           ebgp_site)  # fmt: skip
        else:
            topo = _topology(opts.inventory, prefix, sites, hubs, clients, ebgp_site)
        for note in topo.notes:
            err.print(f"note: {note}", markup=False)
        started = time.monotonic()
        with Progress(
            TextColumn("{task.description:<11}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=err, transient=False,
        ) as progress:  # fmt: skip
            lab_info = runner.up(
                topo, timeout=timeout, rebuild=rebuild, as_built=built, progress=progress,
                notify=err.print,
            )  # fmt: skip
        kinds = [h.kind for h in topo.hosts]
        bgp = sum(1 for h in topo.hosts if "bgpd" in h.daemons)
        out.print(
            f"Lab {prefix} up in {time.monotonic() - started:.1f} s: "
            f"{kinds.count('router')} routers, {kinds.count('vm')} VMs, "
            f"{kinds.count('client')} LAN clients; bgpd on {bgp} routers.",
            markup=False,
        )
        if lab_info.as_built is not None:
            out.print(f"  legacy (as-built IPv4, OSPFv2): {lab_info.as_built}", markup=False)
        first = lab_info.routers[0].name if lab_info.routers else "HOST"
        out.print(f"  ssh -F {lab_info.ssh_config} {first}", markup=False)
        out.print(f"  Nornir config: {lab_info.nornir_config}", markup=False)

    @lab.command("status")
    def status(
        prefix: str = prefix_opt,
        fmt: str = typer.Option("table", "--format", "-f", help="table or json"),
    ) -> None:
        """Namespaces, daemons and sshd of every lab host; exit 1 if anything is down."""
        if fmt not in ("table", "json"):
            raise InputError(Problem(None, None, "--format", f"unknown format {fmt!r}",
                                     "use table or json"))  # fmt: skip
        runner.require_root_and_tools()
        report = runner.status(prefix)
        if fmt == "json":
            data = report.model_dump(mode="json")
            data["ok"] = report.ok
            for host, entry in zip(report.hosts, data["hosts"], strict=True):
                entry["ok"] = host.ok
            out.print_json(json.dumps(data))
        else:
            table = Table("host", "kind", "namespace", "daemons", "sshd", "ok")
            for host in report.hosts:
                daemons = " ".join(
                    n if alive else f"[red]{n}![/]" for n, alive in host.daemons.items()
                )
                sshd = {None: "-", True: "answers", False: "[red]no[/]"}[host.ssh_banner]
                ok = "[green]yes[/]" if host.ok else "[red]NO[/]"
                ns = host.namespace if host.namespace_exists else f"[red]{host.namespace}?[/]"
                table.add_row(host.name, host.kind, ns, daemons or "-", sshd, ok)
            out.print(table)
            legacy = "; legacy (as-built)" if report.legacy else ""
            out.print(f"phase: {report.phase}; runtime: {report.runtime_dir}{legacy}",
                      markup=False)  # fmt: skip
        if not report.ok:
            bad = [h.name for h in report.hosts if not h.ok]
            raise CheckFailed(f"lab {prefix} is not healthy: {', '.join(bad) or report.phase}")

    @lab.command(
        "exec",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    )
    def exec_(
        host: str = typer.Argument(..., help="Router, VM or client name."),
        command: list[str] = typer.Argument(None, help="Command (after --); default: a shell."),
        prefix: str = prefix_opt,
    ) -> None:
        """Run a command inside a lab host (same namespaces as its sshd): HOST -- CMD..."""
        runner.require_root_and_tools()
        code = runner.exec_in(info(prefix), host, list(command or []))
        if code:
            raise typer.Exit(code)

    @lab.command("down")
    def down(prefix: str = prefix_opt) -> None:
        """Remove every namespace, process, file and key of the lab (safe to run twice)."""
        runner.require_root_and_tools()
        report = runner.down(prefix)
        out.print(
            f"Lab {prefix} down: {len(report.namespaces)} namespaces and "
            f"{report.processes} processes removed"
            + (", runtime directory removed." if report.runtime_removed else "."),
            markup=False,
        )

    @lab.command("vagrant")
    def vagrant(
        ctx: typer.Context,
        sites: list[str] = typer.Option([], "--sites", help="Only these sites (as for `up`)."),
        hubs: int | None = typer.Option(None, "--hubs", help="Only the first N hubs."),
        output: Path = typer.Option(Path("Vagrantfile"), "-o", "--output", help="Output file."),
    ) -> None:
        """Write a Vagrantfile: Debian 12 + FRR boxes for the routers of (a subset of) the SoT."""
        opts = settings(ctx)
        topo = _topology(opts.inventory, naming.DEFAULT_PREFIX, sites, hubs, clients=False)
        routers = sum(1 for h in topo.hosts if h.kind == "router")
        if routers > 30:
            err.print(
                f"note: {routers} boxes at 512 MB each; consider --hubs 1 or --sites",
                markup=False,
            )
        atomic_write(output, vagrantfile(topo, str(opts.inventory)))
        out.print(f"wrote {output}: {routers} routers", markup=False)
