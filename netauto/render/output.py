"""Writing render's files and reporting them: no typer, no Jinja2, no typed models.

The ``render`` command uses it, and so does the console script for a render answered from
the cache (:func:`answer_from_cache`): that one starts before the command line (typer,
and pydantic under it) is imported, so the whole command is the time it takes to move the
files written ahead into place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from netauto import console
from netauto.errors import CheckFailed, InputError, NetautoError, Problem
from netauto.fileio import publish_dir, staging_dir
from netauto.render.paths import default_template_dir, stale_outputs
from netauto.render.warm import Cached, Outcome, cached_outcome, take_files, write_outcome

DEFAULT_OUTPUT = Path("build/configs")
"""Where ``render`` writes unless ``-o`` says otherwise."""

WAITING = "waiting for the render `netauto plan` started ahead..."


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
    console.table(
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
        console.err.print(
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
            console.plain(
                f"warning: {len(stale)} files in {output} are not from this render "
                f"(hosts no longer in the plan?): {', '.join(stale[:10])}{more}; "
                "remove them if they are stale"
            )
    files = sum(len(host.files) for host in outcome.hosts)
    console.plain(
        f"{len(outcome.hosts)} hosts, {files} files, {len(errors)} errors, "
        f"{len(outcome.findings) - len(errors)} warnings (FRR parser: {outcome.parser})"
        + (f"; written to {output}" if write else "; nothing written")
    )
    if errors:
        raise CheckFailed(f"{len(errors)} offline check errors; nothing was written")


def output_error(output: Path, exc: OSError) -> InputError:
    """The error for an output directory that cannot be written."""
    return InputError(
        Problem(
            None,
            None,
            "--output",
            f"cannot write the configs to {output}: {exc.strerror or exc}",
            "choose a directory you can write to",
        )
    )


class Staging:
    """The private staging directory of one render's output (see :func:`staging`)."""

    def __init__(self, output: Path) -> None:
        self.output = output
        self.path: Path | None = None

    def make(self) -> Path:
        """Make a new staging directory beside the output (:func:`staging_dir`)."""
        self.path = staging_dir(self.output)
        return self.path

    def publish(self) -> None:
        """Make the staged files appear in the output (:func:`publish_dir`)."""
        if self.path is not None:
            publish_dir(self.path, self.output)
            self.path = None


@contextlib.contextmanager
def staging(output: Path) -> Iterator[Staging]:
    """Stage files for ``output``: a staging directory not published by the end of the
    block is removed, and an :class:`OSError` becomes the error that names ``--output``."""
    stage = Staging(output)
    try:
        yield stage
    except OSError as exc:
        raise output_error(output, exc) from None
    finally:
        if stage.path is not None:
            shutil.rmtree(stage.path, ignore_errors=True)


def answer(cached: Cached, output: Path, check: bool, quiet: bool) -> None:
    """Finish a render from a stored one: move its files written ahead into ``output``
    (or write them when they cannot be moved) unless ``check`` or a check found an error,
    and report exactly as a fresh render does.

    Raises:
        InputError: ``output`` cannot be written.
        CheckFailed: an offline check found an error (nothing was written).
    """
    outcome = cached.outcome
    existed = output.is_dir()
    write = not check and not outcome.errors()
    if write:
        with staging(output) as stage:
            stage.path = take_files(cached.files, output) if cached.files else None
            if stage.path is None:
                write_outcome(stage.make(), outcome)
            stage.publish()
    report(outcome, output, write, quiet, existed)


def quick_args(args: list[str]) -> tuple[Path, bool, bool] | None:
    """(output, check, quiet) of ``render``'s own arguments when they hold only ``-o`` /
    ``--output``, ``--check`` and ``-q`` / ``--quiet``; None for anything else (the
    command line then parses it).

    Examples:
        >>> quick_args(["-q", "-o", "out"])
        (PosixPath('out'), False, True)
        >>> quick_args(["--output=o", "--check"])
        (PosixPath('o'), True, False)
        >>> quick_args(["--host", "r1"]) is None, quick_args(["-o"]) is None
        (True, True)
    """
    output, check, quiet = DEFAULT_OUTPUT, False, False
    rest = iter(args)
    for arg in rest:
        if arg in ("-q", "--quiet"):
            quiet = True
        elif arg == "--check":
            check = True
        elif arg in ("-o", "--output"):
            value = next(rest, None)
            if value is None or value.startswith("-") or not value:
                return None
            output = Path(value)
        elif arg.startswith("--output=") and len(arg) > len("--output="):
            output = Path(arg.partition("=")[2])
        else:
            return None
    return output, check, quiet


def answer_from_cache(inventory: str, state_dir: str, args: list[str]) -> int | None:
    """Run ``netauto render ARGS`` from a stored render (see :func:`answer`) and return
    its exit code; None when ``args`` hold more than :func:`quick_args` reads or nothing
    is stored for the SoT as it is now (the command line then renders). A render ahead
    still running is waited for."""
    quick = quick_args(args)
    if quick is None:
        return None
    cached = cached_outcome(
        Path(inventory),
        Path(state_dir) / "cache",
        default_template_dir(),
        lambda: console.plain(WAITING),
    )
    if cached is None:
        return None
    try:
        answer(cached, *quick)
    except NetautoError as exc:
        console.report_error(exc)
        return exc.exit_code
    return 0
