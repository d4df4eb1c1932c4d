"""Rendering ahead (``netauto.render.warm``) changes how fast render answers, never what."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from netauto.launch import global_paths, plain_plan_paths
from netauto.plan import plan_cache_key, sot_and_plan
from netauto.render import cli as render_cli
from netauto.render.parallel import render_checked
from netauto.render.paths import default_template_dir
from netauto.render.vtysh import vtysh_path
from netauto.render.warm import (
    cached_outcome,
    outcome_of,
    parser_name,
    render_ahead,
    render_key,
)
from tests.conftest import EXAMPLE, CliResult

Cli = Callable[..., CliResult]
NETAUTO = Path(sys.executable).parent / "netauto"


def _files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_the_stored_render_is_what_render_makes_once_plan_has_saved_the_ledger(
    inv: Path, tmp_path: Path, cli: Cli
) -> None:
    state = tmp_path / "state"
    render_ahead(inv, state)  # keyed by the ledger plan is about to write (none exists yet)
    cache = state / "cache"
    assert cached_outcome(inv, cache, default_template_dir()) is None
    assert cli("-i", inv, "--state-dir", state, "plan").code == 0
    stored = cached_outcome(inv, cache, default_template_dir())
    assert stored is not None and stored.outcome.hosts and stored.files is not None
    loaded, plan = sot_and_plan(inv)
    fresh = outcome_of(*render_checked(loaded.sot, plan), parser_name())
    assert stored.outcome == fresh
    assert {p.name: p.read_text() for p in stored.files.iterdir()} == {
        name: text for host in fresh.hosts for name, text in host.files
    }


def test_render_answers_from_the_stored_render_and_writes_the_same_files(
    inv: Path, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    assert cli("-i", inv, "--state-dir", state, "plan").code == 0
    fresh = cli("-i", inv, "--state-dir", state, "render", "-o", tmp_path / "fresh")
    render_ahead(inv, state)

    def no_rendering(*args: object) -> object:
        raise AssertionError("rendered again instead of using the stored render")

    files = list((state / "cache").glob("*.files"))
    assert len(files) == 1  # written ahead
    with monkeypatch.context() as patch:
        patch.setattr(render_cli, "_load", no_rendering)
        # the first takes the files written ahead, the second writes them from the cache
        for name in ("cached", "again"):
            cached = cli("-i", inv, "--state-dir", state, "render", "-o", tmp_path / name)
            assert (cached.code, cached.out, cached.err.replace(name, "")) == (
                fresh.code,
                fresh.out,
                fresh.err.replace("fresh", ""),
            )
            assert _files(tmp_path / name) == _files(tmp_path / "fresh")
            assert not files[0].exists()
    modes = {
        p.stat().st_mode for d in ("fresh", "cached", "again") for p in (tmp_path / d).iterdir()
    }
    assert len(modes) == 1


def test_options_a_template_or_the_ledger_changing_are_misses(
    inv: Path, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = tmp_path / "state"
    assert cli("-i", inv, "--state-dir", state, "plan").code == 0
    render_ahead(inv, state)
    calls: list[object] = []
    real = render_cli._load

    def counted(*args: object) -> object:
        calls.append(args)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(render_cli, "_load", counted)
    for options in (["--host", "hub-01-r1"], ["--site", "hub-01"], ["--check"]):
        result = cli("-i", inv, "--state-dir", state, "render", "-o", tmp_path / "o", *options)
        assert result.code == 0, result.err
    assert len(calls) == 2  # --check alone uses the stored render
    templates = tmp_path / "templates"
    shutil.copytree(default_template_dir(), templates)
    plan_key = plan_cache_key(inv)
    before = render_key(plan_key, templates)
    base = templates / "frr" / "base.j2"
    base.write_text(base.read_text() + "! edited\n")
    assert render_key(plan_key, templates) != before
    assert cached_outcome(inv, state / "cache", templates) is None
    ledger = inv / "allocations.yml"
    ledger.write_text(ledger.read_text() + "# edited\n")
    assert cached_outcome(inv, state / "cache", default_template_dir()) is None


def test_a_plain_plan_is_told_apart_from_other_command_lines() -> None:
    assert plain_plan_paths(["plan"]) == ("inventory", ".netauto")
    assert plain_plan_paths(["-i", "render", "plan"]) == ("render", ".netauto")
    assert global_paths(["-i", "x", "--state-dir"]) is None
    assert plain_plan_paths(["-i", "a", "--state-dir=b", "plan"]) == ("a", "b")
    for argv in (["plan", "--prune"], ["--help", "plan"], ["render"], ["plan", "-f", "json"]):
        assert plain_plan_paths(argv) is None


def test_plan_then_render_from_the_console_script_equals_a_render_without_early_work(
    tmp_path: Path,
) -> None:
    inv = tmp_path / "inventory"
    shutil.copytree(EXAMPLE, inv, ignore=shutil.ignore_patterns("allocations.yml"))
    seen = []
    for early in (True, False):
        env = {k: v for k, v in os.environ.items() if k != "NETAUTO_NO_EARLY_WORK"}
        if not early:
            env["NETAUTO_NO_EARLY_WORK"] = "1"
        state, out = tmp_path / f"state-{early}", tmp_path / f"out-{early}"
        base = [str(NETAUTO), "-i", str(inv), "--state-dir", str(state)]
        if early:
            (inv / "allocations.yml").unlink(missing_ok=True)
            subprocess.run([*base, "plan"], capture_output=True, env=env, check=True, timeout=120)
        for args in (["-q", "-o", str(out)], ["--check"]):  # the second prints the table
            result = subprocess.run(
                [*base, "render", *args],
                capture_output=True, text=True, env=env, check=False, timeout=120,
            )  # fmt: skip
            seen.append((result.returncode, (result.stderr + result.stdout).replace(str(out), "")))
        seen.append(_files(out))
        if early:  # the render ahead was stored, and its files were taken by the render
            assert list((state / "cache").glob("*.pickle"))
            assert not list((state / "cache").glob("*.files*"))
    assert seen[:3] == seen[3:]


@pytest.mark.skipif(vtysh_path() is None, reason="FRR (vtysh) is not installed")
def test_a_render_ahead_that_found_errors_keeps_no_files_and_render_reports_them(
    inv: Path, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "templates"  # FRR's parser rejects one line of every FRR config
    shutil.copytree(default_template_dir(), bad)
    base = bad / "frr" / "base.j2"
    base.write_text(base.read_text() + "ip frobnicate\n")
    monkeypatch.setenv("NETAUTO_TEMPLATES", str(bad))
    state = tmp_path / "state"
    assert cli("-i", inv, "--state-dir", state, "plan").code == 0
    fresh = cli("-i", inv, "--state-dir", state, "render", "-o", tmp_path / "fresh")
    render_ahead(inv, state)
    assert not list((state / "cache").glob("*.files*"))
    monkeypatch.setattr(render_cli, "_load", None)  # must not be called
    cached = cli("-i", inv, "--state-dir", state, "render", "-o", tmp_path / "cached")
    assert fresh.code == cached.code == 1 and "frobnicate" in cached.err
    assert cached.err.replace("cached", "") == fresh.err.replace("fresh", "")
    assert not (tmp_path / "cached").exists() and not (tmp_path / "fresh").exists()
