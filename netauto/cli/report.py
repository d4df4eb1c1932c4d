"""`netauto report`: a stored verification run as an HTML, CSV, JSON or Markdown report."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

import typer

from netauto.cli.options import settings
from netauto.cli.output import err, out
from netauto.fileio import atomic_write
from netauto.report.build import build_report
from netauto.report.formats import to_csv, to_html, to_markdown
from netauto.verify.history import load_stored, summaries


class Format(StrEnum):
    html = "html"
    csv = "csv"
    json = "json"
    md = "md"


def report(
    ctx: typer.Context,
    run: int | None = typer.Option(
        None, "--run", min=1, help="Run id from the history (default: the latest run)."
    ),
    fmt: Format = typer.Option(
        Format.html,
        "--format",
        "-f",
        help="html: the auditor's report; csv: one row per check (UTF-8 with BOM, for Excel); "
        "json: the run's raw results exactly as hashed; md: Markdown.",
        case_sensitive=False,
    ),
    output: Path | None = typer.Option(
        None,
        "-o",
        "--output",
        help="Write here (atomically). Default: html to <state-dir>/reports/run-<id>.html; "
        "csv, json and md to stdout.",
        dir_okay=False,
    ),
) -> None:
    """Report a verification run from the history: headline figures, per hub and per commune
    tables, a commune × service matrix, failures with evidence, trend and the SHA-256 of the
    raw results (`netauto report --run N --format json | sha256sum` recomputes it).

    Examples: `netauto report` (latest run, HTML under the state directory);
    `netauto report --run 3 -f csv -o run-3.csv`; `netauto report -f md > report.md`.
    """
    state_dir = settings(ctx).state_dir
    stored = load_stored(state_dir, run)
    run_id = stored.run.info.run_id
    if fmt is Format.json:
        text = stored.raw_json
    elif fmt is Format.csv:
        text = to_csv(stored.run)
    else:
        generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        data = build_report(
            stored.run,
            sha256=stored.sha256,
            earlier=summaries(state_dir, up_to=run_id),
            generated=generated,
        )
        text = to_html(data) if fmt is Format.html else to_markdown(data)
        if output is None and fmt is Format.html:
            output = state_dir / "reports" / f"run-{run_id}.html"
    if output is None:
        typer.echo(text, nl=False)
        return
    atomic_write(output, text)
    h = stored.run
    communes = [s for s in h.sites if s.kind == "commune"]
    err.print(
        f"Run {run_id} ({h.info.target}, {h.info.started}), {len(communes)} communes; "
        f"SHA-256 {stored.sha256}"
    )
    out.print(f"Report written to {output}")


def register(app: typer.Typer) -> None:
    """Add `report` to the main app."""
    app.command("report")(report)
