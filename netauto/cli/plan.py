"""`netauto plan`: allocate every address, keep the ledger, explain and diff."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import typer

from netauto.cli import output as ui
from netauto.cli.options import settings
from netauto.errors import CheckFailed, InputError, Problem
from netauto.plan import store_plan
from netauto.plan.build import Change, PlanResult, build_plan, ledger_text_after
from netauto.plan.explain import explain_site
from netauto.plan.formats import Format, plan_text
from netauto.plan.ledger import load_ledger, save_ledger
from netauto.sot.loader import load_sot
from netauto.sot.source import ledger_path

WARN_PERCENT = 80.0


def summary(changes: list[Change]) -> str:
    """``"3 added, 1 changed, 0 freed"`` or ``"no changes"``.

    Examples:
        >>> summary([])
        'no changes'
        >>> summary([Change(action="add", key="k", new="v")])
        '1 added, 0 changed, 0 freed'
    """
    if not changes:
        return "no changes"
    counts = {action: sum(c.action == action for c in changes) for action in ("add", "change")}
    freed = sum(c.action == "free" for c in changes)
    return f"{counts['add']} added, {counts['change']} changed, {freed} freed"


def usage_table(result: PlanResult) -> None:
    """Print the pool health: one row per zone, hub and IPv4 pool (over 80 % in yellow)."""
    usage = result.plan.usage
    ui.table(
        "Pool utilisation",
        ("pool", "family", "prefix", "used", "capacity", "%"),
        [
            [
                row.pool,
                row.family,
                row.prefix,
                str(row.used),
                str(row.capacity),
                f"{row.percent:.1f}",
            ]
            for row in usage
        ],
        right=("used", "capacity", "%"),
        warn={i for i, row in enumerate(usage) if row.percent >= WARN_PERCENT},
    )


def register(app: typer.Typer) -> None:
    """Add the ``plan`` verb."""

    @app.command("plan")
    def plan(
        ctx: typer.Context,
        diff: bool = typer.Option(
            False, "--diff", help="Show what a run would add, change or free; write nothing."
        ),
        check: bool = typer.Option(
            False, "--check", help="Exit 1 if the ledger is out of date (for CI); write nothing."
        ),
        prune: bool = typer.Option(
            False,
            "--prune",
            help="Free the allocations of sites, links and VMs no longer in the SoT.",
        ),
        fmt: str | None = typer.Option(
            None,
            "--format",
            "-f",
            help="Print the whole plan as json, yaml or csv on stdout (ledger still written).",
        ),
        explain: str | None = typer.Option(
            None, "--explain", metavar="SITE", help="Explain every prefix of one site (slug or id)."
        ),
        ledger_file: Path | None = typer.Option(
            None, "--ledger", help="Ledger file (default: allocations.yml in the SoT directory)."
        ),
    ) -> None:
        """Allocate every prefix and address (IPv6 + IPv4) and keep the allocation ledger.

        Addresses hang off stable identities (site_id, hostname, link id, VM name) recorded
        in the ledger: adding, re-parenting, renaming or merging sites renumbers nothing.
        """
        if fmt is not None and fmt not in ("json", "yaml", "csv"):
            raise InputError(
                Problem(None, None, "--format", f"unknown format {fmt!r}", "use json, yaml or csv")
            )
        opts = settings(ctx)
        loaded = load_sot(opts.inventory)
        path = ledger_file or ledger_path(opts.inventory)
        old = load_ledger(path)
        result = build_plan(loaded.sot, old, prune=prune, locations=loaded.locations)
        if explain is not None:
            for line in explain_site(loaded.sot, result, explain):
                ui.write(line)
            return
        to_err = fmt is not None  # stdout carries the plan itself
        if diff or check:
            for change in result.changes:
                ui.write(str(change), stderr=to_err)
            ui.write(f"{path}: {summary(result.changes)}", stderr=to_err)
            if check and (result.changes or old is None):
                raise CheckFailed(
                    f"the ledger {path} is out of date ({summary(result.changes)}): "
                    "run `netauto plan` and commit it"
                )
        else:
            text = ledger_text_after(result, old)
            if text is not None:
                save_ledger(path, result.ledger, text)
                ui.write(f"wrote {path}: {summary(result.changes)}", stderr=to_err)
            else:
                ui.write(f"{path}: no changes", stderr=to_err)
            if ledger_file is None:  # the verbs that follow read the default ledger
                store_plan(opts.inventory, opts.state_dir / "cache", loaded, result.plan)
            if fmt is None:
                usage_table(result)
        if fmt is not None:
            ui.write(plan_text(result.plan, cast(Format, fmt)), end="")
