"""`netauto validate` (and later `inventory`, `init`): the source-of-truth verbs."""

from __future__ import annotations

import typer

from netauto.console import out
from netauto.settings import settings
from netauto.sot.loader import load_sot


def validate(ctx: typer.Context) -> None:
    """Check the source of truth: YAML, schema and every cross-reference.

    Exit 0 when valid; exit 2 with one line per problem (file:line: field: what was
    expected) otherwise.
    """
    loaded = load_sot(settings(ctx).inventory)
    sot = loaded.sot
    kinds: dict[str, int] = {}
    for site in sot.sites:
        kinds[site.kind] = kinds.get(site.kind, 0) + 1
    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    out.print(
        f"[green]OK[/] {sot.province.name} ({sot.province.code}): {len(loaded.files)} files, "
        f"{len(sot.sites)} sites ({summary}), {len(sot.all_devices())} devices, "
        f"{len(sot.links)} links, {len(sot.vms)} VMs"
    )


def register(app: typer.Typer) -> None:
    """Add the source-of-truth verbs to the main app."""
    from netauto.sot import init_cli

    app.command("validate")(validate)
    init_cli.register(app)
