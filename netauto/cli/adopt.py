"""`netauto import`: adopt a running IPv4 province into the SoT (thin CLI over netauto.adopt)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from netauto.cli import output as ui
from netauto.cli.options import credentials_option, lab_prefix_option, open_target, settings
from netauto.errors import CheckFailed, InputError, Problem

if TYPE_CHECKING:
    from netauto.adopt.models import ImportResult, Observation
    from netauto.adopt.run import ImportPlan
    from netauto.sot.source import LoadedSoT

IMPORT_HELP = """Read the running network and fix its IPv4 numbering in the SoT, so that
`netauto plan` keeps every address the province already uses and only adds IPv6.

What is read: live with --target lab|prod (Napalm: the running configuration, the
interfaces and their admin state, the LLDP neighbours; the data-centre VMs' addresses over
SSH, unless --no-vms), or offline with --from-configs DIR (every *.conf, *.cfg and *.txt
file of DIR is one router's saved running configuration: FRR, Cisco IOS or Huawei VRP;
the platform is the SoT device's, else what the text shows; VMs only from an optional
DIR/vms.yml of `<vm>: <address>/<length>` lines).

What is matched: devices by hostname; every interface the plan gives a device (loopback,
link ends, LAN interfaces) to the device's interface of that name; every SoT link to its
two ends by LLDP where the ports have neighbours, and in every case by the two ends sharing
a subnet; a LAN's gateway is the address of its interface.

What is written (with --write, atomically): the SoT's `imported` section, in the file that
already holds it or in <inventory>/imported.yml: the address of every loopback, link end,
LAN gateway and VM, and the configuration the SoT does not model (descriptions, secondary
addresses, shut interfaces such as spare ports, static routes, access-lists and
prefix-lists, OSPF router-id, redistribution and distribute-lists). What it cannot hold
(route maps, route tags, filters on interfaces and lines, ...) is listed as not kept.
Without --write the change is printed as a diff of that file; review the written result
with `git diff`. A missing, empty or unreadable ledger (allocations.yml) is rebuilt by
--write from the plan with the imported addresses.

Conflicts stop the import, one line each (device, interface, what, the live and the SoT
value, a hint): an address used twice, link ends in different subnets, a device in the
network but not in the SoT or the reverse, a live address that contradicts one the SoT fixes
(lans[].ipv4, links[].a/b.ipv4, vms[].ipv4) or the previous import, a planned interface
missing on the device, an LLDP neighbour that contradicts the SoT's link. Exit 1, nothing
written. Exit 0: no conflict (written with --write); 2: bad input.

[bold]Examples[/]

  netauto import --target lab                  # the change, as a diff
  netauto import --target lab --write && git diff inventory/
  netauto import --from-configs backups/2026-12-01 --write
  netauto import -t prod --credentials ~/.netauto/prod.yml --format json
  netauto import --write && netauto plan && netauto render && netauto diff
"""


def _conflict_lines(result: ImportResult) -> None:
    for conflict in result.conflicts:
        ui.write(f"conflict: {conflict}", stderr=True)


def count(number: int, what: str, plural: str = "") -> str:
    """``number`` and ``what``, plural (``plural``, else with an s) unless one.

    Examples:
        >>> count(1, "conflict"), count(3, "device"), count(2, "address", "addresses")
        ('1 conflict', '3 devices', '2 addresses')
    """
    return f"{number} {what if number == 1 else plural or what + 's'}"


def _summary(plan: ImportPlan) -> str:
    stats = plan.result.stats
    parts = [
        count(stats.devices, "device") + (f", {count(stats.vms, 'VM')}" if stats.vms else ""),
        f"{count(stats.addresses, 'address', 'addresses')} fixed",
        f"{count(stats.legacy, 'legacy item')} kept",
        f"{len(plan.result.not_kept)} not kept",
        count(len(plan.result.conflicts), "conflict"),
    ]
    return ", ".join(parts)


def _as_json(plan: ImportPlan, written: list[Path]) -> str:
    result = plan.result
    data = {
        "source": result.imported.source,
        "target": str(plan.target),
        "changed": plan.changed,
        "written": [str(p) for p in written],
        "ledger": {
            "path": str(plan.ledger.path),
            "lost": plan.ledger.lost,
            "rebuilt": plan.ledger.path in written,
        },
        "stats": result.stats.model_dump(),
        "conflicts": [c.model_dump() | {"text": str(c)} for c in result.conflicts],
        "not_kept": [n.model_dump() | {"text": str(n)} for n in result.not_kept],
        "notes": result.notes,
        "diff": plan.diff(),
        "imported": result.imported.model_dump(mode="json", exclude_defaults=True),
    }
    return json.dumps(data, indent=1, ensure_ascii=False)


def _read(
    loaded: LoadedSoT,
    *,
    directory: Path | None,
    target: str,
    lab_prefix: str | None,
    credentials: Path | None,
    workers: int,
    vms: bool,
    quiet: bool,
) -> Observation:
    """The observation, with a progress bar on stderr while devices are read."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        console=ui.err, transient=True, disable=quiet,
    ) as progress:  # fmt: skip
        lock = threading.Lock()
        if directory is not None:
            from netauto.adopt.offline import config_files, read_configs

            bar = progress.add_task(f"reading {directory}", total=len(config_files(directory)))

            def one_file(name: str) -> None:
                progress.advance(bar)

            return read_configs(directory, loaded.sot, done=one_file)
        from netauto.adopt.live import read_live

        where = open_target(target, lab_prefix, credentials)
        held = where.hosts()
        total = sum(vms or k != "vm" for k in held.values()) if held is not None else None
        bar = progress.add_task(f"reading devices ({where.name})", total=total)

        def one_host(name: str) -> None:
            with lock:
                progress.advance(bar)

        return read_live(where, loaded.sot, workers=workers, vms=vms, done=one_host)


