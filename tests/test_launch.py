"""The console script's early work (``netauto.launch``) changes speed, never results."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from netauto.launch import verb_of
from netauto.render import vtysh
from netauto.render.engine import default_template_dir
from netauto.render.frrsyntax import start_syntax_runs

NETAUTO = Path(sys.executable).parent / "netauto"


def test_the_verb_is_found_after_the_root_options() -> None:
    assert verb_of(["--state-dir", "s", "-i", "a/b", "render", "-o", "x"]) == "render"
    assert verb_of(["-i", "render", "plan"]) == "plan"  # "render" is -i's value here


@pytest.mark.skipif(vtysh.vtysh_path() is None, reason="FRR (vtysh) is not installed")
def test_prestarted_vtysh_runs_are_handed_out_once() -> None:
    vtysh.prestart(2)
    started = list(vtysh._prestarted)
    runs = start_syntax_runs(3)
    assert [r.process for r in runs[:2]] == [s.process for s in started] and len(runs) == 3
    assert vtysh.take_prestarted(2) == []
    for run in runs:
        assert run.findings() == []  # fed nothing: nothing to find


def test_render_with_early_vtysh_gives_the_same_files_and_findings(
    tiny: Path, tmp_path: Path
) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(tiny, inv)
    bad = tmp_path / "templates"  # FRR rejects one line: the parser's findings must match
    shutil.copytree(default_template_dir(), bad)
    base = bad / "frr" / "base.j2"
    base.write_text(base.read_text() + "ip frobnicate\n")
    seen = []
    for early in (True, False):
        env = {k: v for k, v in os.environ.items() if k != "NETAUTO_NO_EARLY_WORK"}
        if not early:
            env["NETAUTO_NO_EARLY_WORK"] = "1"
        for templates in ([], ["--templates", str(bad)]):
            out = tmp_path / f"out-{early}-{len(templates)}"
            result = subprocess.run(
                [str(NETAUTO), "-i", str(inv), "--state-dir", str(tmp_path / "st"), "render",
                 "-q", "-o", str(out), *templates],
                capture_output=True, text=True, env=env, check=False, timeout=120,
            )  # fmt: skip
            files = {p.name: p.read_bytes() for p in out.iterdir()} if out.exists() else {}
            seen.append((result.returncode, result.stderr.replace(str(out), "OUT"), files))
    assert seen[:2] == seen[2:]
    assert seen[0][0] == 0 and seen[0][2] and seen[1][0] == 1 and "ip frobnicate" in seen[1][1]
