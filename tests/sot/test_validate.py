from __future__ import annotations

from pathlib import Path

from tests.conftest import CliResult


def test_tiny_sot_is_valid(cli, tiny: Path) -> None:  # type: ignore[no-untyped-def]
    result: CliResult = cli("-i", tiny, "validate")
    assert result.code == 0, result.err
    assert "5 sites" in result.out


def test_missing_directory_is_exit_2(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("-i", tmp_path / "nope", "validate")
    assert result.code == 2
    assert "does not exist" in result.err
    assert "Traceback" not in result.err