def register(app: typer.Typer) -> None:
    """Add the ``import`` verb."""

    @app.command("import", help=IMPORT_HELP)
    def import_(
        ctx: typer.Context,
        target: str | None = typer.Option(
            None, "--target", "-t",
            help="Read the live network: lab (the running lab) or prod (default: lab, unless "
            "--from-configs).",
        ),
        from_configs: Path | None = typer.Option(
            None, "--from-configs", metavar="DIR",
            help="Read saved running configurations (one file per router) instead.",
        ),
        write: bool = typer.Option(
            False, "--write", help="Write the imported section (and a lost ledger) atomically."
        ),
        fmt: str = typer.Option("text", "--format", "-f", help="text or json."),
        lab_prefix: str | None = lab_prefix_option(),
        credentials: Path | None = credentials_option(),
        workers: int = typer.Option(20, "--workers", min=1, help="Devices read at once."),
        no_vms: bool = typer.Option(
            False, "--no-vms",
            help="With --target: read the routers only (the VMs' imported addresses stay).",
        ),
    ) -> None:  # fmt: skip
        from netauto.adopt.run import prepare
        from netauto.adopt.run import write as write_import
        from netauto.sot.loader import load_sot

        if fmt not in ("text", "json"):
            raise InputError(Problem(None, None, "--format", f"unknown format {fmt!r}",
                                     "use text or json"))  # fmt: skip
        if target is not None and from_configs is not None:
            raise InputError(Problem(None, None, "--from-configs",
                                     "give --target or --from-configs, not both",
                                     "--target reads the network, --from-configs reads files"),
            )  # fmt: skip
        loaded = load_sot(settings(ctx).inventory)
        observation = _read(
            loaded, directory=from_configs, target=target or "lab", lab_prefix=lab_prefix,
            credentials=credentials, workers=workers, vms=not no_vms, quiet=fmt == "json",
        )  # fmt: skip
        plan = prepare(loaded, observation)
        result = plan.result
        if fmt == "json":
            written = write_import(plan) if write and not result.conflicts else []
            ui.write(_as_json(plan, written))
            if result.conflicts:
                raise CheckFailed(f"{count(len(result.conflicts), 'conflict')}: nothing written")
            return
        for note in result.notes:
            ui.write(f"note: {note}", stderr=True)
        for item in result.not_kept:
            ui.write(f"not kept: {item}", stderr=True)
        if result.conflicts:
            _conflict_lines(result)
            ui.write(_summary(plan), stderr=True)
            raise CheckFailed(
                f"{count(len(result.conflicts), 'conflict')} between the network and the SoT: "
                "nothing written (fix them, then import again)"
            )
        lost = plan.ledger.lost
        if not write:
            if plan.changed:
                ui.write(plan.diff(), end="")
            ui.write(_summary(plan), stderr=True)
            if lost is not None:
                ui.write(f"the ledger {plan.ledger.path} is {lost}: --write writes a fresh one "
                         "from the imported addresses", stderr=True)  # fmt: skip
            change = "would change; run again with --write" if plan.changed else "no change"
            ui.write(f"{plan.target}: {change}", stderr=True)
            return
        written = write_import(plan)
        ui.write(_summary(plan), stderr=True)
        if plan.target in written:
            ui.write(f"wrote {plan.target}: review it with `git diff`, then `netauto plan`",
                     stderr=True)  # fmt: skip
        else:
            ui.write(f"{plan.target}: no change", stderr=True)
        if plan.ledger.path in written:
            ui.write(f"wrote a fresh ledger {plan.ledger.path} (the ledger was {lost}): IPv4 as "
                     "the network runs it, IPv6 as the plan gives it", stderr=True)  # fmt: skip
