"""`netauto render`: one configuration file per device and VM, checked offline (thin CLI)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from netauto.cli import output as ui
from netauto.cli.options import settings
from netauto.errors import CheckFailed, InputError, Problem
from netauto.render.output import DEFAULT_OUTPUT, Outcome, outcome_of, parser_name, staging
from netauto.render.paths import default_template_dir, stale_outputs
from netauto.settings import Settings

if TYPE_CHECKING:
    from netauto.plan.models import Plan
    from netauto.render.frrsyntax import SyntaxRun
    from netauto.sot.source import LoadedSoT

RENDER_HELP = """Render the configuration of every device (and the network file of every VM).

Loads and validates the SoT, builds the address plan, renders templates/<platform>/ with
Jinja2 (undefined variables are errors), then runs the offline checks:

  addresses  every address in a config is the one the plan gives that interface, and no other
  parity     every interface, OSPF interface, BGP session and filter that has IPv4 has IPv6 too
  syntax     FRR configs pass FRR's own parser (vtysh --dryrun), when FRR is installed

Output, one file per host, written atomically and byte-for-byte deterministic:
<host>.conf (device), <host>.nft (FRR routers: the reachability policy and SSH limit as an
nftables ruleset, since FRR has no packet filter), <vm>.network (systemd-networkd, for the
playbooks). If a check finds an error nothing is written and the exit code is 1; warnings
are printed and do not fail. --check runs the checks only and writes nothing.

[bold]Examples[/]

  netauto render                              # everything into build/configs
  netauto render --host cm-anxuyen-r1 -o /tmp/c
  netauto render --site hub-01 --check        # check one site, write nothing
  netauto render --ebgp-site phuong-an-xuyen  # that site talks eBGP to its hub
"""


def render(
    ctx: typer.Context,
    output: Path = typer.Option(
        DEFAULT_OUTPUT, "-o", "--output", help="Directory the files are written to."
    ),
    host: list[str] = typer.Option([], "--host", help="Only this device or VM (repeatable)."),
    site: list[str] = typer.Option([], "--site", help="Only this site's hosts (repeatable)."),
    check: bool = typer.Option(False, "--check", help="Run the offline checks; write nothing."),
    ebgp_site: list[str] = typer.Option(
        [],
        "--ebgp-site",
        help="Site (slug) that talks eBGP to its hub instead of OSPF, on top of the SoT's "
        "`routing: ebgp` sites.",
    ),
    templates: Path = typer.Option(
        None, "--templates", help="Template directory (default: templates/ of netauto)."
    ),
    quiet: bool = typer.Option(False, "-q", "--quiet", help="No table, only findings."),
) -> None:
    opts = settings(ctx)
    template_dir = templates or default_template_dir()
    from netauto.render.checked import render_checked
    from netauto.render.frrsyntax import discard
    from netauto.render.models import RenderOptions

    loaded, plan, syntax = _load(opts, ebgp_site)
    existed = output.is_dir()
    # The files go into a private staging directory beside the output; it is published
    # only when every check passed (one rename when the output is new, else one atomic
    # rename per file), and removed otherwise.
    with staging(output) as stage:
        try:
            stage_dir = None if check else stage.make()
        except OSError:
            discard(syntax)
            raise
        rendered, findings = render_checked(
            loaded.sot,
            plan,
            host or None,
            site or None,
            RenderOptions(ebgp_sites=frozenset(ebgp_site)),
            template_dir,
            stage=stage_dir,
            syntax=syntax,
        )
        outcome = outcome_of(rendered, findings, parser_name())
        write = not check and not outcome.errors()
        if write:
            stage.publish()
    report(outcome, output, write, quiet, existed and not host and not site)


def summary_table(outcome: Outcome, written: bool) -> None:
    """Print one row per host: its files, lines, templates and what the checks found."""
    per_host = Counter((f.hostname, f.severity) for f in outcome.findings)
    rows = []
    for host in outcome.hosts:
        errors = per_host[(host.hostname, "error")]
        warnings = per_host[(host.hostname, "warning")]
        status = "ok" if not errors and not warnings else f"{errors} errors, {warnings} warnings"
        files = " ".join(name for name, _ in host.files)
        rows.append(
            [host.hostname, host.platform, files, str(host.lines), str(host.templates), status]
        )
    ui.table(
        "render" + ("" if written else " (nothing written)"),
        ("host", "platform", "files", "lines", "templates", "checks"),
        rows,
        right=("lines", "templates"),
        simple=True,
    )


def report(outcome: Outcome, output: Path, write: bool, quiet: bool, whole: bool) -> None:
    """Print the findings, the table (unless ``quiet``), stale files and the summary line;
    raise :class:`CheckFailed` on errors. ``whole``: everything was rendered into an
    output directory that existed before."""
    errors = outcome.errors()
    if outcome.findings:
        from rich.markup import escape  # a message may hold brackets (vtysh's, a name's)
    for finding in outcome.findings:
        colour = "red" if finding.severity == "error" else "yellow"
        ui.err.print(
            f"[{colour}]{finding.severity}:[/] {escape(finding.text)}",
            markup=True,
            highlight=False,
        )
    if not quiet:
        summary_table(outcome, write)
    if write and whole:
        stale = stale_outputs(os.listdir(output), outcome.filenames())
        if stale:
            more = f" and {len(stale) - 10} more" if len(stale) > 10 else ""
            ui.plain(
                f"warning: {len(stale)} files in {output} are not from this render "
                f"(hosts no longer in the plan?): {', '.join(stale[:10])}{more}; "
                "remove them if they are stale"
            )
    files = sum(len(host.files) for host in outcome.hosts)
    ui.plain(
        f"{len(outcome.hosts)} hosts, {files} files, {len(errors)} errors, "
        f"{len(outcome.findings) - len(errors)} warnings (FRR parser: {outcome.parser})"
        + (f"; written to {output}" if write else "; nothing written")
    )
    if errors:
        raise CheckFailed(f"{len(errors)} offline check errors; nothing was written")


def _load(opts: Settings, ebgp_site: list[str]) -> tuple[LoadedSoT, Plan, SyntaxRun | None]:
    """The SoT and plan (checking ``--ebgp-site`` against it), and FRR's parser started."""
    from netauto.plan import sot_and_plan
    from netauto.render.frrsyntax import discard, start_syntax_run

    # FRR's parser builds its command tables on the second core while this one loads the
    # plan; each config is streamed to it as soon as it is rendered.
    syntax = start_syntax_run()
    try:
        loaded, plan = sot_and_plan(opts.inventory, opts.state_dir / "cache")
        known_sites = {s.slug for s in loaded.sot.sites}
        bad = [s for s in ebgp_site if s not in known_sites]
        if bad:
            raise InputError(
                [Problem(None, None, "--ebgp-site", f"unknown site {s!r}") for s in bad]
            )
    except BaseException:
        discard(syntax)  # not needed: close and wait
        raise
    return loaded, plan, syntax


def register(app: typer.Typer) -> None:
    """Add this stage's verbs to the main app."""
    app.command("render", help=RENDER_HELP)(render)
