"""Shared fixtures: run the CLI in-process, locate the bundled data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"
EXAMPLE = ROOT / "inventory"


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run ``netauto ARGS...`` in-process; returns exit code, stdout and stderr."""
    from netauto.cli import main

    def run(*args: str | Path) -> CliResult:
        capsys.readouterr()
        try:
            main([str(a) for a in args])
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


@pytest.fixture
def tiny() -> Path:
    """The tiny SoT: 1 data centre, 1 hub, 3 communes, 2 VMs."""
    return TINY


@pytest.fixture
def inv(tiny: Path, tmp_path: Path) -> Path:
    """A writable copy of the tiny SoT."""
    import shutil

    target = tmp_path / "inventory"
    shutil.copytree(tiny, target)
    return target
