"""The ``netauto`` console script as a whole process, and the global options."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from tests.conftest import CliResult

NETAUTO = Path(sys.executable).parent / "netauto"
Cli = Callable[..., CliResult]


def _run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NETAUTO), *map(str, args)], capture_output=True, text=True, check=False, timeout=120
    )


def test_console_script_flushes_everything_and_keeps_exit_codes(tiny: Path, tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(tiny, inv)
    state = tmp_path / "state"
    plan = _run("-i", inv, "--state-dir", state, "plan", "-f", "json")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["sites"]  # the whole document arrived through the pipe
    assert (inv / "allocations.yml").read_text().startswith("# netauto allocation ledger")
    render = _run("-i", inv, "--state-dir", state, "render", "-o", tmp_path / "configs")
    assert render.returncode == 0, render.stderr
    assert "cm-anxuyen-r1" in render.stdout and "0 errors" in render.stderr
    assert len(list((tmp_path / "configs").iterdir())) == 12
    cache = state / "cache"  # plan's derived data, private to the user
    assert cache.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in cache.iterdir())
    unknown = _run("-i", inv, "render", "--host", "nope")
    assert unknown.returncode == 2 and "unknown device or VM 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    (inv / "allocations.yml").write_text("version: 1\nsites: {1: {slug: x}}\n")
    stale = _run("-i", inv, "plan", "--check")
    assert stale.returncode in (1, 2) and "Traceback" not in stale.stderr


def test_global_options_work_after_the_verb(cli: Cli, inv: Path, tmp_path: Path) -> None:
    before = cli("-i", inv, "plan", "--check")
    after = cli("plan", "--check", "-i", inv)
    equals = cli("plan", f"--inventory={inv}", "--check")
    assert before.code == after.code == equals.code, (before.err, after.err, equals.err)
    assert after.err == before.err
    state = tmp_path / "elsewhere"
    result = cli("validate", "--state-dir", str(state), "-i", inv)
    assert result.code == 0, result.err


def test_values_after_a_double_dash_are_left_alone() -> None:
    from netauto.cli.options import hoist_global_options

    argv = ["lab", "exec", "r1", "--", "grep", "-i", "x", "--state-dir", "y"]
    assert hoist_global_options(argv) == argv


def test_no_stage_imports_typer_or_rich() -> None:
    code = (
        "import sys, netauto.plan, netauto.render, netauto.push, netauto.verify, netauto.sot, "
        "netauto.parse, netauto.connect, netauto.platforms, netauto.report, netauto.lab.runner; "
        "print(sorted(m for m in ('typer', 'rich') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
