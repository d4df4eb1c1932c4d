"""`netauto plan`: allocate every address, keep the ledger, explain and diff."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import typer

from netauto import console
from netauto.errors import CheckFailed, InputError, Problem
from netauto.plan.build import Change, PlanResult, build_plan, ledger_text_after
from netauto.plan.explain import explain_site
from netauto.plan.formats import Format, plan_text
from netauto.plan.ledger import load_ledger, save_ledger
from netauto.settings import settings
from netauto.sot.loader import load_sot
from netauto.sot.source import LoadedSoT, ledger_path

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
    console.table(
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


def _cache_plan(
    inventory: Path,
    state_dir: Path,
    ledger_file: Path | None,
    ledger_text: str | None,
    loaded: LoadedSoT,
    result: PlanResult,
) -> None:
    """Store the SoT and plan for later verbs (render, push, verify), in the background.

    Keyed by the ledger as it will be on disk (see :func:`netauto.cache.wait_for_stores`).
    A ``--ledger`` elsewhere is not cached (later verbs read the default ledger).
    """
    from netauto import launch

    if ledger_file is not None or launch.rendering_ahead:
        return  # the process rendering ahead stores the same SoT and plan (netauto.launch)
    from netauto import cache
    from netauto.plan import plan_cache_key

    text = None if ledger_text is None else ledger_text.encode("utf-8")
    key = plan_cache_key(inventory, ledger_text=text)
    cache.store_in_background(state_dir / "cache", key, (loaded, result.plan))


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
        A plain `netauto plan` also renders every host in the background, for the `netauto
        render` that follows (NETAUTO_NO_EARLY_WORK=1 turns that off).
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
                console.write(line)
            return
        to_err = fmt is not None  # stdout carries the plan itself
        if diff or check:
            for change in result.changes:
                console.write(str(change), stderr=to_err)
            console.write(f"{path}: {summary(result.changes)}", stderr=to_err)
            if check and (result.changes or old is None):
                raise CheckFailed(
                    f"the ledger {path} is out of date ({summary(result.changes)}): "
                    "run `netauto plan` and commit it"
                )
        else:
            text = ledger_text_after(result, old)
            # The cache is written by a background process (see netauto.cache); the CLI
            # waits for it unless the process ends at once (netauto.cli.QUICK_EXIT_VERBS).
            _cache_plan(opts.inventory, opts.state_dir, ledger_file, text, loaded, result)
            if text is not None:
                save_ledger(path, result.ledger, text)
                console.write(f"wrote {path}: {summary(result.changes)}", stderr=to_err)
            else:
                console.write(f"{path}: no changes", stderr=to_err)
            if fmt is None:
                usage_table(result)
        if fmt is not None:
            console.write(plan_text(result.plan, cast(Format, fmt)), end="")
