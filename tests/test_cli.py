"""The ``netauto`` console script as a whole process: output flushed, exit codes kept.

``plan`` and ``render`` end their process with ``os._exit`` once their output is flushed
(see ``netauto.cli.QUICK_EXIT_VERBS``); these tests run the real console script.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from netauto import cache
from netauto.plan import plan_cache_key

NETAUTO = Path(sys.executable).parent / "netauto"


def _run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(NETAUTO), *map(str, args)], capture_output=True, text=True, check=False, timeout=120
    )


def test_quick_verbs_flush_everything_and_keep_their_exit_codes(tiny: Path, tmp_path: Path) -> None:
    inv = tmp_path / "inv"
    shutil.copytree(tiny, inv)
    state = tmp_path / "state"
    plan = _run("-i", inv, "--state-dir", state, "plan", "-f", "json")
    assert plan.returncode == 0, plan.stderr
    assert json.loads(plan.stdout)["sites"]  # the whole document arrived through the pipe
    assert (inv / "allocations.yml").read_text().startswith("# netauto allocation ledger")
    # the cache is written by a background process that may outlive `plan`: a reader waits
    assert cache.load(state / "cache", plan_cache_key(inv)) is not None
    assert not list((state / "cache").glob("*.lock"))
    render = _run("-i", inv, "--state-dir", state, "render", "-o", tmp_path / "configs")
    assert render.returncode == 0, render.stderr
    assert "cm-anxuyen-r1" in render.stdout and "0 errors" in render.stderr
    assert len(list((tmp_path / "configs").iterdir())) == 12
    unknown = _run("-i", inv, "--state-dir", state, "render", "--host", "nope")
    assert unknown.returncode == 2 and "unknown device or VM 'nope'" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    (inv / "allocations.yml").write_text("version: 1\nsites: {1: {slug: x}}\n")
    stale = _run("-i", inv, "--state-dir", state, "plan", "--check")
    assert stale.returncode in (1, 2) and "Traceback" not in stale.stderr
