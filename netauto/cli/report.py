"""`netauto report`: a stored run (verify or migration) as an HTML, CSV, JSON or Markdown report."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path

import typer

from netauto.cli.options import settings
from netauto.cli.output import err, out
from netauto.fileio import atomic_write
from netauto.report.build import build_report
from netauto.report.formats import (
    migration_csv,
    migration_html,
    migration_markdown,
    to_csv,
    to_html,
    to_markdown,
)
from netauto.report.migration import build_migration_report
from netauto.verify.history import StoredMigration, load_entry, summaries, verify_after
from netauto.verify.migration import summary_line


class Format(StrEnum):
    html = "html"
    csv = "csv"
    json = "json"
    md = "md"


def report(
    ctx: typer.Context,
    run: int | None = typer.Option(
        None,
        "--run",
        min=1,
        help="Run id from the history: a verify run or a migration run (default: the latest "
        "verify run).",
    ),
    fmt: Format = typer.Option(
        Format.html,
        "--format",
        "-f",
        help="html: the auditor's report; csv: one row per check, or per commune, window and "
        "family for a migration (UTF-8 with BOM, for Excel); json: the run's raw results "
        "exactly as hashed; md: Markdown.",
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
    """Report a run from the history. A verify run: headline figures, per hub and per commune
    tables, a commune × service matrix, failures with evidence, trend. A migration run (a
    guarded `netauto push --commit --guard`): per commune its IPv4 reachability before, the
    probes sent and lost per family in each wave, rollbacks and whether the first verify run
    after it found it dual-stack connected; the waves with their windows and verdicts. Both
    carry the SHA-256 of the raw results (`netauto report --run N --format json | sha256sum`
    recomputes it).

    Examples: `netauto report` (latest verify run, HTML under the state directory);
    `netauto report --run 3 -f csv -o run-3.csv`; `netauto report -f md > report.md`.
    """
    state_dir = settings(ctx).state_dir
    entry = load_entry(state_dir, run)
    run_id = entry.run.info.run_id
    generated = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    if fmt is Format.json:
        text = entry.raw_json
    elif isinstance(entry, StoredMigration):
        after = verify_after(state_dir, entry.run)
        data = build_migration_report(
            entry.run,
            sha256=entry.sha256,
            after=after.run if after is not None else None,
            after_sha256=after.sha256 if after is not None else "",
            generated=generated,
        )
        if fmt is Format.csv:
            text = migration_csv(data)
        elif fmt is Format.md:
            text = migration_markdown(data)
        else:
            text = migration_html(data)
    elif fmt is Format.csv:
        text = to_csv(entry.run)
    else:
        data_v = build_report(
            entry.run,
            sha256=entry.sha256,
            earlier=summaries(state_dir, up_to=run_id),
            generated=generated,
        )
        text = to_html(data_v) if fmt is Format.html else to_markdown(data_v)
    if output is None and fmt is Format.html:
        output = state_dir / "reports" / f"run-{run_id}.html"
    if output is None:
        typer.echo(text, nl=False)
        return
    atomic_write(output, text)
    info = entry.run.info
    if isinstance(entry, StoredMigration):
        err.print(
            f"Migration run {run_id} ({info.target}, {info.started}): "
            f"{summary_line(entry.run)}; SHA-256 {entry.sha256}",
            markup=False,
            highlight=False,
        )
    else:
        communes = [s for s in entry.run.sites if s.kind == "commune"]
        err.print(
            f"Run {run_id} ({info.target}, {info.started}), {len(communes)} communes; "
            f"SHA-256 {entry.sha256}"
        )
    out.print(f"Report written to {output}")


def register(app: typer.Typer) -> None:
    """Add `report` to the main app."""
    app.command("report")(report)
