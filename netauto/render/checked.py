"""Render the selected hosts and run every offline check on them, writing as it goes.

FRR's parser (``vtysh --dryrun``) is started before the plan is loaded and gets each FRR
config the moment it is rendered, so it parses on the second core while Python renders
and checks the rest; its findings are collected last. With a staging directory, every
file is written there (it is published by the caller only when nothing failed).
"""

from __future__ import annotations

from pathlib import Path

from netauto.fileio import write_new
from netauto.plan.models import Plan
from netauto.render.checks import check_rendered
from netauto.render.engine import render_device, render_vm, select
from netauto.render.frrsyntax import SyntaxRun, start_syntax_run
from netauto.render.models import Finding, RenderedConfig, RenderOptions
from netauto.render.policy import policy_index
from netauto.sot.models import SoT


def write_files(stage: Path, rendered: list[RenderedConfig]) -> None:
    """Write every file of ``rendered`` (config and side files) into the new ``stage``."""
    for config in rendered:
        for file in config.files():
            write_new(stage / file.filename, file.text)


def render_checked(
    sot: SoT,
    plan: Plan,
    hosts: list[str] | None = None,
    sites: list[str] | None = None,
    options: RenderOptions | None = None,
    template_dir: Path | None = None,
    stage: Path | None = None,
    syntax: SyntaxRun | None = None,
) -> tuple[list[RenderedConfig], list[Finding]]:
    """Render the selected devices and VMs and run every offline check on them.

    Returns the configs in plan order and the findings (address and parity checks first,
    then FRR's parser). With ``stage`` (an empty private directory, see
    :func:`netauto.fileio.staging_dir`) the files are written there unless a check found
    an error. ``syntax``: a vtysh run started earlier (:func:`start_syntax_run`); it is
    started here otherwise, and waited for here in any case.
    """
    run = syntax if syntax is not None else start_syntax_run()
    try:
        devices, vms = select(sot, plan, hosts, sites)
        policy = policy_index(sot, plan)
        rendered: list[RenderedConfig] = []
        for host in devices:
            config = render_device(sot, plan, host, options, template_dir, policy)
            rendered.append(config)
            if run is not None:
                run.send(config)  # FRR parses it while the next one renders
        rendered += [render_vm(sot, plan, vm, template_dir) for vm in vms]
        if run is not None:
            run.close()
        findings = check_rendered(plan, rendered, sot.imported, sot.management.networks)
        if stage is not None and not any(f.severity == "error" for f in findings):
            write_files(stage, rendered)  # while FRR's parser finishes
    finally:
        parsed = run.findings() if run is not None else []
    return rendered, findings + parsed
