"""A render's outcome as plain data, and its staging directory (no typer, no rich).

:class:`Outcome` is what the ``render`` verb reports (hosts, files, findings, the FRR
parser used); :func:`staging` makes, publishes or removes the private directory the files
are written into, so a failed render never leaves half an output.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from netauto.errors import InputError, Problem
from netauto.fileio import publish_dir, staging_dir

if TYPE_CHECKING:
    from netauto.render.models import Finding, RenderedConfig

DEFAULT_OUTPUT = Path("build/configs")
"""Where ``render`` writes unless ``-o`` says otherwise."""


class HostFiles(NamedTuple):
    """What render wrote for one host: its files and what the summary shows of them."""

    hostname: str
    platform: str
    files: tuple[tuple[str, str], ...]
    """(file name, text): the main config first, then its side files."""
    templates: int
    """Templates used, all files together."""

    @property
    def lines(self) -> int:
        """Lines in all of the host's files."""
        return sum(text.count("\n") for _, text in self.files)


class FindingLine(NamedTuple):
    """One offline-check finding, as render reports it."""

    hostname: str
    severity: str
    text: str


class Outcome(NamedTuple):
    """A render's result as the CLI uses it: plain data, cheap to store and to load."""

    hosts: tuple[HostFiles, ...]
    findings: tuple[FindingLine, ...]
    """Address and parity checks first, then FRR's parser (the order render reports)."""
    parser: str
    """FRR's parser that checked the FRR configs: ``vtysh --dryrun`` or ``not installed``."""

    def errors(self) -> list[FindingLine]:
        """The findings that stop render from writing."""
        return [f for f in self.findings if f.severity == "error"]

    def filenames(self) -> set[str]:
        """Every file name of every host."""
        return {name for host in self.hosts for name, _ in host.files}


def outcome_of(
    rendered: Iterable[RenderedConfig], findings: Iterable[Finding], parser: str
) -> Outcome:
    """The :class:`Outcome` of rendered configs and their findings (pure)."""
    hosts = tuple(
        HostFiles(
            config.hostname,
            config.platform,
            tuple((f.filename, f.text) for f in config.files()),
            len({t for f in config.files() for t in f.templates}),
        )
        for config in rendered
    )
    lines = tuple(FindingLine(f.hostname, f.severity, str(f)) for f in findings)
    return Outcome(hosts, lines, parser)


def parser_name() -> str:
    """How FRR configs are parsed on this machine (as render's summary says it)."""
    from netauto.render.vtysh import vtysh_path

    return "vtysh --dryrun" if vtysh_path() else "not installed"



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
