"""`netauto render`: one configuration file per device and VM, checked offline (thin CLI)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from netauto import console
from netauto.errors import InputError, Problem
from netauto.render.output import DEFAULT_OUTPUT, WAITING, answer, report, staging
from netauto.render.paths import default_template_dir
from netauto.render.vtysh import drop_prestarted
from netauto.render.warm import cached_outcome, outcome_of, parser_name
from netauto.settings import Settings, settings

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

After a plain `netauto plan`, the render it started ahead in the background is used (the
same files, checks and output; it is waited for if still running) when no --host, --site,
--ebgp-site or --templates is given and nothing changed since; NETAUTO_NO_EARLY_WORK=1
turns rendering ahead off.

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
    if not (host or site or ebgp_site or templates):
        # rendered ahead by `netauto plan` (netauto.render.warm)
        cached = cached_outcome(
            opts.inventory, opts.state_dir / "cache", template_dir, lambda: console.plain(WAITING)
        )
        if cached is not None:
            drop_prestarted()  # FRR's parser already checked these configs
            answer(cached, output, check, quiet)
            return
    from netauto.render.frrsyntax import discard
    from netauto.render.models import RenderOptions
    from netauto.render.parallel import render_checked

    loaded, plan, syntax = _load(opts, ebgp_site)
    existed = output.is_dir()
    # Every process writes its files into a private staging directory beside the output;
    # it is published only when every check passed (one rename when the output is new,
    # else one atomic rename per file), and removed otherwise.
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


def _load(opts: Settings, ebgp_site: list[str]) -> tuple[LoadedSoT, Plan, list[SyntaxRun]]:
    """The SoT and plan (checking ``--ebgp-site`` against it), and FRR's parser started."""
    from netauto.plan import sot_and_plan
    from netauto.render.frrsyntax import discard, start_syntax_runs
    from netauto.render.parallel import cores

    # FRR's parser builds its command tables (~40 ms per vtysh) on the second core while
    # this one loads the plan; the configs are fed to it once rendered.
    syntax = start_syntax_runs(min(cores(), 2))
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
