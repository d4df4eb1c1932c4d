"""`netauto validate` and `netauto inventory`: the source-of-truth verbs (thin CLI)."""

from __future__ import annotations

import enum
from itertools import groupby
from pathlib import Path

import typer
import yaml
from rich import box
from rich.table import Table
from rich.text import Text

from netauto.cli.options import open_target, settings
from netauto.cli.output import err, out
from netauto.errors import InputError, Problem
from netauto.fileio import atomic_write
from netauto.sot.export import (
    HostInventory,
    ansible_inventory,
    host_inventory,
    nornir_inventory,
)
from netauto.sot.loader import load_sot

VALIDATE_HELP = """Check the source of truth: YAML, schema and every cross-reference.

Reads every *.yml / *.yaml file under the inventory directory (hidden files and the plan's
allocations.yml are skipped), merges them, and checks them: YAML syntax, unknown or
missing fields, types and ranges, duplicate hostnames / site ids / slugs / commune codes,
hubs, link ends, VM networks and services, policy groups, overlapping IPv4 blocks.

Every problem is reported once, as FILE:LINE: FIELD: what is wrong (hint: how to fix),
then netauto stops. Exit 0: valid; exit 2: the input has problems. Nothing is written.

[bold]Examples[/]

  netauto validate                        # the SoT in ./inventory
  netauto -i tests/data/tiny validate     # another directory
  netauto -i inventory/hub-01.yml validate  # one file on its own
"""

INVENTORY_HELP = """List every router and data-centre VM, or export them for Nornir / Ansible.

The table groups hosts by site kind (data centre, hubs, communes, departments), then by hub
and site, with platform, role, site id, commune code and the address netauto connects to
(mgmt_address, else lab_name, else hostname). A summary line counts sites by kind, devices,
LANs, VMs and links. The SoT is validated first: on any problem nothing is printed or written.

--export nornir DIR writes a Nornir SimpleInventory (hosts.yaml, groups.yaml,
defaults.yaml). Groups: routers, dc_vms, platform_<p> (with napalm / netmiko driver names),
kind_<site kind>, hub_<hub>, site_<slug>; host data carries site_id, site, commune_code,
role... --export ansible FILE writes an Ansible YAML inventory (groups kind_*, hub_*,
platform_*; VMs under dc_vms). Files are replaced atomically.

[bold]Examples[/]

  netauto inventory                              # the table
  netauto inventory --format json | jq '.hosts[] | select(.hub == "hub-01") | .name'
  netauto inventory --export nornir build/nornir
  netauto inventory --export ansible build/hosts.yml
  ansible-inventory -i build/hosts.yml --graph

--live asks the network instead of the SoT: every router answers Napalm getters (vendor,
model, serial, OS version, uptime, interfaces and their addresses), every data-centre VM
a few shell commands over SSH. The snapshot is stored under <state-dir>/snapshots/
(<time>-<target>.json and latest.json; `netauto verify --snapshot latest` reads it) and
listed beside the SoT: missing (in the SoT, not on the target), unreachable (on the target,
did not answer), unknown (answered, not in the SoT). Exit 1 if a host did not answer.

  netauto inventory --live --target lab
  netauto inventory --live --target prod --credentials ~/.netauto/prod.yml --format json
"""


