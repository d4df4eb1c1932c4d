"""`netauto report` end to end: history on disk -> every format, files, errors."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.verify.history import load_entry, load_stored, save_migration, save_run
from tests.conftest import CliResult
from tests.report.factory import PROVINCE_FAILURES, province_run

Cli = Callable[..., CliResult]


@pytest.fixture
def state(tmp_path: Path) -> Path:
    """A state directory holding three runs: 60/64, 61/64, then 61/64 again."""
    state_dir = tmp_path / "state"
    extra = {**PROVINCE_FAILURES, ("site-3030", "mail", "ipv6"): "fail"}
    save_run(state_dir, province_run(extra, started="2025-11-01T02:00:00+00:00"))
    save_run(state_dir, province_run(started="2025-11-02T02:00:00+00:00"))
    save_run(state_dir, province_run(started="2025-11-03T02:00:00+00:00", target="prod"))
    return state_dir


def test_html_default_path(cli: Cli, state: Path) -> None:
    result = cli("--state-dir", state, "report")
    assert result.code == 0, result.err
    path = state / "reports" / "run-3.html"
    assert f"Report written to {path}" in result.out
    html = path.read_text(encoding="utf-8")
    assert 'id="fig-dual-stack"' in html and ">61/64<" in html
    assert load_stored(state, 3).sha256 in html
    assert 'data-run="1"' in html and 'data-run="2"' in html  # the trend
    assert "Phường Bạc Liêu" in html


def test_json_is_the_hashed_raw_results(cli: Cli, state: Path) -> None:
    result = cli("--state-dir", state, "report", "--run", "2", "--format", "json")
    assert result.code == 0, result.err
    stored = load_stored(state, 2)
    assert result.out == stored.raw_json
    assert hashlib.sha256(result.out.encode("utf-8")).hexdigest() == stored.sha256
    assert json.loads(result.out)["info"]["run_id"] == 2


def test_json_to_file_hashes_the_same(cli: Cli, state: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "run-1.json"
    result = cli("--state-dir", state, "report", "--run", "1", "--format", "json", "-o", target)
    assert result.code == 0, result.err
    assert hashlib.sha256(target.read_bytes()).hexdigest() == load_stored(state, 1).sha256
    assert str(target) in result.out


def test_csv_to_stdout_and_file(cli: Cli, state: Path, tmp_path: Path) -> None:
    result = cli("--state-dir", state, "report", "--format", "csv")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out.removeprefix("\ufeff"))))
    assert len(rows) == len(province_run().checks)
    assert {r["run_id"] for r in rows} == {"3"}
    target = tmp_path / "run.csv"
    assert cli("--state-dir", state, "report", "-f", "csv", "-o", target).code == 0
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Xã Trần Văn Thời" in target.read_text(encoding="utf-8-sig")


def test_markdown_of_an_earlier_run(cli: Cli, state: Path) -> None:
    result = cli("--state-dir", state, "report", "--run", "1", "--format", "md")
    assert result.code == 0, result.err
    assert "**60/64**" in result.out
    assert "(this run)" in result.out
    trend = result.out.split("## Xu hướng")[1]
    assert "| 1 (this run) |" in trend
    assert "2025-11-02" not in trend  # the trend of run 1 stops at run 1


def test_html_to_chosen_file(cli: Cli, state: Path, tmp_path: Path) -> None:
    target = tmp_path / "báo-cáo.html"
    result = cli("--state-dir", state, "report", "--run", "2", "-o", target)
    assert result.code == 0, result.err
    assert target.read_text(encoding="utf-8").count("<html") == 1
    assert not (state / "reports").exists()


def test_no_history_exit_2(cli: Cli, tmp_path: Path) -> None:
    result = cli("--state-dir", tmp_path / "empty", "report")
    assert result.code == 2
    assert "no verification history yet" in result.err and "netauto verify" in result.err
    assert "Traceback" not in result.err


def test_unknown_run_exit_2(cli: Cli, state: Path) -> None:
    result = cli("--state-dir", state, "report", "--run", "42")
    assert result.code == 2
    assert "no run 42" in result.err and "runs 1..3 exist" in result.err


def test_bad_format_is_rejected(cli: Cli, state: Path) -> None:
    result = cli("--state-dir", state, "report", "--format", "pdf")
    assert result.code == 2


def test_help(cli: Cli) -> None:
    result = cli("report", "--help")
    assert result.code == 0
    for option in ("--run", "--format", "-o"):
        assert option in result.out


# --- migration runs ------------------------------------------------------------------------


@pytest.fixture
def migrated(tmp_path: Path) -> Path:
    """Verify run 1 (before), migration run 2 (wave 2 rolled back), verify run 3 (after)."""
    from tests.verify.migrations import broken, verify_run

    state_dir = tmp_path / "state"
    save_run(state_dir, verify_run("2025-11-03T01:00:00+00:00"))
    save_migration(state_dir, broken())
    save_run(state_dir, verify_run(statuses={("xa-tan-thanh", "portal", "ipv6"): "fail"}))
    return state_dir


def test_migration_html_default_path(cli: Cli, migrated: Path) -> None:
    result = cli("--state-dir", migrated, "report", "--run", "2")
    assert result.code == 0, result.err
    path = migrated / "reports" / "run-2.html"
    assert f"Report written to {path}" in result.out
    text = " ".join(result.err.split())
    assert "Migration run 2 (lab, 2025-11-03T02:00:00+00:00): 1 of 3 communes migrated" in text
    html = path.read_text(encoding="utf-8")
    assert 'data-kind="migration"' in html and load_entry(migrated, 2).sha256 in html
    assert 'id="verified-after" data-run="3"' in html  # the first verify run after it
    assert (
        'data-commune="phuong-ly-van-lam" data-outcome="rolled-back" data-rolled-back="yes"' in html
    )
    assert ">2/3<" in html  # dual-stack after: xa-tan-thanh fails portal over IPv6 in run 3


def test_migration_json_csv_md(cli: Cli, migrated: Path) -> None:
    raw = cli("--state-dir", migrated, "report", "--run", "2", "-f", "json")
    assert raw.code == 0, raw.err
    entry = load_entry(migrated, 2)
    assert raw.out == entry.raw_json
    assert hashlib.sha256(raw.out.encode("utf-8")).hexdigest() == entry.sha256
    assert json.loads(raw.out)["kind"] == "migration"
    table = cli("--state-dir", migrated, "report", "--run", "2", "-f", "csv")
    assert table.code == 0, table.err
    rows = list(csv.DictReader(io.StringIO(table.out.removeprefix("\ufeff"))))
    assert len(rows) == 3 * 4 * 2 and {r["run_id"] for r in rows} == {"2"}
    lost = [r for r in rows if r["lost"] != "0"]
    assert [(r["commune_name"], r["window"], r["family"]) for r in lost] == [
        ("Phường Lý Văn Lâm", "batch 1", "ipv4")]  # fmt: skip
    assert {r["commune"]: r["dual_stack_after"] for r in rows} == {
        "phuong-an-xuyen": "yes", "phuong-ly-van-lam": "yes", "xa-tan-thanh": "no"}  # fmt: skip
    md = cli("--state-dir", migrated, "report", "--run", "2", "-f", "md")
    assert md.code == 0, md.err
    assert "(verify run 3)" in md.out and "| Phường Lý Văn Lâm |" in md.out


def test_report_without_run_is_the_latest_verify_run(cli: Cli, migrated: Path) -> None:
    from tests.verify.migrations import clean

    save_migration(migrated, clean())
    result = cli("--state-dir", migrated, "report", "-f", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["info"]["run_id"] == 3
    trend = cli("--state-dir", migrated, "report", "-f", "md").out.split("## Xu hướng")[1]
    runs = [line.split("|")[1].strip() for line in trend.splitlines()[4:] if line.startswith("|")]
    assert runs == ["1", "3 (this run)"]  # migration runs are not in the trend


def test_migration_with_no_verify_after(cli: Cli, tmp_path: Path) -> None:
    from tests.verify.migrations import broken

    state_dir = tmp_path / "state"
    save_migration(state_dir, broken())
    latest = cli("--state-dir", state_dir, "report")
    assert latest.code == 2
    text = " ".join(latest.err.split())
    assert "no verification history yet" in text and "netauto report --run 1" in text
    result = cli("--state-dir", state_dir, "report", "--run", "1", "-f", "md")
    assert result.code == 0, result.err
    assert "no verify run after this migration yet" in result.out
