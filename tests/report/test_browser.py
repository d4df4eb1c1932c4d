"""The HTML report in a real browser: headless Chromium renders it, with no console errors.

Chromium (Debian's ``chromium``) loads the report from disk, dumps the DOM it built and
takes a screenshot; its log (``--enable-logging=stderr``) carries every console message
and uncaught exception as ``INFO:CONSOLE`` lines. A control page with a deliberate console
error proves the check would catch one.
"""

from __future__ import annotations

import re
import struct
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.errors import InputError
from netauto.sot.loader import load_sot
from netauto.verify.history import save_run
from tests.conftest import EXAMPLE, CliResult
from tests.report.factory import province_run, run_from_sot

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium (/usr/bin/chromium): apt-get install -y chromium",
    ),
]

_CONSOLE = re.compile(r":CONSOLE(?:\(\d+\))?:?\d*\]|Uncaught|console\.error", re.IGNORECASE)


def _chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *extra,
        page.resolve().as_uri(),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def _console_lines(log: str) -> list[str]:
    return [line for line in log.splitlines() if _CONSOLE.search(line)]


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_console_check_catches_errors(tmp_path: Path) -> None:
    """Control: the log scan does see console errors and uncaught exceptions."""
    page = tmp_path / "bad.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        "<script>console.error('boom'); notDefined();</script></body></html>",
        encoding="utf-8",
    )
    result = _chromium(page, tmp_path / "profile", "--dump-dom")
    lines = _console_lines(result.stderr)
    assert any("boom" in line for line in lines), result.stderr[-2000:]
    assert any("Uncaught ReferenceError" in line for line in lines), result.stderr[-2000:]


def _render_and_check(
    cli: Callable[..., CliResult], state: Path, tmp_path: Path, expected: str
) -> str:
    result = cli("--state-dir", state, "report")
    assert result.code == 0, result.err
    report = next((state / "reports").glob("run-*.html"))

    dumped = _chromium(report, tmp_path / "profile", "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert _console_lines(dumped.stderr) == []
    dom = dumped.stdout
    figure = re.search(r'<div class="value" id="fig-dual-stack"[^>]*>([^<]*)</div>', dom)
    assert figure is not None and figure.group(1) == expected

    shot = tmp_path / "report.png"
    taken = _chromium(
        report, tmp_path / "profile", f"--screenshot={shot}", "--window-size=1280,2000"
    )
    assert taken.returncode == 0, taken.stderr[-2000:]
    assert _console_lines(taken.stderr) == []
    assert _png_size(shot) == (1280, 2000)
    assert shot.stat().st_size > 50_000  # a rendered page, not a blank one
    return dom


def test_province_report_renders_in_chromium(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    state = tmp_path / "state"
    save_run(state, province_run({}, started="2025-11-01T02:00:00+00:00"))
    save_run(state, province_run(started="2025-11-02T02:00:00+00:00"))
    dom = _render_and_check(cli, state, tmp_path, "61/64")
    assert re.search(r'id="fig-ipv4"[^>]*>63/64<', dom)
    assert re.search(r'id="fig-ipv6"[^>]*>62/64<', dom)
    assert 'data-verdict="fail"' in dom
    for name in ("Phường Bạc Liêu", "Xã Trần Văn Thời", "Xã Tạ An Khương"):
        assert name in dom


def test_example_report_renders_in_chromium(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    try:
        sot = load_sot(EXAMPLE).sot
    except InputError as exc:
        pytest.skip(f"the example province in {EXAMPLE} does not load yet: {exc}")
    communes = [s for s in sot.sites if s.kind == "commune"]
    if not communes or not sot.services:
        pytest.skip("the example province has no communes or no services yet")
    first = communes[0].slug
    service = sorted(sot.services)[0]
    state = tmp_path / "state"
    save_run(state, run_from_sot(sot, {(first, service, "ipv6"): "fail"}))
    dom = _render_and_check(cli, state, tmp_path, f"{len(communes) - 1}/{len(communes)}")
    assert communes[0].name in dom


def test_migration_report_renders_in_chromium(
    cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    from netauto.verify.history import save_migration
    from tests.verify.migrations import broken

    state = tmp_path / "state"
    save_migration(state, broken())
    result = cli("--state-dir", state, "report", "--run", "1")
    assert result.code == 0, result.err
    report = state / "reports" / "run-1.html"
    dumped = _chromium(report, tmp_path / "profile", "--dump-dom")
    assert dumped.returncode == 0, dumped.stderr[-2000:]
    assert _console_lines(dumped.stderr) == []
    assert re.search(r'id="fig-migrated"[^>]*>1/3<', dumped.stdout)
    assert 'data-commune="phuong-ly-van-lam" data-outcome="rolled-back"' in dumped.stdout
    shot = tmp_path / "migration.png"
    taken = _chromium(report, tmp_path / "profile", f"--screenshot={shot}",
                      "--window-size=1280,2000")  # fmt: skip
    assert taken.returncode == 0 and _console_lines(taken.stderr) == []
    assert _png_size(shot) == (1280, 2000) and shot.stat().st_size > 50_000