class OutputFormat(enum.StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"


class ExportKind(enum.StrEnum):
    nornir = "nornir"
    ansible = "ansible"


SITE_KIND_TITLES = {
    "data-centre": "Data centre",
    "hub": "Hubs",
    "commune": "Commune sites",
    "department": "Department sites",
}


def validate(ctx: typer.Context) -> None:
    loaded = load_sot(settings(ctx).inventory)
    sot = loaded.sot
    summary = host_inventory(sot).summary
    out.print(
        f"[green]OK[/] {sot.province.name} ({sot.province.code}): {len(loaded.files)} files, "
        f"{summary}",
        highlight=False,
    )


validate.__doc__ = VALIDATE_HELP


def _tables(inventory: HostInventory) -> list[Table]:
    """One table per site kind; rows grouped by hub then site (a rule between hubs).

    Short columns keep their full width; long names give way first on a narrow terminal.
    The address column appears only when some host is reached by another name.
    """
    tables: list[Table] = []
    for kind, rows in groupby(inventory.hosts, key=lambda h: h.site_kind):
        hosts = list(rows)
        by_hub = kind in ("commune", "department")
        table = Table(
            title=f"{SITE_KIND_TITLES[kind]}: {len({h.site for h in hosts})} sites, "
            f"{len(hosts)} hosts",
            title_justify="left",
            title_style="bold",
            box=box.SIMPLE_HEAD,
            pad_edge=False,
        )
        with_address = any(h.address != h.name for h in hosts)
        cells: list[list[str]] = []
        for host in hosts:
            row = [host.hub or "-"] if by_hub else []
            row += [host.site, str(host.site_id), host.commune_code or "", host.name]
            row += [host.platform, host.role]
            cells.append([*row, host.address] if with_address else row)
        columns = ["Hub"] if by_hub else []
        columns += ["Site", "ID", "Commune", "Host", "Platform", "Role"]
        columns += ["Address"] if with_address else []
        for index, column in enumerate(columns):
            widest = max(len(column), *(len(row[index]) for row in cells))
            short = column in ("ID", "Commune", "Platform", "Role")
            table.add_column(column, no_wrap=True, min_width=widest if short else 6)
        for index, row in enumerate(cells):
            last_of_hub = index + 1 == len(hosts) or hosts[index + 1].hub != hosts[index].hub
            table.add_row(*(Text(cell) for cell in row), end_section=by_hub and last_of_hub)
        tables.append(table)
    return tables


def _export_nornir(directory: Path, inventory_text: dict[str, str]) -> None:
    if directory.exists() and not directory.is_dir():
        raise InputError(
            Problem(directory, None, "", "is a file", "--export nornir needs a directory")
        )
    for name, text in inventory_text.items():
        atomic_write(directory / name, text)


def inventory(
    ctx: typer.Context,
    output_format: OutputFormat = typer.Option(
        OutputFormat.table, "--format", "-f", help="How to print the hosts."
    ),
    export: tuple[ExportKind, Path] | None = typer.Option(
        None,
        "--export",
        metavar="nornir DIR | ansible FILE",
        help="Write a Nornir SimpleInventory directory or an Ansible YAML inventory file.",
    ),
    live: bool = typer.Option(
        False, "--live", help="Collect facts from the network (Napalm / SSH) and store them."
    ),
    live_target: str = typer.Option("lab", "--target", "-t", help="With --live: lab or prod."),
    lab_prefix: str | None = typer.Option(
        None, "--lab-prefix", envvar="NETAUTO_LAB_PREFIX", help="With --live: the lab prefix."
    ),
    credentials: Path | None = typer.Option(
        None, "--credentials", help="With --live --target prod: YAML file (0600) of credentials."
    ),
) -> None:
    if live:
        _live_inventory(ctx, output_format, live_target, lab_prefix, credentials)
        return
    sot = load_sot(settings(ctx).inventory).sot
    hosts = host_inventory(sot)
    if export is not None and export[0] is not None:
        kind, target = export
        if kind is ExportKind.nornir:
            nornir = nornir_inventory(sot)
            _export_nornir(target, nornir.files())
            what = f"Nornir inventory ({len(nornir.hosts)} hosts, {len(nornir.groups)} groups)"
        else:
            if target.is_dir():
                raise InputError(
                    Problem(target, None, "", "is a directory", "--export ansible needs a file")
                )
            atomic_write(target, ansible_inventory(sot).text())
            what = f"Ansible inventory ({len(hosts.hosts)} hosts)"
        err.print(f"Wrote {what} to {target}", markup=False, highlight=False)
        if output_format is OutputFormat.table:
            return
    if output_format is OutputFormat.json:
        out.print(hosts.model_dump_json(indent=2), markup=False, highlight=False)
    elif output_format is OutputFormat.yaml:
        text = yaml.safe_dump(hosts.model_dump(mode="json"), sort_keys=False, allow_unicode=True)
        out.print(text, markup=False, highlight=False, end="")
    else:
        for table in _tables(hosts):
            out.print(table)
        out.print(Text(f"{hosts.province} ({hosts.province_code}): {hosts.summary}", style="bold"))


inventory.__doc__ = INVENTORY_HELP


def _live_inventory(
    ctx: typer.Context,
    output_format: OutputFormat,
    target: str,
    lab_prefix: str | None,
    credentials: Path | None,
) -> None:
    """``inventory --live``: collect, store and list a snapshot (network stack loaded here)."""
    import json

    from netauto.errors import CheckFailed
    from netauto.verify import live

    where = open_target(target, lab_prefix, credentials)
    opts = settings(ctx)
    sot = load_sot(opts.inventory).sot
    with err.status(f"collecting facts ({target})..."):
        snapshot = live.take_snapshot(where, sot, str(opts.inventory))
    path = live.save_snapshot(opts.state_dir, snapshot)
    rows = live.compare(live.sot_hosts(sot), snapshot)
    if output_format is OutputFormat.table:
        table = Table(title=f"live inventory ({target}, {snapshot.taken})", title_justify="left",
                      box=box.SIMPLE_HEAD, pad_edge=False)  # fmt: skip
        for column in ("Host", "Kind", "Status", "Vendor", "OS", "Serial", "Uptime", "Ifs",
                       "Addrs"):  # fmt: skip
            wraps = column == "OS"
            table.add_column(column, no_wrap=not wraps, min_width=10 if wraps else None)
        for row in rows:
            facts = snapshot.host(row.name)
            style = {"ok": "green", "missing": "yellow", "unknown": "yellow"}.get(row.status, "red")
            status = f"[{style}]{row.status}[/]" + (f" {row.detail}" if row.detail else "")
            cells = [row.name, row.kind or "-", status]
            if facts is not None and facts.reachable:
                addresses = sum(len(i.addresses) for i in facts.interfaces)
                cells += [facts.vendor, facts.os_version, facts.serial_number[:8],
                          f"{(facts.uptime_s or 0) / 3600:.1f}h", str(len(facts.interfaces)),
                          str(addresses)]  # fmt: skip
            else:
                cells += ["-"] * 6
            table.add_row(*cells)
        out.print(table)
    else:
        data = {
            "snapshot": str(path),
            "rows": [r.model_dump(mode="json") for r in rows],
            **snapshot.model_dump(mode="json"),
        }
        text = json.dumps(data, indent=1, ensure_ascii=False)
        if output_format is OutputFormat.yaml:
            text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        out.print(text, markup=False, highlight=False)
    counts = {s: sum(r.status == s for r in rows) for s in ("ok", "missing", "unreachable",
                                                             "unknown")}  # fmt: skip
    err.print(f"{len(snapshot.hosts)} hosts asked: {counts['ok']} ok, {counts['unreachable']} "
              f"unreachable, {counts['missing']} missing from the network, {counts['unknown']} "
              f"unknown to the SoT; snapshot: {path}", markup=False, highlight=False)  # fmt: skip
    if counts["unreachable"]:
        raise CheckFailed(f"{counts['unreachable']} hosts did not answer")


def register(app: typer.Typer) -> None:
    """Add the source-of-truth verbs to the main app."""
    app.command("validate")(validate)
    app.command("inventory")(inventory)
