"""The whole main job on the tiny province, through the real CLI and the real lab.

plan → render → lab up → push (routers) → push --vms (data-centre VMs, Ansible) → verify →
report: what `make demo` does on the example, at CI size. Needs root.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import TINY, CliResult

pytestmark = [
    pytest.mark.lab,
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root (network namespaces, FRR, sshd)"),
    pytest.mark.skipif(not shutil.which("nft"), reason="needs nftables"),
]

PREFIX = "ne-"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    base = tmp_path_factory.mktemp("pipeline")
    inventory = base / "inventory"
    shutil.copytree(TINY, inventory)
    env = {"NETAUTO_LAB_PREFIX": PREFIX, "NETAUTO_STATE_DIR": str(base / "state")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        yield base
    finally:
        from netauto.lab import runner

        runner.down(PREFIX)
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_main_job_end_to_end(cli: Callable[..., CliResult], workdir: Path) -> None:
    inv = workdir / "inventory"
    configs = workdir / "configs"
    state = workdir / "state"

    assert cli("-i", inv, "plan").code == 0
    second = cli("-i", inv, "plan")
    assert second.code == 0 and "no changes" in (second.out + second.err)
    assert cli("-i", inv, "render", "-o", configs, "-q").code == 0
    up = cli("-i", inv, "lab", "up")
    assert up.code == 0, up.err

    pushed = cli("-i", inv, "push", "--configs", configs, "--commit", "-f", "json")
    assert pushed.code == 0, pushed.err
    assert {r["outcome"] for r in json.loads(pushed.out)} == {"committed"}

    vms = cli("-i", inv, "push", "--vms", "--commit", "-f", "json")
    assert vms.code == 0, vms.err + vms.out
    again = cli("-i", inv, "push", "--vms", "--commit", "-f", "json")
    assert again.code == 0, again.err
    assert all(r["changed"] == 0 for r in json.loads(again.out))

    unchanged = cli("-i", inv, "push", "--configs", configs, "--commit", "-f", "json")
    assert {r["outcome"] for r in json.loads(unchanged.out)} == {"unchanged"}

    verified = cli("-i", inv, "verify", "--wait", "60", "--junit", workdir / "verify.xml")
    assert verified.code == 0, verified.out + verified.err
    assert (workdir / "verify.xml").is_file()

    report = cli("-i", inv, "report")
    assert report.code == 0, report.err
    html = next((state / "reports").glob("run-*.html")).read_text(encoding="utf-8")
    assert "Phường An Xuyên" in html

    audit = [json.loads(x) for x in (state / "audit.jsonl").read_text().splitlines()]
    assert {a["action"] for a in audit} >= {"push"}
    assert all("password" not in json.dumps(a).lower() for a in audit)
