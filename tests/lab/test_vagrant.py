"""The Vagrantfile: generated from the SoT, committed for the tiny SoT, valid Ruby."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import ROOT, TINY, CliResult


def test_committed_vagrantfile_is_the_generated_one(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    target = tmp_path / "Vagrantfile"
    result = cli("-i", "tests/data/tiny", "lab", "vagrant", "-o", target)
    assert result.code == 0, result.err
    assert "5 routers" in result.out
    assert target.read_text() == (ROOT / "Vagrantfile").read_text(), (
        "regenerate: netauto -i tests/data/tiny lab vagrant"
    )


def test_vagrantfile_names_interfaces_as_the_plan_does(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    target = tmp_path / "Vagrantfile"
    assert cli("-i", TINY, "lab", "vagrant", "--sites", "cm-anxuyen-r1", "-o", target).code == 0
    text = target.read_text()
    for name in ("dc-core-r1", "hub-01-r1", "cm-anxuyen-r1"):
        assert f'name: "{name}"' in text
    assert "cm-lyvanlam-r1" not in text
    assert 'ifname: "eth1"' in text and 'lans: ["lan10", "lan20"]' in text


@pytest.mark.skipif(shutil.which("ruby") is None, reason="ruby is not installed")
def test_vagrantfile_is_valid_ruby() -> None:
    proc = subprocess.run(
        ["ruby", "-c", str(ROOT / "Vagrantfile")], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "Syntax OK" in proc.stdout
