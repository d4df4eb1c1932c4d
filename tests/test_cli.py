"""The ``netauto`` console script as a whole process: output flushed, exit codes kept.

``plan`` and ``render`` end their process with ``os._exit`` once their output is flushed
(see ``netauto.cli.QUICK_EXIT_VERBS``); these tests run the real console script.
"""

from __future__ import annotations

import json
import os
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


PROBE = """
import sys
from netauto.launch import skip_pydantic_plugin_loader
print(skip_pydantic_plugin_loader())
from netauto.sot import load_sot
from pathlib import Path
load_sot(Path(sys.argv[1]))  # validates the whole SoT: pydantic builds its validators
print("importlib.metadata" in sys.modules)
"""


def _probe(tiny: Path, plugins: str | None) -> list[str]:
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    if plugins is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = plugins
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(tiny)], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_disabled_pydantic_plugins_are_not_looked_up(tiny: Path) -> None:
    # plugins off (netauto's default): no plugin loader, and validation works without it
    assert _probe(tiny, "__all__") == ["True", "False"]
    # plugins on: pydantic's own loader runs as always
    assert _probe(tiny, None) == ["False", "True"]
    assert _probe(tiny, "some-plugin") == ["False", "True"]
