"""`netauto render` end to end: files, determinism, filters, --check, errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult

Cli = Callable[..., CliResult]


def test_render_writes_one_file_per_host_deterministically(
    cli: Cli, tiny: Path, tmp_path: Path
) -> None:
    first = cli("-i", tiny, "render", "-o", tmp_path / "a")
    assert first.code == 0, first.err
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert "cm-anxuyen-r1.conf" in names and "cm-anxuyen-r1.nft" in names
    assert "dc-lgsp-01.network" in names and len(names) == 12
    assert "cm-anxuyen-r1" in first.out and "0 errors" in first.err
    assert cli("-i", tiny, "render", "-o", tmp_path / "b").code == 0
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_render_filters_and_check_only(cli: Cli, tiny: Path, tmp_path: Path) -> None:
    result = cli("-i", tiny, "render", "-o", tmp_path, "--host", "hub-01-r1", "--site", "dc")
    assert result.code == 0, result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "dc-core-r1.conf",
        "dc-core-r1.nft",
        "dc-lgsp-01.network",
        "dc-portal-01.network",
        "hub-01-r1.conf",
        "hub-01-r1.nft",
    ]
    checked = cli("-i", tiny, "render", "-o", tmp_path / "none", "--check")
    assert checked.code == 0 and not (tmp_path / "none").exists()
    assert "nothing written" in checked.err


def test_render_unknown_host_is_an_input_error(cli: Cli, tiny: Path, tmp_path: Path) -> None:
    result = cli("-i", tiny, "render", "-o", tmp_path, "--host", "cm-anxuyen-r2")
    assert result.code == 2
    assert "unknown device or VM 'cm-anxuyen-r2'" in result.err
    assert "did you mean 'cm-anxuyen-r1'?" in result.err
    assert "Traceback" not in result.err and not any(tmp_path.iterdir())


def test_render_template_error_exits_2_naming_the_template(
    cli: Cli, tiny: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "t"
    (templates / "frr").mkdir(parents=True)
    (templates / "frr" / "device.j2").write_text("hostname {{ d.hostname }}\n{{ d.nope }}\n")
    result = cli("-i", tiny, "render", "-o", tmp_path / "o", "--templates", templates)
    assert result.code == 2
    assert "device.j2:2" in result.err and "nope" in result.err


def test_render_help(cli: Cli) -> None:
    result = cli("render", "--help")
    assert result.code == 0 and "--check" in result.out and "parity" in result.out
