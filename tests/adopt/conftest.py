"""Fixtures for the import tests: writable copies of the tiny SoT and of the saved configs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import ROOT, TINY

CONFIGS = ROOT / "tests" / "data" / "configs"


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under ``directory`` with its bytes (to prove nothing was written)."""
    return {
        str(p.relative_to(directory)): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) by ``new`` in ``path``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def sot_dir(tmp_path: Path) -> Path:
    """A writable copy of the tiny SoT (FRR routers), never planned (no ledger)."""
    target = tmp_path / "inventory"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture
def frr_dir(tmp_path: Path) -> Path:
    """A writable copy of the FRR sample configurations of the tiny province."""
    target = tmp_path / "configs"
    shutil.copytree(CONFIGS / "frr", target)
    return target
